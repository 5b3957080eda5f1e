/**
 * A CI alert's automatic diagnosis runs on the agent the build failed on,
 * through real processes: real Redis, a real `buildfix serve`, and two real
 * workers (agent-01 and agent-03). The Jenkins fake says both failing builds
 * ran on agent-03 (builtOn).
 *
 *   payments/main #4812 failed on agent-03, whose worker is live → the thread
 *   says the diagnosis runs on agent-03, agent-03's worker runs it (the job's
 *   recorded host), and the verdict's "still resolves" is from agent-03;
 *   agent-03's worker stopped, payments/release #77 failed on agent-03 → the
 *   thread says agent-03's worker is not running and the diagnosis runs on
 *   agent-01, agent-01's worker runs it, and the verdict claims nothing about
 *   agent-03 ("Probably code", the re-check named as agent-01's);
 *   `incident note fixed` there → the fix's re-check is meant for agent-03 (the
 *   failing build's agent, not agent-01 where the diagnosis ran): while its
 *   worker is down it runs on agent-01 and says so; once agent-03's worker is
 *   back, agent-03 runs it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import type { TimelineEntry } from '../../../src/incidents/incident-types.ts';
import { buildfixKeys } from '../../../src/jobs/queue-names.ts';
import { listLiveWorkers } from '../../../src/jobs/worker-registry.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import type { History } from '../../helpers/git-history.ts';
import { LEDGER_V199_MISSING, paymentsHistory } from '../../helpers/ledger-fixture.ts';
import { REDIS_URL, startWorkerProcess, uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import {
  eventually,
  INCIDENT_CHANNEL,
  mentionInThread,
  openStore,
  postJenkins,
  releaseIncidentTest,
  shownText,
  startAgentWorker,
  startServeAndWorker,
} from './harness.ts';

const ANN = 'UANN0001';

const CONSOLE = 'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found\nFinished: FAILURE';

describe('the CI alert diagnosis runs on the failing build agent', { timeout: 150_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let goproxy: GoProxyFake;
  let serve: ServeHandle;
  let agent03: ChildHandle | undefined;
  let agent01: ChildHandle;
  let work: string;
  let history: History;
  let store: RedisIncidentStore;
  let configPath: string;
  let releaseAlert: FakeMessage;
  let redis: Redis;
  const prefix = uniquePrefix();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-routing-'));
    history = await paymentsHistory(work);
    const [green, , red] = history.shas as [string, string, string];
    const url = `file://${history.bare}`;
    goproxy = await startGoProxyFake({ modules: [LEDGER_V199_MISSING] });
    const builds = (failing: number) => [
      { number: failing - 1, result: 'SUCCESS' as const, builtOn: 'agent-03', timestamp: Date.now() - 7_200_000, git: [{ sha: green, remoteUrls: [url] }] },
      {
        number: failing,
        result: 'FAILURE' as const,
        builtOn: 'agent-03',
        timestamp: Date.now() - 600_000,
        git: [{ sha: red, remoteUrls: [url] }],
        console: CONSOLE,
      },
    ];
    jenkins = await startJenkinsFake({
      jobs: [
        { name: 'payments/main', builds: builds(4812) },
        { name: 'payments/release', builds: builds(77) },
      ],
    });
    slack = await startSlackApiFake();
    await writeFile(
      join(work, 'buildfix.yaml'),
      [
        'repos:',
        '  payments:',
        `    url: ${url}`,
        '    job: payments/main',
        '  payments-release:',
        `    url: ${url}`,
        '    job: payments/release',
        'agents:',
        '  agent-01: {}',
        '  agent-03: {}',
        'incidents:',
        '  groupWindow: "off"',
        '',
      ].join('\n'),
    );
    configPath = join(work, 'buildfix.yaml');
    ({ serve, worker: agent03 } = await startServeAndWorker({ prefix, configPath, goproxyUrl: goproxy.url, slack, jenkins }));
    agent01 = await startAgentWorker('agent-01', { prefix, configPath, goproxyUrl: goproxy.url });
    ({ store, redis } = await openStore(prefix));
  });

  after(async () => {
    const codes = await Promise.all([serve?.stop(), agent03?.stop(), agent01?.stop()]);
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack, jenkins, goproxy] });
    for (const code of codes) if (code !== undefined) assert.equal(code, 0);
  });

  /** Jenkins' notification of a failed build of payments/<branch>. */
  async function fail(branch: string, number: number): Promise<FakeMessage> {
    const red = history.shas[2] as string;
    const reply = await postJenkins(
      serve,
      Buffer.from(
        JSON.stringify({
          name: branch,
          url: `job/payments/job/${branch}/`,
          build: {
            full_url: `${jenkins.url}/job/payments/job/${branch}/${number}/`,
            number,
            phase: 'FINALIZED',
            status: 'FAILURE',
            url: `job/payments/job/${branch}/${number}/`,
            scm: { url: `file://${history.bare}`, branch: 'origin/main', commit: red },
          },
        }),
      ),
    );
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    return eventually(`the alert for payments/${branch}`, () =>
      slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined && shownText(m).includes(`payments/${branch} #${number}`)),
    );
  }

  const thread = (alert: FakeMessage): FakeMessage[] => slack.messages.filter((m) => m.threadTs === alert.ts);

  /** The diagnosis job's result in the incident's timeline (where it ran: the worker's host). */
  async function diagnosisResult(alert: FakeMessage): Promise<TimelineEntry> {
    const incident = await eventually('the incident of the alert', async () => (await store.listOpen()).find((i) => i.threadTs === alert.ts));
    return eventually(
      'the diagnosis job result in the timeline',
      async () => (await store.timeline(incident.id)).find((e) => e.kind === 'job-result' && e.data?.job === 'diagnose'),
      90_000,
    );
  }

  it("agent-03's worker is live: agent-03 runs the diagnosis, and the thread says so", async () => {
    const alert = await fail('main', 4812);
    const result = await diagnosisResult(alert);
    assert.equal(result.data?.host, 'agent-03', JSON.stringify(result));
    assert.equal(result.data?.agent, 'agent-03');
    assert.match(result.text, /^diagnose payments on agent-03: root cause version-not-found/);
    const texts = thread(alert).map(shownText);
    assert.ok(
      texts.some((t) => /This diagnosis runs on agent-03, the agent the failing build ran on \(its buildfix worker is live\)/.test(t)),
      texts.join('\n---\n'),
    );
    const verdict = await eventually(
      'the verdict',
      () =>
        thread(alert)
          .map(shownText)
          .find((t) => /Agent or code:/.test(t)),
      30_000,
    );
    assert.match(verdict, /Agent or code:\* `code` — Code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9/);
    assert.match(verdict, /the green revision [0-9a-f]{7} still resolves from agent-03 now/);
    assert.doesNotMatch(verdict, /live checks ran on/);
  });

  it("agent-03's worker stopped: the thread says so, agent-01 runs it, and the verdict claims nothing for agent-03", async () => {
    const code = await agent03?.stop();
    agent03 = undefined;
    assert.equal(code, 0);
    const keys = buildfixKeys(normalizeKeyPrefix(prefix));
    await eventually('agent-03 gone from the live workers', async () => !(await listLiveWorkers(redis, keys)).some((w) => w.host === 'agent-03'));

    const alert = await fail('release', 77);
    releaseAlert = alert;
    const result = await diagnosisResult(alert);
    assert.equal(result.data?.host, 'agent-01', JSON.stringify(result));
    assert.equal(result.data?.agent, 'agent-03');
    const texts = thread(alert).map(shownText);
    const fallback = texts.filter((t) => /agent-03's buildfix worker is not running/.test(t));
    assert.equal(fallback.length, 1, texts.join('\n---\n'));
    assert.match(
      fallback[0] ?? '',
      /agent-03's buildfix worker is not running: this diagnosis runs on agent-01 instead, so its live checks \(the re-check of the last green revision too\) are from agent-01, not agent-03\./,
    );
    const verdict = await eventually(
      'the verdict',
      () =>
        thread(alert)
          .map(shownText)
          .find((t) => /Agent or code:/.test(t)),
      30_000,
    );
    assert.match(
      verdict,
      /`code` — Probably code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9 .*\(the green revision resolves from agent-01; agent-03 itself was not re-checked\)/,
    );
    assert.match(verdict, /the live checks ran on agent-01, not on agent-03 where the build failed/);
    assert.match(verdict, /the green revision [0-9a-f]{7} still resolves from agent-01 now/);
    assert.doesNotMatch(verdict, /resolves from (this agent|agent-03)/);
  });

  it("a fix marked in that thread is re-checked for agent-03: on agent-01 while agent-03's worker is down (said), on agent-03 once it is back", async () => {
    const alert = releaseAlert;
    const incident = await eventually('the release incident', async () => (await store.listOpen()).find((i) => i.threadTs === alert.ts));
    const verifyEntries = async (): Promise<TimelineEntry[]> =>
      (await store.timeline(incident.id)).filter((e) => e.kind === 'verify' && /^re-check/.test(e.text));

    await mentionInThread(serve, alert.channel, alert.ts, 'incident note fixed pinned ledger', ANN);
    const first = await eventually('the first re-check result', async () => (await verifyEntries())[0], 60_000);
    assert.match(first.text, /^re-check `diagnose payments-release` on agent-01 instead of agent-03 still fails: version-not-found/);
    const texts = thread(alert).map(shownText);
    assert.ok(
      texts.some((t) =>
        /agent-03's buildfix worker is not running: the re-check runs on agent-01 instead, so its results are from agent-01, not agent-03\./.test(t),
      ),
      texts.join('\n---\n'),
    );

    agent03 = await startWorkerProcess('agent-03', {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      BUILDFIX_CONFIG: configPath,
      GOPROXY: goproxy.url,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
    });
    await mentionInThread(serve, alert.channel, alert.ts, 'incident note fixed pinned ledger again', ANN);
    const second = await eventually('the second re-check result', async () => (await verifyEntries())[1], 60_000);
    assert.match(second.text, /^re-check `diagnose payments-release` on agent-03 still fails: version-not-found/);
  });
});
