/** `buildfix incidents export|list` as a real process against real Redis. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { renderIncidentReport, type IncidentReport } from '../../../src/incidents/render-incident-report.ts';
import { closeRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { playJourneyOne } from '../../unit/incidents/journey.ts';
import { testClock } from '../../unit/incidents/store-contract.ts';
import { connectTestRedis, deleteUnder, TEST_REDIS_URL, testPrefix } from './redis-test-env.ts';

describe('buildfix incidents (CLI)', { timeout: 60_000 }, () => {
  let redis: Redis;
  let store: RedisIncidentStore;
  const prefix = testPrefix();
  const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
  let resolvedId: number;
  let openId: number;

  before(async () => {
    redis = await connectTestRedis();
    const clock = testClock();
    store = new RedisIncidentStore({ redis, prefix, now: clock.now });
    resolvedId = await playJourneyOne(store, clock);
    openId = (await store.open({ title: 'sum.golang.org unreachable from agent-07', by: 'U-RAJ', severity: 'sev3' })).id;
  });
  after(async () => {
    await deleteUnder(redis, prefix);
    await closeRedisConnection(redis);
  });

  it('export prints the archive report in Markdown (the default)', async () => {
    const r = await runCli(['incidents', 'export', String(resolvedId)], env);
    assert.equal(r.stderr, '');
    assert.equal(r.exitCode, 0);
    const incident = await store.get(resolvedId);
    assert.ok(incident);
    const timeline = await store.timeline(resolvedId);
    // runCommand trims the final newline of captured output.
    assert.equal(r.stdout, renderIncidentReport(incident, timeline, 'md').trimEnd());
    for (const entry of timeline) assert.ok(r.stdout.includes(entry.text.split('\n')[0] ?? ''), `has "${entry.text}"`);
  });

  it('export --format json, with a #ref', async () => {
    const r = await runCli(['incidents', 'export', `#${resolvedId}`, '--format', 'json'], env);
    assert.equal(r.exitCode, 0, r.stderr);
    const report = r.json<IncidentReport>();
    assert.equal(report.id, resolvedId);
    assert.equal(report.status, 'resolved');
    assert.equal(report.timeline.length, (await store.timeline(resolvedId)).length);
  });

  it('list shows open incidents; --all shows resolved ones too', async () => {
    const open = await runCli(['incidents', 'list'], env);
    assert.equal(open.exitCode, 0, open.stderr);
    assert.match(open.stdout, /^ID\s+STATUS\s+SEV\s+OPENED\s+FAILURES\s+COMMANDER\s+TITLE\n/);
    assert.match(open.stdout, new RegExp(`#${openId}\\s+investigating\\s+sev3\\s+\\S+\\s+-\\s+-\\s+sum\\.golang\\.org unreachable`));
    assert.doesNotMatch(open.stdout, /payments\/main/);
    const all = await runCli(['incidents', 'list', '--all', '--json'], env);
    assert.equal(all.exitCode, 0, all.stderr);
    assert.deepEqual(
      all.json<Array<{ id: number; status: string }>>().map((i) => [i.id, i.status]),
      [
        [openId, 'investigating'],
        [resolvedId, 'resolved'],
      ],
    );
  });

  it('clear errors: unknown id, bad id, bad format, no REDIS_URL', async () => {
    const missing = await runCli(['incidents', 'export', '999'], env);
    assert.equal(missing.exitCode, 2);
    assert.equal(missing.stderr, 'buildfix: incident #999 not found');
    const bad = await runCli(['incidents', 'export', 'abc'], env);
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /"abc" is not an incident id/);
    const format = await runCli(['incidents', 'export', '1', '--format', 'pdf'], env);
    assert.equal(format.exitCode, 2);
    assert.match(format.stderr, /--format must be md or json/);
    const noRedis = await runCli(['incidents', 'list'], {});
    assert.equal(noRedis.exitCode, 2);
    assert.match(noRedis.stderr, /incidents are stored in Redis: set REDIS_URL/);
  });
});
