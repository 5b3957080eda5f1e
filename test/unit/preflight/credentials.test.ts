import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspect, promisify } from 'node:util';
import { PreflightConfigSchema } from '../../../src/config/preflight-schema.ts';
import { parseNetrcLines } from '../../../src/goproxy/netrc.ts';
import { discoverCredentials, goproxyCredentials, netrcEntryFor } from '../../../src/preflight/credential-sources.ts';
import { renderPreflightAlert } from '../../../src/preflight/render.ts';
import { gitlabTokenExpiry, summarizeCredentials } from '../../../src/preflight/summarize.ts';
import type { CredentialState } from '../../../src/preflight/types.ts';
import { Secret } from '../../../src/util/secret.ts';

const run = promisify(execFile);

/** Netrc texts whose parse go and buildfix must agree on. */
const NETRC_CASES = [
  'machine github.com login u password p1\nmachine github.com login u password p2\n',
  'machine a.test\n  login u2\n  password p2\n',
  'machine a.test login u password p\nmacdef init\nmachine b.test login x password y\n\nmachine c.test login v password w\n',
  'machine a.test login u password p\ndefault\nmachine b.test login v password q\n',
  'default login d password dp\nmachine after.test login z password zz\n',
  'machine a.test login u\nmachine b.test password p login l\n',
  'machine a.test password only\n',
  'machine a.test login u password p account acct\n',
  '\tmachine  spaced.test\tlogin  u   password  p  \r\n',
];

describe('netrc as go reads it (cmd/go/internal/auth/netrc.go)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bf-netrc-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("parses exactly as go's own parseNetrc does, taken from this machine's GOROOT", async () => {
    const goroot = (await run('go', ['env', 'GOROOT'])).stdout.trim();
    const source = await readFile(join(goroot, 'src/cmd/go/internal/auth/netrc.go'), 'utf8');
    const start = source.indexOf('func parseNetrc(');
    const end = source.indexOf('\n}\n', start);
    assert.ok(start > 0 && end > start, 'parseNetrc found in GOROOT');
    const typeDecl = /type netrcLine struct \{[^}]*\}/.exec(source)?.[0];
    assert.ok(typeDecl);
    const program = `package main

import (
	"encoding/json"
	"os"
	"strings"
)

${typeDecl}

${source.slice(start, end + 2)}

func main() {
	var inputs []string
	if err := json.NewDecoder(os.Stdin).Decode(&inputs); err != nil {
		panic(err)
	}
	out := [][][3]string{}
	for _, in := range inputs {
		lines := [][3]string{}
		for _, l := range parseNetrc(in) {
			lines = append(lines, [3]string{l.machine, l.login, l.password})
		}
		out = append(out, lines)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`;
    await writeFile(join(dir, 'main.go'), program);
    const child = execFile('go', ['run', 'main.go'], { cwd: dir, env: { ...process.env, GO111MODULE: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' } });
    child.stdin?.end(JSON.stringify(NETRC_CASES));
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, 'go run');
    const fromGo = JSON.parse(stdout) as string[][][];
    NETRC_CASES.forEach((text, i) => {
      assert.deepEqual(
        parseNetrcLines(text).map((l) => [l.machine, l.login, l.password]),
        fromGo[i],
        `case ${i}: ${JSON.stringify(text)}`,
      );
    });
  });

  it('the first entry for a host is the one go sends (auth.AddCredentials); the machine must match exactly', () => {
    const lines = parseNetrcLines(NETRC_CASES[0] ?? '');
    assert.equal(netrcEntryFor(lines, 'github.com')?.password, 'p1');
    assert.equal(netrcEntryFor(parseNetrcLines('machine GitHub.com login u password p\n'), 'github.com'), undefined);
  });
});

describe('finding the tokens this agent uses', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'bf-home-'));
    await writeFile(
      join(home, '.netrc'),
      'machine github.com login x password ghp_home\nmachine git.corp.test login bot password corp-secret\nmachine other.test login a password b\n',
    );
    await mkdir(join(home, 'etc'));
    await writeFile(join(home, 'etc', 'netrc'), 'machine gitlab.com login bot password glpat-from-NETRC\n');
  });
  after(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('~/.netrc for the default hosts; private hosts without a kind are named, never asked', async () => {
    const d = await discoverCredentials({ targets: undefined, env: { HOME: home }, goEnv: { GOPRIVATE: '*.corp.test/*' }, privateHosts: [] });
    assert.deepEqual(
      d.found.map((f) => [f.target.host, f.target.api, f.source, f.token.reveal()]),
      [['github.com', 'https://api.github.com', '~/.netrc machine github.com', 'ghp_home']],
    );
    assert.deepEqual(d.missing, ['gitlab.com']);
    assert.deepEqual(d.unchecked, [{ host: 'git.corp.test', source: '~/.netrc machine git.corp.test' }], 'other.test is not private');
    assert.ok(d.defaults);
  });

  it('$NETRC wins over ~/.netrc, as for go', async () => {
    const path = join(home, 'etc', 'netrc');
    const d = await discoverCredentials({ targets: undefined, env: { HOME: home, NETRC: path }, goEnv: {}, privateHosts: [] });
    assert.deepEqual(
      d.found.map((f) => [f.target.host, f.source]),
      [['gitlab.com', `$NETRC (${path}) machine gitlab.com`]],
    );
  });

  it('a GOPROXY URL with credentials: used when netrc has no entry for its host; shown without them', async () => {
    const targets = PreflightConfigSchema.parse({
      credentialHosts: [
        { host: 'gitlab.corp.test', kind: 'gitlab' },
        { host: 'git.corp.test', kind: 'gitlab' },
      ],
    }).credentialHosts;
    const goEnv = {
      GOPROXY: 'https://bot:glpat-in-url@gitlab.corp.test/api/v4/projects/7/packages/go,https://ci:not-used@git.corp.test/go/,direct',
    };
    const d = await discoverCredentials({ targets, env: { HOME: home }, goEnv, privateHosts: [] });
    assert.deepEqual(
      d.found.map((f) => [f.target.host, f.source, f.token.reveal()]),
      [
        ['gitlab.corp.test', 'GOPROXY entry https://gitlab.corp.test/api/v4/projects/7/packages/go', 'glpat-in-url'],
        ['git.corp.test', '~/.netrc machine git.corp.test', 'corp-secret'],
      ],
    );
    assert.deepEqual(goproxyCredentials('https://TOKENONLY@proxy.test/'), [{ host: 'proxy.test', shown: 'https://proxy.test', token: 'TOKENONLY' }]);
    assert.deepEqual(goproxyCredentials('https://gitlab+deploy-token-5:gldt-x@gitlab.corp.test/go'), [
      { host: 'gitlab.corp.test', shown: 'https://gitlab.corp.test/go', token: 'gldt-x', login: 'gitlab+deploy-token-5' },
    ]);
    assert.deepEqual(goproxyCredentials('off'), []);
  });

  it('no netrc at all: nothing found, and it says which file was looked at', async () => {
    const d = await discoverCredentials({ targets: undefined, env: { HOME: join(home, 'nowhere') }, goEnv: {}, privateHosts: [] });
    assert.deepEqual(d.found, []);
    assert.deepEqual(d.netrc, { label: '~/.netrc', present: false });
    const s = summarizeCredentials(d, [], { now: Date.now(), days: 14 });
    assert.equal(s.status, 'pass');
    assert.equal(s.summary, 'nothing to check: no token for github.com, gitlab.com in ~/.netrc (no such file) or in a GOPROXY URL');
  });

  it('a token never shows in JSON, logs or text', () => {
    const s = new Secret('ghp_do_not_show');
    const text = `${JSON.stringify({ s })} ${inspect({ s })} ${String(s)} ${s}`;
    assert.doesNotMatch(text, /ghp_do_not_show/);
    assert.equal(s.reveal(), 'ghp_do_not_show');
  });
});

describe('preflight.credentialHosts', () => {
  const parse = (credentialHosts: unknown) => PreflightConfigSchema.safeParse({ credentialHosts });
  const messages = (r: ReturnType<typeof parse>): string => (r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));

  it('defaults the API from the host and kind; the credentials check runs hourly', () => {
    const p = PreflightConfigSchema.parse({
      credentialHosts: [
        { host: 'github.com' },
        { host: 'GHE.corp.test', kind: 'github' },
        { host: 'gitlab.corp.test', kind: 'gitlab', api: 'https://gitlab.corp.test/api/v4/' },
      ],
    });
    assert.deepEqual(p.credentialHosts, [
      { host: 'github.com', kind: 'github', api: 'https://api.github.com' },
      { host: 'ghe.corp.test', kind: 'github', api: 'https://ghe.corp.test/api/v3' },
      { host: 'gitlab.corp.test', kind: 'gitlab', api: 'https://gitlab.corp.test/api/v4' },
    ]);
    assert.equal(p.credentials, 3_600_000);
    assert.equal(p.credentialExpiryDays, 14);
    assert.equal(PreflightConfigSchema.parse({}).credentialHosts, undefined);
  });

  it('refuses what would send a token somewhere wrong, with the reason', () => {
    assert.match(messages(parse([{ host: 'git.corp.test' }])), /0\.kind: is required for git\.corp\.test: github or gitlab/);
    assert.match(
      messages(parse([{ host: 'github.com', api: 'http://api.example.test' }])),
      /api: must be an https API base URL .*plain http only on 127\.0\.0\.1/,
    );
    assert.match(messages(parse([{ host: 'github.com', api: 'https://u:p@api.github.com' }])), /without credentials/);
    assert.match(messages(parse([{ host: 'https://github.com' }])), /must be a host name like github\.com/);
    assert.match(messages(parse([{ host: 'github.com' }, { host: 'github.com' }])), /names a host twice/);
    assert.ok(parse([{ host: 'github.com', api: 'http://127.0.0.1:8080' }]).success, 'loopback http is fine');
  });
});

describe('GitLab expires_at and the findings', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it('a date means 00:00 UTC that day; impossible dates and other shapes are not dates', () => {
    assert.equal(gitlabTokenExpiry('2026-12-09'), Date.parse('2026-12-09T00:00:00Z'));
    assert.equal(gitlabTokenExpiry('2026-12-09T15:30:00.000Z'), Date.parse('2026-12-09T15:30:00Z'));
    assert.equal(gitlabTokenExpiry('2026-02-30'), undefined);
    assert.equal(gitlabTokenExpiry('next week'), undefined);
    assert.equal(gitlabTokenExpiry('2026-12'), undefined);
    assert.equal(gitlabTokenExpiry(null), undefined);
    assert.equal(gitlabTokenExpiry(20261209), undefined);
  });

  it('expiring within the days alerts; rejected is an error that alerts; could not check is its own category, a warning shown only', () => {
    const states: CredentialState[] = [
      {
        host: 'gitlab.corp.test',
        source: '~/.netrc machine gitlab.corp.test',
        kind: 'gitlab',
        api: 'https://gitlab.corp.test/api/v4',
        state: 'expires',
        expiresAt: '2026-12-09T00:00:00.000Z',
      },
      { host: 'github.com', source: '~/.netrc machine github.com', kind: 'github', api: 'https://api.github.com', state: 'rejected', httpStatus: 401 },
      {
        host: 'ghe.corp.test',
        source: 'GOPROXY entry https://ghe.corp.test',
        kind: 'github',
        api: 'https://ghe.corp.test/api/v3',
        state: 'error',
        reason: 'ghe.corp.test did not answer within 30 s',
      },
      { host: 'gitlab.com', source: '~/.netrc machine gitlab.com', kind: 'gitlab', api: 'https://gitlab.com/api/v4', state: 'no-expiry' },
    ];
    const s = summarizeCredentials({ missing: [], unchecked: [], netrc: { label: '~/.netrc', present: true }, defaults: false }, states, { now, days: 7 });
    assert.equal(s.status, 'fail');
    assert.deepEqual(
      s.findings.map((f) => [f.key, f.severity, f.alert]),
      [
        ['credential-expiring:gitlab.corp.test', 'warning', true],
        ['credential-rejected:github.com', 'error', true],
        ['credential-check-failed:ghe.corp.test', 'warning', false],
      ],
    );
    assert.deepEqual(
      s.findings.map((f) => f.category),
      ['credential-expiring', 'credential-rejected', 'credential-check-failed'],
    );
    assert.equal(
      s.findings[2]?.message,
      'Could not check the token this agent uses for ghe.corp.test (GOPROXY entry https://ghe.corp.test): ghe.corp.test did not answer within 30 s. Whether it still works and when it expires are unknown; check that this agent reaches https://ghe.corp.test/api/v3 (DNS, HTTPS_PROXY/NO_PROXY, firewall, TLS roots).',
    );
    assert.match(s.findings[0]?.message ?? '', /gitlab\.corp\.test \(~\/\.netrc machine gitlab\.corp\.test\) expires in 2 days \(2026-12-09T00:00:00\.000Z/);
    assert.equal(
      s.summary,
      'gitlab.corp.test: expires 2026-12-09 (in 2 days) · github.com: rejected (401) · ghe.corp.test: could not check (ghe.corp.test did not answer within 30 s) · gitlab.com: valid, no expiry reported',
    );
    const alert = renderPreflightAlert('credentials:-', [{ agent: 'agent-01', at: new Date(now).toISOString(), findings: s.findings.filter((f) => f.alert) }], {
      openedAt: new Date(now).toISOString(),
    });
    assert.match(alert.text, /Pre-flight: tokens for private module hosts will break the next build on agent-01/);
  });
});
