/**
 * Grouping CI failures by cause (issue 16, item 3): behaviour both incident
 * stores must have; run against MemoryIncidentStore (unit) and
 * RedisIncidentStore (integration, real Redis, several connections).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { IncidentStore } from '../../../src/incidents/incident-store.ts';
import type { CiFailureInput, IncidentCause } from '../../../src/incidents/incident-types.ts';
import type { StoreHarness } from './store-contract.ts';

export const MISSING_LEDGER: IncidentCause = {
  key: 'version-not-found|module|example.com/ledger@v1.9.9',
  category: 'version-not-found',
  scope: 'module',
  subject: 'example.com/ledger@v1.9.9',
};
export const DEAD_PROXY: IncidentCause = {
  key: 'corporate-proxy|host|proxy.corp:3128',
  category: 'corporate-proxy',
  scope: 'host',
  subject: 'proxy.corp:3128',
};

const WINDOW_MS = 30 * 60_000;

/** Failure n of `pipeline` (in `repo`, on `agent`) with `cause`. */
export function causedFailure(
  n: number,
  o: { pipeline?: string; repo?: string; agent?: string; cause?: IncidentCause; windowMs?: number } = {},
): CiFailureInput {
  const pipeline = o.pipeline ?? 'jenkins:payments/main';
  return {
    pipelineKey: pipeline,
    title: `${pipeline} #${n} failed`,
    source: { ci: 'jenkins', job: pipeline.slice(pipeline.indexOf(':') + 1), buildNumber: n },
    text: `${pipeline} #${n} FAILURE`,
    data: { buildNumber: n, pipeline },
    group: {
      cause: o.cause ?? MISSING_LEDGER,
      windowMs: o.windowMs ?? WINDOW_MS,
      repo: o.repo ?? 'acme/payments',
      ...(o.agent === undefined ? { agent: 'agent-03' } : o.agent ? { agent: o.agent } : {}),
    },
  };
}

export function describeGroupingContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`${name}: grouping by cause`, () => {
    let h: StoreHarness;
    let store: IncidentStore;
    beforeEach(async () => {
      h = await makeHarness();
      store = h.store;
    });
    afterEach(async () => h.close());

    it('failures of several pipelines and repos with one cause make one incident with their blast radius', async () => {
      const pipelines = [
        ['jenkins:payments/main', 'acme/payments'],
        ['jenkins:payments/release', 'acme/payments'],
        ['github:o/r:CI:main', 'o/r'],
        ['github:o/r:CI:release', 'o/r'],
        ['gitlab:g/p:main', 'g/p'],
        ['gitlab:g/p:release', 'g/p'],
      ] as const;
      const results = [];
      for (let i = 0; i < 30; i++) {
        const [pipeline, repo] = pipelines[i % pipelines.length] ?? pipelines[0];
        results.push(await store.recordCiFailure(causedFailure(100 + i, { pipeline, repo })));
      }
      assert.deepEqual(
        results.map((r) => r.kind),
        ['opened', ...Array(29).fill('grouped')],
      );
      const id = results[0]?.incident.id;
      assert.ok(results.every((r) => r.incident.id === id));
      const incident = await store.get(id ?? 0);
      assert.equal(incident?.failureCount, 30);
      assert.deepEqual(incident?.cause, MISSING_LEDGER);
      assert.deepEqual(
        incident?.blast?.pipelines,
        pipelines.map(([p]) => p),
      );
      assert.deepEqual(incident?.blast?.repos, ['acme/payments', 'o/r', 'g/p']);
      assert.deepEqual(incident?.blast?.agents, ['agent-03']);
      assert.equal(incident?.blast?.agentUnknown, 0);
      assert.equal(incident?.pipelineKey, 'jenkins:payments/main', 'the pipeline that opened it');
      const entries = (await store.timeline(id ?? 0)).filter((e) => e.kind === 'ci-event');
      assert.equal(entries.length, 30, 'every failure that joined is in the timeline');
      assert.deepEqual(
        entries.map((e) => e.data?.failureCount),
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      assert.deepEqual((await store.listOpen()).length, 1);
      // Each pipeline's next success is recorded in the incident its failure joined.
      for (const [pipeline] of pipelines) assert.equal((await store.findOpenByPipeline(pipeline))?.id, id);
    });

    it('one pipeline failing for two different causes makes two incidents', async () => {
      const a = await store.recordCiFailure(causedFailure(1));
      const b = await store.recordCiFailure(causedFailure(2, { cause: DEAD_PROXY }));
      const a2 = await store.recordCiFailure(causedFailure(3));
      assert.equal(a.kind, 'opened');
      assert.equal(b.kind, 'opened');
      assert.notEqual(a.incident.id, b.incident.id);
      assert.equal(a2.kind, 'grouped');
      assert.equal(a2.incident.id, a.incident.id);
      assert.deepEqual(b.incident.cause, DEAD_PROXY);
      assert.equal((await store.listOpen()).length, 2);
    });

    it('a failure after the window opens a new incident; within it (measured from the last failure) it joins', async () => {
      const first = await store.recordCiFailure(causedFailure(1, { windowMs: 60_000 }));
      h.clock.advance(50_000);
      const within = await store.recordCiFailure(causedFailure(2, { windowMs: 60_000 }));
      h.clock.advance(59_000);
      const stillWithin = await store.recordCiFailure(causedFailure(3, { windowMs: 60_000 }));
      h.clock.advance(60_001);
      const after = await store.recordCiFailure(causedFailure(4, { windowMs: 60_000 }));
      assert.deepEqual([first.kind, within.kind, stillWithin.kind, after.kind], ['opened', 'grouped', 'grouped', 'opened']);
      assert.equal(stillWithin.incident.id, first.incident.id);
      assert.notEqual(after.incident.id, first.incident.id);
      const next = await store.recordCiFailure(causedFailure(5, { windowMs: 60_000 }));
      assert.equal(next.incident.id, after.incident.id, 'later failures join the new incident');
      assert.equal((await store.get(first.incident.id))?.status, 'investigating', 'the old incident stays open for its people');
    });

    it('a resolved incident takes no more failures of its cause', async () => {
      const first = await store.recordCiFailure(causedFailure(1));
      await store.resolve(first.incident.id, { by: 'U1' });
      const again = await store.recordCiFailure(causedFailure(2));
      assert.equal(again.kind, 'opened');
      assert.notEqual(again.incident.id, first.incident.id);
    });

    it('"all on agent-03" is only claimed while every failure named that agent', async () => {
      await store.recordCiFailure(causedFailure(1));
      const known = await store.recordCiFailure(causedFailure(2));
      assert.deepEqual(known.incident.blast?.agents, ['agent-03']);
      const unknown = await store.recordCiFailure(causedFailure(3, { agent: '' }));
      assert.equal(unknown.incident.blast?.agentUnknown, 1);
      const other = await store.recordCiFailure(causedFailure(4, { agent: 'agent-01' }));
      assert.deepEqual(other.incident.blast?.agents, ['agent-03', 'agent-01']);
    });

    it('grouping by pipeline (no cause given) is unchanged beside it', async () => {
      const caused = await store.recordCiFailure(causedFailure(1));
      const plain = { ...causedFailure(2, { pipeline: 'jenkins:other/main' }) };
      delete plain.group;
      const byPipeline = await store.recordCiFailure(plain);
      const again = await store.recordCiFailure({ ...plain, text: 'again' });
      assert.equal(byPipeline.kind, 'opened');
      assert.notEqual(byPipeline.incident.id, caused.incident.id);
      assert.equal(again.kind, 'grouped');
      assert.equal(again.incident.blast, undefined);
      assert.equal(again.incident.cause, undefined);
    });
  });
}
