// Cold start of the desktop app, as a user launches it: a fresh data dir, under Xvfb with a
// private D-Bus session, timed from spawn to the window's page load (the app logs it) and to
// the first `GET /api/v1/health` that answers 200. Used by the package test and `make package`;
// run alone: `node packaging/cold-start.mjs <path to cartographus> [<nats-server>]` (the
// sidecar for a binary outside the package, which finds its own in /usr/lib/cartographus).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, privateSessionBus, sidecarsFor, tempDataDir, waitFor } from '../ui/e2e/support.mjs';

/** The `page loaded` line the app logs when its window has loaded the UI. */
function pageLoaded(dataDir) {
  const logs = join(dataDir, 'logs');
  if (!existsSync(logs)) return false;
  return readdirSync(logs).some((name) => readFileSync(join(logs, name), 'utf8').includes('page loaded'));
}

/**
 * Starts `binary`, waits for both marks, and returns the app still running with its figures
 * (milliseconds since spawn) and a `stop()` that ends it and waits for its sidecar to go.
 */
export async function launch(binary, { dataDir = tempDataDir('cold-start'), logPath, within = 60_000, sidecar = '' } = {}) {
  const home = join(dataDir, 'home');
  mkdirSync(home, { recursive: true });
  const listenPort = await freePort();
  const bus = privateSessionBus(dataDir);
  const output = logPath ? openSync(logPath, 'w') : 'ignore';
  const started = performance.now();
  const app = spawn('xvfb-run', ['-a', 'dbus-run-session', `--config-file=${bus.config}`, '--', binary], {
    env: {
      ...process.env,
      HOME: home,
      CARTOGRAPHUS_DATA_DIR: dataDir,
      CARTOGRAPHUS_LISTEN: `127.0.0.1:${listenPort}`,
      NO_AT_BRIDGE: '1',
      RUST_LOG: 'info',
      // The installed app must find its own sidecar; a bare build is given one.
      NATS_SERVER_BIN: sidecar,
    },
    stdio: ['ignore', output, output],
    detached: true,
  });
  const health = `http://127.0.0.1:${listenPort}/api/v1/health`;
  let healthMs = null;
  let paintMs = null;
  let body = null;
  await waitFor('the window and a healthy engine', within, async () => {
    if (paintMs === null && pageLoaded(dataDir)) paintMs = performance.now() - started;
    if (healthMs === null) {
      const response = await fetch(health, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
      if (response?.status === 200) {
        healthMs = performance.now() - started;
        body = await response.json();
      }
    }
    return paintMs !== null && healthMs !== null;
  });
  return {
    dataDir,
    health: body,
    firstPaintMs: Math.round(paintMs),
    healthOkMs: Math.round(healthMs),
    async stop() {
      try {
        process.kill(-app.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await waitFor('the app and its sidecar to stop', 20_000, () => sidecarsFor(dataDir).length === 0);
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = process.argv[2];
  if (!binary) {
    console.error('usage: node packaging/cold-start.mjs <path to cartographus> [<nats-server>]');
    process.exit(2);
  }
  const run = await launch(binary, { sidecar: process.argv[3] ?? '' });
  await run.stop();
  rmSync(run.dataDir, { recursive: true, force: true });
  console.log(`cold start of ${binary}: first page load ${run.firstPaintMs} ms, health 200 after ${run.healthOkMs} ms`);
}
