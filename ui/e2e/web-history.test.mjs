// End to end, History and Analytics in a browser: `cartographus-server serve` with its real
// sidecar and DuckDB holding two weeks of playbacks sent as Tautulli webhooks; the web UI in
// Debian's headless Chromium opens History, filters by user (the filter lands in the URL),
// opens a session's events, exports the filtered sessions as CSV (a real download), then
// opens Analytics. Screenshots of both views go to the artifacts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

const API_TOKEN = 'e2e-history-token';
const WEBHOOK_TOKEN = 'e2e-history-webhook-token';
const USERS = ['dana', 'lee', 'sam', 'robin'];
const PLAYERS = ['Living Room TV', 'Bedroom Shield', 'Chrome', 'iPhone'];
const EPISODES = ['The Long Night Shift', 'Low Tide', 'Fog Bank', 'Harbor Lights Out', 'Ebb'];
const PLAYBACKS = 24;
let server;
let browser;
let base;
/** Playbacks sent per user. */
const sentBy = new Map();

/** The webhook as Tautulli would have sent it `at`. */
function at(body, when) {
  body.unixtime = String(Math.floor(when.getTime() / 1000));
  body.utctime = when.toISOString().slice(0, 19);
  body.session.started_unixtime = body.unixtime;
  return body;
}

before(async () => {
  server = await startServer('web-history', { apiToken: API_TOKEN, webhookToken: WEBHOOK_TOKEN });
  base = server.base;

  // Two weeks of evenings: a play and, 20 to 50 minutes later, its stop.
  const now = Date.now();
  for (let n = 0; n < PLAYBACKS; n += 1) {
    const user = USERS[n % USERS.length];
    const player = PLAYERS[(n * 3) % PLAYERS.length];
    const episode = EPISODES[n % EPISODES.length];
    const playback = uniqueKey(`hist-${n}`);
    const started = new Date(now - ((n * 14) / PLAYBACKS) * 86_400_000 - (n % 5) * 3_600_000);
    const minutes = 20 + ((n * 7) % 30);
    const play = tautulliWebhook({ playback, user, player, episode });
    if (n % 3 === 1) play.stream.transcode_decision = 'transcode';
    if (n % 7 === 2) play.media.media_type = 'movie';
    const playSent = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, at(play, started));
    assert.equal(playSent.status, 202, playSent.text);
    const stop = tautulliWebhook({ playback, event: 'stop', user, player, episode, offsetMs: minutes * 60_000 });
    if (n % 7 === 2) stop.media.media_type = 'movie';
    const stopSent = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, at(stop, new Date(started.getTime() + minutes * 60_000)));
    assert.equal(stopSent.status, 202, stopSent.text);
    sentBy.set(user, (sentBy.get(user) ?? 0) + 1);
  }
  await waitFor('every playback stored as a session', 30_000, async () => {
    const response = await fetch(`${base}/api/v1/sessions?limit=500`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    const body = await response.json();
    return body.items?.length === PLAYBACKS && body.items.every((s) => s.state === 'stopped');
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function open(hash) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.addInitScript(() => globalThis.localStorage.setItem('cartographus.setupDismissed', 'true'));
  await page.goto(`${base}/#token=${API_TOKEN}`);
  await page.getByTestId('tab-live').waitFor();
  if (hash) await page.evaluate((h) => { globalThis.location.hash = h; }, hash);
  return { page, consoleErrors };
}

test('history: filter by user, open a session, export the filtered sessions as CSV and Parquet', async () => {
  const { page, consoleErrors } = await open(null);
  await page.getByTestId('tab-history').click();
  assert.ok(page.url().endsWith('#/history'), page.url());
  await waitFor('every playback listed', 15_000, async () => (await page.getByTestId('history-row').count()) === PLAYBACKS);
  await page.screenshot({ path: join(artifactsDir, 'history.png') });

  await page.getByTestId('history-user').fill('lee');
  await waitFor('the user filter in the URL', 10_000, async () => page.url().endsWith('#/history?user=lee'));
  await waitFor('only lee listed', 10_000, async () => (await page.getByTestId('history-row').count()) === sentBy.get('lee'));
  for (const row of await page.getByTestId('history-row').all()) {
    assert.ok((await row.textContent()).includes('lee'));
  }

  await page.getByTestId('history-row').first().click();
  const panel = page.getByTestId('session-events');
  await panel.waitFor({ timeout: 10_000 });
  assert.match(page.url(), /#\/history\/s-[^?]+\?user=lee$/);
  await waitFor('the play and the stop', 10_000, async () => (await panel.getByTestId('session-event').count()) === 2);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export sessions (CSV)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'cartographus-sessions.csv');
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  const header = csv[0].split(',');
  assert.ok(header.includes('session_id') && header.includes('username'), csv[0]);
  assert.equal(csv.length - 1, sentBy.get('lee'), 'one row per filtered session');
  const user = header.indexOf('username');
  assert.ok(csv.slice(1).every((line) => line.split(',')[user] === 'lee'), csv.join('\n'));

  const [parquet] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export sessions (Parquet)' }).click(),
  ]);
  assert.equal(parquet.suggestedFilename(), 'cartographus-sessions.parquet');
  const bytes = readFileSync(await parquet.path());
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PAR1', 'a Parquet file starts with PAR1');
  assert.equal(bytes.subarray(-4).toString('latin1'), 'PAR1', 'and ends with it');

  // Back returns to the unfiltered list with the session closed.
  await page.goBack();
  await page.goBack();
  await waitFor('back at the full list', 10_000, async () => (await page.getByTestId('history-row').count()) === PLAYBACKS);
  assert.deepEqual(consoleErrors, [], 'no console errors');
  await page.close();
});

test('analytics: every chart drawn from the stored playbacks', async () => {
  const { page, consoleErrors } = await open('#/analytics');
  const users = page.getByTestId('top-users');
  await users.waitFor({ timeout: 15_000 });
  const listed = await users.getByRole('listitem').allTextContents();
  assert.equal(listed.length, USERS.length, listed.join(' | '));
  for (const chart of ['chart-per-day-bars', 'chart-weekday-bars', 'chart-hour-bars', 'chart-stream-type-bars', 'chart-concurrent-bars', 'top-titles', 'top-platforms']) {
    await page.getByTestId(chart).waitFor({ timeout: 15_000 });
  }
  // Drawn by uPlot on canvases (under the server's strict CSP), with the table behind each.
  for (const chart of ['chart-per-day-bars', 'chart-weekday-bars', 'chart-hour-bars', 'chart-stream-type-bars', 'chart-concurrent-bars']) {
    await page.getByTestId(chart).locator('canvas').first().waitFor({ timeout: 15_000 });
  }
  await page.screenshot({ path: join(artifactsDir, 'analytics.png'), fullPage: true });
  assert.deepEqual(consoleErrors, [], 'no console errors');
  await page.close();
});
