/**
 * Behaviour every IncidentStore must have; run against MemoryIncidentStore
 * (unit) and RedisIncidentStore (integration, real Redis).
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { IncidentNotFoundError, IncidentResolvedError, type IncidentStore } from '../../../src/incidents/incident-store.ts';
import type { CiFailureInput } from '../../../src/incidents/incident-types.ts';

export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

export function testClock(startIso = '2026-01-01T02:10:00.000Z'): TestClock {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

export interface StoreHarness {
  store: IncidentStore;
  clock: TestClock;
  close(): Promise<void>;
}

export function failure(n: number, pipelineKey = 'jenkins:payments/main'): CiFailureInput {
  return {
    pipelineKey,
    title: `payments/main #${n} failed`,
    source: {
      ci: 'jenkins',
      job: 'payments/main',
      branch: 'main',
      commit: '9f3c2e1',
      buildUrl: `https://ci.example.test/job/payments/job/main/${n}/`,
      buildNumber: n,
    },
    text: `payments/main #${n} FAILURE`,
    data: { buildNumber: n },
  };
}

export function describeIncidentStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`${name}: IncidentStore contract`, () => {
    let h: StoreHarness;
    let store: IncidentStore;
    beforeEach(async () => {
      h = await makeHarness();
      store = h.store;
    });
    afterEach(async () => h.close());

    it('opens incidents with small increasing ids and a first timeline entry', async () => {
      const a = await store.open({ title: 'proxy down', by: 'U1', channel: 'C1', threadTs: '1.1' });
      const b = await store.open({ title: 'second', by: 'U2', severity: 'sev1' });
      assert.equal(a.id, 1);
      assert.equal(b.id, 2);
      assert.equal(a.status, 'investigating');
      assert.equal(a.severity, 'sev2');
      assert.equal(b.severity, 'sev1');
      assert.deepEqual(a.source, { ci: 'manual' });
      assert.equal(a.createdAt, '2026-01-01T02:10:00.000Z');
      assert.equal(a.createdBy, 'U1');
      assert.equal(a.failureCount, 0);
      assert.deepEqual(await store.get(1), a);
      const timeline = await store.timeline(1);
      assert.equal(timeline.length, 1);
      assert.deepEqual(timeline[0], { at: '2026-01-01T02:10:00.000Z', by: 'U1', kind: 'status', text: 'incident opened: proxy down' });
      assert.equal((await store.findByThread('C1', '1.1'))?.id, 1);
    });

    it('status changes record milestones once, with a timeline entry each', async () => {
      const { id } = await store.open({ title: 't', by: 'U1' });
      h.clock.advance(60_000);
      let i = await store.setStatus(id, 'identified', 'U1', 'proxy 404s');
      assert.equal(i.status, 'identified');
      assert.equal(i.identifiedAt, '2026-01-01T02:11:00.000Z');
      h.clock.advance(60_000);
      await store.setStatus(id, 'investigating', 'U2');
      h.clock.advance(60_000);
      i = await store.setStatus(id, 'mitigated', 'U2');
      assert.equal(i.identifiedAt, '2026-01-01T02:11:00.000Z', 'the first identification stays');
      assert.equal(i.mitigatedAt, '2026-01-01T02:13:00.000Z');
      const texts = (await store.timeline(id)).map((e) => `${e.by} ${e.kind} ${e.text}`);
      assert.deepEqual(texts.slice(1), ['U1 status status → identified — proxy 404s', 'U2 status status → investigating', 'U2 status status → mitigated']);
    });

    it('jumping to mitigated also marks it identified', async () => {
      const { id } = await store.open({ title: 't', by: 'U1' });
      h.clock.advance(5000);
      const i = await store.setStatus(id, 'mitigated', 'U1');
      assert.equal(i.identifiedAt, '2026-01-01T02:10:05.000Z');
      assert.equal(i.mitigatedAt, '2026-01-01T02:10:05.000Z');
    });

    it('roles, notes, severity and free timeline entries', async () => {
      const { id } = await store.open({ title: 't', by: 'U1' });
      let i = await store.setRole(id, 'commander', 'U9', 'U9');
      i = await store.setRole(id, 'engineer', 'U7', 'U9');
      assert.deepEqual(i.roles, { commander: 'U9', engineer: 'U7' });
      await store.setRole(id, 'commander', 'U8', 'U9');
      assert.equal((await store.get(id))?.roles.commander, 'U8');
      await store.addNote(id, 'rolled back go.mod', 'U7');
      await store.setSeverity(id, 'sev1', 'U8');
      await store.appendTimeline(id, { by: 'U7', kind: 'command', text: '/buildfix diagnose payments', data: { jobId: 'diagnose-abc' } });
      await store.appendTimeline(id, { by: 'buildfix', kind: 'job-result', text: 'diagnose: version-not-found', at: '2026-01-01T02:30:00.000Z' });
      const t = await store.timeline(id);
      assert.deepEqual(
        t.slice(1).map((e) => [e.by, e.kind, e.text]),
        [
          ['U9', 'role', 'commander: <@U9>'],
          ['U9', 'role', 'engineer: <@U7>'],
          ['U9', 'role', 'commander: <@U8>'],
          ['U7', 'note', 'rolled back go.mod'],
          ['U8', 'status', 'severity → sev1'],
          ['U7', 'command', '/buildfix diagnose payments'],
          ['buildfix', 'job-result', 'diagnose: version-not-found'],
        ],
      );
      assert.deepEqual(t[6]?.data, { jobId: 'diagnose-abc' });
      assert.equal(t[7]?.at, '2026-01-01T02:30:00.000Z');
      assert.equal((await store.get(id))?.severity, 'sev1');
    });

    it('a root cause marks an investigating incident identified', async () => {
      const { id } = await store.open({ title: 't', by: 'U1' });
      h.clock.advance(90_000);
      const i = await store.setRootCause(id, { category: 'version-not-found', text: 'example.com/ledger v1.9.9 does not exist' }, 'buildfix');
      assert.equal(i.status, 'identified');
      assert.equal(i.identifiedAt, '2026-01-01T02:11:30.000Z');
      assert.deepEqual(i.rootCause, { category: 'version-not-found', text: 'example.com/ledger v1.9.9 does not exist' });
      const kinds = (await store.timeline(id)).map((e) => `${e.kind}:${e.text}`);
      assert.deepEqual(kinds.slice(1), ['note:root cause: version-not-found — example.com/ledger v1.9.9 does not exist', 'status:status → identified']);
    });

    it('groups failures of one pipeline into its open incident', async () => {
      const first = await store.recordCiFailure(failure(4812));
      assert.equal(first.kind, 'opened');
      assert.equal(first.incident.failureCount, 1);
      assert.equal(first.incident.pipelineKey, 'jenkins:payments/main');
      assert.equal(first.incident.title, 'payments/main #4812 failed');
      assert.equal(first.incident.createdBy, 'ci');
      assert.equal(first.incident.severity, 'sev2');
      assert.equal(first.incident.source.buildNumber, 4812);
      h.clock.advance(60_000);
      const second = await store.recordCiFailure(failure(4813));
      assert.equal(second.kind, 'grouped');
      assert.equal(second.incident.id, first.incident.id);
      assert.equal(second.incident.failureCount, 2);
      assert.equal(second.incident.title, 'payments/main #4812 failed', 'the title stays the first failure');
      assert.equal(second.incident.lastFailureAt, '2026-01-01T02:11:00.000Z');
      const other = await store.recordCiFailure(failure(7, 'github:o/r:CI:main'));
      assert.equal(other.kind, 'opened');
      assert.notEqual(other.incident.id, first.incident.id);
      assert.equal((await store.findOpenByPipeline('jenkins:payments/main'))?.id, first.incident.id);
      const t = await store.timeline(first.incident.id);
      assert.deepEqual(
        t.map((e) => [e.by, e.kind, e.text, e.data?.failureCount, e.data?.buildNumber]),
        [
          ['ci', 'ci-event', 'payments/main #4812 FAILURE', 1, 4812],
          ['ci', 'ci-event', 'payments/main #4813 FAILURE', 2, 4813],
        ],
      );
    });

    it('ten concurrent failures of one pipeline: one incident, count ten', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_v, i) => store.recordCiFailure(failure(100 + i))));
      const ids = new Set(results.map((r) => r.incident.id));
      assert.equal(ids.size, 1);
      assert.equal(results.filter((r) => r.kind === 'opened').length, 1);
      const [id] = [...ids];
      const incident = await store.get(id as number);
      assert.equal(incident?.failureCount, 10);
      const counts = (await store.timeline(id as number)).map((e) => e.data?.failureCount).sort((a, b) => Number(a) - Number(b));
      assert.deepEqual(counts, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal((await store.listOpen()).length, 1);
    });

    it('a success is recorded only while the pipeline has an open incident', async () => {
      assert.equal(await store.recordCiRecovery({ pipelineKey: 'jenkins:payments/main', text: 'green' }), undefined);
      const { incident } = await store.recordCiFailure(failure(1));
      h.clock.advance(1000);
      const recovered = await store.recordCiRecovery({ pipelineKey: 'jenkins:payments/main', text: 'payments/main #2 SUCCESS', data: { buildNumber: 2 } });
      assert.equal(recovered?.id, incident.id);
      assert.equal(recovered?.lastRecoveryAt, '2026-01-01T02:10:01.000Z');
      assert.equal(recovered?.status, 'investigating', 'a recovery offers to resolve; it does not resolve');
      const last = (await store.timeline(incident.id)).at(-1);
      assert.deepEqual(last, { at: '2026-01-01T02:10:01.000Z', by: 'ci', kind: 'ci-event', text: 'payments/main #2 SUCCESS', data: { buildNumber: 2 } });
    });

    it('resolve frees the pipeline, keeps the thread, and happens once', async () => {
      const { incident } = await store.recordCiFailure(failure(1));
      await store.attachThread(incident.id, 'C9', '1700.1');
      h.clock.advance(3_600_000);
      const r = await store.resolve(incident.id, {
        by: 'U1',
        summary: 'pinned ledger v1.9.8',
        rootCause: { category: 'version-not-found', text: 'tag missing' },
      });
      assert.equal(r.alreadyResolved, false);
      assert.equal(r.incident.status, 'resolved');
      assert.equal(r.incident.resolvedAt, '2026-01-01T03:10:00.000Z');
      assert.equal(r.incident.summary, 'pinned ledger v1.9.8');
      assert.equal(r.incident.rootCause?.category, 'version-not-found');
      assert.equal(r.incident.identifiedAt, undefined, 'resolving claims no diagnosis time');
      assert.equal(await store.findOpenByPipeline('jenkins:payments/main'), undefined);
      assert.deepEqual(await store.listOpen(), []);
      assert.equal((await store.findByThread('C9', '1700.1'))?.status, 'resolved');
      const again = await store.resolve(incident.id, { by: 'U2', summary: 'again' });
      assert.equal(again.alreadyResolved, true);
      assert.equal(again.incident.summary, 'pinned ledger v1.9.8');
      await assert.rejects(store.setStatus(incident.id, 'investigating', 'U1'), IncidentResolvedError);
      await store.addNote(incident.id, 'post-mortem on Tuesday', 'U1');
      const next = await store.recordCiFailure(failure(2));
      assert.equal(next.kind, 'opened');
      assert.notEqual(next.incident.id, incident.id);
      const t = await store.timeline(incident.id);
      assert.deepEqual(
        t.map((e) => e.kind),
        ['ci-event', 'resolve', 'note'],
      );
      assert.equal(t[1]?.text, 'resolved: pinned ledger v1.9.8');
    });

    it("setStatus('resolved') is resolve", async () => {
      const { id } = await store.open({ title: 't', by: 'U1', pipelineKey: 'gitlab:g/p:main' });
      assert.equal((await store.findOpenByPipeline('gitlab:g/p:main'))?.id, id);
      const i = await store.setStatus(id, 'resolved', 'U1', 'fixed upstream');
      assert.equal(i.status, 'resolved');
      assert.equal(i.summary, 'fixed upstream');
      assert.equal(await store.findOpenByPipeline('gitlab:g/p:main'), undefined);
    });

    it('lists open incidents by channel and recent ones newest first', async () => {
      const a = await store.open({ title: 'a', by: 'U1', channel: 'C1', threadTs: '1' });
      const b = await store.open({ title: 'b', by: 'U1' });
      await store.attachThread(b.id, 'C2', '2');
      const c = await store.open({ title: 'c', by: 'U1', channel: 'C1', threadTs: '3' });
      await store.resolve(c.id, { by: 'U1' });
      assert.deepEqual(
        (await store.listOpen()).map((i) => i.id),
        [a.id, b.id],
      );
      assert.deepEqual(
        (await store.listOpen('C1')).map((i) => i.id),
        [a.id],
      );
      assert.deepEqual(
        (await store.listOpen('C2')).map((i) => i.id),
        [b.id],
      );
      assert.deepEqual(
        (await store.listRecent(2)).map((i) => i.id),
        [c.id, b.id],
      );
      assert.equal((await store.findByThread('C2', '2'))?.id, b.id);
      assert.equal(await store.findByThread('C2', 'nope'), undefined);
    });

    it('unknown ids: undefined from get, IncidentNotFoundError from changes', async () => {
      assert.equal(await store.get(42), undefined);
      assert.deepEqual(await store.timeline(42), []);
      await assert.rejects(store.setStatus(42, 'identified', 'U1'), IncidentNotFoundError);
      await assert.rejects(store.setRole(42, 'commander', 'U1', 'U1'), IncidentNotFoundError);
      await assert.rejects(store.addNote(42, 'x', 'U1'), IncidentNotFoundError);
      await assert.rejects(store.resolve(42, { by: 'U1' }), IncidentNotFoundError);
      await assert.rejects(
        store.attachThread(42, 'C', '1'),
        (err: unknown) => err instanceof IncidentNotFoundError && err.message === 'incident #42 not found',
      );
    });

    it('stores timeline text redacted and capped', async () => {
      const { id } = await store.open({ title: 't', by: 'U1' });
      await store.addNote(id, 'token was xoxb-1234-5678-abcdefgh, proxy http://bob:hunter2@proxy.corp:3128', 'U1');
      await store.addNote(id, 'x'.repeat(10_000), 'U1');
      const [, secret, long] = await store.timeline(id);
      assert.doesNotMatch(secret?.text ?? '', /hunter2|abcdefgh/);
      assert.match(secret?.text ?? '', /xox\*-\*\*\*/);
      assert.equal(long?.text.length, 4000);
    });
  });
}
