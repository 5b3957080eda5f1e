/**
 * The releases in src/classify/std-since.ts (which standard-library package arrived in which Go) checked against the
 * real go's own API files ($GOROOT/api/go1.N.txt list what each release added): the classifier's fix names this
 * release, so it must be go's, not a guess.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { STD_SINCE } from '../../../src/classify/std-since.ts';
import { runCommand } from '../../../src/exec/run-command.ts';

describe("std-since: the release each standard package arrived in, per the running go's API files", () => {
  it('every package the local go knows has the release of the first api/go1.N.txt that lists it', async () => {
    const goroot = (await runCommand(['go', 'env', 'GOROOT'], { timeoutMs: 30_000 })).stdout.trim();
    const apiDir = join(goroot, 'api');
    const files = (await readdir(apiDir))
      .map((f) => /^go1\.(\d+)\.txt$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file: m[0], minor: Number(m[1]) }))
      .sort((a, b) => a.minor - b.minor);
    const newest = files.at(-1)?.minor ?? 0;
    assert.ok(newest >= 16, `api files up to go1.${newest}`);
    const texts = await Promise.all(files.map(async (f) => ({ ...f, text: await readFile(join(apiDir, f.file), 'utf8') })));
    let checked = 0;
    for (const [pkg, since] of Object.entries(STD_SINCE)) {
      const minor = Number(since.split('.')[1]);
      if (minor > newest) continue; // newer than this go: from the release notes
      const first = texts.find((t) => t.text.includes(`pkg ${pkg},`) || t.text.includes(`pkg ${pkg} `));
      if (first === undefined) {
        // syscall/js (js/wasm only) and time/tzdata (no exported API) are not in the api files.
        assert.ok(['syscall/js', 'time/tzdata'].includes(pkg), `${pkg} is in no api file`);
        continue;
      }
      assert.equal(first.minor, minor, `${pkg}: first listed in ${first.file}, std-since says Go ${since}`);
      checked++;
    }
    assert.ok(checked >= 20, `checked ${checked} packages`);
  });
});
