/**
 * Verification after a fix without CI webhooks: the Jenkins build follower reads the job's recent builds through
 * the real Jenkins REST API (the fake controller over HTTP) and hands the finished ones that started after the fix
 * to the real FixVerifier, on real Redis. Two replicas following at once count each build once and offer Resolve
 * once; a build started before the fix, or still running, counts for nothing; a controller that fails is logged
 * and tried again next round.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { createJenkinsClient, queueBuild, recentBuilds, type JenkinsClient } from '../../../src/clients/jenkins/index.ts';
import { FixVerifier, type VerificationOutput } from '../../../src/incidents/fix-verification.ts';
import { startVerification } from '../../../src/incidents/fix-verification-state.ts';
import { BuildFollower } from '../../../src/incidents/build-follower.ts';
import { jenkinsFollowSource } from '../../../src/incidents/follow-jenkins.ts';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { createLogger } from '../../../src/logger.ts';
import { closeRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { verificationRecorder } from '../../helpers/verification-recorder.ts';
import { connectTestRedis, deleteUnder, testPrefix } from './redis-test-env.ts';

const HOUR = 3_600_000;

describe('Jenkins build follower: verification without webhooks', { timeout: 60_000 }, () => {
  let redis: Redis;
  let other: Redis;
  let jenkins: JenkinsFake;
  let client: JenkinsClient;
  const prefix = testPrefix();
  const logger = createLogger({ level: 'silent' });
  const config = { repos: {}, incidents: { verify: { greenBuilds: 1, autoResolve: false } } };

  before(async () => {
    redis = await connectTestRedis();
    other = await connectTestRedis('buildfix-test-other');
    jenkins = await startJenkinsFake({
      csrf: 'api-token-exempt',
      jobs: ['payments/main', 'billing/main', 'ledger/main'].map((name) => ({
        name,
        builds: [{ number: 4812, result: 'FAILURE' as const, timestamp: Date.now() - HOUR, durationMs: 60_000 }],
        plan: { result: 'SUCCESS' as const, console: ['go mod download', 'ok'] },
      })),
    });
    client = createJenkinsClient({ baseUrl: jenkins.url, user: jenkins.user, apiToken: jenkins.token, timeoutMs: 10_000 });
  });
  after(async () => {
    await client.close();
    await jenkins.close();
    await deleteUnder(redis, prefix);
    await closeRedisConnection(redis);
    await closeRedisConnection(other);
  });

  /** A follower on `store` reading the fake through the real client, speaking to `output`. */
  function followerOn(store: RedisIncidentStore, output: VerificationOutput, log = logger): BuildFollower {
    return new BuildFollower({
      store,
      verifier: new FixVerifier({ store, config, logger }),
      sources: [jenkinsFollowSource((job, limit, signal) => recentBuilds(client, job, limit, { signal }))],
      output: () => output,
      logger: log,
    });
  }

  /** An incident of `job` whose fix is being verified since `startedAt`, waiting for 1 green build. */
  async function verifying(store: RedisIncidentStore, job: string, startedAt: string): Promise<number> {
    const { incident } = await store.recordCiFailure({
      pipelineKey: `jenkins:${job}`,
      title: `${job} #4812 failed`,
      source: { ci: 'jenkins', job },
      text: `${job} #4812 FAILURE`,
    });
    const v = startVerification(undefined, {
      trigger: { kind: 'restart', text: 'restart agent-03', by: 'U1', agent: 'agent-03' },
      at: startedAt,
      greenBuilds: 1,
      autoResolve: false,
      pipelines: [`jenkins:${job}`],
      checks: [],
    });
    assert.ok(await store.saveVerification(incident.id, v, 0));
    return incident.id;
  }

  it('a build someone started in Jenkins after the fix verifies it: counted once by two replicas, Resolve offered once', async () => {
    const stores = [new RedisIncidentStore({ redis, prefix }), new RedisIncidentStore({ redis: other, prefix })] as const;
    const id = await verifying(stores[0], 'payments/main', new Date(Date.now() - 1000).toISOString());
    const { said, output } = verificationRecorder();
    const followers = stores.map((store) => followerOn(store, output));

    // Nothing new yet: #4812 failed an hour before the fix and is not counted (it would fail the verification).
    assert.deepEqual(await Promise.all(followers.map((f) => f.round())), [0, 0]);
    assert.equal((await stores[0].get(id))?.verification?.state, 'waiting');

    // Someone rebuilds the job in Jenkins itself; no webhook is configured.
    await queueBuild(client, 'payments/main');
    await assertEventually(async () => (await recentBuilds(client, 'payments/main', 1))[0]?.number === 4813);

    const counted = await Promise.all(followers.map((f) => f.round()));
    assert.ok(
      counted.some((n) => n === 1),
      `handed over by at least one replica: ${counted.join(', ')}`,
    );
    const incident = await stores[1].get(id);
    assert.equal(incident?.verification?.state, 'verified');
    assert.deepEqual(
      incident?.verification?.builds.map((b) => [b.number, b.status, b.via]),
      [[4813, 'SUCCESS', 'jenkins']],
    );
    assert.equal(said.filter((s) => s.startsWith('OFFER')).length, 1, 'Resolve offered once');
    const timeline = await stores[0].timeline(id);
    assert.equal(timeline.filter((e) => /payments\/main #4813 SUCCESS \(followed through Jenkins\): 1 of 1 green build/.test(e.text)).length, 1);

    // A later round finds nothing left to do.
    assert.deepEqual(await Promise.all(followers.map((f) => f.round())), [0, 0]);
  });

  it('a build still running counts only once it has finished', async () => {
    const store = new RedisIncidentStore({ redis, prefix });
    const id = await verifying(store, 'billing/main', new Date(Date.now() - 1000).toISOString());
    jenkins.setPlan('billing/main', { result: 'SUCCESS', buildMs: 1500 });
    await queueBuild(client, 'billing/main');
    const { output } = verificationRecorder();
    const follower = followerOn(store, output);
    await assertEventually(async () => (await recentBuilds(client, 'billing/main', 1))[0]?.number === 4813);
    assert.equal((await recentBuilds(client, 'billing/main', 1))[0]?.building, true);
    assert.equal(await follower.round(), 0);
    assert.equal((await store.get(id))?.verification?.state, 'waiting');
    await assertEventually(async () => (await recentBuilds(client, 'billing/main', 1))[0]?.building === false);
    assert.equal(await follower.round(), 1);
    assert.equal((await store.get(id))?.verification?.state, 'verified');
  });

  it('a controller that fails is logged and tried again next round; stop() ends the rounds', async () => {
    const store = new RedisIncidentStore({ redis, prefix });
    await verifying(store, 'ledger/main', new Date().toISOString());
    jenkins.addFault({ method: 'GET', path: /^\/job\/ledger\/job\/main\/api\/json$/, status: 500 });
    const lines: string[] = [];
    const follower = followerOn(
      store,
      verificationRecorder().output,
      createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } }),
    );
    assert.equal(await follower.round(), 0);
    assert.ok(
      lines.some((l) => /could not read the recent builds of a pipeline from Jenkins/.test(l)),
      lines.join('\n'),
    );
    assert.equal(await follower.round(), 0);
    assert.equal(lines.filter((l) => /recent builds of a pipeline from Jenkins/.test(l)).length, 1, 'warned once per failure streak');
    jenkins.clearFaults();
    assert.equal(await follower.round(), 0);
    assert.ok(
      lines.some((l) => /reading the recent builds of a pipeline from Jenkins again/.test(l)),
      'its recovery is logged',
    );
    follower.start(50);
    await follower.stop();
    assert.equal(await follower.round(), 0, 'no round after stop');
  });
});

async function assertEventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
