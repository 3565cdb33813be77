// Helpers for the end-to-end tests: free ports, waiting on conditions with deadlines,
// finding sidecars by data dir, where screenshots go, the fakes of third parties, and a
// headless server with Chromium for the browser tests.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = process.env.E2E_ARTIFACTS ?? join(repoRoot, 'test-artifacts');
mkdirSync(artifactsDir, { recursive: true });

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the e2e tests through \`make test\``);
  return value;
}

export function tempDataDir(prefix) {
  return mkdtempSync(join(tmpdir(), `cartographus-${prefix}-`));
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor(what, withinMs, check) {
  const deadline = Date.now() + withinMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${withinMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Pids of live nats-server processes started for this data dir. */
export function sidecarsFor(dataDir) {
  const config = join(dataDir, 'nats', 'nats-server.conf');
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (cmdline.includes(config) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

const TAUTULLI_PLAY = JSON.parse(readFileSync(join(repoRoot, 'tests/fixtures/tautulli/play.json'), 'utf8'));

/**
 * The Tautulli play fixture as a webhook sent now, for a playback of its own: its session key
 * and player are unique (so it is a new session), its times are now (so it is live).
 */
export function tautulliWebhook({ playback, event = 'play', user = 'dana', player, episode, offsetMs = 0 }) {
  const now = new Date();
  const body = structuredClone(TAUTULLI_PLAY);
  body.event = event;
  body.unixtime = String(Math.floor(now.getTime() / 1000));
  body.utctime = now.toISOString().slice(0, 19);
  body.session.session_key = `e2e-${playback}`;
  body.session.session_id = `e2e-session-${playback}`;
  body.session.started_unixtime = body.unixtime;
  body.player.machine_id = `e2e-player-${playback}`;
  if (player) body.player.player = player;
  body.user.username = user;
  body.user.friendly_name = user;
  if (episode) body.media.episode_name = episode;
  body.progress.view_offset_ms = String(offsetMs);
  return body;
}

/** POSTs a webhook body (an object, or raw text) and returns the status and the parsed answer. */
export async function postWebhook(base, source, token, body) {
  const response = await fetch(`${base}/webhooks/${source}?token=${encodeURIComponent(token)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: response.status, json, text };
}

/** A playback key unique to this run, so sessions never collide with earlier runs' data. */
export function uniqueKey(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A D-Bus session config with no activatable services, listening at `<dir>/session-bus`. With
 * the standard service dirs, GTK's first settings lookup activates xdg-desktop-portal, which
 * under Xvfb answers only after D-Bus's 25 s activation timeout — long enough to time out a
 * WebDriver session on a cold start. The fixed address lets a test start a second app on the
 * same bus (single instance). Returns the config file's path and the bus address.
 */
export function privateSessionBus(dir) {
  const path = join(dir, 'session-bus.conf');
  const socket = join(dir, 'session-bus');
  writeFileSync(
    path,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  return { config: path, address: `unix:path=${socket}` };
}

/**
 * Starts `cartographus-fakes` with a fake Tautulli accepting `tautulliKey`; resolves once it
 * printed its URL. `stop()` ends it and resolves when it has exited.
 */
export async function startFakes({ tautulliKey }) {
  const fakes = spawn(required('CARTOGRAPHUS_FAKES_BIN'), ['--tautulli-port', '0', '--tautulli-key', tautulliKey], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolveExit) => fakes.once('exit', resolveExit));
  const urls = {};
  await new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error('cartographus-fakes did not say ready within 15 s')), 15_000);
    let pending = '';
    fakes.stdout.on('data', (chunk) => {
      pending += chunk.toString();
      let newline;
      while ((newline = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        const [name, url] = line.split(' ');
        if (name === 'ready') {
          clearTimeout(timer);
          resolveReady();
        } else if (url) {
          urls[name] = url;
        }
      }
    });
    fakes.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cartographus-fakes exited with ${code} before it was ready`));
    });
  });
  return {
    tautulliUrl: urls.tautulli,
    async stop() {
      if (fakes.exitCode === null) fakes.kill('SIGTERM');
      await exited;
    },
  };
}

/** A data directory whose settings say where to listen (the wizard may move it: no flag or variable fixes it). */
export function dataDirListeningOn(prefix, listen) {
  const dir = tempDataDir(prefix);
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ config: { listen } }), { mode: 0o600 });
  return dir;
}

/** The Tautulli API of the fake: `cmd` with the key; the envelope's `response`. */
export async function tautulliApi(tautulliUrl, key, cmd) {
  const response = await fetch(`${tautulliUrl}/api/v2?apikey=${encodeURIComponent(key)}&cmd=${cmd}`, {
    signal: AbortSignal.timeout(10_000),
  });
  return (await response.json()).response;
}

/** Emby's "Send Test Notification" (Emby 4.9) as it arrives at a webhook URL. */
export async function sendEmbyTest(webhookUrl) {
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Title: 'Test Notification',
      Description: 'Test Notification Description',
      Date: new Date().toISOString(),
      Event: 'system.webhooktest',
      Severity: 'Info',
      Server: { Name: 'Basement', Id: 'b7c1e2f3', Version: '4.9.1.10' },
    }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

/** Whether anything accepts connections at `base` (a refused connection is false). */
export async function answers(base) {
  try {
    await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(5_000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * `cartographus-server serve` with its own data dir, tokens and a free port, serving this
 * checkout's `ui/dist`; resolves once health answers 200. `stop()` sends SIGTERM, requires a
 * clean exit and waits for the sidecar to go with it.
 */
export async function startServer(prefix, { apiToken, webhookToken }) {
  const port = await freePort();
  const dataDir = tempDataDir(prefix);
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(
    required('CARTOGRAPHUS_SERVER_BIN'),
    ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--ui-dir', join(repoRoot, 'ui/dist')],
    {
      env: { ...process.env, CARTOGRAPHUS_API_TOKEN: apiToken, CARTOGRAPHUS_WEBHOOK_TOKEN: webhookToken, RUST_LOG: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  await waitFor('the server to answer health 200', 60_000, async () => (await fetch(`${base}/api/v1/health`)).status === 200);
  return {
    base,
    dataDir,
    async stop() {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        const { code } = await exited;
        assert.equal(code, 0, 'serve must exit cleanly on SIGTERM');
      }
      await waitFor('the sidecar to stop with the server', 10_000, () => sidecarsFor(dataDir).length === 0);
    },
  };
}

/** Debian's headless Chromium (`CHROMIUM_BIN` to use another). */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
