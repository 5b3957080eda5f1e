import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand } from '../../../src/exec/run-command.ts';
import { goModHash, hash1, sha256Of } from '../../../src/gomod/dirhash.ts';

describe('dirhash h1 (go.sum hashes)', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-dirhash-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('matches the /go.mod hash the real go command writes to go.sum', async () => {
    // A local replace target is hashed by nobody, so use go mod download on a file:// proxy.
    const mod = 'module example.com/dh\n\ngo 1.19\n';
    const proxy = join(work, 'proxy', 'example.com', 'dh', '@v');
    await mkdir(proxy, { recursive: true });
    await writeFile(join(proxy, 'list'), 'v1.0.0\n');
    await writeFile(join(proxy, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}');
    await writeFile(join(proxy, 'v1.0.0.mod'), mod);
    const app = join(work, 'app');
    await mkdir(app, { recursive: true });
    await writeFile(join(app, 'go.mod'), 'module example.com/app\n\ngo 1.19\n\nrequire example.com/dh v1.0.0\n');
    const go = await runCommand(['go', 'mod', 'download', '-json', 'example.com/dh@v1.0.0'], {
      cwd: app,
      env: {
        GOPROXY: `file://${join(work, 'proxy')}`,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=mod',
        GOMODCACHE: join(work, 'cache'),
        GOPATH: join(work, 'gopath'),
        HOME: work,
      },
      reject: false,
      timeoutMs: 60_000,
      tailBytes: 1 << 20,
    });
    const goModSum = /"GoModSum": "([^"]+)"/.exec(go.stdout)?.[1];
    assert.ok(goModSum, `go printed a GoModSum:\n${go.stdout}\n${go.stderr}`);
    assert.equal(goModHash(mod), goModSum);
  });

  it('sorts names by their UTF-8 bytes, as Go does', () => {
    // U+FF21 is EF BC A1 in UTF-8 and U+1F600 is F0 9F 98 80, so Go puts U+FF21 first;
    // JavaScript's default (UTF-16) order would put the emoji (D83D …) first.
    const a = { name: 'm@v1/\uFF21', sha256: sha256Of('a') };
    const b = { name: 'm@v1/\u{1F600}', sha256: sha256Of('b') };
    const summary = `${a.sha256.toString('hex')}  ${a.name}\n${b.sha256.toString('hex')}  ${b.name}\n`;
    const expected = `h1:${createHash('sha256').update(summary, 'utf8').digest('base64')}`;
    assert.equal(hash1([b, a]), expected);
    assert.equal(hash1([a, b]), expected);
  });

  it('refuses a file name with a newline', () => {
    assert.throws(() => hash1([{ name: 'a\nb', sha256: sha256Of('') }]), /newline/);
  });
});
