// End to end, the Replay view in a browser: `cartographus-server serve` with its real sidecar and
// DuckDB, four Tautulli plays stored. Debian's headless Chromium opens Replay, sees the last 24
// hours cover all four, narrows to sequences 2–4 and sees three, runs the replay and reads the
// outcome: nothing new to store, three already stored (the engine's job agrees).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  artifactsDir,
  launchChromium,
  postWebhook,
  startServer,
  tautulliWebhook,
  uniqueKey,
  waitFor,
} from './support.mjs';

const API_TOKEN = 'e2e-replay-token';
const WEBHOOK_TOKEN = 'e2e-replay-webhook-token';
let server;
let browser;
let base;

const api = (path, init = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...init.headers } });

before(async () => {
  server = await startServer('web-replay', { apiToken: API_TOKEN, webhookToken: WEBHOOK_TOKEN });
  base = server.base;
  for (let n = 0; n < 4; n += 1) {
    const sent = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, tautulliWebhook({ playback: uniqueKey(`replay${n}`), player: `Player ${n}` }));
    assert.equal(sent.status, 202, sent.text);
  }
  await waitFor('four events stored', 30_000, async () => (await (await api('/api/v1/stats')).json()).events_stored === 4);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('replay: preview a range, narrow it by sequence, run it and read what it found stored', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.addInitScript(() => globalThis.localStorage.setItem('cartographus.setupDismissed', 'true'));
  await page.goto(`${base}/#token=${API_TOKEN}`);
  await page.getByTestId('tab-replay').click();
  assert.ok(page.url().endsWith('#/replay'), page.url());

  const preview = page.getByTestId('replay-preview');
  await preview.waitFor({ timeout: 15_000 });
  assert.match(await preview.textContent(), /^Covers 4 messages \(seq 1–4, /);

  // By keyboard: the sequence mode, then both ends.
  await page.getByTestId('replay-mode-seq').focus();
  await page.keyboard.press('Space');
  await page.getByTestId('replay-seq-from').fill('2');
  await page.getByTestId('replay-seq-to').fill('4');
  await waitFor('the preview of seq 2–4', 15_000, async () => /^Covers 3 messages \(seq 2–4, /.test(await preview.textContent()));
  const run = page.getByTestId('replay-run');
  assert.equal(await run.textContent(), 'Replay 3 messages');

  await run.click();
  const result = page.getByTestId('replay-result');
  await result.waitFor({ timeout: 30_000 });
  assert.equal(await result.getAttribute('data-state'), 'done');
  assert.equal(await result.textContent(), 'Replay finished: stored 0 new, 3 already stored, 0 duplicates.');
  await page.screenshot({ path: join(artifactsDir, 'replay.png') });

  // The engine agrees: still four events, and a bad range is refused with its reason.
  assert.equal((await (await api('/api/v1/stats')).json()).events_stored, 4);
  await page.getByTestId('replay-seq-from').fill('4');
  await page.getByTestId('replay-seq-to').fill('2');
  const refused = page.getByTestId('replay-preview-error');
  await refused.waitFor({ timeout: 15_000 });
  assert.match(await refused.textContent(), /This range cannot be replayed: from \(sequence 4\) comes after to \(sequence 2\)/);
  assert.equal(await run.isDisabled(), true);
  // A failed preview is the one console error the browser logs for it (a 400 answer).
  assert.deepEqual(
    consoleErrors.filter((line) => !line.includes('400')),
    [],
    'no console errors',
  );
  await page.close();
});
