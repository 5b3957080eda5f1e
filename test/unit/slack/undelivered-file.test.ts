import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileUndeliveredLog, readUndeliveredFile, undeliveredFilePath } from '../../../src/slack/outbox/undelivered-file.ts';
import { UNDELIVERED_KEEP, type UndeliveredPost } from '../../../src/slack/outbox/undelivered.ts';

const post = (n: number, at = new Date()): UndeliveredPost => ({
  at: at.toISOString(),
  channel: 'C0123',
  what: `result of \`diagnose payments\` #${n}`,
  reason: 'not_in_channel',
  permanent: true,
  action: 'invite the bot to <#C0123>: /invite @buildfix',
  attempts: 1,
  text: `text ${n} ${'x'.repeat(150)}`,
});

describe('FileUndeliveredLog (in-process mode)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'buildfix-undelivered-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lives under $XDG_STATE_HOME/buildfix, else ~/.local/state/buildfix', () => {
    assert.equal(undeliveredFilePath({ XDG_STATE_HOME: '/var/lib/x', HOME: '/home/a' }), '/var/lib/x/buildfix/undelivered.jsonl');
    assert.equal(undeliveredFilePath({ HOME: '/home/a' }), '/home/a/.local/state/buildfix/undelivered.jsonl');
  });

  it('lists newest first, across instances (a restart), skipping torn lines and entries older than 30 days', async () => {
    const path = join(dir, 'a', 'undelivered.jsonl');
    const log = new FileUndeliveredLog(path);
    assert.deepEqual(await log.recent(), [], 'no file yet: nothing');
    await log.record(post(1, new Date(Date.now() - 31 * 86_400_000)));
    await log.record(post(2));
    await appendFile(path, '{"at":"2026-12-0');
    await appendFile(path, '\n');
    await log.record(post(3));
    const again = new FileUndeliveredLog(path);
    assert.deepEqual(
      (await again.recent()).map((p) => p.what),
      ['result of `diagnose payments` #3', 'result of `diagnose payments` #2'],
    );
    assert.equal((await again.recent(1)).length, 1);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await readUndeliveredFile({ XDG_STATE_HOME: join(dir, 'nothing-here') })).length, 0);
  });

  it('compacts to the newest entries once the file grows past its bound', async () => {
    const path = join(dir, 'b', 'undelivered.jsonl');
    const log = new FileUndeliveredLog(path);
    for (let i = 1; i <= 800; i++) await log.record(post(i));
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
    assert.ok(lines.length < 800, `compacted (${lines.length} lines)`);
    const recent = await log.recent(UNDELIVERED_KEEP + 50);
    assert.equal(recent[0]?.what, 'result of `diagnose payments` #800');
    assert.ok(recent.length <= lines.length);
  });

  it('keeps entries in memory when the file cannot be written', async () => {
    // A regular file where the directory should be: mkdir fails (ENOTDIR).
    await appendFile(join(dir, 'blocker'), '');
    const log = new FileUndeliveredLog(join(dir, 'blocker', 'state', 'undelivered.jsonl'));
    await assert.rejects(log.record(post(9)));
    assert.deepEqual(
      (await log.recent()).map((p) => p.what),
      ['result of `diagnose payments` #9'],
    );
  });
});
