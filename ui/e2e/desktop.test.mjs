// End to end, as a desktop user sees it: the real Tauri app under Xvfb, driven through
// tauri-driver and WebKitWebDriver, showing every part healthy, following webhooks live over
// the IPC channel, retrying a dead letter and running a replay through the commands; a setting
// changed in the window survives a restart, the Logs view reads the engine's log, a second
// launch hands over to the first window; its sidecar dies with it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  artifactsDir,
  freePort,
  postWebhook,
  privateSessionBus,
  required,
  sidecarsFor,
  tautulliWebhook,
  tempDataDir,
  uniqueKey,
  waitFor,
} from './support.mjs';

const WEBHOOK_TOKEN = 'e2e-desktop-webhook-token';

let driver;
let driverUrl;
let sessionId;
let dataDir;
/** The app's HOME: its login item (autostart entry) lands under it. */
let homeDir;
/** DISPLAY, XAUTHORITY and the bus the app runs with, for starting a second instance. */
let desktopSession;
/** Where the app's engine listens for webhooks. */
let engineUrl;

async function webdriver(method, path, body) {
  const response = await fetch(`${driverUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A WebDriver call that hangs must fail the test, not stall CI.
    signal: AbortSignal.timeout(60_000),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const session = (path) => `/session/${sessionId}${path}`;

async function find(selector) {
  const element = await webdriver('POST', session('/element'), { using: 'css selector', value: selector });
  return element[ELEMENT];
}

async function attribute(selector, name) {
  return webdriver('GET', session(`/element/${await find(selector)}/attribute/${name}`));
}

async function findAll(selector) {
  const elements = await webdriver('POST', session('/elements'), { using: 'css selector', value: selector });
  return elements.map((element) => element[ELEMENT]);
}

async function text(selector) {
  return webdriver('GET', session(`/element/${await find(selector)}/property/textContent`));
}

async function click(selector) {
  await webdriver('POST', session(`/element/${await find(selector)}/click`), {});
}

/** Clicks an element after scrolling it to the middle of the window (clear of sticky bars). */
async function clickCentered(selector) {
  const element = await find(selector);
  await webdriver('POST', session('/execute/sync'), {
    script: "arguments[0].scrollIntoView({ block: 'center' }); return true;",
    args: [{ [ELEMENT]: element }],
  });
  await webdriver('POST', session(`/element/${element}/click`), {});
}

/** Sets an input or select the way the user would, so React sees the change. */
async function setField(selector, value) {
  await webdriver('POST', session('/execute/sync'), {
    script: `const [element, value] = arguments;
      const prototype = element instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(prototype, 'value').set.call(element, value);
      element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));`,
    args: [{ [ELEMENT]: await find(selector) }, value],
  });
}

/** Runs `script` in the window and returns its value. */
async function inWindow(script) {
  return webdriver('POST', session('/execute/sync'), { script, args: [] });
}

/** Sets a textarea the way typing would, so React sees the change. */
async function setTextarea(selector, value) {
  await webdriver('POST', session('/execute/sync'), {
    script: `const [element, value] = arguments;
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(element, value);
      element.dispatchEvent(new Event('input', { bubbles: true }));`,
    args: [{ [ELEMENT]: await find(selector) }, value],
  });
}

async function screenshot(name) {
  const png = await webdriver('GET', session('/screenshot'));
  writeFileSync(join(artifactsDir, name), Buffer.from(png, 'base64'));
}

const webhook = (body) => postWebhook(engineUrl, 'tautulli', WEBHOOK_TOKEN, body);

before(async () => {
  const port = await freePort();
  const nativePort = await freePort();
  const listenPort = await freePort();
  dataDir = tempDataDir('desktop');
  homeDir = join(dataDir, 'home');
  mkdirSync(homeDir);
  const bus = privateSessionBus(dataDir);
  const sessionFile = join(dataDir, 'session.env');
  const logFile = openSync(join(artifactsDir, 'desktop-app.log'), 'w');
  driverUrl = `http://127.0.0.1:${port}`;
  engineUrl = `http://127.0.0.1:${listenPort}`;
  driver = spawn(
    'xvfb-run',
    [
      '-a',
      'dbus-run-session',
      `--config-file=${bus.config}`,
      '--',
      // Notes the display xvfb-run picked, so a second launch can join this session.
      'sh',
      '-c',
      'printf "%s\n%s\n" "$DISPLAY" "$XAUTHORITY" > "$0"; exec "$@"',
      sessionFile,
      required('TAURI_DRIVER_BIN'),
      '--port',
      String(port),
      '--native-port',
      String(nativePort),
    ],
    {
      env: {
        ...process.env,
        HOME: homeDir,
        CARTOGRAPHUS_DATA_DIR: dataDir,
        CARTOGRAPHUS_LISTEN: `127.0.0.1:${listenPort}`,
        CARTOGRAPHUS_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
        NO_AT_BRIDGE: '1',
        // The locale of many containers and NAS systems, under which WebKitGTK reports
        // navigator.language "C" (docs/adr/0026): the charts must draw all the same.
        LANG: 'C.UTF-8',
        LC_ALL: '',
        // Leave WEBKIT_DISABLE_DMABUF_RENDERER / _COMPOSITING_MODE unset: with either one,
        // WebKitWebDriver's screenshot never answers under Xvfb (seen with WebKitGTK 2.50).
        // Info, so the Logs view has lines and a second launch's hand-over is on record.
        RUST_LOG: 'info',
        // The app must find its sidecar beside its own executable, as an installed app does.
        NATS_SERVER_BIN: '',
      },
      // The app's, WebKit's and D-Bus's chatter goes to a file next to the screenshots.
      stdio: ['ignore', logFile, logFile],
      detached: true,
    },
  );
  await waitFor('tauri-driver to listen', 30_000, async () => (await fetch(`${driverUrl}/status`)).ok);
  const [display, xauthority] = readFileSync(sessionFile, 'utf8').split('\n');
  desktopSession = { DISPLAY: display, XAUTHORITY: xauthority, DBUS_SESSION_BUS_ADDRESS: bus.address };
  await openSession();
});

/** Launches the app (a new WebDriver session starts it). */
async function openSession() {
  const created = await webdriver('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: required('CARTOGRAPHUS_DESKTOP_BIN') } } },
  });
  sessionId = created.sessionId;
  // On a first start the setup wizard takes the place of the sections; these tests are the
  // dashboard's. Dismissed as a user would have, then the window reloaded without it.
  await webdriver('POST', session('/execute/sync'), {
    script: "localStorage.setItem('cartographus.setupDismissed', 'true');",
    args: [],
  });
  await webdriver('POST', session('/refresh'), {});
}

/** Quits the app the way closing its session does, and waits until its sidecar is gone. */
async function closeSession() {
  await webdriver('DELETE', `/session/${sessionId}`);
  sessionId = null;
  await waitFor('the sidecar to die with the app', 15_000, () => sidecarsFor(dataDir).length === 0);
}

after(async () => {
  if (sessionId) await webdriver('DELETE', `/session/${sessionId}`).catch(() => {});
  if (driver) {
    try {
      process.kill(-driver.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
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

test('History lists the stored playbacks, filters by user and opens a session over the desktop commands', async () => {
  await click('[data-testid="tab-history"]');
  const rows = '[data-testid="history-row"]';
  await waitFor('the playbacks listed', 30_000, async () => (await findAll(rows)).length >= 2);
  // The filter goes into the route, as in the browser.
  await setField('[data-testid="history-user"]', 'dana');
  await waitFor('the user filter in the route', 10_000, async () => (await inWindow('return location.hash')) === '#/history?user=dana');
  await waitFor('only dana listed', 15_000, async () => {
    const listed = await Promise.all((await findAll(rows)).map((id) => webdriver('GET', session(`/element/${id}/property/textContent`))));
    return listed.length >= 1 && listed.every((content) => content.includes('dana'));
  });
  await click(rows);
  const events = '[data-testid="session-event"]';
  // dana's play and stop, sent by the live view's test.
  await waitFor('the session opened with its events', 15_000, async () => (await findAll(events)).length === 2);
  assert.match(await inWindow('return location.hash'), /^#\/history\/s-[^?]+\?user=dana$/);
  await screenshot('desktop-history.png');
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

test('the Pipeline and Duplicates views work over the desktop commands, a duplicate restored', async () => {
  // A session-rule duplicate: the same play reported again 30 s later by a renamed player.
  const playback = uniqueKey('desktop-dup');
  const first = tautulliWebhook({ playback, player: 'Living Room TV' });
  const sent = await webhook(first);
  assert.equal(sent.status, 202, sent.text);
  const again = tautulliWebhook({ playback, player: 'Living Room TV (renamed)' });
  const later = new Date(Number(first.unixtime) * 1000 + 30_000);
  again.unixtime = String(Math.floor(later.getTime() / 1000));
  again.utctime = later.toISOString().slice(0, 19);
  again.session.started_unixtime = first.session.started_unixtime;
  const resent = await webhook(again);
  assert.equal(resent.status, 202, resent.text);

  // The Pipeline view: stages from health, figures from the stats the window is pushed.
  await click('[data-testid="tab-pipeline"]');
  for (const stage of ['listener', 'jetstream', 'duckdb']) {
    await waitFor(`the ${stage} stage up`, 20_000, async () => (await attribute(`[data-testid="stage-${stage}"]`, 'data-status')) === 'up');
  }
  // Drawn by uPlot on a canvas, in the webview too (docs/adr/0026).
  await waitFor('the engine history drawn', 15_000, async () =>
    (await findAll('[data-testid="chart-stored"] canvas')).length >= 1,
  );
  assert.equal((await findAll('[data-chart-failed]')).length, 0, 'no chart fell back to its table');
  const digits = (content) => Number(content.replace(/[^0-9]/g, '') || '0');
  await waitFor('the duplicate counted', 30_000, async () => digits(await text('[data-testid="dedup-dropped"]')) >= 1);
  await screenshot('desktop-pipeline.png');

  // The Duplicates view: the dropped play beside its kept twin, fetched with get_event.
  await click('[data-testid="tab-duplicates"]');
  const row = '[data-testid="dedup-row"]';
  await waitFor('the duplicate listed', 15_000, async () => (await findAll(row)).length >= 1);
  await click(row);
  await waitFor('the two events side by side', 15_000, async () => (await findAll('[data-testid="dedup-diff-summary"]')).length === 1);
  assert.equal(await attribute('[data-testid="diff-player"]', 'data-differs'), 'true');
  assert.equal(await attribute('[data-testid="diff-title"]', 'data-differs'), 'false');
  await screenshot('desktop-duplicates.png');

  // Restored after a confirmation (restore_dedup), the row says so.
  await clickCentered('[data-testid="dedup-restore-button"]');
  await waitFor('the confirmation', 10_000, async () => (await findAll('[data-testid="dedup-restore-confirm"]')).length === 1);
  await clickCentered('[data-testid="dedup-restore-confirm"]');
  const outcome = '[data-testid="dedup-restore-outcome"]';
  await waitFor('the restore', 15_000, async () => (await findAll(outcome)).length === 1);
  assert.match(await text(outcome), /^Restored: event \S+ is now stored/);
  await waitFor('the row marked restored', 10_000, async () => (await text('[data-testid="dedup-restored"]')) === 'Restored');
});

test('bad webhooks from one sender are one issue in the desktop window, retried as a job', async () => {
  const marker = uniqueKey('desktop-issue');
  for (let n = 0; n < 3; n += 1) {
    const body = `{"NotificationType": "PlaybackStart", "marker": "${marker}", `;
    const refused = await postWebhook(engineUrl, 'jellyfin', WEBHOOK_TOKEN, body);
    assert.equal(refused.status, 400, refused.text);
  }
  await click('[data-testid="tab-dlq"]');
  await setField('[data-testid="dlq-filter-text"]', marker);
  await click('[data-testid="dlq-filter-apply"]');
  const issue = '[data-testid="dlq-group"][data-group="jellyfin/rejected/invalid_json"]';
  await waitFor('one issue for the three bodies', 15_000, async () =>
    (await findAll('[data-testid="dlq-group"]')).length === 1 && (await findAll(issue)).length === 1,
  );
  assert.equal((await text(`${issue} [data-testid="dlq-group-count"]`)).trim(), '3 entries');
  await click(`${issue} [data-testid="dlq-group-retry"]`);
  await click(`${issue} [data-testid="dlq-group-confirm"]`);
  await waitFor('the group retry to finish', 15_000, async () => (await attribute('[data-testid="dlq-notice"]', 'data-outcome')) === 'job-done');
  assert.match(await text('[data-testid="dlq-notice"]'), /0 of 3 retried, 3 still failing/);
  await screenshot('desktop-dlq-issues.png');
});

const property = async (selector, name) => webdriver('GET', session(`/element/${await find(selector)}/property/${name}`));

test('a replay runs through the desktop commands and says what it found stored', async () => {
  await click('[data-testid="tab-replay"]');
  // The last 24 hours: every message this run sent (preview_replay).
  const preview = '[data-testid="replay-preview"]';
  await waitFor('the preview', 30_000, async () => (await findAll(preview)).length === 1);
  const covered = Number(await attribute(preview, 'data-messages'));
  assert.ok(covered >= 3, `the stream holds this run's webhooks: ${covered}`);
  assert.match(await text(preview), /^Covers [\d,]+ messages \(seq [\d,]+–[\d,]+, /);
  await waitFor('Run enabled', 15_000, async () => (await attribute('[data-testid="replay-run"]', 'disabled')) === null);
  await click('[data-testid="replay-run"]');
  const result = '[data-testid="replay-result"]';
  await waitFor('the replay to finish', 60_000, async () => (await findAll(result)).length === 1);
  assert.equal(await attribute(result, 'data-state'), 'done');
  // Everything was stored already (the duplicate restored earlier too): nothing is new.
  assert.match(await text(result), /^Replay finished: stored 0 new, [1-9][\d,]* already stored, [\d,]+ duplicates?[.,]/);
  await screenshot('desktop-replay.png');
});

test('a setting changed in the window is saved, applied, and kept after a restart', async () => {
  await click('[data-testid="tab-settings"]');
  await waitFor('the settings', 30_000, async () => (await findAll('[data-testid="settings-group-storage"]')).length === 1);
  await setField('[data-testid="setting-input-writer_batch_size"]', '500');
  await setField('[data-testid="setting-input-theme"]', 'light');
  await clickCentered('[data-testid="setting-input-start_at_login"]');
  await click('[data-testid="settings-save"]');
  await waitFor('the saved notice', 15_000, async () => (await attribute('[data-testid="settings-notice"]', 'data-outcome')) === 'saved');
  const notice = await text('[data-testid="settings-notice"]');
  assert.match(notice, /In force now: .*Theme/);
  assert.match(notice, /After a restart: Batch size/);
  assert.equal(await inWindow('return document.documentElement.dataset.theme;'), 'light', 'the theme applies at once');
  await waitFor('the restart notice', 5_000, async () => (await findAll('[data-testid="settings-restart"]')).length === 1);

  // Saved in the one settings file, where headless mode reads it too.
  const saved = JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'));
  assert.equal(saved.config.writer_batch_size, 500);
  assert.equal(saved.preferences.theme, 'light');
  assert.equal(saved.preferences.start_at_login, true);
  // Start at login is a real login item.
  const autostart = join(homeDir, '.config', 'autostart');
  await waitFor('the login item', 10_000, () => existsSync(autostart) && readdirSync(autostart).some((f) => f.endsWith('.desktop')));
  const entry = readFileSync(join(autostart, readdirSync(autostart).find((f) => f.endsWith('.desktop'))), 'utf8');
  assert.match(entry, /Exec=.*cartographus/);

  await inWindow("document.activeElement?.blur(); document.querySelector('.app-shell').scrollIntoView({ block: 'start' }); return true;");
  await waitFor('the top of the page', 5_000, async () => (await inWindow('return window.scrollY;')) === 0);
  await screenshot('desktop-settings.png');

  await closeSession();
  await openSession();
  await waitFor('overall status ok after the restart', 60_000, async () => (await attribute('[data-testid="overall-status"]', 'data-status')) === 'ok');
  await waitFor('the saved theme', 15_000, async () => (await inWindow('return document.documentElement.dataset.theme;')) === 'light');
  await click('[data-testid="tab-settings"]');
  await waitFor('the settings again', 30_000, async () => (await findAll('[data-testid="settings-group-storage"]')).length === 1);
  assert.equal(await property('[data-testid="setting-input-writer_batch_size"]', 'value'), '500');
  assert.equal(await attribute('[data-testid="setting-writer_batch_size"]', 'data-restart-pending'), 'false', 'in force since the restart');
  assert.equal(await property('[data-testid="setting-input-theme"]', 'value'), 'light');
  assert.equal(await property('[data-testid="setting-input-start_at_login"]', 'checked'), true);
});

test('the Logs view reads the engine log, filters it by level and exports diagnostics', async () => {
  await click('[data-testid="tab-logs"]');
  await waitFor('log lines', 30_000, async () => (await findAll('[data-testid="log-line"]')).length > 0);
  assert.match(await text('[data-testid="log-lines"]'), /engine started/);
  await screenshot('desktop-logs.png');

  await setField('[data-testid="logs-level"]', 'warn');
  await waitFor('only warnings and errors', 15_000, async () => {
    const lines = await findAll('[data-testid="log-line"]');
    const levels = await Promise.all(lines.map((id) => webdriver('GET', session(`/element/${id}/attribute/data-level`))));
    return levels.every((level) => level === 'warn' || level === 'error');
  });

  await click('[data-testid="logs-export"]');
  await waitFor('the export', 30_000, async () => (await attribute('[data-testid="logs-notice"]', 'data-outcome')) === 'exported');
  assert.match(await text('[data-testid="logs-notice"]'), /cartographus-diagnostics-[\d-]+\.zip/);
  const exports = readdirSync(join(dataDir, 'diagnostics'));
  assert.equal(exports.length, 1);
  const zip = readFileSync(join(dataDir, 'diagnostics', exports[0]));
  assert.equal(zip.subarray(0, 2).toString(), 'PK');
  assert.ok(zip.includes('settings.json'), 'the zip holds the settings');
});

test('a second launch exits and brings the first window forward', async () => {
  const logFile = openSync(join(artifactsDir, 'desktop-second-launch.log'), 'w');
  const second = spawn(required('CARTOGRAPHUS_DESKTOP_BIN'), [], {
    env: {
      ...process.env,
      ...desktopSession,
      HOME: homeDir,
      CARTOGRAPHUS_DATA_DIR: dataDir,
      NO_AT_BRIDGE: '1',
      NATS_SERVER_BIN: '',
    },
    stdio: ['ignore', logFile, logFile],
  });
  const exited = new Promise((resolve) => second.once('exit', (code) => resolve(code)));
  const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000))]);
  if (code === 'still running') second.kill('SIGKILL');
  assert.equal(code, 0, 'the second launch hands over and exits');
  assert.equal(sidecarsFor(dataDir).length, 1, 'the second launch started no engine of its own');

  // The first instance showed and focused its window; its own log says so.
  await click('[data-testid="tab-logs"]');
  await setField('[data-testid="logs-level"]', 'info');
  await waitFor('the hand-over in the log', 30_000, async () => (await text('[data-testid="log-lines"]')).includes('another launch of the app'));
  assert.equal(await inWindow('return document.visibilityState;'), 'visible');
});
