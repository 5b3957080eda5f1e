/** The verification verdict rules (fix-verification-state.ts) and the stores' compare-and-set of it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileConfigSchema } from '../../../src/config/schema.ts';
import {
  describeVerification,
  expireChecks,
  recordBuild,
  recordCheck,
  startVerification,
  type VerificationBuild,
} from '../../../src/incidents/fix-verification-state.ts';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';

const AT = '2026-12-06T00:40:00.000Z';
const trigger = { kind: 'restart' as const, text: 'restart agent-03', by: 'UANN0001', agent: 'agent-03' };

function build(n: number, ok = true, pipeline = 'jenkins:payments/main'): VerificationBuild {
  return { pipeline, label: `payments/main #${n}`, number: n, ok, status: ok ? 'SUCCESS' : 'FAILURE', at: AT, via: 'webhook' };
}

describe('fix verification verdicts', () => {
  const start = (greenBuilds = 1, checks = [{ command: 'diagnose payments', host: 'agent-03' }]) =>
    startVerification(undefined, { trigger, at: AT, greenBuilds, autoResolve: false, pipelines: ['jenkins:payments/main'], checks });

  it('checking until the re-check passes, waiting for green builds, verified at N green builds', () => {
    let v = start(2);
    assert.equal(v.state, 'checking');
    assert.equal(v.rev, 1);
    v = recordBuild(v, build(4813));
    assert.equal(v.state, 'checking', 'a green build does not verify while the re-check runs');
    v = recordCheck(v, 0, { status: 'pass', text: 'no problem found', at: AT });
    assert.equal(v.state, 'waiting');
    assert.equal(recordBuild(v, build(4813)), v, 'the same build (rebuild result and its webhook) counts once');
    v = recordBuild(v, build(4814));
    assert.equal(v.state, 'verified');
    assert.equal(v.decidedAt, AT);
    assert.match(describeVerification(v), /re-check `diagnose payments` on agent-03 passed at 00:40:00 UTC; payments\/main: 2 of 2 green builds/);
  });

  it('a failing re-check or a red build after the fix fails it, with the reason', () => {
    const failed = recordCheck(start(), 0, { status: 'fail', text: 'version-not-found (example.com/ledger v1.9.9)', at: AT });
    assert.equal(failed.state, 'failed');
    assert.match(failed.failure ?? '', /re-check `diagnose payments` on agent-03 still fails: version-not-found/);
    assert.equal(recordBuild(failed, build(4813)).state, 'failed', 'a verdict stays');
    const red = recordBuild(recordCheck(start(), 0, { status: 'pass', text: 'ok', at: AT }), build(4813, false));
    assert.equal(red.state, 'failed');
    assert.equal(red.failure, 'payments/main #4813 FAILURE after the fix');
  });

  it('a re-check that never reported (serve stopped while it ran) becomes an error once a build arrives long after', () => {
    const v = start();
    assert.equal(expireChecks(v, '2026-12-06T00:50:00.000Z', 35 * 60_000), v, 'still within its time');
    const expired = expireChecks(v, '2026-12-06T01:20:00.000Z', 35 * 60_000);
    assert.equal(expired.state, 'failed');
    assert.match(expired.failure ?? '', /could not run: no result within 35 min/);
  });

  it('without re-checks or pipelines the builds decide; a new run replaces the old one', () => {
    const v = startVerification(undefined, { trigger, at: AT, greenBuilds: 1, autoResolve: true, pipelines: ['jenkins:payments/main'], checks: [] });
    assert.equal(v.state, 'waiting');
    const next = startVerification(recordBuild(v, build(1)), { trigger, at: AT, greenBuilds: 1, autoResolve: true, pipelines: [], checks: [] });
    assert.equal(next.run, 2);
    assert.equal(next.rev, 3);
    assert.equal(next.state, 'verified');
    assert.deepEqual(next.builds, []);
  });
});

describe('stores keep the verification with the incident (compare-and-set)', () => {
  it('memory store: saved with its entries, a stale revision is refused', async () => {
    const store = new MemoryIncidentStore();
    const incident = await store.open({ title: 'ledger', by: 'U1' });
    const v = startVerification(undefined, { trigger, at: AT, greenBuilds: 1, autoResolve: false, pipelines: [], checks: [{ command: 'diagnose payments' }] });
    const saved = await store.saveVerification(incident.id, v, 0, [{ by: 'buildfix', kind: 'verify', text: 'verification #1 started' }]);
    assert.equal(saved?.verification?.state, 'checking');
    assert.equal(await store.saveVerification(incident.id, v, 0), undefined, 'stale revision');
    assert.deepEqual((await store.get(incident.id))?.verification, v);
    assert.ok((await store.timeline(incident.id)).some((e) => e.kind === 'verify' && e.text === 'verification #1 started'));
  });
});

describe('incidents.verify config', () => {
  it('defaults to one green build and no auto-resolve; validates greenBuilds', () => {
    assert.deepEqual(FileConfigSchema.parse({}).incidents.verify, { greenBuilds: 1, autoResolve: false, followBuildsSeconds: 60 });
    assert.deepEqual(FileConfigSchema.parse({ incidents: {} }).incidents.verify, { greenBuilds: 1, autoResolve: false, followBuildsSeconds: 60 });
    assert.deepEqual(FileConfigSchema.parse({ incidents: { verify: { greenBuilds: 3, autoResolve: true } } }).incidents.verify, {
      greenBuilds: 3,
      autoResolve: true,
      followBuildsSeconds: 60,
    });
    assert.equal(FileConfigSchema.parse({ incidents: { verify: { followBuildsSeconds: 0 } } }).incidents.verify.followBuildsSeconds, 0);
    assert.throws(() => FileConfigSchema.parse({ incidents: { verify: { followBuildsSeconds: 7200 } } }), /followBuildsSeconds is at most 3600/);
    assert.throws(() => FileConfigSchema.parse({ incidents: { verify: { followJenkinsSeconds: 7200 } } }), /followJenkinsSeconds is at most 3600/);
    // The earlier name (when only Jenkins was followed) still works; the new one wins when both are set.
    assert.equal(FileConfigSchema.parse({ incidents: { verify: { followJenkinsSeconds: 30 } } }).incidents.verify.followBuildsSeconds, 30);
    assert.equal(
      FileConfigSchema.parse({ incidents: { verify: { followJenkinsSeconds: 30, followBuildsSeconds: 0 } } }).incidents.verify.followBuildsSeconds,
      0,
    );
    assert.throws(() => FileConfigSchema.parse({ incidents: { verify: { greenBuilds: 0 } } }), /greenBuilds must be at least 1/);
    assert.throws(() => FileConfigSchema.parse({ incidents: { verify: { greenBuild: 2 } } }), /greenBuild/);
  });
});
