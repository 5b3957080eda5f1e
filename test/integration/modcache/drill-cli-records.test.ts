/**
 * `buildfix drill` on the command line is recorded like a Slack drill when
 * it is one of a configured agent: the real CLI process on this machine as
 * agent-03 (BUILDFIX_HOST), a configured repo, the agent's module cache
 * (filled by the real go from the module proxy fake on 127.0.0.1, which is
 * then closed: the outage), real Redis. `buildfix status` afterwards shows
 * the drill, by local:<OS user>; with one zip evicted the next drill fails
 * on that module and status says so. A drill of a path, on a machine that
 * is no configured agent, or without Redis runs the same and is not
 * recorded, and the CLI says why.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { cacheFilePath } from '../../../src/modcache/cache-files.ts';
import { RedisPreflightStore } from '../../../src/preflight/store.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { createModcacheFixture, type ModcacheFixture } from '../../helpers/modcache-fixture.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../helpers/slack-processes.ts';

const BRAVO = { path: 'example.test/Bravo', version: 'v1.2.0' };

describe('buildfix drill on a configured agent is recorded in its health history (real CLI, Redis, go)', { timeout: 120_000 }, () => {
  let f: ModcacheFixture;
  let work: string;
  let redis: Redis;
  let store: RedisPreflightStore;
  let agentEnv: Record<string, string>;
  const prefix = uniquePrefix();
  const by = `local:${userInfo().username}`;

  before(async () => {
    f = await createModcacheFixture();
    await f.proxy.close(); // the outage: a drill never asks the proxy
    work = await mkdtemp(join(tmpdir(), 'buildfix-drill-cli-'));
    const config = join(work, 'buildfix.yaml');
    await writeFile(config, ['repos:', '  payments:', `    url: ${f.repo}`, 'agents:', '  agent-03: {}', ''].join('\n'));
    agentEnv = {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      BUILDFIX_CONFIG: config,
      BUILDFIX_HOST: 'agent-03',
      GOMODCACHE: f.modcache,
      GOFLAGS: '-modcacherw',
      GOPROXY: f.proxy.url,
    };
    redis = new Redis(REDIS_URL);
    store = new RedisPreflightStore(redis, normalizeKeyPrefix(prefix));
  });

  after(async () => {
    redis?.disconnect();
    await f?.close();
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
  });

  it('a passing drill, then one failing on an evicted module: both in the history, status shows the last one by the local user', async () => {
    const passed = await runCli(['drill', 'payments'], agentEnv);
    assert.equal(passed.exitCode, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /^drill passed: go mod download of .* succeeds with GOPROXY=off/m);
    assert.match(passed.stdout, /^recorded in agent-03's health history \(check drill, payments\): buildfix status shows it$/m);
    const status = await runCli(['status'], agentEnv);
    assert.equal(status.exitCode, 0, status.stderr);
    assert.ok(
      new RegExp(
        `agent-03 +drill +payments +✓ pass +\\d+ s ago +last drill \\d+ s ago: passed: the build survives a proxy outage \\(5/5 modules in the cache\\), by ${by.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d`,
      ).test(status.stdout),
      status.stdout,
    );

    const zip = cacheFilePath(f.modcache, BRAVO, 'zip');
    await copyFile(zip, `${zip}.keep`);
    await rm(zip);
    try {
      const failed = await runCli(['drill', 'payments', '--json'], agentEnv);
      assert.equal(failed.exitCode, 1, failed.stdout + failed.stderr);
      const out = failed.json<{ passed: boolean; history: unknown }>();
      assert.equal(out.passed, false);
      assert.deepEqual(out.history, { recorded: true, agent: 'agent-03', repo: 'payments' });
    } finally {
      await copyFile(`${zip}.keep`, zip);
      await rm(`${zip}.keep`);
    }
    const after = await runCli(['status'], agentEnv);
    assert.match(
      after.stdout,
      /agent-03 +drill +payments +✗ fail +\d+ s ago +last drill \d+ s ago: failed on 1 module: example\.test\/Bravo@v1\.2\.0, by local:/,
    );
    const history = await store.history('agent-03', 'drill', 'payments');
    assert.deepEqual(
      history.map((r) => [r.status, r.by, r.drill?.failed]),
      [
        ['fail', by, ['example.test/Bravo@v1.2.0']],
        ['pass', by, []],
      ],
      'both drills, newest first',
    );
    assert.ok(history.every((r) => r.durationMs > 0 && Date.parse(r.finishedAt) >= Date.parse(r.startedAt)));
  });

  it('ad-hoc drills run the same and are not recorded, saying why', async () => {
    const before = (await store.history('agent-03', 'drill', 'payments')).length;
    await mkdir(join(work, 'other', 'cache', 'download'), { recursive: true }); // an empty module cache of someone else's
    const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
      ['a path', ['drill', f.repo], agentEnv, /^not recorded in the health history: .* is not a configured repo \(repos: in the config\)$/m],
      [
        'a machine that is no configured agent',
        ['drill', 'payments'],
        { ...agentEnv, BUILDFIX_HOST: 'laptop-9' },
        /^not recorded in the health history: this machine \(laptop-9\) is not a configured agent \(agents: agent-03\); on an agent, set BUILDFIX_HOST to its name$/m,
      ],
      [
        'another module cache',
        ['drill', 'payments', '--modcache', join(work, 'other')],
        agentEnv,
        /^not recorded in the health history: --modcache .*other is not agent-03's module cache/m,
      ],
      [
        'no Redis',
        ['drill', 'payments'],
        { ...agentEnv, REDIS_URL: '' },
        /^not recorded in the health history: REDIS_URL is not set: the health history is in Redis/m,
      ],
    ];
    for (const [what, argv, env, said] of cases) {
      const r = await runCli(argv, env);
      assert.match(r.stdout, /^drill (passed|FAILED)/m, `${what}: the drill ran\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, said, what);
    }
    assert.equal((await store.history('agent-03', 'drill', 'payments')).length, before, 'nothing was added');
    const status = await runCli(['status', '--json'], agentEnv);
    assert.deepEqual(
      status
        .json<{ preflight: Array<{ agent: string; check: string }> }>()
        .preflight.filter((r) => r.check === 'drill')
        .map((r) => r.agent),
      ['agent-03'],
      'no drill of laptop-9',
    );
  });
});
