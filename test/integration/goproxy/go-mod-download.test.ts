/**
 * The fake is only useful if it speaks the protocol the way the real go
 * command expects: this runs /usr/bin/go (1.19 on Debian 12) against it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand } from '../../../src/exec/run-command.ts';
import { fakePath, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';

const MOD = 'example.test/Acme/hello';

interface DownloadJson {
  Path: string;
  Version: string;
  Error?: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Dir?: string;
  Sum?: string;
  GoModSum?: string;
}

/** `go mod download -json` prints a stream of indented objects, not an array. */
function parseJsonStream(text: string): DownloadJson[] {
  const out: DownloadJson[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as DownloadJson);
    }
  }
  return out;
}

describe('the real go command downloads from the GOPROXY fake', () => {
  let fake: GoProxyFake;
  let home: string;

  before(async () => {
    fake = await startGoProxyFake({
      modules: [
        {
          path: MOD,
          versions: [
            { version: 'v1.0.0', files: { 'hello.go': 'package hello\n\nfunc Hello() string { return "hello" }\n', LICENSE: 'MIT\n' } },
            { version: 'v1.9.9', fail: { status: 404 } },
          ],
        },
      ],
    });
    home = await mkdtemp(join(tmpdir(), 'bf-godl-'));
  });
  after(async () => {
    await fake.close();
    // the module cache is read-only on purpose; make it writable to delete it
    await runCommand(['chmod', '-R', 'u+w', home], { timeoutMs: 30_000 }).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  });

  it('go mod download -json succeeds for a served version and reports Error for a 404 version', async () => {
    const res = await runCommand(['go', 'mod', 'download', '-json', `${MOD}@v1.0.0`, `${MOD}@v1.9.9`], {
      cwd: home,
      reject: false,
      timeoutMs: 120_000,
      env: {
        GOPROXY: fake.url,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=mod',
        GOTOOLCHAIN: 'local',
        GOMODCACHE: join(home, 'modcache'),
        GOCACHE: join(home, 'gocache'),
        GOPATH: join(home, 'gopath'),
        HOME: home,
        GOENV: 'off',
        GONOSUMDB: undefined,
        GOPRIVATE: undefined,
        GONOPROXY: undefined,
        GOINSECURE: undefined,
        HTTP_PROXY: undefined,
        HTTPS_PROXY: undefined,
        http_proxy: undefined,
        https_proxy: undefined,
      },
    });
    assert.equal(res.exitCode, 1, `go exits 1 when any module has an Error\n${res.stderrTail}`);
    const results = parseJsonStream(res.stdout);
    assert.equal(results.length, 2, res.stdout);

    const ok = results.find((r) => r.Version === 'v1.0.0');
    assert.ok(ok, res.stdout);
    assert.equal(ok.Error, undefined, ok.Error);
    assert.equal(ok.Path, MOD);
    assert.match(ok.Sum ?? '', /^h1:[A-Za-z0-9+/]{43}=$/);
    assert.match(ok.GoModSum ?? '', /^h1:/);
    assert.equal(ok.Dir, join(home, 'modcache', 'example.test', '!acme', 'hello@v1.0.0'));
    assert.equal(await readFile(join(ok.Dir ?? '', 'hello.go'), 'utf8'), 'package hello\n\nfunc Hello() string { return "hello" }\n');
    assert.equal(await readFile(join(ok.Dir ?? '', 'go.mod'), 'utf8'), `module ${MOD}\n\ngo 1.19\n`);

    const missing = results.find((r) => r.Version === 'v1.9.9');
    assert.ok(missing, res.stdout);
    assert.match(missing.Error ?? '', /404 Not Found/);
    assert.match(missing.Error ?? '', /not found: example\.test\/Acme\/hello@v1\.9\.9: invalid version: unknown revision v1\.9\.9/);

    // go asked for case-encoded paths
    assert.equal(fake.count(fakePath(MOD, { version: 'v1.0.0', ext: 'zip' })), 1);
    assert.equal(fake.count(fakePath(MOD, { version: 'v1.0.0', ext: 'mod' })), 1);
    assert.ok(fake.count(fakePath(MOD, { version: 'v1.9.9', ext: 'info' })) >= 1);
  });
});
