import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIncidentStore } from '../../../src/incidents/create-incident-store.ts';
import { MEMORY_INCIDENTS_NOTICE } from '../../../src/incidents/incident-store.ts';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import { describeGroupingContract } from './grouping-contract.ts';
import { describeIncidentStoreContract, testClock } from './store-contract.ts';

describeIncidentStoreContract('MemoryIncidentStore', async () => {
  const clock = testClock();
  return { store: new MemoryIncidentStore({ now: clock.now }), clock, close: async () => {} };
});

describe('MemoryIncidentStore specifics', () => {
  it('createIncidentStore without Redis is memory, with the start notice', () => {
    const created = createIncidentStore({});
    assert.equal(created.store.kind, 'memory');
    assert.equal(created.notice, MEMORY_INCIDENTS_NOTICE);
    assert.match(MEMORY_INCIDENTS_NOTICE, /memory only/);
  });

  it('hands out copies: changing a returned incident changes nothing stored', async () => {
    const store = new MemoryIncidentStore();
    const i = await store.open({ title: 't', by: 'U1' });
    i.roles.commander = 'U666';
    i.title = 'changed';
    const t = await store.timeline(i.id);
    t.push({ at: 'x', by: 'x', kind: 'note', text: 'x' });
    assert.equal((await store.get(i.id))?.title, 't');
    assert.deepEqual((await store.get(i.id))?.roles, {});
    assert.equal((await store.timeline(i.id)).length, 1);
  });
});

describeGroupingContract('MemoryIncidentStore', async () => {
  const clock = testClock();
  return { store: new MemoryIncidentStore({ now: clock.now }), clock, close: async () => {} };
});
