/** One test per verdict rule: only what makes `go mod download` fail here stays an error. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyVerdictRules,
  goSumAdded,
  goSumCoversDownloads,
  isGlobalConfigError,
  nothingToFetch,
  orderVerdict,
  proxyVarUnused,
  routedAround,
  sumDbCovered,
  sumDbNamesLookups,
  vendorIgnored,
  type VerdictContext,
} from '../../../src/checks/go-verdict-rules.ts';
import { parseGoMod } from '../../../src/gomod/parse-go-mod.ts';
import { parseGoSum } from '../../../src/gomod/parse-go-sum.ts';
import { createPrivacyRules } from '../../../src/goproxy/module-patterns.ts';
import { parseGoproxy } from '../../../src/goproxy/parse-goproxy.ts';
import type { Finding } from '../../../src/report/model.ts';

const H = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const GO_MOD = 'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/a v1.0.0\n\tgit.corp.example/b v1.2.0\n)\n';

function ctx(patch: Partial<VerdictContext> & { goproxy?: string; sum?: string; goModText?: string } = {}): VerdictContext {
  const goEnv = { GOPROXY: patch.goproxy ?? 'https://proxy.golang.org,direct', GOPRIVATE: 'git.corp.example', ...patch.goEnv };
  return {
    goMod: patch.goMod ?? parseGoMod(patch.goModText ?? GO_MOD),
    goSum: patch.sum === undefined ? undefined : parseGoSum(patch.sum),
    goEnv,
    chain: parseGoproxy(goEnv.GOPROXY),
    privacy: createPrivacyRules(goEnv),
    modulesChecked: patch.modulesChecked ?? true,
    hostGoVersion: '1.19.8',
  };
}

const sumdbDown: Finding = {
  category: 'sumdb-unreachable',
  severity: 'error',
  message: 'The checksum database sum.golang.org is unreachable.',
  check: 'probe:direct:https://sum.golang.org',
};
const firstProxyDown: Finding = {
  category: 'proxy-unreachable',
  severity: 'error',
  message: 'The module proxy goproxy.corp is unreachable.',
  check: 'probe:direct:https://goproxy.corp',
};

describe('sumdb-covered', () => {
  it('both lines for every module go verifies (private ones excluded): the unreachable checksum DB is a warning', () => {
    const c = ctx({ sum: `example.com/a v1.0.0 ${H}\nexample.com/a v1.0.0/go.mod ${H}\n` });
    assert.equal(goSumCoversDownloads(c), true);
    const [f] = sumDbCovered([sumdbDown], c);
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /never asks the checksum database \(go 1\.19\.8 on this host\)/);
  });
  it('a missing zip line (only /go.mod) or no go.sum: go asks the checksum DB, so it stays an error', () => {
    assert.equal(sumDbCovered([sumdbDown], ctx({ sum: `example.com/a v1.0.0/go.mod ${H}\n` }))[0]?.severity, 'error');
    assert.equal(sumDbCovered([sumdbDown], ctx())[0]?.severity, 'error');
  });
});

describe('routed-around', () => {
  it('a failing GOPROXY entry while the module check found every module: warning', () => {
    const [f] = routedAround([firstProxyDown], ctx({ goproxy: 'https://goproxy.corp|https://proxy.golang.org,direct' }));
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /"\|" falls through after any error/);
  });
  it('the module check failed on the network too: stays an error', () => {
    const lookupFailed: Finding = { category: 'proxy-unreachable', severity: 'error', message: '2 modules could not be checked', check: 'modules' };
    const out = routedAround([firstProxyDown, lookupFailed], ctx({ goproxy: 'https://goproxy.corp,https://proxy.golang.org' }));
    assert.deepEqual(
      out.map((f) => f.severity),
      ['error', 'error'],
    );
  });
  it('without a module check (probe only) nothing is known: unchanged', () => {
    assert.equal(routedAround([firstProxyDown], ctx({ modulesChecked: false }))[0]?.severity, 'error');
  });
});

describe('nothing-to-fetch', () => {
  it('no requirement (or only local replaces): GOPROXY=off and network failures are warnings', () => {
    const c = ctx({ goModText: 'module example.com/app\n\ngo 1.19\n\nrequire example.com/a v1.0.0\n\nreplace example.com/a => ./a\n' });
    const off: Finding = { category: 'proxy-disabled', severity: 'error', message: 'GOPROXY=off', check: 'proxy-env' };
    assert.deepEqual(
      nothingToFetch([off, firstProxyDown], c).map((f) => f.severity),
      ['warning', 'warning'],
    );
  });
  it('something to download: unchanged', () => {
    const off: Finding = { category: 'proxy-disabled', severity: 'error', message: 'GOPROXY=off', check: 'proxy-env' };
    assert.equal(nothingToFetch([off], ctx())[0]?.severity, 'error');
  });
});

describe('proxy-var-unused', () => {
  const malformed: Finding = {
    category: 'proxy-config',
    severity: 'error',
    message: 'HTTP_PROXY is malformed: it has an unknown scheme "htp://".',
    check: 'proxy-env',
  };
  it('go routes no GOPROXY request through it (https entries use HTTPS_PROXY): warning', () => {
    const c = ctx({ goproxy: 'https://proxy.golang.org', goEnv: { HTTP_PROXY: 'htp://x' } });
    assert.equal(proxyVarUnused([malformed], c)[0]?.severity, 'warning');
  });
  it('an http:// GOPROXY goes through HTTP_PROXY: stays an error', () => {
    const c = ctx({ goproxy: 'http://goproxy.corp', goEnv: { HTTP_PROXY: 'htp://x' } });
    assert.equal(proxyVarUnused([malformed], c)[0]?.severity, 'error');
  });
  it('NO_PROXY covers the GOPROXY host: warning', () => {
    const c = ctx({ goproxy: 'http://goproxy.corp', goEnv: { HTTP_PROXY: 'htp://x', NO_PROXY: 'goproxy.corp' } });
    assert.equal(proxyVarUnused([malformed], c)[0]?.severity, 'warning');
  });
});

describe('go-sum-added and vendor-ignored', () => {
  it('missing go.sum lines: go mod download adds them (warning naming the host go)', () => {
    const [f] = goSumAdded([{ category: 'missing-go-sum', severity: 'error', message: 'go.sum lacks lines for 2 required modules', check: 'go-sum' }], ctx());
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /adds the missing go\.sum lines itself \(go 1\.19\.8 on this host/);
  });
  it('-mod=vendor without vendor/: go mod download ignores -mod (warning)', () => {
    const [f] = vendorIgnored(
      [{ category: 'vendor-missing', severity: 'error', message: 'GOFLAGS has -mod=vendor but the repository has no vendor/ directory', check: 'proxy-env' }],
      ctx(),
    );
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /ignores -mod and vendor\//);
  });
});

describe('orderVerdict', () => {
  it('a configuration error that breaks every request comes before the symptoms, whatever its category rank', () => {
    const goflags: Finding = { category: 'host-environment', severity: 'error', message: 'GOFLAGS contains "vendor", which is not a flag', check: 'proxy-env' };
    const symptom: Finding = { category: 'proxy-unreachable', severity: 'error', message: '3 modules could not be checked', check: 'modules' };
    const warning: Finding = { category: 'retracted-version', severity: 'warning', message: 'retracted' };
    const ordered = orderVerdict([warning, symptom, goflags]);
    assert.deepEqual(
      ordered.map((f) => f.category),
      ['host-environment', 'proxy-unreachable', 'retracted-version'],
    );
    assert.equal(isGlobalConfigError(symptom), false);
  });
  it('applyVerdictRules keeps count and order (the checks map findings back by index)', () => {
    const input = [sumdbDown, firstProxyDown, { category: 'missing-go-sum', severity: 'error', message: 'x', check: 'go-sum' } satisfies Finding];
    const out = applyVerdictRules(input, ctx({ goproxy: 'https://goproxy.corp|https://proxy.golang.org' }));
    assert.deepEqual(
      out.map((f) => f.category),
      input.map((f) => f.category),
    );
  });
});

describe('sumdb-names-lookups', () => {
  it('names the modules go must look up in the unreachable checksum DB (GOPRIVATE ones excluded)', () => {
    const [f] = sumDbNamesLookups([sumdbDown], ctx({ sum: `example.com/a v1.0.0/go.mod ${H}\n` }));
    assert.equal(f?.severity, 'error');
    assert.equal(f?.module, 'example.com/a');
    assert.equal(f?.version, 'v1.0.0');
    assert.match(f?.evidence ?? '', /lookups go needs: example\.com\/a@v1\.0\.0$/);
    assert.doesNotMatch(f?.evidence ?? '', /git\.corp\.example/);
  });
  it('go.sum covers everything: nothing to name, the finding is unchanged', () => {
    const covered = ctx({ sum: `example.com/a v1.0.0 ${H}\nexample.com/a v1.0.0/go.mod ${H}\n` });
    assert.deepEqual(sumDbNamesLookups([sumdbDown], covered), [sumdbDown]);
  });
});
