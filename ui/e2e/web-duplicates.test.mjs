// End to end, the Duplicates view in a browser: `cartographus-server serve` with its real sidecar
// and DuckDB; a Tautulli play sent twice, the second time 30 s later from a renamed player (the
// `session` rule folds it: same source, server, session key and event type within 10 minutes).
// Debian's headless Chromium opens Duplicates, opens the record, sees the differing player
// marked, restores it after the confirmation, and sees it restored (and stored, by the API).
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

const API_TOKEN = 'e2e-duplicates-token';
const WEBHOOK_TOKEN = 'e2e-duplicates-webhook-token';
let server;
let browser;
let base;
let record;

const api = (path, init = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${API_TOKEN}`, ...init.headers } });

before(async () => {
  server = await startServer('web-duplicates', { apiToken: API_TOKEN, webhookToken: WEBHOOK_TOKEN });
  base = server.base;

  const playback = uniqueKey('dup');
  const first = tautulliWebhook({ playback, player: 'Living Room TV' });
  const sent = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, first);
  assert.equal(sent.status, 202, sent.text);
  // The same play reported again 30 s later by a player since renamed: a new event id, the same session moment.
  const again = tautulliWebhook({ playback, player: 'Living Room TV (renamed)' });
  const later = new Date(Number(first.unixtime) * 1000 + 30_000);
  again.unixtime = String(Math.floor(later.getTime() / 1000));
  again.utctime = later.toISOString().slice(0, 19);
  again.session.started_unixtime = first.session.started_unixtime;
  const resent = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, again);
  assert.equal(resent.status, 202, resent.text);

  await waitFor('the second play recorded as a dropped duplicate', 30_000, async () => {
    const body = await (await api('/api/v1/dedup')).json();
    record = body.items?.[0];
    return record !== undefined;
  });
  assert.equal(record.rule, 'session');
  assert.equal(record.restored, false);

  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('duplicates: open the dropped play beside the kept one, see the player marked, restore it', async () => {
  const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.addInitScript(() => globalThis.localStorage.setItem('cartographus.setupDismissed', 'true'));
  await page.goto(`${base}/#token=${API_TOKEN}`);
  await page.getByTestId('tab-duplicates').click();
  assert.ok(page.url().endsWith('#/duplicates'), page.url());

  const row = page.getByTestId('dedup-row');
  await row.waitFor({ timeout: 15_000 });
  assert.equal(await row.count(), 1);
  assert.equal(await row.getByTestId('dedup-rule').textContent(), 'Same session moment');
  assert.equal(await row.getByTestId('dedup-restored').textContent(), 'Dropped');

  await row.focus();
  await page.keyboard.press('Enter');
  assert.ok(page.url().endsWith(`#/duplicates/${encodeURIComponent(record.id)}`), page.url());
  await page.getByTestId('dedup-diff-summary').waitFor({ timeout: 15_000 });
  const player = page.getByTestId('diff-player');
  assert.equal(await player.getAttribute('data-differs'), 'true');
  assert.match(await player.textContent(), /Living Room TV \(renamed\).*Living Room TV.*≠ differs/);
  const title = page.getByTestId('diff-title');
  assert.equal(await title.getAttribute('data-differs'), 'false');
  await page.screenshot({ path: join(artifactsDir, 'duplicates.png') });

  await page.getByTestId('dedup-restore-button').click();
  await page.getByTestId('dedup-restore-confirm').click();
  const outcome = page.getByTestId('dedup-restore-outcome');
  await outcome.waitFor({ timeout: 15_000 });
  assert.match(await outcome.textContent(), new RegExp(`Restored: event ${record.dropped_event_id} is now stored`));
  assert.equal(await row.getByTestId('dedup-restored').textContent(), 'Restored');
  await page.getByTestId('dedup-history-link').waitFor();

  // The engine agrees: the record is restored and the event stored; a second restore is refused.
  const stored = await api(`/api/v1/events/${encodeURIComponent(record.dropped_event_id)}`);
  assert.equal(stored.status, 200);
  const listed = await (await api('/api/v1/dedup')).json();
  assert.equal(listed.items[0].restored, true);
  assert.equal((await api(`/api/v1/dedup/${encodeURIComponent(record.id)}/restore`, { method: 'POST' })).status, 409);

  // Escape closes the record.
  await page.getByTestId('dedup-detail').press('Escape');
  await waitFor('the record closed', 5_000, async () => (await page.getByTestId('dedup-detail').count()) === 0);
  assert.ok(page.url().endsWith('#/duplicates'), page.url());
  assert.deepEqual(consoleErrors, [], 'no console errors');
  await page.close();
});
