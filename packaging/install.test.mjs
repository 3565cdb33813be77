// The Debian package installed the way a user installs it (`apt-get install ./x.deb` as root,
// else unpacked with `dpkg -x` into a temporary root), started under Xvfb with a temporary data
// dir until its engine is healthy with the packaged sidecar, then removed — the user's data
// stays. CARTOGRAPHUS_DEB names the package (`make test-package` builds it from the dev build).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactsDir, required, tempDataDir } from '../ui/e2e/support.mjs';
import { launch } from './cold-start.mjs';

const deb = required('CARTOGRAPHUS_DEB');
const asRoot = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
let installedRoot = null;
let running = null;
/** Temporary directories of this run, removed at the end. */
const scratch = [];

const run = (command, args, options = {}) => execFileSync(command, args, { encoding: 'utf8', ...options });
const field = (name) => run('dpkg-deb', ['--field', deb, name]).trim();

after(async () => {
  await running?.stop();
  if (asRoot && installedRoot === '/') run('dpkg', ['--purge', 'cartographus'], { stdio: 'ignore' });
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

test('the package holds the app, its pinned sidecar, a desktop entry and icons, with the right Depends', () => {
  assert.equal(field('Package'), 'cartographus');
  const depends = field('Depends');
  for (const dependency of ['libwebkit2gtk-4.1-0', 'libgtk-3-0', 'libayatana-appindicator3-1']) {
    assert.ok(depends.includes(dependency), `Depends lacks ${dependency}: ${depends}`);
  }
  const files = run('dpkg-deb', ['--contents', deb]);
  const paths = files.split('\n').map((line) => line.split(/\s+/).pop()?.replace(/^\.\//, ''));
  for (const path of ['usr/bin/cartographus', 'usr/lib/cartographus/nats-server', 'usr/share/applications/Cartographus.desktop']) {
    assert.ok(paths.includes(path), `${path} missing:\n${files}`);
  }
  // Not in /usr/bin, where Debian's own nats-server package would clash with it.
  assert.ok(!paths.includes('usr/bin/nats-server'), 'the sidecar is private to the app');
  assert.match(files, /^-rwxr-xr-x .* (\.\/)?usr\/lib\/cartographus\/nats-server$/m, 'the sidecar is executable');
  assert.ok(
    paths.some((path) => /^usr\/share\/icons\/hicolor\/[^/]+\/apps\/cartographus\.png$/.test(path ?? '')),
    `no icon:\n${files}`,
  );
  const megabytes = statSync(deb).size / 1024 / 1024;
  console.log(`package ${deb}: ${megabytes.toFixed(1)} MB`);
});

test('installed, it starts with its own sidecar and a healthy engine; removed, the data stays', async () => {
  if (asRoot) {
    run('apt-get', ['install', '-y', '--no-install-recommends', deb], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: 'ignore',
    });
    installedRoot = '/';
  } else {
    installedRoot = mkdtempSync(join(tmpdir(), 'cartographus-root-'));
    scratch.push(installedRoot);
    run('dpkg', ['-x', deb, installedRoot]);
  }
  const binary = join(installedRoot, 'usr/bin/cartographus');
  const sidecar = join(installedRoot, 'usr/lib/cartographus/nats-server');
  assert.ok(existsSync(binary) && existsSync(sidecar));
  const entry = readFileSync(join(installedRoot, 'usr/share/applications/Cartographus.desktop'), 'utf8');
  assert.match(entry, /^Exec=cartographus/m);

  const dataDir = tempDataDir('package');
  scratch.push(dataDir);
  running = await launch(binary, { dataDir, logPath: join(artifactsDir, 'package-app.log') });
  assert.equal(running.health.status, 'ok', JSON.stringify(running.health));
  assert.equal(running.health.parts.nats.status, 'up', 'the packaged sidecar runs');
  console.log(`cold start (installed dev build): first page load ${running.firstPaintMs} ms, health 200 after ${running.healthOkMs} ms`);
  await running.stop();
  running = null;

  if (installedRoot === '/') {
    run('apt-get', ['remove', '-y', 'cartographus'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'ignore' });
    assert.ok(!existsSync('/usr/bin/cartographus'), 'removed with the package');
    assert.ok(!existsSync('/usr/lib/cartographus/nats-server'), 'the sidecar goes with it');
    installedRoot = null;
  }
  for (const kept of ['settings.json', 'cartographus.duckdb']) {
    assert.ok(existsSync(join(dataDir, kept)), `${kept} is the user's and stays`);
  }
});
