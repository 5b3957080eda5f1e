/**
 * A host that looks private (code.*, git.*) is reported as "private module the
 * proxy cannot see" only when the proxy knows no version of the module; when
 * it lists other versions, or its 404 says the repository answered without the
 * revision, the version is simply missing, as go says ("not found: …@v1.9.0:
 * invalid version: unknown revision").
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileConfigSchema } from '../../../src/config/schema.ts';
import { diagnose } from '../../../src/engine/diagnose.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSumDbFake } from '../../fakes/sumdb-server.ts';

describe('not found on a host that looks private', () => {
  let fake: GoProxyFake;
  let dir: string;
  before(async () => {
    fake = await startGoProxyFake({
      modules: [
        { path: 'code.example.io/team/lib', versions: [{ version: 'v1.0.0' }] },
        // The proxy lists nothing, but its 404 says the repository answered (go's own "unknown revision").
        { path: 'code.example.io/team/untagged', versions: [{ version: 'v1.9.0', fail: { status: 404 } }] },
        // The proxy lists nothing and its 404 says it could not read the repository.
        {
          path: 'code.example.io/team/closed',
          versions: [
            {
              version: 'v1.9.0',
              fail: {
                status: 404,
                message:
                  "not found: code.example.io/team/closed@v1.9.0: invalid version: git ls-remote -q origin in /tmp/gopath/pkg/mod/cache/vcs/0f3a: exit status 128: fatal: could not read Username for 'https://code.example.io': terminal prompts disabled",
              },
            },
          ],
        },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'buildfix-private-looking-'));
  });
  after(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function findings(require: string, gosumdb = 'off') {
    await writeFile(join(dir, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire ${require}\n`);
    const report = await diagnose(dir, {
      config: FileConfigSchema.parse({ requestTimeoutMs: 5000 }),
      goEnv: { GOPROXY: fake.url, GOSUMDB: gosumdb, GOFLAGS: '', GOPRIVATE: '', GONOPROXY: '', GONOSUMDB: '' },
      host: 'test',
      parts: { host: false, probe: false },
      processEnv: { HOME: dir, GOENV: 'off' },
    });
    return report.findings;
  }
  const topFinding = async (require: string) => (await findings(require)).find((f) => f.severity === 'error');

  it('the proxy lists other versions: version-not-found, with the published version to pin', async () => {
    const top = await topFinding('code.example.io/team/lib v1.9.0');
    assert.equal(top?.category, 'version-not-found', JSON.stringify(top));
    assert.equal(top?.version, 'v1.9.0');
    assert.match(top?.fix ?? '', /v1\.0\.0/);
  });

  it('the proxy knows nothing of the module: a private module it cannot see', async () => {
    const top = await topFinding('code.example.io/team/secret v1.9.0');
    assert.equal(top?.category, 'private-module-auth', JSON.stringify(top));
  });

  it('the proxy lists nothing but says the repository has no such revision (go\'s "unknown revision"): version-not-found, not private', async () => {
    const top = await topFinding('code.example.io/team/untagged v1.9.0');
    assert.equal(top?.category, 'version-not-found', JSON.stringify(top));
    assert.match(top?.evidence ?? '', /unknown revision v1\.9\.0/);
  });

  it('the proxy lists nothing and says it could not read the repository: a private module it cannot see', async () => {
    const top = await topFinding('code.example.io/team/closed v1.9.0');
    assert.equal(top?.category, 'private-module-auth', JSON.stringify(top));
  });

  it('GOSUMDB is a company checksum DB, not sum.golang.org: asking it about a private-looking module is a warning, not a failure', async () => {
    const sumdb = await startSumDbFake({ name: 'sum.corp.test' });
    try {
      const all = await findings('code.example.io/team/lib v1.0.0', `${sumdb.verifierKey} ${sumdb.url}`);
      const routing = all.find((f) => f.category === 'private-module-routing' && f.module === 'code.example.io/team/lib');
      assert.equal(routing?.severity, 'warning', JSON.stringify(all));
      assert.match(routing?.message ?? '', /sum\.corp\.test/);
      assert.equal(all.filter((f) => f.severity === 'error').length, 0, JSON.stringify(all));
    } finally {
      await sumdb.close();
    }
  });
});
