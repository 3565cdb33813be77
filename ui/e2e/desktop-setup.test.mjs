// End to end, the setup wizard in the real desktop window: a first start (the wizard opens by
// itself), `cartographus-fakes` as Tautulli. Step 1 checks the address through the engine and
// moves the listener to another port — the window talks IPC, so it goes on unaffected; step 2
// connects the fake Tautulli and its test arrives; Emby's test turns step 4 green.
// Screenshots of every step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDesktop } from './desktop-driver.mjs';
import {
  answers,
  dataDirListeningOn,
  freePort,
  sendEmbyTest,
  sidecarsFor,
  startFakes,
  tautulliApi,
  waitFor,
} from './support.mjs';

const TAUTULLI_KEY = 'fedcba9876543210fedcba9876543210';
let app;
let fakes;
let dataDir;
let base;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // From the settings file, not CARTOGRAPHUS_LISTEN: the wizard may move it.
  dataDir = dataDirListeningOn('desktop-setup', `127.0.0.1:${port}`);
  fakes = await startFakes({ tautulliKey: TAUTULLI_KEY });
  app = await startDesktop({ dataDir, logName: 'desktop-setup-app.log', env: {} });
  // The webview's storage outlives the app (the dashboard tests remember a dismissed wizard
  // there): forget it, as on a machine that never ran the app, and load the window again.
  await app.execute("localStorage.removeItem('cartographus.setupDismissed');");
  await app.webdriver('POST', app.session('/refresh'), {});
});

after(async () => {
  await app?.stop();
  await fakes?.stop();
  await waitFor('the sidecar to die with the app', 15_000, () => sidecarsFor(dataDir).length === 0);
});

const panel = (step, testId) => `[data-testid="setup-panel-${step}"] [data-testid="${testId}"]`;
const stepState = (step) => app.attribute(`[data-testid="setup-step-${step}"]`, 'data-state');

test('the desktop wizard moves the listener, connects Tautulli with a test that arrives, and hears Emby', async () => {
  // First start, nothing connected: the wizard opens on step 1.
  await waitFor('the wizard', 60_000, async () => (await app.findAll('[data-testid="setup-panel-listener"]')).length === 1);
  await waitFor('the listener address', 30_000, async () => (await app.text('[data-testid="setup-listen"]')) === base.slice(7));

  // Check from here: the engine calls its own health through the chosen address.
  await app.click(panel('listener', 'setup-check'));
  const outcome = panel('listener', 'setup-listen-outcome');
  await waitFor('the check', 20_000, async () => (await app.findAll(outcome)).length === 1);
  assert.equal(await app.attribute(outcome, 'data-outcome'), 'check-ok', await app.text(outcome));
  assert.match(await app.text(outcome), new RegExp(`^${base} answered in (under 1|\\d+) ms \\(health: \\w+\\)\\.$`));
  assert.equal(await stepState('listener'), 'connected');

  // The network choice: a plain warning and the offer to listen there; then back.
  if ((await app.findAll(panel('listener', 'setup-address-lan'))).length > 0) {
    await app.click(panel('listener', 'setup-address-lan'));
    assert.match(await app.text(panel('listener', 'setup-lan-warning')), /reachable from your whole network/);
    assert.match(await app.text(panel('listener', 'setup-listen-move')), /^Listen on /);
  }
  await app.screenshot('desktop-setup-listener.png');
  await app.click(panel('listener', 'setup-address-local'));

  // Move to another port: the old address stops; the window, on IPC, simply shows the new one.
  const newPort = await freePort();
  const newBase = `http://127.0.0.1:${newPort}`;
  await app.setValue(panel('listener', 'setup-port'), String(newPort));
  await app.click(panel('listener', 'setup-listen-move'));
  await waitFor('the move', 20_000, async () => (await app.findAll(panel('listener', 'setup-listen-moved'))).length === 1);
  assert.match(await app.text(panel('listener', 'setup-listen-moved')), new RegExp(`now listens on 127\\.0\\.0\\.1:${newPort}`));
  assert.equal((await app.findAll('[data-testid="setup-continue-link"]')).length, 0, 'the window needs no new address');
  await waitFor('the window to show the new address', 15_000, async () => (await app.text('[data-testid="setup-listen"]')) === `127.0.0.1:${newPort}`);
  await waitFor('the footer to follow', 15_000, async () => (await app.text('[data-testid="engine-listen"]')) === `127.0.0.1:${newPort}`);
  await waitFor('the old address to stop answering', 15_000, async () => !(await answers(base)));
  assert.ok(await answers(newBase), 'the new address answers');
  const settings = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
  assert.equal(settings.config.listen, `127.0.0.1:${newPort}`, 'the choice is kept for the next start');

  // Step 2, Tautulli: the fake's address and key, Connect, Send a test.
  await app.click(panel('listener', 'setup-next'));
  await app.setValue(panel('tautulli', 'tautulli-url'), fakes.tautulliUrl);
  await app.setValue(panel('tautulli', 'tautulli-api-key'), TAUTULLI_KEY);
  await app.click(panel('tautulli', 'tautulli-connect'));
  const tautulliOutcome = panel('tautulli', 'tautulli-outcome');
  await waitFor('the connection', 30_000, async () =>
    (await app.findAll(tautulliOutcome)).length === 1 && (await app.attribute(tautulliOutcome, 'data-outcome')) === 'created',
  );
  assert.match(await app.text(tautulliOutcome), new RegExp(`Tautulli calls ${newBase}/webhooks/tautulli`));
  const notifiers = await tautulliApi(fakes.tautulliUrl, TAUTULLI_KEY, 'get_notifiers');
  assert.deepEqual(
    notifiers.data.map((n) => [n.agent_name, n.friendly_name]),
    [['webhook', 'Cartographus']],
  );

  await app.click(panel('tautulli', 'tautulli-test'));
  await waitFor('the test to arrive', 30_000, async () =>
    (await app.findAll(tautulliOutcome)).length === 1 && (await app.attribute(tautulliOutcome, 'data-outcome')) === 'test-received',
  );
  assert.match(await app.text(tautulliOutcome), /^Test received in \d+ ms: Tautulli reaches this app\.$/);
  assert.equal(await stepState('tautulli'), 'connected');
  await app.screenshot('desktop-setup-tautulli.png');

  // Step 3, Plex: shown, left for later.
  await app.click(panel('tautulli', 'setup-next'));
  await waitFor('the Plex step', 10_000, async () => (await app.property('[data-testid="setup-panel-plex"]', 'hidden')) === false);
  await app.screenshot('desktop-setup-plex.png');

  // Step 4: Emby's "Send Test Notification" to the URL shown turns it green.
  await app.click(panel('plex', 'setup-skip'));
  const embyUrl = await app.property(panel('manual', 'setup-emby-url'), 'value');
  assert.ok(embyUrl.startsWith(`${newBase}/webhooks/emby?token=`), embyUrl);
  const sent = await sendEmbyTest(embyUrl);
  assert.deepEqual([sent.status, sent.json], [200, { status: 'test', source: 'emby' }]);
  await waitFor('the Emby test to show', 20_000, async () => (await app.attribute(panel('manual', 'emby-event-wait'), 'data-state')) === 'test-received');
  assert.equal(await stepState('manual'), 'connected');
  await app.screenshot('desktop-setup-manual.png');

  // Step 5: what is connected.
  await app.click(panel('manual', 'setup-next'));
  await waitFor('the summary', 10_000, async () => (await app.property('[data-testid="setup-panel-done"]', 'hidden')) === false);
  assert.equal(await app.attribute(panel('done', 'setup-summary-tautulli'), 'data-state'), 'waiting');
  assert.match(await app.text(panel('done', 'setup-summary-emby')), /Test received/);
  await app.screenshot('desktop-setup-done.png');
});
