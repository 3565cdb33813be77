// End to end, the setup wizard in a browser: `cartographus-server serve` on a fresh data
// directory and `cartographus-fakes` as Tautulli. The wizard opens on the first start; step 1
// checks the address from the engine and moves the listener to another port, after which the
// page links to the new address and goes on there; step 2 connects the fake Tautulli and its
// test arrives; Emby's test turns step 4 green. Screenshots of every step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  answers,
  artifactsDir,
  dataDirListeningOn,
  freePort,
  repoRoot,
  required,
  sendEmbyTest,
  startFakes,
  tautulliApi,
  waitFor,
} from './support.mjs';

const API_TOKEN = 'e2e-web-setup-token';
const TAUTULLI_KEY = '0123456789abcdef0123456789abcdef';
let server;
let serverExit;
let browser;
let fakes;
let dataDir;
let base;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The address comes from the settings file, as a user's would: the wizard may move it.
  dataDir = dataDirListeningOn('web-setup', `127.0.0.1:${port}`);
  fakes = await startFakes({ tautulliKey: TAUTULLI_KEY });
  server = spawn(required('CARTOGRAPHUS_SERVER_BIN'), ['serve', '--data-dir', dataDir, '--ui-dir', join(repoRoot, 'ui/dist')], {
    env: { ...process.env, CARTOGRAPHUS_API_TOKEN: API_TOKEN, RUST_LOG: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  serverExit = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  // Any verdict will do: the wizard needs the listener and DuckDB, not JetStream.
  await waitFor('the server to answer', 60_000, () => answers(base));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    const { code } = await serverExit;
    assert.equal(code, 0, 'serve must exit cleanly on SIGTERM');
  }
  await fakes?.stop();
});

const shot = (page, name) => page.screenshot({ path: join(artifactsDir, name), fullPage: true });

test('the wizard moves the listener, connects Tautulli with a test that arrives, and hears Emby', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
  let consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.goto(`${base}/#token=${API_TOKEN}`);

  // First start, nothing connected: the wizard opens on step 1.
  await page.getByTestId('setup-wizard').waitFor({ timeout: 30_000 });
  const listener = page.getByTestId('setup-panel-listener');
  await listener.waitFor();
  assert.equal((await page.getByTestId('setup-listen').textContent()).trim(), `127.0.0.1:${new URL(base).port}`);

  // Check from here: the engine calls its own health through the chosen address.
  await listener.getByTestId('setup-check').click();
  const outcome = listener.getByTestId('setup-listen-outcome');
  await waitFor('the check', 15_000, async () => (await outcome.getAttribute('data-outcome')) === 'check-ok');
  assert.match(await outcome.textContent(), new RegExp(`^${base} answered in (under 1|\\d+) ms \\(health: \\w+\\)\\.$`));
  assert.equal(await page.getByTestId('setup-step-listener').getAttribute('data-state'), 'connected');

  // The network choice: a plain warning, and the offer to listen there.
  if ((await listener.getByTestId('setup-address-lan').count()) > 0) {
    await listener.getByTestId('setup-address-lan').first().check();
    assert.match(await listener.getByTestId('setup-lan-warning').textContent(), /reachable from your whole network/);
    assert.match(await listener.getByTestId('setup-listen-move').textContent(), /^Listen on /);
    await shot(page, 'web-setup-listener.png');
    await listener.getByTestId('setup-address-local').check();
  } else {
    await shot(page, 'web-setup-listener.png');
  }

  // Move to another port of this computer: the old address stops, and this page, which can
  // reach nothing any more, shows only a link to the new one.
  const newPort = await freePort();
  const newBase = `http://127.0.0.1:${newPort}`;
  await listener.getByTestId('setup-port').fill(String(newPort));
  await listener.getByTestId('setup-listen-move').click();
  const link = page.getByTestId('setup-continue-link');
  await link.waitFor({ timeout: 15_000 });
  assert.equal(await link.getAttribute('href'), `${newBase}/#token=${API_TOKEN}`);
  assert.equal((await link.textContent()).trim(), `${newBase}/`, 'the link shows no token');
  assert.equal(await page.getByTestId('setup-panel-listener').count(), 0, 'the steps are gone');
  await waitFor('the old address to stop answering', 15_000, async () => !(await answers(base)));
  assert.ok(await answers(newBase), 'the new address answers');
  const settings = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
  assert.equal(settings.config.listen, `127.0.0.1:${newPort}`, 'the choice is kept for the next start');
  await shot(page, 'web-setup-moved.png');

  // Go on at the new address; the old page's failed polls are behind us.
  await link.click();
  await page.waitForURL(`${newBase}/**`);
  consoleErrors = [];
  base = newBase;
  await page.getByTestId('setup-wizard').waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId('setup-listen').textContent()).trim(), `127.0.0.1:${newPort}`);
  assert.ok(!page.url().includes('token='), `the token leaves the address bar: ${page.url()}`);

  // Step 2, Tautulli: the fake's address and key, Connect, Send a test.
  await page.getByTestId('setup-panel-listener').getByTestId('setup-next').click();
  const tautulli = page.getByTestId('setup-panel-tautulli');
  await tautulli.getByTestId('tautulli-url').fill(fakes.tautulliUrl);
  await tautulli.getByTestId('tautulli-api-key').fill(TAUTULLI_KEY);
  await tautulli.getByTestId('tautulli-connect').click();
  const tautulliOutcome = tautulli.getByTestId('tautulli-outcome');
  await waitFor('the connection', 30_000, async () => (await tautulliOutcome.getAttribute('data-outcome')) === 'created');
  assert.match(await tautulliOutcome.textContent(), new RegExp(`Tautulli calls ${newBase}/webhooks/tautulli`));
  assert.equal(await tautulli.getByTestId('tautulli-api-key').count(), 0, 'the key field is gone once connected');
  const notifiers = await tautulliApi(fakes.tautulliUrl, TAUTULLI_KEY, 'get_notifiers');
  assert.deepEqual(
    notifiers.data.map((n) => [n.agent_name, n.friendly_name]),
    [['webhook', 'Cartographus']],
  );

  await tautulli.getByTestId('tautulli-test').click();
  await waitFor('the test to arrive', 30_000, async () => (await tautulliOutcome.getAttribute('data-outcome')) === 'test-received');
  assert.match(await tautulliOutcome.textContent(), /^Test received in \d+ ms: Tautulli reaches this app\.$/);
  assert.equal(await page.getByTestId('setup-step-tautulli').getAttribute('data-state'), 'connected');
  await shot(page, 'web-setup-tautulli.png');

  // Step 3, Plex: shown, left for later.
  await tautulli.getByTestId('setup-next').click();
  const plex = page.getByTestId('setup-panel-plex');
  await plex.waitFor();
  await shot(page, 'web-setup-plex.png');

  // Step 4, Jellyfin and Emby: Emby's "Send Test Notification" to the URL shown turns it green.
  await plex.getByTestId('setup-skip').click();
  const manual = page.getByTestId('setup-panel-manual');
  const embyUrl = await manual.getByTestId('setup-emby-url').inputValue();
  assert.ok(embyUrl.startsWith(`${newBase}/webhooks/emby?token=`), embyUrl);
  const sent = await sendEmbyTest(embyUrl);
  assert.deepEqual([sent.status, sent.json], [200, { status: 'test', source: 'emby' }]);
  const embyWait = manual.getByTestId('emby-event-wait');
  await waitFor('the Emby test to show', 20_000, async () => (await embyWait.getAttribute('data-state')) === 'test-received');
  assert.equal(await page.getByTestId('setup-step-manual').getAttribute('data-state'), 'connected');
  await shot(page, 'web-setup-manual.png');

  // Step 5: what is connected.
  await manual.getByTestId('setup-next').click();
  const done = page.getByTestId('setup-panel-done');
  await done.waitFor();
  assert.equal(await done.getByTestId('setup-summary-tautulli').getAttribute('data-state'), 'waiting');
  assert.match(await done.getByTestId('setup-summary-emby').textContent(), /Test received/);
  await shot(page, 'web-setup-done.png');

  assert.deepEqual(consoleErrors, [], 'no console errors at the new address');
  await page.close();
});
