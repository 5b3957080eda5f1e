/**
 * The chat-facing incident logic with the memory store and the real
 * terminal surface: which incident a command means, what the recorder keeps
 * from a running command, when a diagnosis opens (or joins) an incident, and
 * the CI helpers (repo mapping, log source).
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { Requester } from '../../../src/chat/chat-surface.ts';
import { parseCommand, type Command } from '../../../src/chat/parse-command.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { isBuildfixError } from '../../../src/errors.ts';
import { fetchBuildLog, repoForPipeline } from '../../../src/incidents/ci-diagnosis.ts';
import { describeJobOutcome, IncidentService } from '../../../src/incidents/incident-service.ts';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import type { JobOutcome } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';
import type { DiagnosisReport } from '../../../src/report/model.ts';
import { runShell } from '../../../src/shell/run-shell.ts';
import { TerminalSurface } from '../../../src/shell/terminal-surface.ts';
import { createDispatcher } from '../../../src/jobs/create-dispatcher.ts';
import type { CiEvent } from '../../../src/webhooks/ci-event.ts';
import { failure } from '../incidents/store-contract.ts';

const logger = createLogger({ level: 'silent' });
const config = loadConfig({}, { readFile: () => '' });
const ME: Requester = { userId: 'local:ann', label: 'ann', local: true };

function terminal(): { surface: TerminalSurface; output: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { surface: new TerminalSurface({ out, color: false, ask: async () => 'n' }), output: () => text };
}

function incidentAction(text: string): Extract<Command, { kind: 'incident' }>['action'] {
  const c = parseCommand(text);
  assert.equal(c.kind, 'incident');
  return (c as Extract<Command, { kind: 'incident' }>).action;
}

function report(ok: boolean): DiagnosisReport {
  return {
    target: 'payments',
    host: 'agent-03',
    startedAt: '2026-01-01T02:10:00.000Z',
    durationMs: 900,
    ok,
    findings: ok
      ? []
      : [
          {
            category: 'version-not-found',
            severity: 'error',
            message: 'example.com/ledger v1.9.9 does not exist on any proxy',
            module: 'example.com/ledger',
            version: 'v1.9.9',
            fix: 'Pin v1.9.8.',
          },
        ],
    checks: [],
    facts: {},
  };
}

function outcome(ok: boolean): JobOutcome {
  return {
    ok: true,
    jobId: 'diagnose-1',
    name: 'diagnose',
    durationMs: 900,
    attempts: 1,
    steps: [],
    finishedAt: '2026-01-01T02:10:01.000Z',
    host: 'agent-03',
    result: { report: report(ok) },
  };
}

describe('which incident a terminal command means', () => {
  it('none open: says how to open one; one open: that one; two open: must be named, and they are listed', async () => {
    const store = new MemoryIncidentStore();
    const service = new IncidentService({ store, config, logger });
    const { surface, output } = terminal();
    await assert.rejects(
      service.handle(incidentAction('incident note x'), ME, surface),
      (err) => isBuildfixError(err) && err.code === 'BF_INPUT' && /No incident is open\. `incident open <title>` starts one/.test(err.message),
    );

    await service.handle(incidentAction('incident open proxy down'), ME, surface);
    assert.match(output(), /Incident #1 opened: proxy down\nNo commander yet/);
    await service.handle(incidentAction('incident status identified corp proxy rejects CONNECT'), ME, surface);
    assert.equal((await store.get(1))?.status, 'identified');

    await service.handle(incidentAction('incident open sumdb down'), ME, surface);
    await assert.rejects(
      service.handle(incidentAction('incident note y'), ME, surface),
      (err) =>
        isBuildfixError(err) &&
        /2 incidents are open here: name one/.test(err.message) &&
        /#1 identified · sev2 · proxy down/.test(err.message) &&
        /#2 investigating/.test(err.message),
    );
    await service.handle(incidentAction('incident note #2 y'), ME, surface);
    assert.ok((await store.timeline(2)).some((e) => e.kind === 'note' && e.text === 'y' && e.by === 'local:ann'));
    await assert.rejects(service.handle(incidentAction('incident note #9 z'), ME, surface), /incident #9 not found/);
  });

  it('resolve prints the report once; a second resolve says it is already resolved', async () => {
    const store = new MemoryIncidentStore();
    const service = new IncidentService({ store, config, logger });
    const { surface, output } = terminal();
    await service.handle(incidentAction('incident open proxy down'), ME, surface);
    await service.handle(incidentAction('incident resolve proxy restarted'), ME, surface);
    assert.match(output(), /Incident #1 resolved\. Its report:\nIncident #1: proxy down\n/);
    await service.handle(incidentAction('incident resolve #1'), ME, surface);
    assert.match(output(), /Incident #1 was already resolved/);
    assert.equal(output().match(/\nIncident #1: proxy down\n/g)?.length, 1);
  });
});

describe('the timeline recorder', () => {
  it('records the command, its milestones (not informational lines) and its result; a found root cause identifies the incident', async () => {
    const store = new MemoryIncidentStore();
    const service = new IncidentService({ store, config, logger });
    const { surface } = terminal();
    await store.open({ title: 'payments red', by: 'local:ann' });
    const command = parseCommand('diagnose payments');
    await service.onCommand(command, ME, surface);
    await service.onJobProgress(command, 'diagnose-1', { step: 'modules', message: 'checking 1 modules', status: 'running' });
    await service.onJobProgress(command, 'diagnose-1', { step: 'go.mod', message: 'reading go.mod (1 requirements)', status: 'info' });
    await service.onJobProgress(command, 'diagnose-1', { step: 'modules', message: '1 missing', status: 'fail', durationMs: 33 });
    await service.onJobOutcome(command, outcome(false), ME, surface);
    const timeline = await store.timeline(1);
    assert.deepEqual(
      timeline.map((e) => [e.kind, e.by]),
      [
        ['status', 'local:ann'],
        ['command', 'local:ann'],
        ['job-progress', 'buildfix'],
        ['job-progress', 'buildfix'],
        ['job-result', 'local:ann'],
        ['note', 'buildfix'],
        ['status', 'buildfix'],
      ],
    );
    assert.equal(timeline[2]?.text, 'modules … checking 1 modules');
    assert.equal(timeline[3]?.text, 'modules ✗ 1 missing (33 ms)');
    assert.match(
      timeline[4]?.text ?? '',
      /^diagnose payments on agent-03: root cause version-not-found \(example\.com\/ledger v1\.9\.9\) — .* Fix: Pin v1\.9\.8\. \(900 ms\)$/,
    );
    assert.deepEqual((await store.get(1))?.rootCause?.category, 'version-not-found');
    assert.equal((await store.get(1))?.status, 'identified');
  });

  it('a failing diagnosis with no incident open opens one; a passing one does not; with its Jenkins job incident open it joins that', async () => {
    const store = new MemoryIncidentStore();
    // A terminal surface opens incidents by itself only when the config asks (incidents.autoOpen).
    const withJob = loadConfig(
      { BUILDFIX_CONFIG: 'x.yaml' },
      { readFile: () => 'repos:\n  payments:\n    url: /src/payments\n    job: payments/main\nincidents:\n  autoOpen: true\n' },
    );
    const service = new IncidentService({ store, config: withJob, logger });
    const { surface, output } = terminal();

    const green = parseCommand('diagnose payments');
    await service.onCommand(green, ME, surface);
    await service.onJobOutcome(green, outcome(true), ME, surface);
    assert.deepEqual(await store.listOpen(), [], 'nothing found, nothing opened');

    const { incident: ci } = await store.recordCiFailure(failure(4812));
    const red = parseCommand('diagnose payments');
    await service.onCommand(red, ME, surface);
    await service.onJobOutcome(red, outcome(false), ME, surface);
    // In the terminal the one open incident (the CI one) is attached to from the start.
    assert.deepEqual(
      (await store.listOpen()).map((i) => i.id),
      [ci.id],
    );
    assert.ok((await store.timeline(ci.id)).some((e) => e.kind === 'command' && e.text === 'diagnose payments'));

    await store.resolve(ci.id, { by: 'local:ann' });
    const again = parseCommand('diagnose payments');
    await service.onCommand(again, ME, surface);
    await service.onJobOutcome(again, outcome(false), ME, surface);
    const [opened] = await store.listOpen();
    assert.ok(opened);
    assert.equal(opened.title, 'payments: version-not-found example.com/ledger v1.9.9');
    assert.equal(opened.pipelineKey, 'buildfix:diagnose:payments');
    assert.equal(opened.source.job, 'payments/main');
    assert.equal(opened.status, 'identified');
    assert.match(output(), new RegExp(`Incident #${opened.id} opened: payments: version-not-found`));
  });

  it('describes failed jobs and check results in one line', () => {
    const cmd = parseCommand('hostcheck agent-03');
    const failed: JobOutcome = {
      ok: false,
      jobId: 'h-1',
      name: 'host-check',
      durationMs: 1500,
      attempts: 1,
      steps: [],
      finishedAt: '',
      host: 'agent-03',
      error: { code: 'BF_TIMEOUT', message: 'no worker answered' },
    };
    assert.equal(describeJobOutcome(cmd, failed), 'hostcheck agent-03 failed on agent-03: no worker answered (2 s)');
    const checks: JobOutcome = {
      ok: true,
      jobId: 'h-2',
      name: 'host-check',
      durationMs: 20,
      attempts: 1,
      steps: [],
      finishedAt: '',
      host: 'agent-03',
      result: {
        ok: false,
        checks: [
          { status: 'fail', title: 'disk' },
          { status: 'pass', title: 'go' },
        ],
      },
    };
    assert.equal(describeJobOutcome(cmd, checks), 'hostcheck agent-03 on agent-03: 1 of 2 checks failed (disk) (20 ms)');
  });
});

describe('CI diagnosis helpers', () => {
  const repos = loadConfig(
    { BUILDFIX_CONFIG: 'x.yaml' },
    {
      readFile: () =>
        'repos:\n  payments:\n    url: https://github.com/acme/payments.git\n    job: team/payments/main\n  ledger:\n    url: git@gitlab.example.com:fin/ledger.git\n',
    },
  );

  it('maps a pipeline to the configured repo it builds', () => {
    assert.equal(repoForPipeline('jenkins:team/payments/main', repos), 'payments');
    assert.equal(repoForPipeline('jenkins:team/other/main', repos), undefined);
    assert.equal(repoForPipeline('github:acme/payments:CI:main', repos), 'payments');
    assert.equal(repoForPipeline('github:ACME/Payments:CI:main', repos), 'payments', 'GitHub names are case-insensitive');
    assert.equal(repoForPipeline('gitlab:fin/ledger:main', repos), 'ledger');
    assert.equal(repoForPipeline('github:evil/payments:CI:main', repos), undefined, 'the owner must match too');
    assert.equal(repoForPipeline(undefined, repos), undefined);
  });

  it('without a way to read the log, says why and falls back to the first error line', async () => {
    const event: CiEvent = {
      source: 'github',
      eventType: 'workflow_run',
      pipelineKey: 'github:acme/payments:CI:main',
      job: 'acme/payments',
      runId: '1',
      status: 'failure',
      outcome: 'failure',
      eventKey: 'k',
      label: 'acme/payments CI #7 on main',
      logUrl: 'https://api.github.com/repos/acme/payments/actions/runs/1/logs',
      firstErrorLine: 'go: example.com/ledger@v1.9.9: 404 Not Found',
    };
    const gh = await fetchBuildLog(event, {});
    assert.equal(gh.text, 'go: example.com/ledger@v1.9.9: 404 Not Found');
    assert.match(
      gh.note ?? '',
      /reads GitHub logs only with an API token, and none is configured; the log is on GitHub \(https:\/\/api\.github\.com\/repos\/acme\/payments\/actions\/runs\/1\/logs\)/,
    );
    const jenkins = await fetchBuildLog({ ...event, source: 'jenkins', job: 'payments/main', buildNumber: 4812 }, {});
    assert.match(jenkins.note ?? '', /JENKINS_URL is not set/);
    const nothing = await fetchBuildLog({ ...event, firstErrorLine: undefined } as CiEvent, {});
    assert.equal(nothing.text, undefined);
  });
});

describe('buildfix shell start', () => {
  it('says at start that incidents are kept in memory when there is no Redis', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    const dispatcher = createDispatcher(config, logger);
    const done = runShell({ config, dispatcher, logger, input, output, color: false });
    input.end('exit\n');
    assert.equal(await done, 0);
    await dispatcher.close();
    assert.match(text, /note: incidents are kept in memory only \(REDIS_URL is not set\): they are lost when this process stops/);
  });
});
