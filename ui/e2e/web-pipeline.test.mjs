// End to end, the Pipeline view in a browser: `cartographus-server serve` with its real sidecar
// and DuckDB; Debian's headless Chromium opens the Pipeline view (the flow, the panels, the
// charts of the engine's history drawn by uPlot under the server's strict CSP), then webhooks
// are posted and the ingest rate and the stored count move on screen. A screenshot goes to the
// artifacts.
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

const API_TOKEN = 'e2e-pipeline-token';
const WEBHOOK_TOKEN = 'e2e-pipeline-webhook-token';
const SENT = 12;
let server;
let browser;
let base;

before(async () => {
  server = await startServer('web-pipeline', { apiToken: API_TOKEN, webhookToken: WEBHOOK_TOKEN });
  base = server.base;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const number = (text) => Number(text.replace(/[^0-9.]/g, ''));

test('pipeline: the flow, the panels and the history charts, and the numbers move as webhooks arrive', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.addInitScript(() => globalThis.localStorage.setItem('cartographus.setupDismissed', 'true'));
  await page.goto(`${base}/#token=${API_TOKEN}`);
  await page.getByTestId('tab-live').waitFor();
  await page.getByTestId('tab-pipeline').click();
  assert.ok(page.url().endsWith('#/pipeline'), page.url());

  await page.getByTestId('pipeline-flow').waitFor({ timeout: 15_000 });
  for (const stage of ['listener', 'jetstream', 'duckdb']) {
    await waitFor(`the ${stage} stage up`, 20_000, async () => (await page.getByTestId(`stage-${stage}`).getAttribute('data-status')) === 'up');
  }
  assert.match(await page.getByTestId('nats-mode').textContent(), /^Embedded/);
  // The engine's history (a sample at start) is drawn at once, by uPlot on a canvas.
  await page.getByTestId('chart-stored').locator('canvas').first().waitFor({ timeout: 15_000 });
  await page.getByTestId('chart-backlog').locator('canvas').first().waitFor({ timeout: 15_000 });
  const storedBefore = number(await page.getByTestId('writer-stored').textContent());

  for (let n = 0; n < SENT; n += 1) {
    const sent = await postWebhook(base, 'tautulli', WEBHOOK_TOKEN, tautulliWebhook({ playback: uniqueKey(`pipe-${n}`) }));
    assert.equal(sent.status, 202, sent.text);
  }

  // The 1 s figures arrive with the stats (polled every 5 s in a browser).
  await waitFor('every webhook counted as stored', 30_000, async () => number(await page.getByTestId('writer-stored').textContent()) >= storedBefore + SENT);
  await page.getByTestId('ingest-tautulli').waitFor({ timeout: 15_000 });
  await waitFor('a Tautulli rate over the last minute', 15_000, async () => {
    const cells = await page.getByTestId('ingest-tautulli').locator('td').allTextContents();
    return number(cells[1] ?? '') > 0;
  });
  // The history (sampled every 5 s, fetched again as often) shows what was stored.
  await waitFor('the stored chart showing a rate above zero', 30_000, async () => {
    const cells = await page.getByTestId('chart-stored').locator('tbody td').allTextContents();
    return cells.some((text) => text !== '—' && number(text) > 0);
  });
  await waitFor('the ingest chart naming Tautulli', 30_000, async () =>
    (await page.getByTestId('chart-ingest').locator('thead').textContent()).includes('Tautulli'),
  );
  assert.equal(await page.getByTestId('alert-badge').count(), 0, 'a healthy pipeline raises no alert');
  assert.ok(await page.getByTestId('pipeline-no-alerts').isVisible());

  await page.screenshot({ path: join(artifactsDir, 'web-pipeline.png'), fullPage: true });
  assert.deepEqual(consoleErrors, [], 'no console errors (a CSP violation would be one)');
  await page.close();
});

test('pipeline: a stalled sidecar shows as down with its reason and comes back; a killed one is restarted and raises an alert', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.addInitScript(() => globalThis.localStorage.setItem('cartographus.setupDismissed', 'true'));
  await page.goto(`${base}/#token=${API_TOKEN}`);
  await page.getByTestId('tab-live').waitFor();
  await page.getByTestId('tab-pipeline').click();
  const jetstream = page.getByTestId('stage-jetstream');
  await waitFor('JetStream up', 20_000, async () => (await jetstream.getAttribute('data-status')) === 'up');
  const stats = await (await fetch(`${base}/api/v1/stats`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json();
  const pid = stats.sidecar?.pid;
  assert.ok(Number.isInteger(pid), `the sidecar's pid: ${JSON.stringify(stats.sidecar)}`);

  // Stalled (SIGSTOP): still running, but JetStream stops answering — down, and why.
  process.kill(pid, 'SIGSTOP');
  try {
    await waitFor('JetStream shown as down', 60_000, async () => (await jetstream.getAttribute('data-status')) === 'down');
    assert.match(await jetstream.textContent(), /timed out|does not answer|not connected/, "the stage says why");
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await waitFor('JetStream up again', 60_000, async () => (await jetstream.getAttribute('data-status')) === 'up');

  // Killed: the engine restarts it at once; the restart is counted and raises an alert.
  process.kill(pid, 'SIGKILL');
  await waitFor('one restart counted', 30_000, async () => (await page.getByTestId('sidecar-restarts').textContent()).trim() === '1');
  await waitFor('JetStream up after the restart', 30_000, async () => (await jetstream.getAttribute('data-status')) === 'up');
  const badge = page.getByTestId('alert-badge');
  await badge.waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId('pipeline-view').textContent(), /nats-server restarted 1 time/);
  await page.close();
});
