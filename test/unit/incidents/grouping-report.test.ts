/** The post-mortem report of a cause-grouped incident names the cause and its blast radius (Markdown and JSON). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import { renderIncidentReport } from '../../../src/incidents/render-incident-report.ts';
import { causedFailure, DEAD_PROXY } from './grouping-contract.ts';

describe('incident report of a cause-grouped incident', () => {
  it('states the cause, the blast radius and the pipelines and repos', async () => {
    const store = new MemoryIncidentStore();
    const first = await store.recordCiFailure(causedFailure(1, { cause: DEAD_PROXY }));
    await store.recordCiFailure(causedFailure(2, { cause: DEAD_PROXY, pipeline: 'github:o/r:CI:main', repo: 'o/r' }));
    const { incident } = await store.resolve(first.incident.id, { by: 'U1', summary: 'proxy restarted' });
    const md = renderIncidentReport(incident, await store.timeline(incident.id), 'md');
    assert.match(md, /\| Grouped by cause \| corporate-proxy through proxy\.corp:3128 \|/);
    assert.match(md, /\| Blast radius \| 2 pipelines in 2 repos · all on agent-03 · all through proxy\.corp:3128 \|/);
    assert.match(md, /\| Pipelines \| `jenkins:payments\/main`, `github:o\/r:CI:main` \|/);
    assert.match(md, /\| Repos \| `acme\/payments`, `o\/r` \|/);
    const json = JSON.parse(renderIncidentReport(incident, [], 'json')) as { cause?: { subject?: string }; blast?: { pipelines?: string[] } };
    assert.equal(json.cause?.subject, 'proxy.corp:3128');
    assert.equal(json.blast?.pipelines?.length, 2);
  });

  it('an incident grouped by pipeline has no such rows', async () => {
    const store = new MemoryIncidentStore();
    const plain = causedFailure(1);
    delete plain.group;
    const { incident } = await store.recordCiFailure(plain);
    const md = renderIncidentReport(incident, [], 'md');
    assert.doesNotMatch(md, /Blast radius|Grouped by cause/);
  });
});

describe('incident list', () => {
  it('shows how far a cause-grouped incident reaches', async () => {
    const { renderOpenList } = await import('../../../src/incidents/incident-service.ts');
    const store = new MemoryIncidentStore();
    await store.recordCiFailure(causedFailure(1));
    await store.recordCiFailure(causedFailure(2, { pipeline: 'gitlab:g/p:main', repo: 'g/p' }));
    assert.match(
      renderOpenList(await store.listOpen()),
      /^#1 investigating · sev2 · jenkins:payments\/main #1 failed · 2 pipelines in 2 repos · no commander$/m,
    );
  });
});
