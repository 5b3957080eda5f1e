/**
 * go's own vendoring errors, produced by the real go command (the oracle) on a module whose vendor/modules.txt
 * disagrees with go.mod, read by the log classifier: the answer is `vendor-inconsistent` on go's detail line,
 * with the whole output and with go's `inconsistent vendoring in …:` header trimmed away, as build tools and
 * people pasting into an issue often show it (the detail line alone must still say what broke).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { runCommand } from '../../../src/exec/run-command.ts';

const GO_MOD_HEAD = 'module example.com/app\n\ngo 1.19\n';
const MAIN = 'package main\n\nimport _ "example.com/dep"\n\nfunc main() {}\n';

describe("go's vendoring errors from the real go command → vendor-inconsistent", () => {
  let work: string;
  let n = 0;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-go-vendor-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** `go build -mod=vendor ./...` offline in a module made of `files`. */
  async function goBuild(files: Record<string, string>): Promise<{ exitCode: number; output: string }> {
    const dir = join(work, `case-${n++}`);
    for (const [name, text] of Object.entries({ 'main.go': MAIN, 'vendor/example.com/dep/dep.go': 'package dep\n', ...files })) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
    const result = await runCommand(['go', 'build', '-mod=vendor', './...'], {
      cwd: dir,
      env: {
        GOPROXY: 'off',
        GOFLAGS: '',
        GOTOOLCHAIN: 'local',
        HOME: join(work, 'home'),
        GOMODCACHE: join(dir, 'cache'),
        GOPATH: join(dir, 'gopath'),
        GOCACHE: join(work, 'gocache'),
      },
      reject: false,
      timeoutMs: 60_000,
      tailBytes: 1 << 16,
    });
    return { exitCode: result.exitCode ?? -1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  }

  const cases: Array<{ name: string; files: Record<string, string>; detail: RegExp }> = [
    {
      name: 'a requirement not marked explicit in vendor/modules.txt (vendored by a Go before 1.14)',
      files: { 'go.mod': `${GO_MOD_HEAD}\nrequire example.com/dep v1.0.0\n`, 'vendor/modules.txt': '# example.com/dep v1.0.0\nexample.com/dep\n' },
      detail: /is explicitly required in go\.mod, but not marked as explicit in vendor\/modules\.txt/,
    },
    {
      name: 'vendor/modules.txt at another version than go.mod requires',
      files: {
        'go.mod': `${GO_MOD_HEAD}\nrequire example.com/dep v1.0.0\n`,
        'vendor/modules.txt': '# example.com/dep v1.1.0\n## explicit\nexample.com/dep\n',
      },
      detail: /example\.com\/dep@v1\.1\.0: is marked as explicit in vendor\/modules\.txt, but not explicitly required in go\.mod/,
    },
    {
      name: 'a replace in go.mod that vendor/modules.txt does not record',
      files: {
        'go.mod': `${GO_MOD_HEAD}\nrequire example.com/dep v1.0.0\n\nreplace example.com/dep => example.com/fork v1.0.0\n`,
        'vendor/modules.txt': '# example.com/dep v1.0.0\n## explicit\nexample.com/dep\n',
      },
      detail: /is replaced in go\.mod, but not marked as replaced in vendor\/modules\.txt/,
    },
    {
      name: 'vendor/modules.txt recording a replace that go.mod no longer has',
      files: {
        'go.mod': `${GO_MOD_HEAD}\nrequire example.com/dep v1.0.0\n`,
        'vendor/modules.txt': '# example.com/dep v1.0.0 => example.com/fork v1.0.0\n## explicit\nexample.com/dep\n',
      },
      detail: /is marked as replaced in vendor\/modules\.txt, but not replaced in go\.mod/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: go fails, and the classifier names vendoring on go's line, with or without go's header`, async () => {
      const go = await goBuild(c.files);
      assert.notEqual(go.exitCode, 0, `go fails:\n${go.output}`);
      assert.match(go.output, c.detail);

      const whole = classifyLog(go.output);
      assert.equal(whole.category, 'vendor-inconsistent', go.output);
      assert.match(whole.fix, /go mod vendor/);

      const lines = go.output.split('\n');
      const detailOnly = lines.filter((l) => !/inconsistent vendoring/.test(l)).join('\n');
      const trimmed = classifyLog(detailOnly);
      assert.equal(trimmed.category, 'vendor-inconsistent', detailOnly);
      const at = detailOnly.split('\n').findIndex((l) => c.detail.test(l)) + 1;
      assert.ok(trimmed.evidenceLines.includes(at), `evidence on go's detail line ${at}: ${JSON.stringify(trimmed.evidenceLines)}`);
    });
  }
});
