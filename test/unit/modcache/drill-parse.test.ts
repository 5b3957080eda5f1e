import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from '../../../src/chat/parse-command.ts';
import { guardedActionOf, needsConfirmation } from '../../../src/chat/permissions.ts';
import { parseDownloadErrors, parseDownloadJson } from '../../../src/modcache/drill.ts';

// As go 1.19 prints `go mod download -json` (indented objects back to back), one module failing.
const STDOUT = `{
	"Path": "example.test/Bravo",
	"Version": "v1.2.0",
	"Error": "module lookup disabled by GOPROXY=off",
	"Info": "/m/cache/download/example.test/!bravo/@v/v1.2.0.info"
}
{
	"Path": "example.test/alpha",
	"Version": "v1.0.0",
	"Info": "/m/cache/download/example.test/alpha/@v/v1.0.0.info",
	"GoMod": "/m/cache/download/example.test/alpha/@v/v1.0.0.mod",
	"Sum": "h1:abc{}\\"=",
	"GoModSum": "h1:def="
}
`;

describe('drill output parsing', () => {
  it('reads every -json record, braces and quotes inside strings included', () => {
    const records = parseDownloadJson(STDOUT);
    assert.equal(records.length, 2);
    assert.equal(records[1]?.Path, 'example.test/alpha');
  });

  it('names the failing modules from Error fields and keeps other stderr lines', () => {
    const out = parseDownloadErrors(STDOUT, 'go: downloading example.test/x v1.0.0\ngo: example.test/app: go.mod has errors\n');
    assert.deepEqual(out.failures, [{ path: 'example.test/Bravo', version: 'v1.2.0', message: 'module lookup disabled by GOPROXY=off' }]);
    assert.deepEqual(out.otherErrors, ['example.test/app: go.mod has errors']);
  });

  it('names the module go stopped on while loading the graph, with the chain that required it', () => {
    const out = parseDownloadErrors('', 'go: example.test/Bravo@v1.2.0 requires\n\texample.test/charlie@v1.0.0: module lookup disabled by GOPROXY=off\n');
    assert.deepEqual(out.failures, [
      { path: 'example.test/charlie', version: 'v1.0.0', message: 'module lookup disabled by GOPROXY=off (required by example.test/Bravo@v1.2.0)' },
    ]);
    assert.deepEqual(out.otherErrors, []);
  });

  it('a truncated stream yields the complete records only', () => {
    assert.equal(parseDownloadJson(STDOUT.slice(0, STDOUT.length - 20)).length, 1);
  });
});

describe('drill chat command', () => {
  it('parses drill <repo> [--host <agent>], needs permission `drill` and a confirmation', () => {
    const c = parseCommand('drill payments --host agent-03');
    assert.deepEqual(c, { kind: 'drill', repo: 'payments', host: 'agent-03' });
    assert.equal(guardedActionOf(c), 'drill');
    assert.equal(needsConfirmation(c), true);
    assert.deepEqual(parseCommand('drill payments'), { kind: 'drill', repo: 'payments' });
    assert.throws(() => parseCommand('drill'), /usage: \/buildfix drill <repo>/);
  });
});
