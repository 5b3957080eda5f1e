/**
 * "Never a false root cause", with the real go command as the oracle: for
 * each set-up, `go mod download` (fresh module cache) and `buildfix diagnose
 * --json` run against the same fake GOPROXY. buildfix reports an error
 * exactly when go fails, exits 0 when go succeeds, and puts first the
 * finding go's own message is about.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand, type RunResult } from '../../../src/exec/run-command.ts';
import type { Finding } from '../../../src/report/model.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { runCli } from '../../helpers/run-cli.ts';

interface Report {
  ok: boolean;
  findings: Finding[];
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** An address of this machine that is not loopback: go sends requests to it through HTTP_PROXY. */
function externalIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this test needs a non-loopback IPv4 address (go never proxies loopback requests)');
}

describe('diagnose verdict agrees with go mod download (go is the oracle)', () => {
  let fake: GoProxyFake;
  let external: GoProxyFake;
  let externalUrl: string;
  let work: string;
  let base: Record<string, string>;
  let n = 0;

  before(async () => {
    const modules = [
      { path: 'example.com/ok', versions: [{ version: 'v1.0.0' }] },
      { path: 'example.com/lib', versions: [{ version: 'v1.8.0' }, { version: 'v1.9.0' }, { version: 'v1.9.2' }] },
    ];
    fake = await startGoProxyFake({ modules });
    const ip = externalIPv4();
    external = await startGoProxyFake({ modules, host: ip });
    externalUrl = `http://${ip}:${external.port}`;
    work = await mkdtemp(join(tmpdir(), 'buildfix-verdict-'));
    base = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-modcacherw', GONOSUMDB: '', GOPRIVATE: '', GOTOOLCHAIN: 'local', HOME: join(work, 'home') };
    await mkdir(base.HOME as string, { recursive: true });
  });
  after(async () => {
    await fake.close();
    await external.close();
    await rm(work, { recursive: true, force: true });
  });

  /** The same project twice (go rewrites go.mod, so each tool gets its own copy). */
  async function project(files: Record<string, string>): Promise<{ goDir: string; bfDir: string; root: string }> {
    const root = join(work, `case-${n++}`);
    const goDir = join(root, 'go', 'app');
    for (const [rel, text] of Object.entries(files)) {
      await mkdir(join(goDir, rel, '..'), { recursive: true });
      await writeFile(join(goDir, rel), text);
    }
    const bfDir = join(root, 'bf', 'app');
    await cp(goDir, bfDir, { recursive: true });
    return { goDir, bfDir, root };
  }

  async function goDownload(dir: string, root: string, env: Record<string, string>): Promise<RunResult> {
    return runCommand(['go', 'mod', 'download'], {
      cwd: dir,
      env: { ...env, GOMODCACHE: join(root, `modcache-${n++}`), GOPATH: join(root, 'gopath') },
      reject: false,
      timeoutMs: 30_000,
      tailBytes: 1 << 16,
    });
  }

  async function both(
    files: Record<string, string>,
    env: Record<string, string>,
    skip = 'host,probe',
  ): Promise<{ go: RunResult; report: Report; exit: number; goDir: string; bfDir: string }> {
    const { goDir, bfDir, root } = await project(files);
    const [go, cli] = await Promise.all([goDownload(goDir, root, env), runCli(['diagnose', bfDir, '--json', '--skip', skip, '--timeout', '3000'], env)]);
    assert.notEqual(cli.exitCode, 2, `diagnose could not run: ${cli.stderr}`);
    const report = cli.json<Report>();
    const errors = report.findings.filter((f) => f.severity === 'error');
    // The verdict: an error-severity finding exactly when go fails, and exit 0 when go succeeds.
    assert.equal(errors.length > 0, go.exitCode !== 0, `go exit ${go.exitCode}: ${go.stderr}\nbuildfix: ${JSON.stringify(report.findings, null, 1)}`);
    assert.equal(cli.exitCode, go.exitCode === 0 ? 0 : 1);
    return { go, report, exit: cli.exitCode ?? -1, goDir, bfDir };
  }

  const goMod = (body: string): Record<string, string> => ({ 'go.mod': `module example.com/app\n\ngo 1.19\n\n${body}` });

  /** go.sum lines for module@version as go itself writes them (go get with the checksum DB off). */
  async function goSumFor(module: string, version: string): Promise<string> {
    const { goDir, root } = await project(goMod(''));
    const got = await runCommand(['go', 'get', `${module}@${version}`], {
      cwd: goDir,
      env: { ...base, GOMODCACHE: join(root, `modcache-${n++}`), GOPATH: join(root, 'gopath') },
      reject: false,
      timeoutMs: 30_000,
      tailBytes: 1 << 16,
    });
    assert.equal(got.exitCode, 0, got.stderr);
    return readFile(join(goDir, 'go.sum'), 'utf8');
  }

  it('a GOPROXY go cannot parse: go fails before any download, and buildfix reports it (proxy-config) instead of stopping', async () => {
    for (const GOPROXY of ['/srv/goproxy', ',', 'ftp://goproxy.example']) {
      const { go, report } = await both(goMod('require example.com/ok v1.0.0\n'), { ...base, GOPROXY });
      assert.match(go.stderr, /invalid proxy URL|GOPROXY list is not the empty string/);
      assert.equal(report.findings[0]?.category, 'proxy-config', GOPROXY);
      assert.equal(report.findings[0]?.severity, 'error');
    }
  });

  it('a GOSUMDB go cannot parse: go fails at the first module it must verify; when go.sum already covers every module go builds, and buildfix only warns', async () => {
    const bad = { ...base, GOSUMDB: 'sum.golang.org+key' };
    const uncovered = await both(goMod('require example.com/ok v1.0.0\n'), bad);
    assert.match(uncovered.go.stderr, /invalid GOSUMDB: malformed verifier id/);
    assert.equal(uncovered.report.findings[0]?.category, 'proxy-config');
    const covered = await both({ ...goMod('require example.com/ok v1.0.0\n'), 'go.sum': await goSumFor('example.com/ok', 'v1.0.0') }, bad);
    assert.equal(covered.go.exitCode, 0, covered.go.stderr);
    assert.equal(covered.report.findings.find((f) => f.category === 'proxy-config')?.severity, 'warning');
  });

  it("a malformed module path: invalid-go-mod with go's own line, and no request for it", async () => {
    fake.resetStats();
    const { go, report } = await both(goMod('require (\n\texample.com/ok v1.0.0\n\tExample.com/lib v1.0.0\n)\n'), base);
    const first = report.findings[0];
    assert.equal(first?.category, 'invalid-go-mod');
    assert.equal(first?.location, 'go.mod:7');
    assert.equal(first?.evidence, go.stderr.trim(), 'the message go prints');
    assert.ok(!fake.requests.some((r) => r.path.toLowerCase().includes('!example.com') || r.path.startsWith('/Example.com')), 'never looked up on the network');
  });

  it("a malformed path under a go 1.16 line (unpruned graph): go's shorter message", async () => {
    const { go, report } = await both({ 'go.mod': 'module example.com/app\n\ngo 1.16\n\nrequire Example.com/lib v1.0.0\n' }, base);
    assert.equal(report.findings[0]?.category, 'invalid-go-mod');
    assert.equal(report.findings[0]?.evidence, go.stderr.trim());
  });

  it('a first path element without a dot', async () => {
    const { go, report } = await both(goMod('require example/lib v1.0.0\n'), base);
    assert.equal(report.findings[0]?.category, 'invalid-go-mod');
    assert.equal(report.findings[0]?.evidence, go.stderr.trim());
  });

  it('an unknown directive: go stops parsing go.mod; so does buildfix, at the same line', async () => {
    const { go, report } = await both(goMod('require example.com/ok v1.0.0\nfoo bar\n'), base);
    const first = report.findings[0];
    assert.equal(first?.category, 'invalid-go-mod');
    assert.equal(first?.location, 'go.mod:6');
    assert.match(go.stderr, /go\.mod:6: unknown directive: foo/);
    assert.match(first?.evidence ?? '', /^go: errors parsing go\.mod:\ngo\.mod:6: unknown directive: foo$/);
  });

  it('a shorthand version go 1.19 resolves (v1.9): success, a warning naming the version go writes', async () => {
    const { report, goDir } = await both(goMod('require example.com/lib v1.9\n'), base);
    const rewritten = await readFile(join(goDir, 'go.mod'), 'utf8');
    const written = /example\.com\/lib (v\S+)/.exec(rewritten)?.[1];
    assert.equal(written, 'v1.9.2', rewritten);
    const w = report.findings.find((f) => f.category === 'invalid-go-mod');
    assert.equal(w?.severity, 'warning');
    assert.match(w?.message ?? '', /resolves it to v1\.9\.2/);
  });

  it('a branch name the proxy does not know: go fails parsing go.mod; buildfix names the line', async () => {
    const { go, report } = await both(goMod('require example.com/lib master\n'), base);
    assert.equal(report.findings[0]?.category, 'invalid-go-mod');
    assert.equal(report.findings[0]?.location, 'go.mod:5');
    assert.match(go.stderr, /go\.mod:5: require example\.com\/lib: version "master" invalid: reading .*master\.info: 404 Not Found/);
    assert.match(report.findings[0]?.evidence ?? '', /go\.mod:5: require example\.com\/lib: version "master" invalid: reading .*master\.info: 404 Not Found/);
  });

  it('checksum DB unreachable, go.sum complete: go never asks it (warning, exit 0); go.sum incomplete: the root cause', async () => {
    const port = await closedPort();
    const env = { ...base, GOSUMDB: `sum.golang.org http://127.0.0.1:${port}` };
    // go.sum as go writes it: the /go.mod line and the zip line (from the module cache's .ziphash).
    const prep = await project(goMod('require example.com/ok v1.0.0\n'));
    const cache = join(prep.root, 'prep-cache');
    const dl = await runCommand(['go', 'mod', 'download', '-json', 'example.com/ok@v1.0.0'], {
      cwd: prep.goDir,
      env: { ...base, GOMODCACHE: cache, GOPATH: join(prep.root, 'gopath') },
      reject: false,
      timeoutMs: 30_000,
      tailBytes: 1 << 16,
    });
    const info = JSON.parse(dl.stdout) as { Sum: string; GoModSum: string };
    const sum = `example.com/ok v1.0.0 ${info.Sum}\nexample.com/ok v1.0.0/go.mod ${info.GoModSum}\n`;

    const complete = await both({ ...goMod('require example.com/ok v1.0.0\n'), 'go.sum': sum }, env, 'host');
    const sumdb = complete.report.findings.find((f) => f.category === 'sumdb-unreachable');
    assert.equal(sumdb?.severity, 'warning', JSON.stringify(complete.report.findings, null, 1));

    const partial = await both({ ...goMod('require example.com/ok v1.0.0\n'), 'go.sum': `example.com/ok v1.0.0 ${info.Sum}\n` }, env, 'host');
    assert.match(partial.go.stderr, /verifying go\.mod/);
    assert.equal(partial.report.findings[0]?.category, 'sumdb-unreachable');
  });

  it('a dead first GOPROXY entry: "|" falls through (warning, exit 0), "," does not (error)', async () => {
    const port = await closedPort();
    const pipe = await both(goMod('require example.com/ok v1.0.0\n'), { ...base, GOPROXY: `http://127.0.0.1:${port}|${fake.url}` }, 'host');
    const dead = pipe.report.findings.find((f) => f.category === 'proxy-unreachable');
    assert.equal(dead?.severity, 'warning');
    const comma = await both(goMod('require example.com/ok v1.0.0\n'), { ...base, GOPROXY: `http://127.0.0.1:${port},${fake.url}` }, 'host');
    assert.equal(comma.report.findings[0]?.category, 'proxy-unreachable');
    // Safe fixes: no mirror outside the config, the official proxy and the agent's own GOPROXY.
    for (const f of comma.report.findings) {
      for (const m of (f.fix ?? '').matchAll(/GOPROXY=([^\s"'`()]+)/g)) {
        for (const entry of (m[1] ?? '').replace(/[.;:]+$/, '').split(/[,|]/))
          assert.ok(['direct', 'off', 'https://proxy.golang.org', fake.url, `http://127.0.0.1:${port}`].includes(entry), `fix names ${entry}: ${f.fix}`);
      }
    }
  });

  it('a malformed HTTP_PROXY (htp://x) outranks the proxy failures it causes', async () => {
    const { go, report } = await both(goMod('require example.com/ok v1.0.0\n'), { ...base, GOPROXY: externalUrl, HTTP_PROXY: 'htp://x' });
    assert.match(go.stderr, /proxyconnect/);
    assert.equal(report.findings[0]?.category, 'proxy-config');
    assert.match(report.findings[0]?.message ?? '', /HTTP_PROXY is malformed/);
    assert.ok(
      report.findings.slice(1).some((f) => f.severity === 'error'),
      'the symptom is still listed, after its cause',
    );
  });

  it('GOPROXY=off: the root cause when there is something to download, nothing when there is not', async () => {
    const some = await both(goMod('require example.com/ok v1.0.0\n'), { ...base, GOPROXY: 'off' });
    assert.equal(some.report.findings[0]?.category, 'proxy-disabled');
    await both(goMod(''), { ...base, GOPROXY: 'off' });
  });

  it('vendor: go mod download ignores -mod=vendor and vendor/ (exit 0); go list reports what buildfix warns about', async () => {
    const files = { ...goMod('require example.com/ok v1.0.0\n'), 'vendor/modules.txt': '# example.com/ok v1.0.0\nexample.com/ok\n' };
    const auto = await both(files, base);
    const w = auto.report.findings.find((f) => f.category === 'vendor-inconsistent');
    assert.equal(w?.severity, 'warning');
    const list = await runCommand(['go', 'list', '-m', 'all'], {
      cwd: auto.goDir,
      env: { ...base, GOMODCACHE: join(work, 'list-cache'), GOPATH: join(work, 'gopath') },
      reject: false,
      timeoutMs: 30_000,
      tailBytes: 1 << 16,
    });
    assert.notEqual(list.exitCode, 0);
    assert.equal(list.stderr.trim(), (w?.evidence ?? '').replace(auto.bfDir, auto.goDir));

    const missing = await both(goMod('require example.com/ok v1.0.0\n'), { ...base, GOFLAGS: '-modcacherw -mod=vendor' });
    assert.equal(missing.report.findings.find((f) => f.category === 'vendor-missing')?.severity, 'warning');
  });
});
