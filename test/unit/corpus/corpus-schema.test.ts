import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { README_PATH, checkCorpus, checkEntry, fieldsCutByComment, linesOutsideLogBlock, readmeWithCounts, splitUnit } from '../../../scripts/check-corpus.ts';

/** Lower bound on what the corpus holds; raise it when logs are added, never lower it. */
const MIN_LOGS = 372;

const GOOD = {
  source: 'example/repo#12',
  url: 'https://github.com/example/repo/issues/12',
  ecosystem: 'go',
  wrapper: 'plain',
  category: 'checksum-mismatch',
  cause: 'The upstream tag was moved after the checksum database recorded it.',
  sureness: 'settled',
  hard: false,
  log: 'verifying example.com/m@v1.0.0: checksum mismatch\n',
};

describe('the real-thread corpus', () => {
  const { entries, problems } = checkCorpus();

  it('has no invalid entry', () => {
    assert.deepEqual(
      problems.map((p) => `${p.file}: ${p.message}`),
      [],
    );
  });

  it(`holds at least ${MIN_LOGS} logs, at least 70% of them Go, and npm, yarn and pnpm logs`, () => {
    assert.ok(entries.length >= MIN_LOGS, `${entries.length} logs`);
    const go = entries.filter((e) => e.ecosystem === 'go').length;
    assert.ok(go / entries.length >= 0.7, `${go}/${entries.length} Go`);
    for (const eco of ['npm', 'yarn', 'pnpm'] as const)
      assert.ok(
        entries.some((e) => e.ecosystem === eco),
        eco,
      );
  });

  // No GitLab log with a settled cause was found in public threads (see the README's gaps);
  // the check covers the wrappers the corpus does have.
  it('covers the common wrappers it has logs for and includes hard cases', () => {
    for (const w of ['plain', 'docker', 'github-actions', 'jenkins', 'bazel'] as const) {
      assert.ok(
        entries.some((e) => e.wrapper === w),
        `a ${w} log`,
      );
    }
    assert.ok(entries.filter((e) => e.hard).length >= 10, 'hard cases');
  });

  it('keeps grouped incidents in one split unit and gives every group at least two entries', () => {
    const groups = new Map<string, number>();
    for (const e of entries) if (e.group !== undefined) groups.set(e.group, (groups.get(e.group) ?? 0) + 1);
    for (const [g, n] of groups) assert.ok(n >= 2, `group ${g} has ${n} entry`);
    const grouped = entries.find((e) => e.group !== undefined);
    if (grouped) assert.equal(splitUnit(grouped), grouped.group);
  });

  it('has up-to-date counts in test/fixtures/logs/README.md', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    assert.equal(readme, readmeWithCounts(readme, entries), 'run: node scripts/check-corpus.ts --write-readme');
  });
});

describe('checkEntry / checkCorpus', () => {
  it('accepts a complete entry', () => {
    const { entry, problems } = checkEntry('go/moved-tag.yaml', GOOD);
    assert.deepEqual(problems, []);
    assert.equal(entry?.category, 'checksum-mismatch');
  });

  it('names each broken field', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['go/x.yaml', { ...GOOD, category: 'made-up' }, /category "made-up" is not a known id/],
      ['go/x.yaml', { ...GOOD, category: 'unknown' }, /not a settled root cause/],
      ['go/x.yaml', { ...GOOD, wrapper: 'circleci' }, /wrapper must be one of/],
      ['go/x.yaml', { ...GOOD, sureness: 'maybe' }, /sureness must be one of/],
      ['go/x.yaml', { ...GOOD, hard: 'yes' }, /hard must be true or false/],
      ['go/x.yaml', { ...GOOD, extra: 1 }, /unknown field "extra"/],
      ['go/x.yaml', { ...GOOD, log: undefined }, /missing field "log"/],
      ['npm/x.yaml', GOOD, /under npm\/ but ecosystem is go/],
      ['go/x.yaml', { ...GOOD, url: 'https://github.com/other/repo/issues/12' }, /is not in example\/repo/],
      ['go/x.yaml', { ...GOOD, url: 'https://github.com/example/repo/issues/13' }, /does not point at #12/],
      ['go/x.yaml', { ...GOOD, log: `//npm.pkg.github.com/:_authToken=${'a1B2c3D4e5'.repeat(4)}\n` }, /auth token value/],
      ['go/x.yaml', { ...GOOD, log: `export TOKEN=ghp_${'x'.repeat(36)}\n` }, /GitHub token/],
      ['go/Bad_Name.yaml', GOOD, /file name must be <slug>.yaml/],
    ];
    for (const [file, doc, expected] of cases) {
      const { entry, problems } = checkEntry(file, doc);
      assert.equal(entry, undefined, `${file} ${JSON.stringify(doc).slice(0, 80)}`);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${expected}: ${problems.join('; ')}`,
      );
    }
  });

  it('accepts redacted credentials', () => {
    const log = '//npm.pkg.github.com/:_authToken=72d4[hidden]\nAn authorization header was used: Bearer [hidden]\n';
    assert.deepEqual(checkEntry('go/x.yaml', { ...GOOD, log }).problems, []);
  });

  const dir = mkdtempSync(join(tmpdir(), 'corpus-check-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds duplicate source+log across files and YAML that does not parse', () => {
    mkdirSync(join(dir, 'go'));
    writeFileSync(join(dir, 'go', 'a.yaml'), stringify(GOOD));
    writeFileSync(join(dir, 'go', 'b.yaml'), stringify({ ...GOOD, log: `${GOOD.log}\n\n` }));
    writeFileSync(join(dir, 'go', 'c.yaml'), stringify({ ...GOOD, source: 'example/repo#13', url: 'https://github.com/example/repo/issues/13' }));
    writeFileSync(join(dir, 'go', 'd.yaml'), 'source: [unclosed\n');
    const { entries, problems } = checkCorpus(dir);
    assert.equal(entries.length, 3);
    assert.deepEqual(problems.map((p) => p.file).sort(), ['go/b.yaml', 'go/d.yaml']);
    assert.match(problems.find((p) => p.file === 'go/b.yaml')?.message ?? '', /same source and log as go\/a.yaml/);
  });

  it("finds field values YAML silently cuts: an unquoted cause with ' #12' loses everything from there", () => {
    const text = 'source: example/repo#12\ncause: Fixed upstream (PR #13).\nhard: false # a comment on its own is fine to flag too\nlog: |\n  go: x #1\n';
    assert.deepEqual(fieldsCutByComment(text), [2, 3]);
    assert.deepEqual(fieldsCutByComment('source: example/repo#12\ncause: "Fixed upstream (PR #13)."\nlog: |\n  a #1\n'), []);
  });

  it('finds log lines YAML silently drops: a BuildKit "#9 …" line less indented than the block is read as a comment', () => {
    const head = 'source: example/repo#12\ncategory: tls-interception\n';
    const dropped = `${head}log: |\n   => ERROR [builder 4/5] RUN go get -d -v\n\n  #9 55.70 fatal: unable to access 'https://gopkg.in/yaml.v2/'\n`;
    assert.deepEqual(linesOutsideLogBlock(dropped), [6]);
    // An explicit indentation indicator keeps the line, and a tab after the block's spaces is content.
    assert.deepEqual(linesOutsideLogBlock(dropped.replace('log: |', 'log: |2')), []);
    assert.deepEqual(linesOutsideLogBlock(`${head}log: |\n  \tgithub.com/a/b@v1: verifying module\n  SECURITY ERROR\n`), []);
    mkdirSync(join(dir, 'npm'), { recursive: true });
    writeFileSync(join(dir, 'npm', 'e.yaml'), dropped);
    assert.ok(checkCorpus(dir).problems.some((p) => p.file === 'npm/e.yaml' && /line 6 is less indented/.test(p.message)));
  });
});
