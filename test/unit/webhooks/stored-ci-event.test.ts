/**
 * The event that opened an incident, read back from its timeline: what a replica that posts another one's alert
 * diagnoses from (the build's log, the last green build of its branch).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident, TimelineEntry } from '../../../src/incidents/incident-types.ts';
import { incidentSource, MAX_STORED_FAILED_JOBS, timelineData, type CiEvent } from '../../../src/webhooks/ci-event.ts';
import { parseGithubEvent } from '../../../src/webhooks/parse-github-event.ts';
import { parseGitlabPipeline } from '../../../src/webhooks/parse-gitlab-pipeline.ts';
import { parseJenkinsNotification } from '../../../src/webhooks/parse-jenkins-notification.ts';
import type { ParsedDelivery } from '../../../src/webhooks/parsed-delivery.ts';
import { storedCiEvent } from '../../../src/webhooks/stored-ci-event.ts';
import { gitlabPipeline, jenkinsNotification, workflowRun } from './payloads.ts';

function eventOf(parsed: ParsedDelivery): CiEvent {
  assert.equal(parsed.kind, 'event', JSON.stringify(parsed));
  return (parsed as { event: CiEvent }).event;
}

/** The incident and timeline the store holds after `event` opened it (failureCount 1), then `later` grouped in. */
function opened(event: CiEvent, later: CiEvent[] = [], extra: Record<string, unknown> = {}): { incident: Incident; timeline: TimelineEntry[] } {
  const incident = {
    id: 7,
    source: incidentSource(event),
    pipelineKey: event.pipelineKey,
  } as Incident;
  const entry = (e: CiEvent, failureCount: number): TimelineEntry => ({
    at: '2026-12-08T02:00:00.000Z',
    by: 'ci',
    kind: 'ci-event',
    text: e.label,
    data: { ...timelineData(e), ...extra, failureCount },
  });
  return { incident, timeline: [entry(event, 1), ...later.map((e, i) => entry(e, i + 2))] };
}

describe('storedCiEvent', () => {
  it('gives back the Jenkins event that opened the incident, not a later one', () => {
    const first = eventOf(parseJenkinsNotification(jenkinsNotification({ number: 4812 }), 'application/json'));
    const second = eventOf(parseJenkinsNotification(jenkinsNotification({ number: 4813 }), 'application/json'));
    const { incident, timeline } = opened(first, [second]);
    assert.deepEqual(storedCiEvent(incident, timeline), first);
  });

  it('gives back a GitHub workflow_run with its jobs URL, workflow id and delivery id', () => {
    const event = eventOf(parseGithubEvent('workflow_run', workflowRun(), 'application/json', 'delivery-1'));
    assert.ok(event.jobsUrl && event.workflowId !== undefined && event.deliveryId);
    const { incident, timeline } = opened(event);
    assert.deepEqual(storedCiEvent(incident, timeline), event);
  });

  it('gives back a GitLab pipeline with its failed jobs (at most MAX_STORED_FAILED_JOBS kept)', () => {
    const builds = Array.from({ length: 14 }, (_, i) => ({
      id: 400 + i,
      stage: 'test',
      name: `unit-${i}`,
      status: 'failed',
      failure_reason: 'script_failure',
      allow_failure: false,
    }));
    const event = eventOf(parseGitlabPipeline('Pipeline Hook', gitlabPipeline({ builds }), 'idem-1'));
    assert.equal(event.failedJobs?.length, 14);
    const { incident, timeline } = opened(event);
    const back = storedCiEvent(incident, timeline);
    assert.deepEqual(back, { ...event, failedJobs: event.failedJobs?.slice(0, MAX_STORED_FAILED_JOBS) });
  });

  it("a cause-grouped incident's configured repo does not take the place of the event's own", () => {
    const event = eventOf(parseJenkinsNotification(jenkinsNotification(), 'application/json'));
    const { incident, timeline } = opened(event, [], { pipeline: event.pipelineKey, repo: 'payments', cause: 'module:x' });
    assert.deepEqual(storedCiEvent(incident, timeline), event);
  });

  it('nothing for a manual incident, an incident without its opening entry, or an entry that is not a whole event', () => {
    const event = eventOf(parseJenkinsNotification(jenkinsNotification(), 'application/json'));
    const { incident, timeline } = opened(event);
    assert.equal(storedCiEvent({ ...incident, source: { ci: 'manual' } }, timeline), undefined);
    assert.equal(storedCiEvent(incident, []), undefined);
    const entry = timeline[0] as TimelineEntry;
    // Recorded by a buildfix that kept only what the alert shows.
    const { job: _job, label: _label, ...older } = entry.data ?? {};
    assert.equal(storedCiEvent(incident, [{ ...entry, data: older }]), undefined);
    assert.equal(storedCiEvent(incident, [{ ...entry, data: { ...entry.data, buildNumber: 'twelve' } }]), undefined);
    assert.equal(storedCiEvent(incident, [{ ...entry, data: { ...entry.data, source: 'travis' } }]), undefined);
    assert.equal(storedCiEvent(incident, [{ ...entry, data: { ...entry.data, outcome: 'success' } }]), undefined);
  });
});
