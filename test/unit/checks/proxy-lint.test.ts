import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isPublicModuleHost, lintProxyEnv, maskSecrets, type LintOptions } from '../../../src/checks/proxy-lint.ts';
import type { GoEnv } from '../../../src/config/env.ts';
import type { FindingCategory, Severity } from '../../../src/report/model.ts';

interface Row {
  name: string;
  env: GoEnv;
  opts?: LintOptions;
  /** Expected findings (category, severity, message pattern); [] = clean. */
  expect: Array<{ category: FindingCategory; severity: Severity; message?: RegExp; evidence?: RegExp }>;
}

const PROXY = 'http://proxy.corp.example:3128';

const rows: Row[] = [
  { name: 'an empty environment is clean', env: {}, expect: [] },
  {
    name: 'a well-formed proxy setup is clean',
    env: { HTTPS_PROXY: PROXY, https_proxy: PROXY, HTTP_PROXY: PROXY, NO_PROXY: 'localhost,.corp.example' },
    expect: [],
  },
  // malformed proxy URLs
  {
    name: 'htp:// scheme',
    env: { HTTPS_PROXY: 'htp://proxy.corp:3128' },
    expect: [
      {
        category: 'proxy-config',
        severity: 'error',
        message: /HTTPS_PROXY is malformed: it unknown scheme "htp:\/\/"|unknown scheme "htp:\/\/"/,
        evidence: /^HTTPS_PROXY=htp:\/\/proxy\.corp:3128$/,
      },
    ],
  },
  { name: 'missing host', env: { HTTP_PROXY: 'http://:3128' }, expect: [{ category: 'proxy-config', severity: 'error', message: /has no host/ }] },
  { name: 'missing port', env: { HTTPS_PROXY: 'http://proxy.corp' }, expect: [{ category: 'proxy-config', severity: 'warning', message: /has no port/ }] },
  {
    name: 'non-numeric port',
    env: { HTTPS_PROXY: 'http://proxy.corp:31a8' },
    expect: [{ category: 'proxy-config', severity: 'error', message: /non-numeric port "31a8"/ }],
  },
  {
    name: 'port out of range',
    env: { HTTPS_PROXY: 'http://proxy.corp:99999' },
    expect: [{ category: 'proxy-config', severity: 'error', message: /outside 1-65535/ }],
  },
  { name: 'trailing space', env: { HTTPS_PROXY: 'http://proxy.corp:3128 ' }, expect: [{ category: 'proxy-config', severity: 'error', message: /whitespace/ }] },
  {
    name: 'space inside the host',
    env: { HTTPS_PROXY: 'http://proxy .corp:3128' },
    expect: [{ category: 'proxy-config', severity: 'error', message: /whitespace/ }],
  },
  {
    name: 'no scheme is only informative',
    env: { HTTPS_PROXY: 'proxy.corp:3128' },
    expect: [{ category: 'proxy-config', severity: 'info', message: /no scheme/ }],
  },
  {
    name: 'a password in a malformed URL is masked',
    env: { HTTPS_PROXY: 'htp://bob:hunter2@proxy.corp:3128' },
    expect: [{ category: 'proxy-config', severity: 'error', evidence: /^HTTPS_PROXY=htp:\/\/bob:\*\*\*@proxy\.corp:3128$/ }],
  },
  {
    name: 'a malformed lowercase variable go does not read is a warning',
    env: { HTTPS_PROXY: PROXY, https_proxy: 'htp://proxy.corp.example:3128' },
    expect: [
      { category: 'proxy-config', severity: 'warning', message: /https_proxy is malformed.*git \(curl\)/ },
      { category: 'proxy-config', severity: 'warning', message: /HTTPS_PROXY and https_proxy disagree/ },
    ],
  },
  // case disagreement
  {
    name: 'uppercase and lowercase proxies disagree',
    env: { HTTPS_PROXY: PROXY, https_proxy: 'http://other.corp.example:8080' },
    expect: [
      {
        category: 'proxy-config',
        severity: 'warning',
        message: /HTTPS_PROXY and https_proxy disagree/,
        evidence: /HTTPS_PROXY=http:\/\/proxy\.corp\.example:3128 · https_proxy=http:\/\/other\.corp\.example:8080/,
      },
    ],
  },
  {
    name: 'NO_PROXY and no_proxy with the same entries in another order agree',
    env: { NO_PROXY: 'a.example,b.example', no_proxy: 'b.example, a.example' },
    expect: [],
  },
  {
    name: 'NO_PROXY and no_proxy disagree',
    env: { NO_PROXY: 'a.example', no_proxy: 'b.example' },
    expect: [{ category: 'proxy-config', severity: 'warning', message: /NO_PROXY and no_proxy disagree/ }],
  },
  {
    name: 'an empty lowercase proxy next to an uppercase one',
    env: { HTTPS_PROXY: PROXY, https_proxy: '' },
    expect: [{ category: 'proxy-config', severity: 'warning', message: /https_proxy is set but empty/ }],
  },
  // private hosts behind the proxy
  {
    name: 'GOPRIVATE host missing from NO_PROXY',
    env: { HTTPS_PROXY: PROXY, GOPRIVATE: 'git.corp.example/*', NO_PROXY: 'localhost' },
    expect: [
      {
        category: 'private-module-routing',
        severity: 'warning',
        message: /GOPRIVATE names git\.corp\.example but NO_PROXY does not/,
        evidence: /GOPRIVATE=git\.corp\.example\/\* · NO_PROXY=localhost · HTTPS_PROXY=/,
      },
    ],
  },
  { name: 'GOPRIVATE host covered by a NO_PROXY suffix', env: { HTTPS_PROXY: PROXY, GOPRIVATE: 'git.corp.example/*', NO_PROXY: '.corp.example' }, expect: [] },
  { name: 'GOPRIVATE host listed in NO_PROXY', env: { HTTPS_PROXY: PROXY, GOPRIVATE: 'git.corp.example', NO_PROXY: 'git.corp.example' }, expect: [] },
  {
    name: 'GOPRIVATE glob host missing from NO_PROXY',
    env: { HTTPS_PROXY: PROXY, GOPRIVATE: '*.internal.example' },
    expect: [{ category: 'private-module-routing', severity: 'warning', message: /\*\.internal\.example/ }],
  },
  { name: 'GOPRIVATE on a public host needs the proxy and is fine', env: { HTTPS_PROXY: PROXY, GOPRIVATE: 'github.com/acme' }, expect: [] },
  { name: 'GOPRIVATE without any proxy is fine', env: { GOPRIVATE: 'git.corp.example' }, expect: [] },
  // GOPROXY
  { name: 'GOPROXY=off', env: { GOPROXY: 'off' }, expect: [{ category: 'proxy-disabled', severity: 'error', evidence: /^GOPROXY=off$/ }] },
  {
    name: 'GOPROXY with an unsupported scheme',
    env: { GOPROXY: 'htp://goproxy.corp,direct' },
    expect: [{ category: 'proxy-config', severity: 'error', message: /GOPROXY is invalid/ }],
  },
  {
    name: 'GOPROXY with a token is masked',
    env: { GOPROXY: 'ftp://deploy:tok3n@goproxy.corp' },
    expect: [{ category: 'proxy-config', severity: 'error', evidence: /deploy:\*\*\*@/ }],
  },
  // GOFLAGS
  {
    name: 'GOFLAGS with a non-flag word',
    env: { GOFLAGS: '-mod vendor' },
    expect: [{ category: 'host-environment', severity: 'error', message: /"vendor", which is not a flag/ }],
  },
  // checksum DB and GOINSECURE
  { name: 'GOSUMDB=off', env: { GOSUMDB: 'off' }, expect: [{ category: 'sumdb-disabled', severity: 'warning', evidence: /^GOSUMDB=off$/ }] },
  {
    name: 'GOPRIVATE=* skips the sumdb for public modules',
    env: { GOPRIVATE: '*' },
    expect: [{ category: 'sumdb-disabled', severity: 'warning', message: /GOPRIVATE covers public modules/ }],
  },
  {
    name: 'GOINSECURE',
    env: { GOINSECURE: 'git.corp.example' },
    expect: [{ category: 'proxy-config', severity: 'warning', message: /GOINSECURE is set/, evidence: /^GOINSECURE=git\.corp\.example$/ }],
  },
  // private modules in go.mod
  {
    name: 'private-looking modules with GOPRIVATE empty',
    env: {},
    opts: {
      goModPaths: [
        'github.com/pkg/errors',
        'git.corp.example/team/ledger',
        'git.corp.example/team/money',
        'golang.org/x/text',
        'gopkg.in/yaml.v3',
        'go.uber.org/zap',
        'k8s.io/api',
        'google.golang.org/grpc',
      ],
    },
    expect: [
      {
        category: 'private-module-routing',
        severity: 'warning',
        message: /2 modules on git\.corp\.example/,
        evidence: /git\.corp\.example\/team\/ledger, git\.corp\.example\/team\/money · GOPRIVATE=\(unset\) · GONOSUMDB=\(unset\)/,
      },
    ],
  },
  { name: 'private modules covered by GOPRIVATE', env: { GOPRIVATE: 'git.corp.example' }, opts: { goModPaths: ['git.corp.example/team/ledger'] }, expect: [] },
  {
    name: 'private modules covered by GONOSUMDB and GONOPROXY',
    env: { GONOSUMDB: 'git.corp.example', GONOPROXY: 'git.corp.example' },
    opts: { goModPaths: ['git.corp.example/team/ledger'] },
    expect: [],
  },
  { name: 'only public modules', env: {}, opts: { goModPaths: ['github.com/pkg/errors', 'sigs.k8s.io/yaml', 'cloud.google.com/go/storage'] }, expect: [] },
  {
    name: 'a GOSUMDB go cannot parse, with modules go.sum does not cover: an error in go words',
    env: { GOSUMDB: 'sum.golang.org+key' },
    expect: [
      {
        category: 'proxy-config',
        severity: 'error',
        message: /GOSUMDB is malformed.*"invalid GOSUMDB: malformed verifier id"/,
        evidence: /GOSUMDB=sum\.golang\.org\+key/,
      },
    ],
  },
  {
    name: 'an empty GOSUMDB value (spaces) when go.sum covers every module: a warning, go verifies nothing now',
    env: { GOSUMDB: '  ' },
    opts: { goSumCoversAll: true },
    expect: [{ category: 'proxy-config', severity: 'warning', message: /"missing GOSUMDB".*the first module go\.sum lacks/ }],
  },
  {
    name: 'GOSUMDB off is not malformed (the sumdb-disabled rule covers it)',
    env: { GOSUMDB: 'off' },
    expect: [{ category: 'sumdb-disabled', severity: 'warning' }],
  },
];

describe('lintProxyEnv rules', () => {
  for (const row of rows) {
    it(row.name, () => {
      const findings = lintProxyEnv(row.env, row.opts ?? {});
      assert.equal(findings.length, row.expect.length, `findings: ${JSON.stringify(findings, null, 1)}`);
      row.expect.forEach((exp, i) => {
        const f = findings[i]!;
        assert.equal(f.category, exp.category);
        assert.equal(f.severity, exp.severity);
        if (exp.message) assert.match(f.message, exp.message);
        if (exp.evidence) assert.match(f.evidence ?? '', exp.evidence);
        assert.ok(f.message && f.evidence && f.fix, 'every finding has message, evidence and fix');
        assert.equal(f.check, 'proxy-env');
      });
      const json = JSON.stringify(findings);
      for (const secret of ['hunter2', 'tok3n']) assert.ok(!json.includes(secret), `leaked ${secret}`);
    });
  }
});

describe('lintProxyEnv vendor check', () => {
  let repo: string;
  before(async () => {
    repo = await mkdtemp(join(tmpdir(), 'buildfix-lint-'));
  });
  after(() => rm(repo, { recursive: true, force: true }));

  it('flags -mod=vendor without vendor/', () => {
    const findings = lintProxyEnv({ GOFLAGS: '-mod=vendor' }, { repoDir: repo });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.category, 'vendor-missing');
    assert.equal(findings[0]?.severity, 'error');
    assert.match(findings[0]?.evidence ?? '', /GOFLAGS=-mod=vendor · .*vendor missing/);
  });

  it('flags vendor/ without modules.txt, and is clean with it', async () => {
    await mkdir(join(repo, 'vendor'));
    assert.match(lintProxyEnv({ GOFLAGS: '-trimpath -mod=vendor' }, { repoDir: repo })[0]?.message ?? '', /modules\.txt is missing/);
    await writeFile(join(repo, 'vendor', 'modules.txt'), '# github.com/pkg/errors v0.9.1\n');
    assert.deepEqual(lintProxyEnv({ GOFLAGS: '-mod=vendor' }, { repoDir: repo }), []);
  });

  it('does not judge vendoring without a repository', () => {
    assert.deepEqual(lintProxyEnv({ GOFLAGS: '-mod=vendor' }), []);
  });
});

describe('maskSecrets', () => {
  const table: Array<[string, string]> = [
    ['http://bob:hunter2@proxy:3128', 'http://bob:***@proxy:3128'],
    ['http://bob:p@ss@proxy:3128', 'http://bob:***@proxy:3128'],
    ['https://ghp_abcdef@github.com/x', 'https://***@github.com/x'],
    ['bob:hunter2@proxy:3128', 'bob:***@proxy:3128'],
    ['https://a.example,https://u:p@b.example|direct', 'https://a.example,https://u:***@b.example|direct'],
    ['http://proxy:3128', 'http://proxy:3128'],
    ['localhost,.corp.example', 'localhost,.corp.example'],
  ];
  for (const [input, output] of table) it(`${input} → ${output}`, () => assert.equal(maskSecrets(input), output));
});

describe('isPublicModuleHost', () => {
  it('knows public hosts and their subdomains, not private ones', () => {
    for (const h of ['github.com', 'golang.org', 'gopkg.in', 'go.uber.org', 'google.golang.org', 'k8s.io', 'sigs.k8s.io', 'go.googlesource.com'])
      assert.ok(isPublicModuleHost(h), h);
    for (const h of ['git.corp.example', 'gitlab.acme.internal', 'example.com', 'github.com.evil.example']) assert.ok(!isPublicModuleHost(h), h);
  });
});
