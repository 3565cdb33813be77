// End to end, as a desktop user sees it: the real Tauri app under Xvfb, driven through
// tauri-driver and WebKitWebDriver, showing every part healthy, following webhooks live over
// the IPC channel, and retrying a dead letter through the commands; its sidecar dies with it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDesktop } from './desktop-driver.mjs';
import {
  freePort,
  postWebhook,
  sidecarsFor,
  tautulliWebhook,
  tempDataDir,
  uniqueKey,
  waitFor,
} from './support.mjs';

const WEBHOOK_TOKEN = 'e2e-desktop-webhook-token';

let app;
let dataDir;
/** Where the app's engine listens for webhooks. */
let engineUrl;

const webdriver = (...args) => app.webdriver(...args);
const session = (path) => app.session(path);
const find = (selector) => app.find(selector);
const findAll = (selector) => app.findAll(selector);
const attribute = (selector, name) => app.attribute(selector, name);
const text = (selector) => app.text(selector);
const click = (selector) => app.click(selector);
const setTextarea = (selector, value) => app.setValue(selector, value);
const screenshot = (name) => app.screenshot(name);

const webhook = (body) => postWebhook(engineUrl, 'tautulli', WEBHOOK_TOKEN, body);

before(async () => {
  const listenPort = await freePort();
  dataDir = tempDataDir('desktop');
  engineUrl = `http://127.0.0.1:${listenPort}`;
  app = await startDesktop({
    dataDir,
    logName: 'desktop-app.log',
    env: { CARTOGRAPHUS_LISTEN: `127.0.0.1:${listenPort}`, CARTOGRAPHUS_WEBHOOK_TOKEN: WEBHOOK_TOKEN },
  });
  // On a first start the setup wizard takes the place of the sections; these tests are the
  // dashboard's. Dismissed as a user would have, then the window reloaded without it.
  await app.execute("localStorage.setItem('cartographus.setupDismissed', 'true');");
  await webdriver('POST', session('/refresh'), {});
});

after(async () => {
  await app?.stop();
  await waitFor('the sidecar to die with the app', 15_000, () => sidecarsFor(dataDir).length === 0);
});

test('the desktop window shows every part healthy', async () => {
  await waitFor('overall status ok', 60_000, async () => (await attribute('[data-testid="overall-status"]', 'data-status')) === 'ok');
  // Live is the first tab; health sits behind the second.
  assert.equal(await attribute('[data-testid="tab-live"]', 'aria-selected'), 'true');
  await click('[data-testid="tab-health"]');
  for (const part of ['listener', 'nats', 'duckdb']) {
    assert.equal(await attribute(`[data-testid="part-${part}"]`, 'data-status'), 'up', part);
  }
  const kind = await webdriver('GET', session(`/element/${await find('[data-testid="backend-kind"]')}/property/textContent`));
  assert.equal(kind.trim(), 'tauri');
  assert.equal(sidecarsFor(dataDir).length, 1, 'the app runs exactly one sidecar');

  await screenshot('desktop-health.png');
});

test('the desktop live view follows webhooks over the IPC channel', async () => {
  await click('[data-testid="tab-live"]');
  await waitFor('the live feed', 30_000, async () => (await attribute('[data-testid="live-view"]', 'data-synced')) === 'true');
  await webdriver('POST', session('/execute/sync'), { script: 'window.__e2eNoReload = true;', args: [] });

  const dana = uniqueKey('desktop-dana');
  const played = await webhook(tautulliWebhook({ playback: dana, user: 'dana', offsetMs: 600_000 }));
  assert.equal(played.status, 202, played.text);
  const card = `[data-testid="live-session"][data-session-id="s-${played.json.event_id}"]`;
  await waitFor('the new session', 15_000, async () => (await findAll(card)).length === 1);
  assert.equal(await attribute(card, 'data-state'), 'playing');
  const cardText = await text(card);
  for (const expected of ['Harbor Lights', 'The Long Night Shift', 'dana', 'Living Room TV', 'Direct play', 'Tautulli']) {
    assert.ok(cardText.includes(expected), `the session card shows ${expected}: ${cardText}`);
  }
  const row = `[data-testid="recent-event"][data-event-id="${played.json.event_id}"]`;
  await waitFor('the new event', 15_000, async () => (await findAll(row)).length === 1);
  assert.ok((await text(row)).includes('Started'));

  const position = async () => Number(await attribute(`${card} [data-testid="session-progress"]`, 'data-position-ms'));
  const first = await position();
  await waitFor('the position to move on', 10_000, async () => (await position()) >= first + 1_500);

  const sam = uniqueKey('desktop-sam');
  const samBody = { playback: sam, user: 'sam', player: 'Bedroom Shield', episode: 'Low Tide', offsetMs: 1_200_000 };
  const samPlayed = await webhook(tautulliWebhook(samBody));
  assert.equal(samPlayed.status, 202, samPlayed.text);
  const samCard = `[data-testid="live-session"][data-session-id="s-${samPlayed.json.event_id}"]`;
  await waitFor('the second session', 15_000, async () => (await findAll(samCard)).length === 1);
  const samPaused = await webhook(tautulliWebhook({ ...samBody, event: 'pause', offsetMs: 1_260_000 }));
  assert.equal(samPaused.status, 202, samPaused.text);
  await waitFor('the paused state', 15_000, async () => (await attribute(samCard, 'data-state')) === 'paused');
  await screenshot('desktop-live.png');

  const stopped = await webhook(tautulliWebhook({ playback: dana, event: 'stop', user: 'dana', offsetMs: 700_000 }));
  assert.equal(stopped.status, 202, stopped.text);
  await waitFor('the stopped session to go', 15_000, async () => (await findAll(card)).length === 0);
  await waitFor('the stop event', 15_000, async () => (await findAll(`[data-testid="recent-event"][data-event-id="${stopped.json.event_id}"]`)).length === 1);
  const noReload = await webdriver('POST', session('/execute/sync'), { script: 'return window.__e2eNoReload === true;', args: [] });
  assert.equal(noReload, true, 'the window was never reloaded');
});

test('a dead letter is retried through the desktop commands', async () => {
  const marker = uniqueKey('desktop-broken');
  const broken = `{"event": "play", "marker": "${marker}", "session": `;
  const refused = await webhook(broken);
  assert.equal(refused.status, 400, refused.text);

  await click('[data-testid="tab-dlq"]');
  const entry = '[data-testid="dlq-entry"]';
  await waitFor('the dead letter', 15_000, async () => (await findAll(entry)).length === 1);
  assert.equal(await attribute(entry, 'data-kind'), 'rejected');
  await click(`${entry} [data-testid="dlq-entry-open"]`);
  await waitFor('its detail', 15_000, async () => (await findAll('[data-testid="dlq-detail"]')).length === 1);
  await screenshot('desktop-dlq.png');

  // Still failing as stored: the command's {code, message} rejection reads as a sentence.
  await click('[data-testid="dlq-retry"]');
  await waitFor('the failed retry', 15_000, async () => (await attribute('[data-testid="dlq-notice"]', 'data-outcome')) === 'failed');
  const failure = await text('[data-testid="dlq-notice"]');
  assert.match(failure, /Retry failed: .*JSON.*\(code: invalid_json\)/);

  const fixedUser = uniqueKey('desktop-fixed');
  await setTextarea('[data-testid="dlq-payload"]', JSON.stringify(tautulliWebhook({ playback: fixedUser, user: fixedUser })));
  await click('[data-testid="dlq-save-retry"]');
  await waitFor('the stored retry', 15_000, async () => (await attribute('[data-testid="dlq-notice"]', 'data-outcome')) === 'stored');
  await waitFor('the empty list', 15_000, async () => (await findAll('[data-testid="dlq-empty"]')).length === 1);

  await click('[data-testid="tab-live"]');
  await waitFor('the retried playback live', 15_000, async () =>
    (await Promise.all((await findAll('[data-testid="live-session"]')).map((id) =>
      webdriver('GET', session(`/element/${id}/property/textContent`)),
    ))).some((content) => content.includes(fixedUser)),
  );
});
