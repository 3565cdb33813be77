// End to end, as a browser user sees it: `cartographus-server serve` with its real sidecar
// and DuckDB, the built web UI in Debian's headless Chromium: the health view all green, the
// live view following webhooks without a reload, and a dead letter fixed and retried.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  artifactsDir,
  freePort,
  postWebhook,
  repoRoot,
  required,
  sidecarsFor,
  tautulliWebhook,
  tempDataDir,
  uniqueKey,
  waitFor,
} from './support.mjs';

const API_TOKEN = 'e2e-web-token';
const WEBHOOK_TOKEN = 'e2e-web-webhook-token';
let server;
let serverExit;
let browser;
let base;
let dataDir;

before(async () => {
  const port = await freePort();
  dataDir = tempDataDir('web');
  base = `http://127.0.0.1:${port}`;
  server = spawn(
    required('CARTOGRAPHUS_SERVER_BIN'),
    ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--ui-dir', join(repoRoot, 'ui/dist')],
    {
      env: {
        ...process.env,
        CARTOGRAPHUS_API_TOKEN: API_TOKEN,
        CARTOGRAPHUS_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
        RUST_LOG: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  serverExit = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  await waitFor('the server to answer health 200', 60_000, async () => {
    const response = await fetch(`${base}/api/v1/health`);
    return response.status === 200;
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    const { code } = await serverExit;
    assert.equal(code, 0, 'serve must exit cleanly on SIGTERM');
  }
  await waitFor('the sidecar to stop with the server', 10_000, () => sidecarsFor(dataDir).length === 0);
});

/** A new page on the dashboard, with the token, collecting console errors. */
async function openDashboard() {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  // On a first start the setup wizard takes the place of the sections; these tests are the dashboard's.
  await page.addInitScript(() => globalThis.localStorage.setItem('cartographus.setupDismissed', 'true'));
  await page.goto(`${base}/#token=${API_TOKEN}`);
  return { page, consoleErrors };
}

test('the web UI shows every part healthy over HTTP and WebSocket', async () => {
  const { page, consoleErrors } = await openDashboard();
  // Live is the first tab; health sits behind the second.
  await page.getByTestId('tab-health').click();

  const badge = page.getByTestId('overall-status');
  await badge.waitFor({ timeout: 30_000 });
  await waitFor('overall status ok', 30_000, async () => (await badge.getAttribute('data-status')) === 'ok');
  assert.equal((await badge.textContent()).trim(), 'ok');

  for (const part of ['listener', 'nats', 'duckdb']) {
    assert.equal(await page.getByTestId(`part-${part}`).getAttribute('data-status'), 'up', part);
  }
  assert.equal((await page.getByTestId('backend-kind').textContent()).trim(), 'http');
  assert.ok(!page.url().includes('token='), `the token must leave the address bar: ${page.url()}`);

  await page.screenshot({ path: join(artifactsDir, 'web-health.png'), fullPage: true });
  assert.deepEqual(consoleErrors, [], 'no console errors (a CSP violation would show here)');
  await page.close();
});

test('the live view follows webhooks without a reload', async () => {
  const { page, consoleErrors } = await openDashboard();
  assert.equal(await page.getByTestId('tab-live').getAttribute('aria-selected'), 'true', 'Live is the default tab');
  await page.locator('[data-testid="live-view"][data-synced="true"]').waitFor({ timeout: 30_000 });
  // Anything that reloads the page would lose this.
  await page.evaluate(() => {
    globalThis.__e2eNoReload = true;
  });

  const dana = uniqueKey('web-dana');
  const played = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, tautulliWebhook({ playback: dana, user: 'dana', offsetMs: 600_000 }));
  assert.equal(played.status, 202, played.text);
  const eventId = played.json.event_id;

  const card = page.locator(`[data-testid="live-session"][data-session-id="s-${eventId}"]`);
  await card.waitFor({ timeout: 15_000 });
  assert.equal(await card.getAttribute('data-state'), 'playing');
  const cardText = await card.textContent();
  for (const expected of ['Harbor Lights', 'The Long Night Shift', 'dana', 'Living Room TV', 'Direct play', 'Tautulli', 'Playing']) {
    assert.ok(cardText.includes(expected), `the session card shows ${expected}: ${cardText}`);
  }

  const row = page.locator(`[data-testid="recent-event"][data-event-id="${eventId}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.equal(await row.getAttribute('data-event-type'), 'start');
  const rowText = await row.textContent();
  for (const expected of ['Tautulli', 'Started', 'dana', 'Harbor Lights']) {
    assert.ok(rowText.includes(expected), `the event row shows ${expected}: ${rowText}`);
  }

  // Between the engine's reports, a playing session's position moves on by itself.
  const progress = card.getByTestId('session-progress');
  const positionAt = async () => Number(await progress.getAttribute('data-position-ms'));
  const first = await positionAt();
  assert.ok(first >= 600_000, `position starts at the reported offset: ${first}`);
  await waitFor('the position to move on', 10_000, async () => (await positionAt()) >= first + 1_500);

  // A second playback, then paused: its card changes state in place and its position stands still.
  const sam = uniqueKey('web-sam');
  const samPlayed = await postWebhook(
    base,
    'tautulli',
    WEBHOOK_TOKEN,
    tautulliWebhook({ playback: sam, user: 'sam', player: 'Bedroom Shield', episode: 'Low Tide', offsetMs: 1_200_000 }),
  );
  assert.equal(samPlayed.status, 202, samPlayed.text);
  const samCard = page.locator(`[data-testid="live-session"][data-session-id="s-${samPlayed.json.event_id}"]`);
  await samCard.waitFor({ timeout: 15_000 });
  const samPaused = await postWebhook(
    base,
    'tautulli',
    WEBHOOK_TOKEN,
    tautulliWebhook({ playback: sam, event: 'pause', user: 'sam', player: 'Bedroom Shield', episode: 'Low Tide', offsetMs: 1_260_000 }),
  );
  assert.equal(samPaused.status, 202, samPaused.text);
  await waitFor('the paused state', 15_000, async () => (await samCard.getAttribute('data-state')) === 'paused');
  const pausedAt = Number(await samCard.getByTestId('session-progress').getAttribute('data-position-ms'));
  assert.equal(pausedAt, 1_260_000, 'a paused session shows the reported position');
  await page.waitForTimeout(1_500);
  assert.equal(Number(await samCard.getByTestId('session-progress').getAttribute('data-position-ms')), pausedAt);
  await page.locator(`[data-testid="recent-event"][data-event-id="${samPaused.json.event_id}"]`).waitFor({ timeout: 15_000 });
  assert.equal(
    await page.getByTestId('recent-event').first().getAttribute('data-event-id'),
    samPaused.json.event_id,
    'the newest event is listed first',
  );

  await page.screenshot({ path: join(artifactsDir, 'web-live.png'), fullPage: true });

  // A stop ends the session: its card goes, its event shows.
  const stopped = await postWebhook(
    base,
    'tautulli',
    WEBHOOK_TOKEN,
    tautulliWebhook({ playback: dana, event: 'stop', user: 'dana', offsetMs: 700_000 }),
  );
  assert.equal(stopped.status, 202, stopped.text);
  await card.waitFor({ state: 'detached', timeout: 15_000 });
  await page.locator(`[data-testid="recent-event"][data-event-id="${stopped.json.event_id}"]`).waitFor({ timeout: 15_000 });
  assert.equal(await samCard.getAttribute('data-state'), 'paused', 'the other session stays');

  assert.equal(await page.evaluate(() => globalThis.__e2eNoReload), true, 'the page was never reloaded');
  assert.deepEqual(consoleErrors, [], 'no console errors');
  await page.close();
});

test('a dead letter is found, fixed and retried; the rest retried in bulk and deleted', async () => {
  const marker = uniqueKey('broken');
  const broken = `{"event": "play", "marker": "${marker}", "session": `;
  const refused = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, broken);
  assert.equal(refused.status, 400, refused.text);
  const other = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, `{"marker": "${marker}-other", "not": "a tautulli webhook"}`);
  assert.equal(other.status, 400, other.text);

  const { page, consoleErrors } = await openDashboard();
  await page.getByTestId('tab-dlq').click();
  await page.getByTestId('dlq-view').waitFor({ timeout: 15_000 });
  await page.getByTestId('dlq-filter-text').fill(marker);
  await page.getByTestId('dlq-filter-apply').click();
  const entries = page.getByTestId('dlq-entry');
  await waitFor('the two refused bodies', 15_000, async () => (await entries.count()) === 2);
  for (const entry of await entries.all()) {
    assert.equal(await entry.getAttribute('data-kind'), 'rejected');
  }

  const target = entries.filter({ hasText: 'invalid_json' });
  const entryId = await target.getAttribute('data-entry-id');
  await target.getByTestId('dlq-entry-open').click();
  const detail = page.locator(`[data-testid="dlq-detail"][data-entry-id="${entryId}"]`);
  await detail.waitFor();
  assert.equal(await detail.getByTestId('dlq-payload').inputValue(), broken);
  await page.screenshot({ path: join(artifactsDir, 'web-dlq.png'), fullPage: true });

  // As stored it still fails: said plainly, and the attempt is recorded.
  await detail.getByTestId('dlq-retry').click();
  const notice = page.getByTestId('dlq-notice');
  await waitFor('the failed retry', 15_000, async () => (await notice.getAttribute('data-outcome')) === 'failed');
  assert.equal(await notice.getAttribute('role'), 'alert');
  assert.match(await notice.textContent(), /Retry failed: .*JSON/);
  await waitFor('a second attempt', 15_000, async () => (await target.getByTestId('dlq-entry-attempts').textContent()) === '2');

  // Fixed: a valid play for a new playback. It is stored, leaves the list and shows live.
  const fixedUser = uniqueKey('fixed');
  await detail.getByTestId('dlq-payload').fill(JSON.stringify(tautulliWebhook({ playback: fixedUser, user: fixedUser })));
  await detail.getByTestId('dlq-save-retry').click();
  await waitFor('the stored retry', 15_000, async () => (await notice.getAttribute('data-outcome')) === 'stored');
  assert.match(await notice.textContent(), /stored as event [0-9a-f]+/);
  await page.locator(`[data-testid="dlq-entry"][data-entry-id="${entryId}"]`).waitFor({ state: 'detached' });
  await page.getByTestId('tab-live').click();
  await page.locator('[data-testid="live-session"]', { hasText: fixedUser }).waitFor({ timeout: 15_000 });

  // The other one: a bulk retry of the filter (it still fails), then deleted.
  await page.getByTestId('tab-dlq').click();
  await page.getByTestId('dlq-filter-text').fill(marker);
  await page.getByTestId('dlq-filter-apply').click();
  await waitFor('the one left', 15_000, async () => (await entries.count()) === 1);
  await page.getByTestId('dlq-retry-all').click();
  await waitFor('the bulk retry to finish', 15_000, async () => (await notice.getAttribute('data-outcome')) === 'job-done');
  assert.match(await notice.textContent(), /0 of 1 retried, 1 still failing/);
  await entries.first().getByTestId('dlq-entry-open').click();
  await page.getByTestId('dlq-delete').click();
  await page.getByTestId('dlq-delete-confirm').click();
  await waitFor('the deletion', 15_000, async () => (await notice.getAttribute('data-outcome')) === 'deleted');
  await page.getByTestId('dlq-empty').waitFor();

  // Chromium logs every 4xx answer; the 422 of the retry that still failed was expected.
  const unexpected = consoleErrors.filter((error) => !error.includes('status of 422'));
  assert.deepEqual(unexpected, [], 'no console errors');
  await page.close();
});

test('bad webhooks from one sender show as one issue, retried as a job and deleted as a group', async () => {
  const marker = uniqueKey('issue');
  for (let n = 0; n < 3; n += 1) {
    const refused = await postWebhook(base, 'jellyfin', WEBHOOK_TOKEN, `{"NotificationType": "PlaybackStart", "marker": "${marker}", `);
    assert.equal(refused.status, 400, refused.text);
  }

  const { page, consoleErrors } = await openDashboard();
  await page.getByTestId('tab-dlq').click();
  await page.getByTestId('dlq-view').waitFor({ timeout: 15_000 });
  await page.getByTestId('dlq-filter-text').fill(marker);
  await page.getByTestId('dlq-filter-apply').click();
  const issues = page.getByTestId('dlq-group');
  await waitFor('one issue for the three bodies', 15_000, async () => (await issues.count()) === 1);
  const issue = issues.first();
  assert.equal(await issue.getAttribute('data-group'), 'jellyfin/rejected/invalid_json');
  assert.equal(await issue.getByTestId('dlq-group-count').textContent(), '3 entries');
  await page.screenshot({ path: join(artifactsDir, 'web-dlq-issues.png'), fullPage: true });

  await issue.getByTestId('dlq-group-retry').click();
  assert.match(await issue.getByTestId('dlq-group-estimate').textContent(), /Retry affects 3 entries/);
  await issue.getByTestId('dlq-group-confirm').click();
  const notice = page.getByTestId('dlq-notice');
  await waitFor('the group retry to finish', 15_000, async () => (await notice.getAttribute('data-outcome')) === 'job-done');
  assert.match(await notice.textContent(), /0 of 3 retried, 3 still failing/);

  await issue.getByTestId('dlq-group-delete').click();
  assert.match(await issue.getByTestId('dlq-group-estimate').textContent(), /Delete affects 3 entries/);
  await issue.getByTestId('dlq-group-confirm').click();
  await waitFor('the group deletion', 15_000, async () => (await notice.getAttribute('data-outcome')) === 'purged');
  assert.equal(await notice.textContent(), 'Deleted 3 dead letters.Dismiss');
  await page.getByTestId('dlq-empty').waitFor();
  await waitFor('no issue left', 15_000, async () => (await issues.count()) === 0);

  assert.deepEqual(consoleErrors, [], 'no console errors');
  await page.close();
});
