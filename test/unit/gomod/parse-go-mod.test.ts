import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseError } from '../../../src/errors.ts';
import { isDirectoryPath, parseGoMod } from '../../../src/gomod/parse-go-mod.ts';

/** Joins lines so each test can say which line number a directive is on. */
function mod(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

function parseError(text: string, file?: string): ParseError {
  try {
    if (file === undefined) parseGoMod(text);
    else parseGoMod(text, file);
  } catch (err) {
    assert.ok(err instanceof ParseError, `expected ParseError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected a ParseError for:\n${text}`);
}

/** Asserts the go.mod is rejected at `line` with a message matching `reason`. */
function assertRejects(text: string, line: number, reason: RegExp): void {
  const err = parseError(text);
  assert.ok(err.message.startsWith(`go.mod:${line}: `), `want go.mod:${line}, got: ${err.message}`);
  assert.equal(err.line, line);
  assert.equal(err.file, 'go.mod');
  assert.match(err.message, reason);
}

describe('parseGoMod: module, go, toolchain', () => {
  it('reads the header directives with their line numbers', () => {
    const m = parseGoMod(mod('// Service foo.', 'module example.com/svc', '', 'go 1.22.1', '', 'toolchain go1.22.3'));
    assert.deepEqual(m.module, { path: 'example.com/svc', line: 2 });
    assert.deepEqual(m.go, { version: '1.22.1', line: 4 });
    assert.deepEqual(m.toolchain, { name: 'go1.22.3', line: 6 });
    assert.equal(m.file, 'go.mod');
    assert.deepEqual([m.require, m.replace, m.exclude, m.retract], [[], [], [], []]);
  });

  it('accepts the go version forms 1.21, 1.21.3, 1.21rc1 and toolchain default', () => {
    for (const v of ['1.21', '1.21.3', '1.21rc1', '1.9']) {
      assert.equal(parseGoMod(mod('module m', `go ${v}`)).go?.version, v);
    }
    assert.equal(parseGoMod(mod('module m', 'toolchain default')).toolchain?.name, 'default');
  });

  it('leaves optional directives absent from an empty file', () => {
    const m = parseGoMod('');
    assert.equal(m.module, undefined);
    assert.equal(m.go, undefined);
    assert.equal(m.toolchain, undefined);
  });

  it('accepts a module block, as modfile does', () => {
    assert.deepEqual(parseGoMod(mod('module (', '\texample.com/blocky', ')')).module, { path: 'example.com/blocky', line: 2 });
  });

  it('uses the file name it is given', () => {
    assert.equal(parseGoMod('module m\n', 'svc/go.mod').file, 'svc/go.mod');
    assert.match(parseError('bogus\n', 'svc/go.mod').message, /^svc\/go\.mod:1: unknown directive: bogus$/);
  });
});

describe('parseGoMod: require', () => {
  it('reads single-line and block requirements', () => {
    const m = parseGoMod(
      mod(
        'module example.com/svc',
        'require github.com/google/uuid v1.6.0',
        'require (',
        '\tgolang.org/x/text v0.14.0',
        '',
        '\tgithub.com/pkg/errors v0.9.1 // indirect',
        ')',
      ),
    );
    assert.deepEqual(m.require, [
      { path: 'github.com/google/uuid', version: 'v1.6.0', indirect: false, line: 2 },
      { path: 'golang.org/x/text', version: 'v0.14.0', indirect: false, line: 4 },
      { path: 'github.com/pkg/errors', version: 'v0.9.1', indirect: true, line: 6 },
    ]);
  });

  it('accepts pseudo-versions, prereleases, +incompatible and /vN paths', () => {
    const m = parseGoMod(
      mod(
        'require (',
        '\texample.com/a v0.0.0-20230101000000-abcdefabcdef',
        '\texample.com/b v1.3.0-rc.1',
        '\texample.com/c v4.1.0+incompatible',
        '\texample.com/d/v2 v2.3.0',
        '\tgopkg.in/yaml.v3 v3.0.1',
        ')',
      ),
    );
    assert.deepEqual(
      m.require.map((r) => `${r.path}@${r.version}`),
      [
        'example.com/a@v0.0.0-20230101000000-abcdefabcdef',
        'example.com/b@v1.3.0-rc.1',
        'example.com/c@v4.1.0+incompatible',
        'example.com/d/v2@v2.3.0',
        'gopkg.in/yaml.v3@v3.0.1',
      ],
    );
  });

  it('marks indirect only for a trailing "indirect" or "indirect; …" comment', () => {
    const m = parseGoMod(
      mod(
        'require (',
        '\texample.com/a v1.0.0 // indirect',
        '\texample.com/b v1.0.0 //indirect',
        '\texample.com/c v1.0.0 // indirect; needed by tests',
        '\texample.com/d v1.0.0 // not indirect',
        '\texample.com/e v1.0.0 // indirectly used',
        '\t// indirect',
        '\texample.com/f v1.0.0',
        '\texample.com/g v1.0.0 // indirect;',
        ')',
      ),
    );
    assert.deepEqual(
      m.require.map((r) => [r.path.slice(-1), r.indirect]),
      [
        ['a', true],
        ['b', true],
        ['c', true],
        ['d', false],
        ['e', false],
        ['f', false],
        // modfile requires text after "indirect;" (isIndirect: len(f) > 1).
        ['g', false],
      ],
    );
  });

  it('unquotes "double-quoted" paths and versions, escapes included', () => {
    const m = parseGoMod(mod('require "example.com/quoted" "v1.2.3"', 'require "example.com/\\x65scaped\\u0021" v1.0.0'));
    assert.equal(m.require[0]?.path, 'example.com/quoted');
    assert.equal(m.require[0]?.version, 'v1.2.3');
    assert.equal(m.require[1]?.path, 'example.com/escaped!');
  });

  it('handles CRLF line endings and tabs', () => {
    const m = parseGoMod('module m\r\n\r\nrequire (\r\n\texample.com/a\tv1.0.0 // indirect\r\n)\r\n');
    assert.deepEqual(m.require, [{ path: 'example.com/a', version: 'v1.0.0', indirect: true, line: 4 }]);
  });

  it('accepts empty blocks and a block opened without a space', () => {
    const m = parseGoMod(mod('require ()', 'require ( )', 'require(', '\texample.com/a v1.0.0', ')'));
    assert.equal(m.require.length, 1);
    assert.equal(m.require[0]?.line, 4);
  });
});

describe('parseGoMod: replace', () => {
  it('reads module and local replacements, line and block form', () => {
    const m = parseGoMod(
      mod(
        'module example.com/svc',
        'replace example.com/a => example.com/a-fork v1.2.0',
        'replace example.com/b v1.0.0 => example.com/b v1.0.1',
        'replace example.com/c => ./third_party/c',
        'replace (',
        '\texample.com/d v0.3.0 => ../d',
        '\texample.com/e => /srv/src/e // vendored',
        '\t"example.com/f" => "../f"',
        ')',
      ),
    );
    assert.deepEqual(m.replace, [
      { from: { path: 'example.com/a' }, to: { path: 'example.com/a-fork', version: 'v1.2.0' }, local: false, line: 2 },
      { from: { path: 'example.com/b', version: 'v1.0.0' }, to: { path: 'example.com/b', version: 'v1.0.1' }, local: false, line: 3 },
      { from: { path: 'example.com/c' }, to: { path: './third_party/c' }, local: true, line: 4 },
      { from: { path: 'example.com/d', version: 'v0.3.0' }, to: { path: '../d' }, local: true, line: 6 },
      { from: { path: 'example.com/e' }, to: { path: '/srv/src/e' }, local: true, line: 7 },
      { from: { path: 'example.com/f' }, to: { path: '../f' }, local: true, line: 8 },
    ]);
    assert.equal('version' in (m.replace[2]?.to ?? {}), false, 'a local target has no version key');
  });

  it('recognises directory paths the way modfile.IsDirectoryPath does', () => {
    for (const p of ['.', '..', './x', '../x', '/x', '.\\x', '..\\x', '\\x', 'C:\\x', 'c:/x']) assert.equal(isDirectoryPath(p), true, p);
    for (const p of ['example.com/x', 'x', '.x', '..x', 'x/..']) assert.equal(isDirectoryPath(p), false, p);
  });
});

describe('parseGoMod: exclude', () => {
  it('reads line and block exclusions', () => {
    const m = parseGoMod(mod('exclude example.com/a v1.0.0', 'exclude (', '\texample.com/b v0.2.0 // broken', '\texample.com/b v0.2.1', ')'));
    assert.deepEqual(m.exclude, [
      { path: 'example.com/a', version: 'v1.0.0', line: 1 },
      { path: 'example.com/b', version: 'v0.2.0', line: 3 },
      { path: 'example.com/b', version: 'v0.2.1', line: 4 },
    ]);
  });
});

describe('parseGoMod: retract', () => {
  it('reads single versions and closed intervals, line and block form', () => {
    const m = parseGoMod(mod('module example.com/lib', 'retract v1.0.1', 'retract [v1.1.0, v1.1.5]', 'retract (', '\tv1.2.0', '\t[v1.3.0,v1.3.2]', ')'));
    assert.deepEqual(
      m.retract.map((r) => [r.low, r.high, r.line]),
      [
        ['v1.0.1', 'v1.0.1', 2],
        ['v1.1.0', 'v1.1.5', 3],
        ['v1.2.0', 'v1.2.0', 5],
        ['v1.3.0', 'v1.3.2', 6],
      ],
    );
  });

  it('takes the rationale from the trailing comment or the comment lines directly above', () => {
    const m = parseGoMod(
      mod(
        'module example.com/lib',
        '',
        'retract v1.0.0 // published by accident',
        '',
        '// Contains a data race.',
        '// See issue 12.',
        'retract v1.1.0',
        '',
        '// Not attached: a blank line separates it.',
        '',
        'retract v1.2.0',
        '// above',
        'retract v1.3.0 // and beside',
      ),
    );
    assert.deepEqual(
      m.retract.map((r) => r.rationale),
      ['published by accident', 'Contains a data race.\nSee issue 12.', undefined, 'above\nand beside'],
    );
  });

  it('uses the block’s comment for entries without their own, as modfile does', () => {
    const m = parseGoMod(
      mod(
        'module example.com/lib',
        '// Broken releases.',
        'retract (',
        '\tv1.0.0',
        '\tv1.0.1 // wrong checksum',
        '\t// Leaked credentials.',
        '\t[v1.1.0, v1.1.3]',
        '',
        '\tv1.2.0',
        ')',
      ),
    );
    assert.deepEqual(
      m.retract.map((r) => [r.low, r.rationale]),
      [
        ['v1.0.0', 'Broken releases.'],
        ['v1.0.1', 'wrong checksum'],
        ['v1.1.0', 'Leaked credentials.'],
        // A blank line before an entry counts as its (empty) comment in modfile, so no fallback.
        ['v1.2.0', undefined],
      ],
    );
  });

  it('accepts retractions of a /vN module in its major version', () => {
    const m = parseGoMod(mod('module example.com/lib/v3', 'retract [v3.0.0, v3.0.4]'));
    assert.deepEqual(m.retract[0], { low: 'v3.0.0', high: 'v3.0.4', line: 2 });
  });
});

describe('parseGoMod: godebug, tool, ignore and comments', () => {
  it('accepts godebug, tool and ignore (line and block) without recording them', () => {
    const m = parseGoMod(
      mod(
        'module example.com/svc',
        'godebug default=go1.21',
        'godebug (',
        '\tpanicnil=1',
        '\tasynctimerchan=0',
        ')',
        'tool golang.org/x/tools/cmd/stringer',
        'tool (',
        '\tgithub.com/golangci/golangci-lint/cmd/golangci-lint',
        ')',
        'ignore ./node_modules',
        'ignore (',
        '\t./web/dist',
        '\t"./docs site"',
        ')',
        'require example.com/a v1.0.0',
      ),
    );
    assert.equal(m.module?.path, 'example.com/svc');
    assert.deepEqual(
      m.require.map((r) => r.line),
      [16],
    );
  });

  it('ignores comments everywhere: own lines, trailing, on block brackets', () => {
    const m = parseGoMod(
      mod(
        '// Copyright header',
        '',
        'module example.com/svc // the service',
        'go 1.22 // language version',
        'require ( // direct deps',
        '\t// a comment line inside the block',
        '\texample.com/a v1.0.0',
        '',
        '\t// trailing comment before the close',
        ') // end of requires',
        '// final comment',
      ),
    );
    assert.equal(m.module?.path, 'example.com/svc');
    assert.equal(m.go?.version, '1.22');
    assert.deepEqual(m.require, [{ path: 'example.com/a', version: 'v1.0.0', indirect: false, line: 7 }]);
  });

  it('treats // inside a token as the start of a comment', () => {
    const m = parseGoMod(mod('require example.com/a v1.0.0// indirect'));
    assert.equal(m.require[0]?.version, 'v1.0.0');
    assert.equal(m.require[0]?.indirect, true);
  });
});

describe('parseGoMod: malformed input', () => {
  it('rejects an unknown directive', () => {
    assertRejects(mod('module m', '', 'requires example.com/a v1.0.0'), 3, /unknown directive: requires/);
    assertRejects(mod('module m', '\texample.com/a v1.0.0'), 2, /unknown directive: example\.com\/a \(a module line outside a require block\?\)/);
  });

  it('rejects a requirement without a version', () => {
    assertRejects(mod('module m', 'require example.com/a'), 2, /require example\.com\/a: missing version/);
    assertRejects(mod('module m', 'require (', '\texample.com/a v1.0.0', '\texample.com/b', ')'), 4, /example\.com\/b: missing version/);
    assertRejects(mod('require'), 1, /usage: require module\/path v1\.2\.3/);
  });

  it('rejects extra tokens after a requirement', () => {
    assertRejects(mod('require example.com/a v1.0.0 v1.0.1'), 1, /unexpected v1\.0\.1/);
  });

  it('rejects a replace without =>', () => {
    assertRejects(mod('module m', 'replace example.com/a example.com/b v1.0.0'), 2, /replace example\.com\/a: missing "=>"/);
    assertRejects(mod('replace (', '\texample.com/a ../a', ')'), 2, /missing "=>"/);
    assertRejects(mod('replace example.com/a =>'), 1, /usage: replace/);
  });

  it('rejects a local replace target with a version', () => {
    assertRejects(mod('module m', 'replace example.com/a => ../a v1.0.0'), 2, /replacement directory path "\.\.\/a" cannot have a version/);
    assertRejects(mod('replace (', '\texample.com/a v1.0.0 => ./a v1.0.0', ')'), 2, /cannot have a version/);
  });

  it('rejects a module replace target without a version, or written as path@version', () => {
    assertRejects(mod('replace example.com/a => example.com/b'), 1, /without a version the target must be a directory path/);
    assertRejects(mod('replace example.com/a => example.com/b@v1.0.0'), 1, /not 'path@version'/);
  });

  it('reports an unterminated block at the line that opened it', () => {
    assertRejects(mod('module m', '', 'require (', '\texample.com/a v1.0.0', '\texample.com/b v1.0.0'), 3, /unterminated block: "require \("/);
    assertRejects(mod('module m', 'retract (', '\tv1.0.0'), 2, /unterminated block/);
  });

  it('rejects versions that are not canonical semantic versions', () => {
    assertRejects(mod('require example.com/a latest'), 1, /require example\.com\/a: version "latest" invalid: must be of the form v1\.2\.3/);
    assertRejects(mod('require example.com/a 1.2.3'), 1, /missing the "v" prefix/);
    assertRejects(mod('require example.com/a v1.2'), 1, /write v1\.2\.0/);
    assertRejects(mod('require example.com/a v1.2.3+build.5'), 1, /build metadata other than \+incompatible/);
    assertRejects(mod('exclude (', '\texample.com/a master', ')'), 2, /exclude example\.com\/a: version "master" invalid/);
    assertRejects(mod('replace example.com/a v1 => example.com/b v1.0.0'), 1, /replace example\.com\/a: version "v1" invalid/);
    assertRejects(mod('replace example.com/a => example.com/b main'), 1, /replace example\.com\/b: version "main" invalid/);
  });

  it('rejects a version whose major does not match the module path, as cmd/go does', () => {
    assertRejects(mod('require example.com/a v2.0.0'), 1, /version "v2\.0\.0" invalid: should be v0 or v1, not v2/);
    assertRejects(mod('require example.com/a/v2 v1.5.0'), 1, /should be v2, not v1/);
    assertRejects(mod('require gopkg.in/yaml.v3 v2.4.0'), 1, /should be v3, not v2/);
    assertRejects(mod('replace example.com/a => example.com/b v2.0.0'), 1, /replace example\.com\/b: version "v2\.0\.0" invalid: should be v0 or v1/);
    assertRejects(mod('require example.com/a/v1 v1.0.0'), 1, /malformed module path "example\.com\/a\/v1"/);
  });

  it('rejects a duplicate module, go or toolchain directive', () => {
    assertRejects(mod('module example.com/a', 'go 1.22', 'module example.com/b'), 3, /duplicate module directive \(module already declared on line 1\)/);
    assertRejects(mod('module m', 'go 1.21', 'go 1.22'), 3, /duplicate go directive/);
    assertRejects(mod('toolchain go1.22.0', 'toolchain go1.22.1'), 2, /duplicate toolchain directive/);
    assertRejects(mod('module'), 1, /usage: module module\/path/);
  });

  it('rejects a go directive that is not like 1.21 / 1.21.3 / 1.21rc1', () => {
    for (const bad of ['1.21.x', 'go1.21', 'v1.21', '1', '1.21.3.4', '01.21', '1.21 linux']) {
      assertRejects(mod('module m', `go ${bad}`), 2, /invalid go version|go directive expects exactly one argument/);
    }
    assertRejects(mod('module m', 'go'), 2, /go directive expects exactly one argument/);
  });

  it('rejects a malformed toolchain, godebug, tool or ignore line', () => {
    assertRejects(mod('toolchain 1.22.3'), 1, /invalid toolchain version '1\.22\.3'/);
    assertRejects(mod('godebug panicnil'), 1, /usage: godebug key=value/);
    assertRejects(mod('godebug (', '\ta=1 b=2', ')'), 2, /usage: godebug key=value/);
    assertRejects(mod('tool'), 1, /tool directive expects exactly one argument/);
    assertRejects(mod('ignore ./a ./b'), 1, /ignore directive expects exactly one argument/);
  });

  it('rejects unknown block types', () => {
    assertRejects(mod('module m', 'go (', '\t1.22', ')'), 2, /unknown block type: go/);
    assertRejects(mod('require example.com/a (', ')'), 1, /unknown block type: require example\.com\/a/);
  });

  it('rejects text after a closing paren and a stray closing paren', () => {
    assertRejects(mod('require (', '\texample.com/a v1.0.0', ') x'), 3, /expected newline after closing '\)'/);
    assertRejects(mod('module m', ')'), 2, /unexpected '\)' with no block open/);
  });

  it('rejects retract syntax errors', () => {
    assertRejects(mod('module m', 'retract'), 2, /expected '\[' or version/);
    assertRejects(mod('module m', 'retract [v1.0.0 v1.1.0]'), 2, /expected ',' after version/);
    assertRejects(mod('module m', 'retract [v1.0.0,'), 2, /expected version after ','/);
    assertRejects(mod('module m', 'retract [v1.0.0, v1.1.0'), 2, /expected '\]' after version/);
    assertRejects(mod('module m', 'retract v1.0.0 v1.1.0'), 2, /unexpected token after version: "v1\.1\.0"/);
    assertRejects(mod('module m', 'retract (', '\tlatest', ')'), 3, /version "latest" invalid/);
  });

  it('rejects retract without a module directive, or in the wrong major version', () => {
    assertRejects(mod('go 1.22', 'retract v1.0.0'), 2, /no module directive found, so retract cannot be used/);
    assertRejects(mod('module example.com/lib/v2', 'retract v1.0.0'), 2, /retract example\.com\/lib\/v2: version "v1\.0\.0" invalid: should be v2, not v1/);
  });

  it('rejects lexical errors: /* */ comments, unterminated strings, stray characters', () => {
    assertRejects(mod('module m', '/* block */'), 2, /must use \/\/ comments/);
    assertRejects(mod('module m', 'require "example.com/a v1.0.0'), 2, /unterminated quoted string/);
    assertRejects(mod('module m', 'require example.com/a v1.0.0 \u00a0'), 2, /unexpected input character U\+00A0/);
    assertRejects('\uFEFFmodule m\n', 1, /byte order mark/);
  });

  it('rejects backquoted and badly quoted strings, as the go command does', () => {
    assertRejects(mod('module m', 'require `example.com/a` v1.0.0'), 2, /only "double-quoted" strings/);
    assertRejects(mod('require "example.com/\\q" v1.0.0'), 1, /invalid quoted string/);
    assertRejects(mod("require example.com/a' v1.0.0"), 1, /cannot contain a quote/);
  });

  it('reports a syntax error anywhere before a directive error earlier in the file', () => {
    assertRejects(mod('bogus directive', 'require (', '\texample.com/a v1.0.0'), 2, /unterminated block/);
  });

  it('throws a ParseError carrying file and line', () => {
    const err = parseError(mod('module m', 'require example.com/a'));
    assert.equal(err.code, 'BF_GOMOD_PARSE');
    assert.deepEqual(err.details, { file: 'go.mod', line: 2 });
  });
});

describe('parseGoMod: lax mode for dependency go.mod files', () => {
  it('skips directives the go command ignores in dependencies, keeps require and retract', () => {
    const text = mod(
      'module example.com/dep',
      'go 1.21.0',
      'toolchain something-new',
      'futuredirective x y',
      'future (',
      '\tstuff',
      ')',
      'replace example.com/a => example.com/b',
      'exclude example.com/c master',
      'require example.com/d v1.2',
      'retract v1.0.0 // bad',
      'retract [v1.1.0',
      'retract v1.2.0 extra // kept, like ParseLax',
    );
    assert.throws(() => parseGoMod(text), ParseError);
    const m = parseGoMod(text, 'example.com/dep@v1.3.0/go.mod', { lax: true });
    assert.equal(m.module?.path, 'example.com/dep');
    assert.equal(m.toolchain, undefined);
    assert.deepEqual(m.replace, []);
    assert.deepEqual(m.exclude, []);
    assert.deepEqual(m.require, [{ path: 'example.com/d', version: 'v1.2.0', indirect: false, line: 10 }]);
    assert.deepEqual(
      m.retract.map((r) => [r.low, r.high, r.rationale]),
      [
        ['v1.0.0', 'v1.0.0', 'bad'],
        ['v1.2.0', 'v1.2.0', 'kept, like ParseLax'],
      ],
    );
  });

  it('trims go versions the way ParseLax does', () => {
    assert.equal(parseGoMod(mod('go 1.21.x'), 'dep/go.mod', { lax: true }).go?.version, '1.21');
  });

  it('still rejects syntax errors', () => {
    assert.throws(() => parseGoMod(mod('require (', '\texample.com/a v1.0.0'), 'dep/go.mod', { lax: true }), /dep\/go\.mod:1: .*unterminated block/);
  });
});

describe('parseGoMod: a realistic service go.mod', () => {
  const text = `module github.com/acme/payments-api

go 1.22.0

toolchain go1.22.5

godebug x509sha1=1

require (
	github.com/aws/aws-sdk-go-v2 v1.30.3
	github.com/go-chi/chi/v5 v5.1.0
	github.com/google/uuid v1.6.0
	github.com/jackc/pgx/v5 v5.6.0
	github.com/acme/go-common v0.14.2
	github.com/prometheus/client_golang v1.19.1
	go.opentelemetry.io/otel v1.28.0
	golang.org/x/sync v0.7.0
	google.golang.org/grpc v1.65.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cenkalti/backoff/v4 v4.3.0 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/puddle/v2 v2.2.1 // indirect
	github.com/acme/internal-auth v0.0.0-20240611093012-5d1f2c3b4a6e // indirect
	github.com/docker/docker v26.1.4+incompatible // indirect
	golang.org/x/crypto v0.25.0 // indirect
	golang.org/x/net v0.27.0 // indirect
	golang.org/x/text v0.16.0 // indirect
	google.golang.org/protobuf v1.34.2 // indirect
)

// Local fork until upstream merges the retry fix.
replace github.com/acme/go-common => ../go-common

replace github.com/docker/docker v26.1.4+incompatible => github.com/docker/docker v26.1.5+incompatible

exclude golang.org/x/net v0.26.0

tool github.com/golangci/golangci-lint/cmd/golangci-lint
`;

  /** 1-based line of the first line containing `needle`, found independently of the parser. */
  const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('parses every directive with the right lines', () => {
    const m = parseGoMod(text);
    assert.equal(text.split('\n').length - 1, 43);
    assert.deepEqual(m.module, { path: 'github.com/acme/payments-api', line: 1 });
    assert.deepEqual(m.go, { version: '1.22.0', line: 3 });
    assert.deepEqual(m.toolchain, { name: 'go1.22.5', line: 5 });
    assert.equal(m.require.length, 21);
    assert.equal(m.require.filter((r) => r.indirect).length, 11);
    assert.deepEqual(m.require[1], { path: 'github.com/go-chi/chi/v5', version: 'v5.1.0', indirect: false, line: 11 });
    for (const r of m.require) assert.equal(r.line, lineOf(`\t${r.path} `), r.path);
    assert.deepEqual(
      m.require.find((r) => r.path === 'github.com/acme/internal-auth'),
      { path: 'github.com/acme/internal-auth', version: 'v0.0.0-20240611093012-5d1f2c3b4a6e', indirect: true, line: 28 },
    );
    assert.deepEqual(m.replace, [
      { from: { path: 'github.com/acme/go-common' }, to: { path: '../go-common' }, local: true, line: 37 },
      {
        from: { path: 'github.com/docker/docker', version: 'v26.1.4+incompatible' },
        to: { path: 'github.com/docker/docker', version: 'v26.1.5+incompatible' },
        local: false,
        line: 39,
      },
    ]);
    assert.deepEqual(m.exclude, [{ path: 'golang.org/x/net', version: 'v0.26.0', line: lineOf('exclude ') }]);
    assert.deepEqual(m.retract, []);
  });
});
