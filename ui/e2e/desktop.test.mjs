// End to end, as a desktop user sees it: the real Tauri app under Xvfb, driven through
// tauri-driver and WebKitWebDriver, showing every part healthy; its sidecar dies with it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, freePort, required, sidecarsFor, tempDataDir, waitFor } from './support.mjs';

let driver;
let driverUrl;
let sessionId;
let dataDir;

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

// A session bus with no activatable services. With the standard service dirs, GTK's first
// settings lookup activates xdg-desktop-portal, which under Xvfb answers only after D-Bus's
// 25 s activation timeout — long enough to time out the WebDriver session on a cold start.
function privateSessionBus(dir) {
  const path = join(dir, 'session-bus.conf');
  writeFileSync(
    path,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  return path;
}

before(async () => {
  const port = await freePort();
  const nativePort = await freePort();
  const listenPort = await freePort();
  dataDir = tempDataDir('desktop');
  const logFile = openSync(join(artifactsDir, 'desktop-app.log'), 'w');
  driverUrl = `http://127.0.0.1:${port}`;
  driver = spawn(
    'xvfb-run',
    ['-a', 'dbus-run-session', `--config-file=${privateSessionBus(dataDir)}`, '--', required('TAURI_DRIVER_BIN'), '--port', String(port), '--native-port', String(nativePort)],
    {
      env: {
        ...process.env,
        CARTOGRAPHUS_DATA_DIR: dataDir,
        CARTOGRAPHUS_LISTEN: `127.0.0.1:${listenPort}`,
        NO_AT_BRIDGE: '1',
        // Leave WEBKIT_DISABLE_DMABUF_RENDERER / _COMPOSITING_MODE unset: with either one,
        // WebKitWebDriver's screenshot never answers under Xvfb (seen with WebKitGTK 2.50).
        RUST_LOG: 'warn',
        // The app must find its sidecar beside its own executable, as an installed app does.
        NATS_SERVER_BIN: '',
      },
      // The app's, WebKit's and D-Bus's chatter goes to a file next to the screenshots.
      stdio: ['ignore', logFile, logFile],
      detached: true,
    },
  );
  await waitFor('tauri-driver to listen', 30_000, async () => (await fetch(`${driverUrl}/status`)).ok);
  const created = await webdriver('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: required('CARTOGRAPHUS_DESKTOP_BIN') } } },
  });
  sessionId = created.sessionId;
});

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
  for (const part of ['listener', 'nats', 'duckdb']) {
    assert.equal(await attribute(`[data-testid="part-${part}"]`, 'data-status'), 'up', part);
  }
  const kind = await webdriver('GET', session(`/element/${await find('[data-testid="backend-kind"]')}/property/textContent`));
  assert.equal(kind.trim(), 'tauri');
  assert.equal(sidecarsFor(dataDir).length, 1, 'the app runs exactly one sidecar');

  const png = await webdriver('GET', session('/screenshot'));
  writeFileSync(join(artifactsDir, 'desktop-health.png'), Buffer.from(png, 'base64'));
});
