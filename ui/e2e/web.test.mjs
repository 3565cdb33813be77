// End to end, as a browser user sees it: `cartographus-server serve` with its real sidecar
// and DuckDB, the built web UI in Debian's headless Chromium, the health view all green.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { artifactsDir, freePort, repoRoot, required, sidecarsFor, tempDataDir, waitFor } from './support.mjs';

const API_TOKEN = 'e2e-web-token';
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
      env: { ...process.env, CARTOGRAPHUS_API_TOKEN: API_TOKEN, RUST_LOG: 'warn' },
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

test('the web UI shows every part healthy over HTTP and WebSocket', async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  await page.goto(`${base}/#token=${API_TOKEN}`);

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
