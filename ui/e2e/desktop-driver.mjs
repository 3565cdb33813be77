// The real desktop app under Xvfb, driven through tauri-driver and WebKitWebDriver: start it
// with an environment of the test's choosing, find and read elements, click, type, take
// screenshots, and stop it (its process group, so the sidecar goes with it).
import { spawn } from 'node:child_process';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, freePort, privateSessionBus, required, waitFor } from './support.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * Starts the desktop app on `dataDir` with `env` added to this process's environment; its
 * output goes to `<artifacts>/<logName>`. Resolves once the WebDriver session is open.
 */
export async function startDesktop({ dataDir, env, logName }) {
  const port = await freePort();
  const nativePort = await freePort();
  const driverUrl = `http://127.0.0.1:${port}`;
  const logFile = openSync(join(artifactsDir, logName), 'w');
  const driver = spawn(
    'xvfb-run',
    ['-a', 'dbus-run-session', `--config-file=${privateSessionBus(dataDir).config}`, '--', required('TAURI_DRIVER_BIN'), '--port', String(port), '--native-port', String(nativePort)],
    {
      env: {
        ...process.env,
        CARTOGRAPHUS_DATA_DIR: dataDir,
        NO_AT_BRIDGE: '1',
        // Leave WEBKIT_DISABLE_DMABUF_RENDERER / _COMPOSITING_MODE unset: with either one,
        // WebKitWebDriver's screenshot never answers under Xvfb (seen with WebKitGTK 2.50).
        RUST_LOG: 'warn',
        // The app must find its sidecar beside its own executable, as an installed app does.
        NATS_SERVER_BIN: '',
        ...env,
      },
      // The app's, WebKit's and D-Bus's chatter goes to a file next to the screenshots.
      stdio: ['ignore', logFile, logFile],
      detached: true,
    },
  );

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

  await waitFor('tauri-driver to listen', 30_000, async () => (await fetch(`${driverUrl}/status`)).ok);
  const created = await webdriver('POST', '/session', {
    capabilities: { alwaysMatch: { 'tauri:options': { application: required('CARTOGRAPHUS_DESKTOP_BIN') } } },
  });
  const sessionId = created.sessionId;
  const session = (path) => `/session/${sessionId}${path}`;

  const app = {
    webdriver,
    session,
    async find(selector) {
      const element = await webdriver('POST', session('/element'), { using: 'css selector', value: selector });
      return element[ELEMENT];
    },
    async findAll(selector) {
      const elements = await webdriver('POST', session('/elements'), { using: 'css selector', value: selector });
      return elements.map((element) => element[ELEMENT]);
    },
    async attribute(selector, name) {
      return webdriver('GET', session(`/element/${await app.find(selector)}/attribute/${name}`));
    },
    async property(selector, name) {
      return webdriver('GET', session(`/element/${await app.find(selector)}/property/${name}`));
    },
    async text(selector) {
      return app.property(selector, 'textContent');
    },
    async click(selector) {
      await webdriver('POST', session(`/element/${await app.find(selector)}/click`), {});
    },
    /** Sets an input's or textarea's value the way typing would, so React sees the change. */
    async setValue(selector, value) {
      await webdriver('POST', session('/execute/sync'), {
        script: `const [element, value] = arguments;
          const prototype = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
          Object.getOwnPropertyDescriptor(prototype, 'value').set.call(element, value);
          element.dispatchEvent(new Event('input', { bubbles: true }));`,
        args: [{ [ELEMENT]: await app.find(selector) }, value],
      });
    },
    async execute(script, args = []) {
      return webdriver('POST', session('/execute/sync'), { script, args });
    },
    async screenshot(name) {
      const png = await webdriver('GET', session('/screenshot'));
      writeFileSync(join(artifactsDir, name), Buffer.from(png, 'base64'));
    },
    /** Ends the session and the app's whole process group (Xvfb, D-Bus, the app, its sidecar). */
    async stop() {
      await webdriver('DELETE', session('')).catch(() => {});
      try {
        process.kill(-driver.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
  return app;
}
