/**
 * bin/buildfix.js under the machine's stock Node 20, in a fresh install made
 * from the packed tarball (offline, from the npm cache): the launcher starts
 * the pinned runtime, `buildfix` on the PATH and `npx buildfix` work, exit
 * codes pass through, `npm ci` prints no EBADENGINE, and the esbuild bundle
 * (a package without src/) runs too.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCommand, type RunOptions } from '../../../src/exec/run-command.ts';
import { ROOT } from '../../helpers/run-cli.ts';

/** The machine's own Node (Debian's 20 here), not the pinned one. */
const STOCK_NODE = process.env.BUILDFIX_STOCK_NODE ?? '/usr/bin/node';
const STOCK_PATH = '/usr/local/bin:/usr/bin:/bin';
const LOG =
  'go: downloading example.com/private v1.2.0\ngo: example.com/private@v1.2.0: reading https://proxy.golang.org/example.com/private/@v/v1.2.0.mod: 404 Not Found\n\tserver response: not found\n';

let dir = '';
let pkg = '';
let prefix = '';

function run(argv: string[], options: RunOptions = {}): ReturnType<typeof runCommand> {
  return runCommand(argv, {
    inheritEnv: ['HOME'],
    reject: false,
    timeoutMs: 120_000,
    tailBytes: 1 << 16,
    ...options,
    env: { PATH: STOCK_PATH, NO_COLOR: '1', npm_config_update_notifier: 'false', ...options.env },
  });
}

before(async () => {
  const version = await run([STOCK_NODE, '--version']);
  const [major = 0, minor = 0] = version.stdout.replace(/^v/, '').split('.').map(Number);
  assert.ok(
    major < 22 || (major === 22 && minor < 18),
    `${STOCK_NODE} is ${version.stdout}: this test needs a Node older than 22.18 (set BUILDFIX_STOCK_NODE)`,
  );
  dir = await mkdtemp(join(tmpdir(), 'buildfix-launcher-'));
  const packed = await run(['npm', 'pack', '--pack-destination', dir, ROOT], { cwd: dir });
  assert.equal(packed.exitCode, 0, packed.stderr);
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball);
  pkg = join(dir, 'pkg');
  await mkdir(pkg);
  assert.equal((await run(['tar', 'xzf', join(dir, tarball), '-C', pkg, '--strip-components=1'])).exitCode, 0);
  // npm pack leaves the lock file out; the fresh install uses the checkout's so it can run offline.
  await cp(join(ROOT, 'package-lock.json'), join(pkg, 'package-lock.json'));
  const ci = await run(['npm', 'ci', '--offline', '--omit=dev', '--no-audit', '--no-fund'], { cwd: pkg });
  assert.equal(ci.exitCode, 0, ci.stderr);
  assert.doesNotMatch(ci.stderr, /EBADENGINE/, 'npm ci under Node 20 warns about engines');
  prefix = join(dir, 'prefix');
  const global = await run(['npm', 'install', '-g', '--offline', '--prefix', prefix, '--no-audit', '--no-fund', pkg], { cwd: dir });
  assert.equal(global.exitCode, 0, global.stderr);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('stock Node 20 runs bin/buildfix.js through the pinned runtime', async () => {
  const r = await run([STOCK_NODE, join(pkg, 'bin/buildfix.js'), '--version']);
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^buildfix \d+\.\d+\.\d+$/);
  assert.equal(r.stderr, '');
});

test('an installed `buildfix` on the PATH works outside the checkout, exit codes pass through', async () => {
  const env = { PATH: `${join(prefix, 'bin')}:${STOCK_PATH}` };
  const explained = await run(['buildfix', 'explain', '-', '--json'], { env, cwd: dir, input: LOG });
  assert.equal(explained.exitCode, 0, explained.stderr);
  assert.equal((JSON.parse(explained.stdout) as { category: string }).category.length > 0, true);
  const missing = await run(['buildfix', 'explain', join(dir, 'no-such.log')], { env, cwd: dir });
  assert.equal(missing.exitCode, 2);
  assert.match(missing.stderr, /no-such\.log: no such file/);
  assert.doesNotMatch(missing.stderr, /ERR_UNKNOWN_FILE_EXTENSION|at .*\(/);
});

test('`npx buildfix` inside the install uses the local bin, not the registry', async () => {
  const r = await run(['npx', '--offline', 'buildfix', '--version'], { cwd: join(pkg, 'src') });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /^buildfix /);
});

test('the esbuild bundle (a package without src/) runs under stock Node 20 too', async () => {
  const app = join(dir, 'bundle-app');
  await mkdir(app);
  const built = await runCommand([process.execPath, join(ROOT, 'scripts/build.ts'), '--outdir', join(app, 'dist')], {
    reject: false,
    timeoutMs: 120_000,
    cwd: ROOT,
  });
  assert.equal(built.exitCode, 0, built.stderr);
  await cp(join(pkg, 'bin'), join(app, 'bin'), { recursive: true });
  await cp(join(pkg, 'package.json'), join(app, 'package.json'));
  await symlink(join(pkg, 'node_modules'), join(app, 'node_modules'));
  const r = await run([STOCK_NODE, join(app, 'bin/buildfix.js'), 'explain', '-', '--json'], { input: LOG, cwd: dir });
  assert.equal(r.exitCode, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout));
});

test('without the pinned runtime the launcher says what to do (exit 2), no stack trace', async () => {
  const bare = join(dir, 'bare');
  await cp(join(pkg, 'bin'), join(bare, 'bin'), { recursive: true });
  await writeFile(join(bare, 'package.json'), '{"type":"module"}\n');
  const r = await run([STOCK_NODE, join(bare, 'bin/buildfix.js'), '--version'], { cwd: bare });
  assert.equal(r.exitCode, 2);
  assert.match(r.stderr, /needs Node\.js 22\.18 or newer.*\n.*npm ci/);
});
