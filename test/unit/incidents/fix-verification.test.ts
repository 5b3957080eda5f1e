/** FixVerifier on the memory store: which checks run again where, which pipelines count, what is said, Resolve offered once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from '../../../src/chat/parse-command.ts';
import {
  affectedPipelines,
  FixVerifier,
  followedBuild,
  judgeCheck,
  recheckCommands,
  type VerificationOutput,
} from '../../../src/incidents/fix-verification.ts';
import type { Incident, TimelineEntry } from '../../../src/incidents/incident-types.ts';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import type { JobOutcome } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';

const logger = createLogger({ level: 'silent' });
const config = { repos: { payments: { url: '/src/payments', job: 'payments/main' } } } as never;

function success(name: string, result: unknown, host = 'agent-03'): JobOutcome {
  return { ok: true, jobId: 'j1', name, durationMs: 10, attempts: 1, steps: [], finishedAt: new Date().toISOString(), host, result };
}

function entry(kind: TimelineEntry['kind'], text: string, data?: Record<string, unknown>): TimelineEntry {
  return { at: '2026-01-01T00:00:00.000Z', by: 'U1', kind, text, ...(data ? { data } : {}) };
}

function recorder(): VerificationOutput & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    say: async (_i, text) => void said.push(text),
    offerResolve: async (_i, text) => void said.push(`OFFER ${text}`),
    resolved: async (i) => void said.push(`RESOLVED #${i.id}`),
  };
}

const base: Incident = {
  id: 1,
  title: 'payments/main #4812 failed',
  source: { ci: 'jenkins', job: 'payments/main' },
  status: 'identified',
  severity: 'sev2',
  roles: {},
  failureCount: 1,
  pipelineKey: 'jenkins:payments/main',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'ci',
};

describe('what a fix is verified with', () => {
  const restart = { kind: 'restart' as const, text: 'restart agent-03', by: 'U1', agent: 'agent-03' };

  it('re-runs the diagnosis recorded in the timeline on the agent the fix touched; the category adds its live check', () => {
    const timeline = [
      entry('command', 'diagnose payments --deep'),
      entry('job-result', 'diagnose payments on agent-07: …', { job: 'diagnose', host: 'agent-07' }),
    ];
    const rc = (category: string): Incident => ({ ...base, rootCause: { category, text: '' } });
    assert.deepEqual(recheckCommands(rc('version-not-found'), restart, timeline, config), [
      { kind: 'diagnose', repo: 'payments', deep: true, host: 'agent-03' },
    ]);
    assert.deepEqual(recheckCommands(rc('proxy-unreachable'), { kind: 'fixed', text: 'incident note fixed', by: 'U1' }, timeline, config), [
      { kind: 'probe', host: 'agent-07' },
      { kind: 'diagnose', repo: 'payments', deep: true, host: 'agent-07' },
    ]);
    assert.deepEqual(recheckCommands(rc('disk-full'), restart, [], config), [
      { kind: 'hostcheck', host: 'agent-03' },
      { kind: 'diagnose', repo: 'payments', host: 'agent-03' },
    ]);
    // No repo, no cause: a restart still checks the agent.
    assert.deepEqual(recheckCommands({ ...base, pipelineKey: 'jenkins:other' }, restart, [], config), [{ kind: 'hostcheck', host: 'agent-03' }]);
  });

  it('counts the incident pipeline, those grouped into it and the job a rebuild built; not buildfix-only keys', () => {
    const grouped: Incident = { ...base, blast: { pipelines: ['jenkins:payments/main', 'github:o/r:CI:main'], repos: [], agents: [], agentUnknown: 0 } };
    assert.deepEqual(affectedPipelines(grouped, [], { kind: 'rebuild', text: 'rebuild billing/main', by: 'U1', job: 'billing/main' }), [
      'jenkins:payments/main',
      'github:o/r:CI:main',
      'jenkins:billing/main',
    ]);
    assert.deepEqual(affectedPipelines({ ...base, pipelineKey: 'buildfix:diagnose:payments' }, [], restart), []);
  });

  it('counts a grouped failure whose pipeline the blast radius no longer names (past its cap of names)', () => {
    const failure = (pipeline: string, failureCount: number): TimelineEntry => ({
      at: '2026-12-08T02:00:00.000Z',
      by: 'ci',
      kind: 'ci-event',
      text: pipeline,
      data: { pipeline, failureCount },
    });
    const timeline = [failure('jenkins:payments/main', 1), failure('gitlab:g/billing:main', 2)];
    assert.deepEqual(affectedPipelines(base, timeline, restart), ['jenkins:payments/main', 'gitlab:g/billing:main']);
  });

  it('judges re-checks: a blocking finding fails, failed host checks fail, a job error is an error', () => {
    const diagnose: Command = { kind: 'diagnose', repo: 'payments' };
    const finding = { category: 'version-not-found', severity: 'error', message: 'v1.9.9 does not exist', module: 'example.com/ledger', version: 'v1.9.9' };
    assert.deepEqual(judgeCheck(diagnose, success('diagnose', { report: { ok: false, findings: [finding] } })), {
      status: 'fail',
      text: 'version-not-found (example.com/ledger v1.9.9) — v1.9.9 does not exist',
    });
    assert.equal(judgeCheck(diagnose, success('diagnose', { report: { ok: true, findings: [] } })).status, 'pass');
    const hostcheck: Command = { kind: 'hostcheck', host: 'agent-03' };
    assert.deepEqual(
      judgeCheck(
        hostcheck,
        success('host-check', {
          checks: [
            { status: 'pass', title: 'go' },
            { status: 'fail', title: 'disk' },
          ],
        }),
      ),
      {
        status: 'fail',
        text: '1 of 2 checks failed (disk)',
      },
    );
    const failed: JobOutcome = {
      ok: false,
      jobId: 'j',
      name: 'diagnose',
      durationMs: 1,
      attempts: 1,
      steps: [],
      finishedAt: '',
      error: { code: 'BF_TIMEOUT', message: 'timed out' },
    } as JobOutcome;
    assert.deepEqual(judgeCheck(diagnose, failed), { status: 'error', text: 'timed out' });
    assert.deepEqual(followedBuild(success('jenkins-rebuild', { build: { job: 'payments/main', number: 4813, url: 'u', result: 'SUCCESS' } }), 'T'), {
      pipeline: 'jenkins:payments/main',
      label: 'payments/main #4813',
      number: 4813,
      ok: true,
      status: 'SUCCESS',
      url: 'u',
      at: 'T',
      via: 'jenkins',
    });
  });
});

describe('FixVerifier with the memory store', () => {
  it('restart → re-check passes → a rebuild while verifying counts as its build → Resolve offered once', async () => {
    const store = new MemoryIncidentStore();
    const { incident } = await store.recordCiFailure({
      pipelineKey: 'jenkins:payments/main',
      title: 'payments/main #4812 failed',
      source: { ci: 'jenkins', job: 'payments/main' },
      text: 'payments/main #4812 FAILURE',
    });
    await store.setRootCause(incident.id, { category: 'version-not-found', text: 'ledger' }, 'buildfix');
    const verifier = new FixVerifier({ store, config: { repos: { payments: { url: '/p', job: 'payments/main' } } } as never, logger });
    const out = recorder();
    const ran: Command[] = [];
    const runCheck = async (c: Command): Promise<JobOutcome> => {
      ran.push(c);
      return success('diagnose', { report: { ok: true, findings: [] } });
    };
    await verifier.afterRemediation(
      (await store.get(incident.id)) as Incident,
      { kind: 'restart', text: 'restart agent-03', by: 'U1', agent: 'agent-03' },
      { output: out, runCheck },
    );
    assert.deepEqual(ran, [{ kind: 'diagnose', repo: 'payments', host: 'agent-03' }]);
    assert.match(
      out.said.join('\n'),
      /Verifying the fix \(restart agent-03\): re-running `diagnose payments` on agent-03, then waiting for 1 green build of payments\/main/,
    );
    assert.equal((await store.get(incident.id))?.verification?.state, 'waiting');

    const build = followedBuild(success('jenkins-rebuild', { build: { job: 'payments/main', number: 4813, result: 'SUCCESS' } }), new Date().toISOString());
    assert.ok(build);
    await verifier.afterRemediation(
      (await store.get(incident.id)) as Incident,
      { kind: 'rebuild', text: 'rebuild payments/main', by: 'U1', job: 'payments/main' },
      { output: out, runCheck, build },
    );
    assert.equal(ran.length, 1, 'the rebuild is counted, not a new fix');
    const v = (await store.get(incident.id))?.verification;
    assert.equal(v?.run, 1);
    assert.equal(v?.state, 'verified');
    assert.equal(out.said.filter((s) => s.startsWith('OFFER Fix verified: after restart agent-03')).length, 1);

    // The same build's webhook, and a later green one: handled, nothing offered twice.
    assert.equal(await verifier.recordBuild((await store.get(incident.id)) as Incident, { ...build, via: 'webhook' }, out), true);
    assert.equal(out.said.filter((s) => s.startsWith('OFFER')).length, 1);
    const timeline = await store.timeline(incident.id);
    assert.ok(timeline.some((e) => e.kind === 'verify' && e.text === 'payments/main #4813 SUCCESS (followed through Jenkins): 1 of 1 green build'));
  });

  it('one incident per cause: every pipeline grouped into it needs its green builds (greenBuilds: 2); a red one fails it', async () => {
    const store = new MemoryIncidentStore();
    const { incident } = await store.recordCiFailure({
      pipelineKey: 'jenkins:payments/main',
      title: 'example.com/ledger v1.9.9 missing',
      source: { ci: 'jenkins', job: 'payments/main' },
      text: 'payments/main #4812 FAILURE',
      data: { pipeline: 'jenkins:payments/main' },
    });
    await store.appendTimeline(incident.id, {
      by: 'ci',
      kind: 'ci-event',
      text: 'billing/main #90 FAILURE',
      data: { pipeline: 'jenkins:billing/main', failureCount: 2 },
    });
    const config = { repos: {}, incidents: { verify: { greenBuilds: 2, autoResolve: false } } } as never;
    const verifier = new FixVerifier({ store, config, logger });
    const out = recorder();
    await verifier.start((await store.get(incident.id)) as Incident, { kind: 'fixed', text: 'incident note fixed tag pushed', by: 'U1' }, { output: out });
    assert.match(out.said[0] ?? '', /waiting for 2 green builds of payments\/main, billing\/main/);
    const green = (pipeline: string, n: number, ok = true) => ({
      pipeline,
      label: `${pipeline.slice(8)} #${n}`,
      number: n,
      ok,
      status: ok ? 'SUCCESS' : 'FAILURE',
      at: new Date().toISOString(),
      via: 'webhook' as const,
    });
    const fresh = async (): Promise<Incident> => (await store.get(incident.id)) as Incident;
    await verifier.recordBuild(await fresh(), green('jenkins:payments/main', 4813), out);
    await verifier.recordBuild(await fresh(), green('jenkins:payments/main', 4814), out);
    await verifier.recordBuild(await fresh(), green('jenkins:billing/main', 91), out);
    assert.match(out.said.at(-1) ?? '', /billing\/main #91 SUCCESS; waiting for green builds: billing\/main 1 of 2\./);
    assert.equal((await fresh()).verification?.state, 'waiting');
    await verifier.recordBuild(await fresh(), green('jenkins:billing/main', 92), out);
    assert.equal((await fresh()).verification?.state, 'verified');
    assert.match(out.said.at(-1) ?? '', /^OFFER Fix verified: .*payments\/main: 2 of 2 green builds .*billing\/main: 2 of 2 green builds/);

    // The next fix, and a red build after it: not verified, said at once.
    await verifier.start(await fresh(), { kind: 'fixed', text: 'incident note fixed again', by: 'U1' }, { output: out });
    await verifier.recordBuild(await fresh(), green('jenkins:billing/main', 93, false), out);
    assert.equal((await fresh()).verification?.state, 'failed');
    assert.match(out.said.at(-1) ?? '', /The fix is not verified: billing\/main #93 FAILURE after the fix\. Incident #1 stays open/);
  });

  it('nothing to check and no pipeline: says so and starts nothing', async () => {
    const store = new MemoryIncidentStore();
    const incident = await store.open({ title: 'flaky', by: 'U1' });
    const out = recorder();
    await new FixVerifier({ store, config: { repos: {} } as never, logger }).start(
      incident,
      { kind: 'fixed', text: 'incident note fixed', by: 'U1' },
      { output: out, runCheck: async () => success('x', {}) },
    );
    assert.match(out.said[0] ?? '', /Nothing to verify automatically for incident #1/);
    assert.equal((await store.get(incident.id))?.verification, undefined);
  });
});
