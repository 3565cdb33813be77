// Helpers for the end-to-end tests: free ports, waiting on conditions with deadlines,
// finding sidecars by data dir, and where screenshots go.
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
