import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INCIDENT_ROLES as CHAT_ROLES, INCIDENT_STATUSES as CHAT_STATUSES } from '../../../src/chat/parse-command.ts';
import { decodeIncident, encodeIncidentFields, pairsToRecord, parseTimelineEntry } from '../../../src/incidents/incident-codec.ts';
import { parseIncidentRef } from '../../../src/incidents/incident-store.ts';
import { INCIDENT_ROLES, INCIDENT_STATUSES, type Incident } from '../../../src/incidents/incident-types.ts';

describe('incident codec', () => {
  it('statuses and roles match the chat grammar', () => {
    assert.deepEqual([...INCIDENT_STATUSES], [...CHAT_STATUSES]);
    assert.deepEqual([...INCIDENT_ROLES], [...CHAT_ROLES]);
  });

  it('round-trips a full incident through the flat hash form', () => {
    const incident: Incident = {
      id: 12,
      title: 'payments/main #4812 failed',
      source: { ci: 'jenkins', job: 'payments/main', branch: 'main', commit: '9f3c2e1', buildUrl: 'https://ci/job/payments/job/main/4812/', buildNumber: 4812 },
      status: 'mitigated',
      severity: 'sev1',
      roles: { commander: 'U1', communicator: 'U3' },
      channel: 'C1',
      threadTs: '1.2',
      failureCount: 4,
      pipelineKey: 'jenkins:payments/main',
      createdAt: '2026-01-01T02:10:00.000Z',
      createdBy: 'ci',
      identifiedAt: '2026-01-01T02:11:00.000Z',
      mitigatedAt: '2026-01-01T02:20:00.000Z',
      lastFailureAt: '2026-01-01T02:19:00.000Z',
      summary: 's',
      rootCause: { category: 'version-not-found', text: 't' },
    };
    const fields = encodeIncidentFields(incident);
    assert.ok(Object.values(fields).every((v) => typeof v === 'string'));
    assert.deepEqual(decodeIncident(fields), incident);
    assert.deepEqual(decodeIncident(pairsToRecord(Object.entries(fields).flat())), incident);
  });

  it('an empty hash is no incident; odd values fall back safely', () => {
    assert.equal(decodeIncident({}), undefined);
    const i = decodeIncident({ id: '3', status: 'weird', severity: 'sev9', source: '{bad json' });
    assert.equal(i?.status, 'investigating');
    assert.equal(i?.severity, 'sev2');
    assert.deepEqual(i?.source, { ci: 'manual' });
    assert.match(parseTimelineEntry('not json').text, /unreadable timeline entry/);
  });

  it('incident references', () => {
    assert.equal(parseIncidentRef('#12'), 12);
    assert.equal(parseIncidentRef('12'), 12);
    assert.equal(parseIncidentRef('12a'), undefined);
    assert.equal(parseIncidentRef('#'), undefined);
  });
});
