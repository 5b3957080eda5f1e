/**
 * The health report against the real go command as the oracle: for every
 * module of the build list, `go list -m -u -json all` (go 1.19) names the
 * same newer version (Update), the same deprecation message (Deprecated,
 * from the latest go.mod, including go.mod comment layouts that are not
 * deprecations) and the same retraction (Retracted).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand } from '../../../src/exec/run-command.ts';
import { GoProxyClient } from '../../../src/goproxy/goproxy-client.ts';
import { buildHealthReport, type HealthReport } from '../../../src/health/health-report.ts';
import { startGoProxyFake, type FakeModule, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { HEALTH_GO_MOD, HEALTH_MODULES } from './health-fixture.ts';

// go.mod comment layouts around `module`: which ones go reads as a deprecation.
const LAYOUTS: Record<string, string> = {
  para: '// Package p.\n//\n// Deprecated: second paragraph\n// continues.\n//\n// Trailer.\nmodule example.test/dep/para\n\ngo 1.19\n',
  detached: '// Deprecated: detached by a blank line\n\nmodule example.test/dep/detached\n\ngo 1.19\n',
  suffix: 'module example.test/dep/suffix // Deprecated: on the line\n\ngo 1.19\n',
  inline: '// Not Deprecated: mid-sentence\nmodule example.test/dep/inline\n\ngo 1.19\n',
  empty: '// Deprecated:\nmodule example.test/dep/empty\n\ngo 1.19\n',
};

const DEP_MODULES: FakeModule[] = Object.entries(LAYOUTS).map(([name, goMod]) => ({
  path: `example.test/dep/${name}`,
  versions: [
    { version: 'v1.0.0', time: '2024-01-01T00:00:00Z' },
    { version: 'v1.1.0', time: '2024-02-01T00:00:00Z', goMod },
  ],
}));

interface GoListModule {
  Path: string;
  Version?: string;
  Main?: boolean;
  Update?: { Version: string };
  Deprecated?: string;
  Retracted?: string[];
}

function parseStream(text: string): GoListModule[] {
  const out: GoListModule[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (text[i] === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as GoListModule);
  }
  return out;
}

describe('health report agrees with go list -m -u', () => {
  let proxy: GoProxyFake;
  let dir: string;
  let go: GoListModule[];
  let report: HealthReport;

  before(async () => {
    proxy = await startGoProxyFake({ modules: [...HEALTH_MODULES, ...DEP_MODULES] });
    dir = await mkdtemp(join(tmpdir(), 'bf-health-go-'));
    const goMod = HEALTH_GO_MOD.replace(
      /\nrequire example\.test\/deep/,
      `\nrequire (\n${DEP_MODULES.map((m) => `\t${m.path} v1.0.0\n`).join('')})\n\nrequire example.test/deep`,
    );
    await writeFile(join(dir, 'go.mod'), goMod);
    const env = { HOME: dir, GOPATH: join(dir, 'gopath'), GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
    const res = await runCommand(['go', 'list', '-m', '-u', '-json', 'all'], { cwd: dir, inheritEnv: ['PATH'], env, reject: false, timeoutMs: 60_000 });
    assert.equal(res.exitCode, 0, res.stderr);
    go = parseStream(res.stdout).filter((m) => !m.Main);
    const client = new GoProxyClient({ timeoutMs: 5000 });
    try {
      report = await buildHealthReport(dir, { goEnv: { GOPROXY: proxy.url, GOSUMDB: 'off' }, client, majorProbes: 0 });
    } finally {
      await client.close();
    }
  });
  after(async () => {
    await proxy.close();
    await runCommand(['chmod', '-R', 'u+w', dir], { reject: false });
    await rm(dir, { recursive: true, force: true });
  });

  it('the same build list size', () => {
    assert.equal(report.requirements.total, go.length);
  });

  it('the same newer versions', () => {
    const ours = Object.fromEntries(report.outdated.map((o) => [o.path, o.latest]));
    const theirs = Object.fromEntries(go.filter((m) => m.Update).map((m) => [m.Path, m.Update?.Version]));
    assert.deepEqual(ours, theirs);
  });

  it('the same deprecations (message and which layouts count)', () => {
    const ours = Object.fromEntries(report.deprecated.map((d) => [d.path, d.message]));
    const theirs = Object.fromEntries(go.filter((m) => m.Deprecated).map((m) => [m.Path, m.Deprecated]));
    assert.deepEqual(ours, theirs);
    assert.ok(Object.keys(theirs).length >= 3, JSON.stringify(theirs));
  });

  it('the same retractions', () => {
    const ours = Object.fromEntries(report.retracted.map((x) => [x.path, [x.rationale ?? '']]));
    const theirs = Object.fromEntries(go.filter((m) => m.Retracted).map((m) => [m.Path, m.Retracted]));
    assert.deepEqual(ours, theirs);
  });
});
