/**
 * Verify after fix (issue 16, item 4) through real processes: a real serve and
 * a real worker for agent-03 on real Redis, the Jenkins fake, the GOPROXY
 * fake and the strict Slack fake.
 *
 *   restart agent-03 in the incident's thread → the diagnosis runs again on
 *   agent-03 and passes → the next build (webhook) is green → Resolve is
 *   offered in the thread → the archive states how the fix was verified;
 *   the Fixed button on an alert whose cause is still there → the thread says
 *   the re-check still fails, no Resolve is offered, the incident stays open;
 *   with incidents.verify.autoResolve, a clean rebuild followed through
 *   Jenkins to a green build resolves and archives the incident by itself.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { LEDGER_V199_MISSING, writePaymentsCheckout } from '../../helpers/ledger-fixture.ts';
import { uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { jenkinsNotification } from '../../unit/webhooks/payloads.ts';
import {
  ARCHIVE_CHANNEL,
  buttonsOf,
  click,
  eventually,
  INCIDENT_CHANNEL,
  mentionInThread,
  openStore,
  postJenkins,
  releaseIncidentTest,
  shownText,
  startServeAndWorker,
} from './harness.ts';

const ANN = 'UANN0001';

function consoleFor(module: string, version: string): string {
  return [
    'Started by an SCM change',
    'Running on agent-03 in /var/lib/jenkins/workspace/job',
    '+ go mod download',
    `go: downloading ${module} ${version}`,
    `go: ${module}@${version}: reading https://proxy.golang.org/${module}/@v/${version}.info: 404 Not Found`,
    `\tserver response: not found: ${module}@${version}: invalid version: unknown revision ${version}`,
    'ERROR: script returned exit code 1',
    'Finished: FAILURE',
  ].join('\n');
}

/** "billing/main" → "job/billing/job/main/" (the notification's relative job URL). */
function jobUrlOf(job: string): string {
  return `job/${job.split('/').join('/job/')}/`;
}

interface Flow {
  slack: SlackApiFake;
  jenkins: JenkinsFake;
  goproxy: GoProxyFake;
  serve: ServeHandle;
  worker: ChildHandle;
  restartServe: () => Promise<ServeHandle>;
  store: RedisIncidentStore;
  redis: Redis;
  work: string;
  prefix: string;
}

/** Two repos (payments needs ledger v1.9.9, billing needs audit v1.2.0, both missing from the proxy at first), their Jenkins jobs, agent-03. */
async function startFlow(verify: string): Promise<Flow> {
  const prefix = uniquePrefix();
  const goproxy = await startGoProxyFake({
    modules: [LEDGER_V199_MISSING, { path: 'example.com/audit', versions: [{ version: 'v1.0.0' }, { version: 'v1.2.0', fail: { status: 404 } }] }],
  });
  const jenkins = await startJenkinsFake({
    csrf: 'api-token-exempt',
    jobs: [
      {
        name: 'payments/main',
        builds: [{ number: 4812, result: 'FAILURE', console: consoleFor('example.com/ledger', 'v1.9.9') }],
        plan: { result: 'SUCCESS', console: ['go mod download', 'ok'] },
      },
      { name: 'billing/main', builds: [{ number: 90, result: 'FAILURE', console: consoleFor('example.com/audit', 'v1.2.0') }] },
    ],
    nodes: [{ name: 'agent-03' }],
  });
  const slack = await startSlackApiFake();
  const work = await mkdtemp(join(tmpdir(), 'buildfix-verify-after-fix-'));
  await writePaymentsCheckout(work);
  await mkdir(join(work, 'billing'));
  await writeFile(join(work, 'billing', 'go.mod'), 'module example.com/billing\n\ngo 1.19\n\nrequire example.com/audit v1.2.0\n');
  await writeFile(
    join(work, 'buildfix.yaml'),
    [
      'repos:',
      '  payments:',
      `    url: ${join(work, 'payments')}`,
      '    job: payments/main',
      '  billing:',
      `    url: ${join(work, 'billing')}`,
      '    job: billing/main',
      'jobs:',
      '  payments/main: {}',
      '  billing/main: {}',
      'agents:',
      '  agent-03:',
      `    restart: ["/bin/sh", "-c", "echo restarted >> ${join(work, 'restarted.txt')}"]`,
      'permissions:',
      `  restart: [${ANN}]`,
      `  rebuild: [${ANN}]`,
      'incidents:',
      '  verify:',
      ...verify.split('\n').map((l) => `    ${l}`),
      '',
    ].join('\n'),
  );
  const { store, redis } = await openStore(prefix);
  const { serve, worker, restartServe } = await startServeAndWorker({
    prefix,
    configPath: join(work, 'buildfix.yaml'),
    goproxyUrl: goproxy.url,
    slack,
    jenkins,
    workerRunsJenkins: true,
  });
  return { slack, jenkins, goproxy, serve, worker, restartServe, store, redis, work, prefix };
}

async function stopFlow(f: Flow | undefined): Promise<void> {
  if (!f) return;
  const codes = await Promise.all([f.serve.stop(), f.worker.stop()]);
  await releaseIncidentTest({ redis: f.redis, prefix: f.prefix, work: f.work, fakes: [f.slack, f.jenkins, f.goproxy] });
  assert.deepEqual(codes, [0, 0]);
  assert.doesNotMatch(f.serve.output(), /"level":(50|60)/, 'no error logged');
}

function replies(f: Flow, ts: string): FakeMessage[] {
  return f.slack.messages.filter((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === ts);
}

/** A failure notification → its alert, once the automatic diagnosis has recorded its result. */
async function failedAlert(f: Flow, job: string, number: number, repo: string): Promise<{ alert: FakeMessage; id: number }> {
  const reply = await postJenkins(f.serve, jenkinsNotification({ jobUrl: jobUrlOf(job), number }));
  assert.equal(reply.status, 200);
  const id = Number(reply.body.incident);
  const alert = await eventually('the alert', () =>
    f.slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined && m.text.includes(`${job} #${number}`)),
  );
  await eventually(
    'the automatic diagnosis',
    async () => (await f.store.timeline(id)).some((e) => e.kind === 'job-result' && e.text.startsWith(`diagnose ${repo} on agent-03: root cause`)),
    60_000,
  );
  return { alert, id };
}

describe('verify after fix: restart → re-check → next build green → Resolve offered; Fixed with the cause still there', { timeout: 240_000 }, () => {
  let f: Flow | undefined;
  let alert: FakeMessage;
  let id = 0;

  before(async () => {
    f = await startFlow('greenBuilds: 1\nautoResolve: false');
  });
  after(() => stopFlow(f));

  it('restart of agent-03 in the thread: the diagnosis runs again on agent-03 and passes, recorded in the timeline', async () => {
    assert.ok(f);
    ({ alert, id } = await failedAlert(f, 'payments/main', 4812, 'payments'));
    // The missing tag is published: what the restart is verified against.
    f.goproxy.setModule({ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9' }] });

    await mentionInThread(f.serve, INCIDENT_CHANNEL, alert.ts, 'restart agent-03', ANN);
    const confirm = await eventually('the confirmation', () => replies(f as Flow, alert.ts).find((m) => /Restart the build agent agent-03/.test(m.text)));
    const run = buttonsOf(confirm).find((b) => b.action_id === 'bf-run');
    assert.ok(run, 'a run button');
    await click(f.serve, f.slack, confirm, run, ANN);

    const start = await eventually(
      'the verification start',
      () => replies(f as Flow, alert.ts).find((m) => /Verifying the fix \(restart agent-03\)/.test(m.text)),
      60_000,
    );
    assert.match(start.text, /re-running `diagnose payments` on agent-03, then waiting for 1 green build of payments\/main/);
    const passed = await eventually(
      'the re-check result',
      async () => (await f?.store.timeline(id))?.find((e) => e.kind === 'verify' && /re-check `diagnose payments` on agent-03 passed/.test(e.text)),
      90_000,
    );
    assert.equal(passed.by, 'buildfix');
    await eventually('the thread saying it passes', () =>
      replies(f as Flow, alert.ts).find((m) => /The re-check passes; waiting for green builds: payments\/main 0 of 1/.test(m.text)),
    );
    const incident = await f.store.get(id);
    assert.equal(incident?.verification?.state, 'waiting');
    assert.equal(incident?.verification?.trigger.agent, 'agent-03');
    assert.ok(!replies(f, alert.ts).some((m) => buttonsOf(m).some((b) => b.text.text === 'Resolve')), 'no Resolve before a green build');
  });

  it('the verification survives a serve restart; the next build is green (webhook): Resolve is offered; the archive states how the fix was verified', async () => {
    assert.ok(f);
    const before = (await f.store.get(id))?.verification;
    f.serve = await f.restartServe();
    assert.deepEqual((await f.store.get(id))?.verification, before, 'kept with the incident in Redis');
    const green = await postJenkins(f.serve, jenkinsNotification({ jobUrl: jobUrlOf('payments/main'), number: 4813, status: 'SUCCESS' }));
    assert.equal(green.body.result, 'recovered');
    const offer = await eventually('the Resolve offer', () =>
      replies(f as Flow, alert.ts).find((m) => /Fix verified/.test(m.text) && buttonsOf(m).some((b) => b.text.text === 'Resolve')),
    );
    assert.match(shownText(offer), /payments\/main #4813 SUCCESS/);
    const incident = await f.store.get(id);
    assert.equal(incident?.verification?.state, 'verified');
    assert.equal(incident?.verification?.resolution, 'offered');
    assert.equal(incident?.status !== 'resolved', true, 'offered, not resolved');
    const timeline = await f.store.timeline(id);
    assert.ok(timeline.some((e) => e.kind === 'verify' && /payments\/main #4813 SUCCESS: 1 of 1 green build/.test(e.text)));

    const resolve = buttonsOf(offer).find((b) => b.text.text === 'Resolve');
    assert.ok(resolve);
    await click(f.serve, f.slack, offer, resolve, ANN);
    const archive = await eventually('the archive message', () =>
      f?.slack.messages.find((m) => m.channel === ARCHIVE_CHANNEL && m.threadTs === undefined && m.text.includes(`#${id}`)),
    );
    assert.match(
      shownText(archive),
      /Fix verification:\* Verified at \S+ — after restart agent-03 .*re-check `diagnose payments` on agent-03 passed at .*payments\/main #4813 SUCCESS/,
    );
    const upload = await eventually('the uploaded report', () => f?.slack.uploads.find((u) => u.filename.startsWith(`incident-${id}-`)));
    assert.match(upload.content, /## Fix verification\n\nVerified at /);
    assert.match(upload.content, /re-check `diagnose payments` on agent-03 passed/);
    assert.equal((await f.store.get(id))?.status, 'resolved');
  });

  it('Fixed on an alert whose cause is still there: the thread says the re-check still fails, no Resolve, the incident stays open', async () => {
    assert.ok(f);
    const { alert: billing, id: billingId } = await failedAlert(f, 'billing/main', 90, 'billing');
    const current = await eventually('the alert with a Fixed button', () => {
      const m = f?.slack.messages.find((x) => x.ts === billing.ts);
      return m && buttonsOf(m).some((b) => b.text.text === 'Fixed') ? m : undefined;
    });
    const fixed = buttonsOf(current).find((b) => b.text.text === 'Fixed');
    assert.ok(fixed);
    await click(f.serve, f.slack, current, fixed, ANN);
    const said = await eventually(
      'the failed re-check in the thread',
      () => replies(f as Flow, billing.ts).find((m) => /The fix is not verified: the re-check `diagnose billing` on agent-03 still fails/.test(m.text)),
      90_000,
    );
    assert.match(said.text, /version-not-found/);
    assert.match(said.text, /stays open/);
    const incident = await f.store.get(billingId);
    assert.equal(incident?.verification?.state, 'failed');
    assert.equal(incident?.verification?.trigger.kind, 'fixed');
    assert.notEqual(incident?.status, 'resolved');
    const timeline = await f.store.timeline(billingId);
    assert.ok(timeline.some((e) => e.kind === 'note' && /^fixed \(Fixed button\)/.test(e.text) && e.by === ANN));
    assert.ok(timeline.some((e) => e.kind === 'verify' && /still fails/.test(e.text)));
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!replies(f, billing.ts).some((m) => buttonsOf(m).some((b) => b.text.text === 'Resolve')), 'no Resolve offered');
    const shown = f.slack.messages.find((m) => m.ts === billing.ts);
    assert.match(shownText(shown), /fix not verified/);
  });
});

describe('verify after fix with incidents.verify.autoResolve: a clean rebuild followed through Jenkins resolves by itself', { timeout: 240_000 }, () => {
  let f: Flow | undefined;

  before(async () => {
    f = await startFlow('greenBuilds: 1\nautoResolve: true');
  });
  after(() => stopFlow(f));

  it('rebuild --clean → the build is followed to SUCCESS, the re-check passes → resolved and archived by buildfix', async () => {
    assert.ok(f);
    const { alert, id } = await failedAlert(f, 'payments/main', 4812, 'payments');
    f.goproxy.setModule({ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9' }] });
    await mentionInThread(f.serve, INCIDENT_CHANNEL, alert.ts, 'rebuild payments/main --clean', ANN);
    const confirm = await eventually('the confirmation', () => replies(f as Flow, alert.ts).find((m) => /clean build of payments\/main/.test(m.text)));
    const run = buttonsOf(confirm).find((b) => b.action_id === 'bf-run');
    assert.ok(run);
    await click(f.serve, f.slack, confirm, run, ANN);

    const resolved = await eventually(
      'resolved by buildfix',
      async () => ((await f?.store.get(id))?.status === 'resolved' ? f?.store.get(id) : undefined),
      120_000,
    );
    assert.equal(resolved?.verification?.resolution, 'resolved');
    assert.match(resolved?.summary ?? '', /^Fix verified and resolved by buildfix: after rebuild payments\/main --clean/);
    const timeline = await f.store.timeline(id);
    assert.ok(timeline.some((e) => e.kind === 'verify' && /payments\/main #4813 SUCCESS \(followed through Jenkins\): 1 of 1 green build/.test(e.text)));
    assert.ok(timeline.some((e) => e.kind === 'verify' && /re-check `diagnose payments` on agent-03 passed/.test(e.text)));
    assert.ok(timeline.some((e) => e.kind === 'resolve' && e.by === 'buildfix'));
    await eventually('the thread saying so', () =>
      replies(f as Flow, alert.ts).find((m) => /Incident #\d+ resolved by buildfix \(incidents\.verify\.autoResolve\)/.test(m.text)),
    );
    const archive = await eventually('the archive', () => f?.slack.messages.find((m) => m.channel === ARCHIVE_CHANNEL && m.threadTs === undefined));
    assert.match(shownText(archive), /Fix verification:\* Verified at \S+ \(resolved by buildfix\)/);
    assert.ok(!replies(f, alert.ts).some((m) => buttonsOf(m).some((b) => b.text.text === 'Resolve')), 'nothing left to press');
  });
});

describe('verify after fix without webhooks: serve follows the Jenkins job through its API', { timeout: 240_000 }, () => {
  let f: Flow | undefined;

  before(async () => {
    f = await startFlow('greenBuilds: 1\nautoResolve: false\nfollowBuildsSeconds: 1');
  });
  after(() => stopFlow(f));

  it('Fixed, the re-check passes, someone rebuilds the job in Jenkins itself (no notification reaches serve): Resolve is offered', async () => {
    assert.ok(f);
    const { alert, id } = await failedAlert(f, 'payments/main', 4812, 'payments');
    f.goproxy.setModule({ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9' }] });
    const current = await eventually('the alert with a Fixed button', () => {
      const m = f?.slack.messages.find((x) => x.ts === alert.ts);
      return m && buttonsOf(m).some((b) => b.text.text === 'Fixed') ? m : undefined;
    });
    const fixed = buttonsOf(current).find((b) => b.text.text === 'Fixed');
    assert.ok(fixed);
    await click(f.serve, f.slack, current, fixed, ANN);
    await eventually(
      'the re-check passing',
      () => replies(f as Flow, alert.ts).find((m) => /The re-check passes; waiting for green builds: payments\/main 0 of 1/.test(m.text)),
      90_000,
    );

    // A build started in Jenkins, not by buildfix, and no webhook for it.
    const built = await fetch(new URL('job/payments/job/main/build?delay=0sec', f.jenkins.url), {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${f.jenkins.user}:${f.jenkins.token}`).toString('base64')}` },
    });
    assert.equal(built.status, 201);

    const offer = await eventually(
      'the Resolve offer',
      () => replies(f as Flow, alert.ts).find((m) => /Fix verified/.test(m.text) && buttonsOf(m).some((b) => b.text.text === 'Resolve')),
      60_000,
    );
    assert.match(shownText(offer), /payments\/main #4813 SUCCESS/);
    const timeline = await f.store.timeline(id);
    assert.equal(
      timeline.filter((e) => e.kind === 'verify' && /payments\/main #4813 SUCCESS \(followed through Jenkins\): 1 of 1 green build/.test(e.text)).length,
      1,
    );
    assert.ok(
      f.jenkins.requestsTo('GET', '/job/payments/job/main/api/json').some((r) => /builds\[/.test(r.query.tree ?? '')),
      'read the builds through the API',
    );
  });
});
