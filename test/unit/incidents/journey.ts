/** Journey 1 (the pipeline goes red at 02:10) played against a store, for the report tests. */
import type { IncidentStore } from '../../../src/incidents/incident-store.ts';
import { failure, type TestClock } from './store-contract.ts';

export async function playJourneyOne(store: IncidentStore, clock: TestClock): Promise<number> {
  const { incident } = await store.recordCiFailure({
    ...failure(4812),
    text: 'payments/main #4812 FAILURE (commit 9f3c2e1) — first error: go: example.com/ledger@v1.9.9: 404 Not Found',
  });
  const id = incident.id;
  clock.advance(2_000);
  await store.attachThread(id, 'C-INCIDENT', '1767233402.000100');
  await store.appendTimeline(id, { by: 'buildfix', kind: 'alert', text: 'alert posted in #incident-build-failure' });
  clock.advance(1_000);
  await store.appendTimeline(id, { by: 'buildfix', kind: 'command', text: 'diagnose payments --host agent-03 (automatic)', data: { jobId: 'diagnose-aaaa' } });
  clock.advance(4_000);
  await store.appendTimeline(id, { by: 'buildfix', kind: 'job-progress', text: 'agent-03: proxy.golang.org ✓ 38 ms · sum.golang.org ✓ 41 ms' });
  clock.advance(2_000);
  await store.appendTimeline(id, {
    by: 'buildfix',
    kind: 'job-result',
    text: 'Root cause: version-not-found | example.com/ledger v1.9.9\nFix: pin v1.9.8 (go.mod line 14)',
  });
  await store.setRootCause(id, { category: 'version-not-found', text: 'example.com/ledger v1.9.9 does not exist on any proxy' }, 'buildfix');
  for (const n of [4813, 4814, 4815]) {
    clock.advance(180_000);
    await store.recordCiFailure(failure(n));
  }
  clock.advance(30_000);
  await store.setRole(id, 'commander', 'U-ANN', 'U-ANN');
  await store.setRole(id, 'engineer', 'U-RAJ', 'U-ANN');
  await store.addNote(id, 'reverting the ledger bump; token xoxb-0000-1111-secretsecret must not leak', 'U-RAJ');
  clock.advance(600_000);
  await store.setStatus(id, 'mitigated', 'U-ANN', 'pinned v1.9.8 on main');
  clock.advance(300_000);
  await store.recordCiRecovery({ pipelineKey: 'jenkins:payments/main', text: 'payments/main #4816 SUCCESS: the pipeline is green again' });
  clock.advance(60_000);
  await store.resolve(id, { by: 'U-ANN', summary: 'ledger v1.9.9 was never tagged; pinned v1.9.8 and asked the ledger team to tag' });
  return id;
}
