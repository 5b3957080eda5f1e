/**
 * go's own errors for a malformed GOPROXY or GOSUMDB, produced by the real go command (the oracle), read
 * by the log classifier: the answer is `proxy-config`, on go's error line, with the variable's fix.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';

describe('go config errors from the real go command → proxy-config', () => {
  let fake: GoProxyFake;
  let work: string;
  let n = 0;

  before(async () => {
    fake = await startGoProxyFake({ modules: [{ path: 'example.com/ok', versions: [{ version: 'v1.0.0' }] }] });
    work = await mkdtemp(join(tmpdir(), 'buildfix-go-config-'));
  });
  after(async () => {
    await fake.close();
    await runCommand(['chmod', '-R', 'u+w', work], { reject: false, timeoutMs: 10_000 });
    await rm(work, { recursive: true, force: true });
  });

  /** `go mod download` in a fresh module that requires example.com/ok (no go.sum, cold cache). */
  async function goDownload(env: Record<string, string>): Promise<{ exitCode: number; output: string }> {
    const dir = join(work, `case-${n++}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.19\n\nrequire example.com/ok v1.0.0\n');
    const result = await runCommand(['go', 'mod', 'download'], {
      cwd: dir,
      env: {
        GOPROXY: fake.url,
        GOFLAGS: '-modcacherw',
        GOTOOLCHAIN: 'local',
        GONOSUMDB: '',
        GOPRIVATE: '',
        HOME: join(work, 'home'),
        GOMODCACHE: join(dir, 'cache'),
        GOPATH: join(dir, 'gopath'),
        ...env,
      },
      reject: false,
      timeoutMs: 30_000,
      tailBytes: 1 << 16,
    });
    return { exitCode: result.exitCode ?? -1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  }

  const cases: Array<{ name: string; env: Record<string, string>; quote: RegExp; variable: string }> = [
    {
      name: 'a GOSUMDB key that is not a verifier key',
      env: { GOSUMDB: 'sum.golang.org+key' },
      quote: /invalid GOSUMDB: malformed verifier id/,
      variable: 'GOSUMDB',
    },
    { name: 'an empty GOSUMDB (only spaces)', env: { GOSUMDB: ' ' }, quote: /missing GOSUMDB/, variable: 'GOSUMDB' },
    {
      name: 'a GOPROXY entry that is a path without file://',
      env: { GOPROXY: '/srv/goproxy', GOSUMDB: 'off' },
      quote: /invalid proxy URL missing scheme/,
      variable: 'GOPROXY',
    },
    {
      name: 'a GOPROXY entry with another scheme',
      env: { GOPROXY: 'ftp://goproxy.example', GOSUMDB: 'off' },
      quote: /invalid proxy URL scheme/,
      variable: 'GOPROXY',
    },
    { name: 'a GOPROXY of separators only', env: { GOPROXY: ',', GOSUMDB: 'off' }, quote: /GOPROXY list is not the empty string/, variable: 'GOPROXY' },
  ];
  for (const c of cases) {
    it(`${c.name}: go fails, and the classifier names the configuration on go's line`, async () => {
      const go = await goDownload(c.env);
      assert.notEqual(go.exitCode, 0, `go fails:\n${go.output}`);
      assert.match(go.output, c.quote);
      const result = classifyLog(go.output);
      assert.equal(result.category, 'proxy-config', go.output);
      assert.ok(result.confidence >= 0.9);
      assert.match(result.evidence[0] ?? '', c.quote);
      assert.match(result.fix, new RegExp(`go env ${c.variable}`));
    });
  }

  it('a GOPROXY host without a scheme is valid to go (it means https://): not a configuration error', async () => {
    const go = await goDownload({ GOPROXY: `127.0.0.1:${fake.port}`, GOSUMDB: 'off' });
    assert.notEqual(go.exitCode, 0);
    assert.doesNotMatch(go.output, /invalid proxy URL/);
    assert.notEqual(classifyLog(go.output).category, 'proxy-config', go.output);
  });
});
