/** vendor/modules.txt against go.mod: go 1.19's checkVendorConsistency messages. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vendorMode } from '../../../src/checks/vendor-check.ts';
import { parseGoMod } from '../../../src/gomod/parse-go-mod.ts';
import { checkVendorConsistency, inconsistentVendoringMessage, parseVendorModules } from '../../../src/gomod/vendor-modules.ts';

const mod = (body: string, go = '1.19') => parseGoMod(`module example.com/app\n\ngo ${go}\n\n${body}`);
const problems = (goModBody: string, modulesTxt: string, go?: string) =>
  checkVendorConsistency(mod(goModBody, go), parseVendorModules(modulesTxt)).map((p) => `${p.module}: ${p.detail}`);

describe('checkVendorConsistency', () => {
  it('consistent: nothing', () => {
    assert.deepEqual(problems('require example.com/ok v1.0.0\n', '# example.com/ok v1.0.0\n## explicit; go 1.19\nexample.com/ok\n'), []);
  });
  it('a requirement not marked explicit', () => {
    assert.deepEqual(problems('require example.com/ok v1.0.0\n', '# example.com/ok v1.0.0\nexample.com/ok\n'), [
      'example.com/ok@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt',
    ]);
  });
  it('another version vendored, explicit in modules.txt but not in go.mod', () => {
    assert.deepEqual(problems('require example.com/ok v1.0.0\n', '# example.com/ok v1.1.0\n## explicit\nexample.com/ok\n'), [
      'example.com/ok@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt',
      'example.com/ok@v1.1.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod',
    ]);
  });
  it('replacements on either side', () => {
    assert.deepEqual(problems('require example.com/ok v1.0.0\nreplace example.com/ok => ../ok\n', '# example.com/ok v1.0.0\n## explicit\nexample.com/ok\n'), [
      'example.com/ok: is replaced in go.mod, but not marked as replaced in vendor/modules.txt',
    ]);
    assert.deepEqual(problems('require example.com/ok v1.0.0\n', '# example.com/ok v1.0.0 => ../ok\n## explicit\nexample.com/ok\n'), [
      'example.com/ok@v1.0.0: is marked as replaced in vendor/modules.txt, but not replaced in go.mod',
    ]);
  });
  it('go < 1.14: only a version mismatch of vendored packages counts', () => {
    assert.deepEqual(problems('require example.com/ok v1.0.0\n', '# example.com/ok v1.0.0\nexample.com/ok\n', '1.13'), []);
    assert.deepEqual(problems('require example.com/ok v1.0.0\n', '# example.com/ok v1.1.0\nexample.com/ok\n', '1.13'), [
      'example.com/ok@v1.0.0: is explicitly required in go.mod, but vendor/modules.txt indicates example.com/ok@v1.1.0',
    ]);
  });
  it("the message is go's", () => {
    const text = inconsistentVendoringMessage('/src/app', [
      { module: 'example.com/ok@v1.0.0', detail: 'is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt' },
    ]);
    assert.equal(
      text,
      'go: inconsistent vendoring in /src/app:\n\texample.com/ok@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor',
    );
  });
});

describe('vendorMode (setDefaultBuildMod)', () => {
  it('explicit -mod=vendor; an explicit -mod=mod wins over vendor/; go ≥ 1.14 with vendor/ is automatic', () => {
    assert.equal(vendorMode({ GOFLAGS: '-mod=vendor' }, mod(''), false).use, true);
    assert.equal(vendorMode({ GOFLAGS: '-mod=mod' }, mod(''), true).use, false);
    assert.equal(vendorMode({}, mod(''), true).use, true);
    assert.equal(vendorMode({}, mod('', '1.13'), true).use, false);
    assert.equal(vendorMode({}, mod(''), false).use, false);
  });
});
