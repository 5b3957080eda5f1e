/** A rebuild's GOPROXY override: only entries the config knows reach a build, masked entries map back to the configured URL. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKnownGoproxy, resolveGoproxyOverride } from '../../../src/goproxy/goproxy-override.ts';

const config = {
  mirrors: ['https://goproxy.corp.example/', 'https://bot:s3cret-pass@artifactory.corp.example/api/go/go-remote'],
  goEnv: { GOPROXY: 'https://athens.corp.example|direct' },
};

describe('resolveGoproxyOverride', () => {
  it('accepts direct, the public proxy, configured mirrors and serve’s own GOPROXY entries, keeping the separators', () => {
    assert.deepEqual(resolveGoproxyOverride('https://proxy.golang.org,direct', config), {
      value: 'https://proxy.golang.org,direct',
      shown: 'https://proxy.golang.org,direct',
    });
    assert.equal(
      resolveGoproxyOverride('https://goproxy.corp.example|https://athens.corp.example,direct', config).value,
      'https://goproxy.corp.example/|https://athens.corp.example,direct',
    );
    assert.equal(resolveGoproxyOverride('direct', config).value, 'direct');
  });

  it('maps a masked mirror back to its configured URL and shows it masked', () => {
    const r = resolveGoproxyOverride('https://bot:***@artifactory.corp.example/api/go/go-remote,direct', config);
    assert.equal(r.value, 'https://bot:s3cret-pass@artifactory.corp.example/api/go/go-remote,direct');
    assert.equal(r.shown, 'https://bot:***@artifactory.corp.example/api/go/go-remote,direct');
  });

  it('refuses unknown hosts, off, empty entries and a guessed password, naming the entry without its credentials', () => {
    assert.throws(
      () => resolveGoproxyOverride('https://goproxy.evil.example,direct', config),
      /GOPROXY entry "https:\/\/goproxy\.evil\.example" is not one buildfix knows/,
    );
    assert.throws(() => resolveGoproxyOverride('off', config), /"off" is not one buildfix knows/);
    assert.throws(() => resolveGoproxyOverride('https://proxy.golang.org,,direct', config), /"\(empty\)"/);
    assert.throws(
      () => resolveGoproxyOverride('https://bot:guess@artifactory.corp.example/api/go/go-remote', config),
      (e: Error) => /bot:\*\*\*@artifactory/.test(e.message) && !e.message.includes('guess'),
    );
    assert.throws(() => resolveGoproxyOverride('', config), /1–1000 characters/);
    assert.equal(isKnownGoproxy('https://athens.corp.example', config), true);
    assert.equal(isKnownGoproxy('https://athens.corp.example', {}), false);
  });
});
