import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePlacement, onTheAgent, placeOnAgent, type PlacementDeps } from '../../../src/jobs/agent-placement.ts';
import type { JobSystemStatus, WorkerInfo } from '../../../src/jobs/job-types.ts';
import { ANY_QUEUE, hostQueueName } from '../../../src/jobs/queue-names.ts';

function worker(host: string, running = 0, state: WorkerInfo['state'] = 'running'): WorkerInfo {
  return {
    id: `${host}-1`,
    host,
    version: '0.1.0',
    pid: 1,
    hostname: host,
    startedAt: '2026-12-06T00:00:00Z',
    lastSeen: '2026-12-06T00:00:00Z',
    concurrency: 2,
    queues: [hostQueueName(host), ANY_QUEUE],
    running: Array.from({ length: running }, (_, i) => ({ id: `j${i}`, name: 'diagnose', startedAt: '2026-12-06T00:00:00Z' })),
    state,
  };
}

function deps(workers: WorkerInfo[] | Error, agents: string[] = ['agent-01', 'agent-02', 'agent-03'], kind: 'bullmq' | 'in-process' = 'bullmq'): PlacementDeps {
  return {
    dispatcher: {
      kind,
      status: async (): Promise<JobSystemStatus> => {
        if (workers instanceof Error) throw workers;
        return { mode: kind, workers, queues: [] };
      },
    },
    config: { agents: Object.fromEntries(agents.map((a) => [a, {}])) as PlacementDeps['config']['agents'], host: 'serve-box' },
  };
}

const CHECKS = 'its live checks';

describe('placeOnAgent: where a job about a failing build runs', () => {
  it("on the agent's own worker when it is live", async () => {
    const p = await placeOnAgent('agent-03', deps([worker('agent-01'), worker('agent-03')]));
    assert.deepEqual(p, { kind: 'agent', agent: 'agent-03', host: 'agent-03' });
    assert.ok(onTheAgent(p));
    assert.match(describePlacement(p, 'this diagnosis', CHECKS) ?? '', /^This diagnosis runs on agent-03, the agent the failing build ran on/);
  });

  it('its worker stopping or gone: the least busy other worker, said', async () => {
    for (const workers of [
      [worker('agent-01', 2), worker('agent-02'), worker('agent-03', 0, 'stopping')],
      [worker('agent-01', 2), worker('agent-02')],
    ]) {
      const p = await placeOnAgent('agent-03', deps(workers));
      assert.deepEqual(p, { kind: 'elsewhere', agent: 'agent-03', why: 'not-running', host: 'agent-02' });
      assert.equal(onTheAgent(p), false);
      assert.equal(
        describePlacement(p, 'this diagnosis', CHECKS),
        "agent-03's buildfix worker is not running: this diagnosis runs on agent-02 instead, so its live checks are from agent-02, not agent-03.",
      );
    }
  });

  it('not a configured agent: never routed there, said', async () => {
    const p = await placeOnAgent('agent-09', deps([worker('agent-01'), worker('agent-09')]));
    assert.deepEqual(p, { kind: 'elsewhere', agent: 'agent-09', why: 'not-configured', host: 'agent-01' });
    assert.match(
      describePlacement(p, 'this diagnosis', CHECKS) ?? '',
      /^agent-09 is not a configured buildfix agent .*: this diagnosis runs on agent-01 instead/,
    );
  });

  it('no agents configured: a live worker on that host is enough', async () => {
    const p = await placeOnAgent('ci-runner-7', deps([worker('ci-runner-7')], []));
    assert.deepEqual(p, { kind: 'agent', agent: 'ci-runner-7', host: 'ci-runner-7' });
  });

  it('no worker at all, or Redis not answering: any worker, and it says the checks are not from the agent', async () => {
    const none = await placeOnAgent('agent-03', deps([]));
    assert.deepEqual(none, { kind: 'elsewhere', agent: 'agent-03', why: 'not-running' });
    assert.match(describePlacement(none, 'this diagnosis', CHECKS) ?? '', /no other buildfix worker is live: .*will not be from agent-03/);
    const down = await placeOnAgent('agent-03', deps(new Error('Redis at 127.0.0.1:6379 is not reachable')));
    assert.equal(down.kind, 'elsewhere');
    assert.match(describePlacement(down, 'this diagnosis', CHECKS) ?? '', /could not be read \(.*Redis at 127\.0\.0\.1:6379 is not reachable\)/);
  });

  it('no agent known: any worker, nothing to say', async () => {
    const p = await placeOnAgent(undefined, deps([worker('agent-01')]));
    assert.deepEqual(p, { kind: 'any' });
    assert.equal(describePlacement(p, 'this diagnosis', CHECKS), undefined);
  });

  it('in-process (no Redis): this machine; it says so when the build failed elsewhere', async () => {
    const elsewhere = await placeOnAgent('agent-03', deps([], [], 'in-process'));
    assert.deepEqual(elsewhere, { kind: 'local', agent: 'agent-03', host: 'serve-box' });
    assert.equal(onTheAgent(elsewhere), false);
    assert.equal(
      describePlacement(elsewhere, 'this diagnosis', CHECKS),
      'Jobs run in the serve process on serve-box (REDIS_URL is not set), not on agent-03 where the build failed: its live checks are from serve-box, not agent-03.',
    );
    const here = await placeOnAgent('Serve-Box', deps([], [], 'in-process'));
    assert.ok(onTheAgent(here));
    assert.match(describePlacement(here, 'this diagnosis', CHECKS) ?? '', /runs here on Serve-Box \(jobs run in the serve process\)/);
    const unknown = await placeOnAgent(undefined, deps([], [], 'in-process'));
    assert.equal(describePlacement(unknown, 'this diagnosis', CHECKS), undefined);
  });
});
