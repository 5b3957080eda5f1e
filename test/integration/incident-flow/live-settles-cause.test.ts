/**
 * The live diagnosis settles what the build log left open, through real processes (buildfix serve, an
 * agent's buildfix worker, real Redis; Slack, Jenkins and the module mirror are fakes on 127.0.0.1).
 *
 * Both pipelines fail with the same message: the company mirror answered 404 for a public module's
 * version. From the log alone that is the mirror failing (`proxy-server-error`) or a version that
 * does not exist (`version-not-found`), and the alert first says both. Then the repo's diagnosis runs
 * on agent-03 against the mirror:
 *   - ledger: the mirror still has no v1.9.9 and lists v1.9.8 → the version is missing; the alert's
 *     first line and the incident's root cause become `version-not-found`, settled live;
 *   - billing: the mirror now serves v1.4.1 → the diagnosis finds no problem; the alert keeps both
 *     causes and says the live diagnosis finds nothing wrong now (a retry tells).
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
import { uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { jenkinsNotification } from '../../unit/webhooks/payloads.ts';
import { eventually, INCIDENT_CHANNEL, openStore, postJenkins, startServeAndWorker, stopServeAndWorker, writeRepoJobsConfig } from './harness.ts';

/**
 * A Jenkins console log of `go mod download` failing on a company mirror's 404 for a public module. The two
 * pipelines name different mirrors: failures through one mirror host group into one incident.
 */
function mirror404Console(mirror: string, module: string, version: string): string {
  return [
    'Started by an SCM change',
    'Running on agent-03 in /var/lib/jenkins/workspace/app_main',
    '+ go mod download',
    `go: downloading ${module} ${version}`,
    `go: ${module}@${version}: reading https://${mirror}/${module}/@v/${version}.info: 404 Not Found`,
    'ERROR: script returned exit code 1',
    'Finished: FAILURE',
    '',
  ].join('\n');
}

async function checkout(work: string, name: string, require: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, 'go.mod'), `module example.com/${name}\n\ngo 1.19\n\nrequire ${require}\n`);
  return dir;
}

describe('the live diagnosis settles what the log left open (serve + worker + Redis)', { timeout: 180_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let goproxy: GoProxyFake;
  let serve: ServeHandle;
  let worker: ChildHandle;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  const prefix = uniquePrefix();

  const alertOf = (job: string): FakeMessage | undefined =>
    slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined && m.text.includes(job));
  /** The alert as chat.update last rendered it: its first block and its plain text. */
  const lastRendering = (ts: string): { first: string; second: string; text: string } | undefined => {
    const update = slack
      .okCalls('chat.update')
      .filter((c) => c.args.ts === ts)
      .at(-1);
    if (!update) return undefined;
    const blocks = update.args.blocks as Array<{ text?: { text?: string } }>;
    return { first: blocks[0]?.text?.text ?? '', second: blocks[1]?.text?.text ?? '', text: String(update.args.text) };
  };

  before(async () => {
    goproxy = await startGoProxyFake({
      modules: [
        { path: 'github.com/acme/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] },
        { path: 'github.com/acme/billing', versions: [{ version: 'v1.4.0' }, { version: 'v1.4.1' }] },
      ],
    });
    jenkins = await startJenkinsFake({
      jobs: [
        {
          name: 'ledger/main',
          builds: [{ number: 71, result: 'FAILURE', console: mirror404Console('goproxy.corp.example', 'github.com/acme/ledger', 'v1.9.9') }],
        },
        {
          name: 'billing/main',
          builds: [{ number: 12, result: 'FAILURE', console: mirror404Console('goproxy-eu.corp.example', 'github.com/acme/billing', 'v1.4.1') }],
        },
      ],
    });
    slack = await startSlackApiFake();
    work = await mkdtemp(join(tmpdir(), 'buildfix-live-settles-'));
    const ledger = await checkout(work, 'ledger-app', 'github.com/acme/ledger v1.9.9');
    const billing = await checkout(work, 'billing-app', 'github.com/acme/billing v1.4.1');
    const configPath = await writeRepoJobsConfig(work, {
      'ledger-app': { url: ledger, job: 'ledger/main' },
      'billing-app': { url: billing, job: 'billing/main' },
    });
    ({ store, redis } = await openStore(prefix));
    ({ serve, worker } = await startServeAndWorker({ prefix, configPath, goproxyUrl: goproxy.url, slack, jenkins }));
  });

  after(() => stopServeAndWorker({ serve, worker, redis, prefix, work, fakes: [slack, jenkins, goproxy] }));

  it('a version the mirror still lacks: the first line and the root cause become version-not-found, settled live', async () => {
    const reply = await postJenkins(serve, jenkinsNotification({ folder: 'ledger', number: 71 }));
    assert.equal(reply.status, 200);
    const id = Number(reply.body.incident);
    const alert = await eventually('the ledger alert', () => alertOf('ledger/main'));
    // From the log alone: the mirror failing, or the version missing.
    await eventually('the alert naming both causes', () =>
      slack
        .okCalls('chat.update')
        .some((c) => c.args.ts === alert.ts && /^🔴 Root cause: proxy-server-error \(or version-not-found\) — /.test(String(c.args.text))),
    );
    const settled = await eventually(
      'the alert settled by the live diagnosis',
      () => {
        const r = lastRendering(alert.ts);
        return r && /Settled by the live diagnosis/.test(r.second) ? r : undefined;
      },
      90_000,
    );
    assert.match(
      settled.first,
      /^🔴 \*Root cause: version-not-found\* — github\.com\/acme\/ledger v1\.9\.9\nline 5: `go: github\.com\/acme\/ledger@v1\.9\.9: reading/,
    );
    assert.doesNotMatch(settled.first, /\(or `/, 'the other cause is gone from the first line');
    assert.match(
      settled.second,
      /^✔ Settled by the live diagnosis on agent-03 at \d\d:\d\d UTC \(the log alone also fit `proxy-server-error`\): github\.com\/acme\/ledger v1\.9\.9 does not exist/,
    );
    assert.match(settled.text, /^🔴 Root cause: version-not-found \(live diagnosis\) — ledger\/main #71 failed/);
    const incident = await store.get(id);
    assert.equal(incident?.rootCause?.category, 'version-not-found');
    assert.match(incident?.rootCause?.text ?? '', /Pin the last published version v1\.9\.8/);
    const thread = slack.thread(INCIDENT_CHANNEL, alert.ts).map((m) => m.text);
    assert.ok(
      thread.some((t) =>
        /^The live diagnosis on agent-03 settles what the log left open: root cause version-not-found, not proxy-server-error\. github\.com\/acme\/ledger v1\.9\.9 does not exist/.test(
          t,
        ),
      ),
      `the thread says so: ${thread.join(' | ')}`,
    );
    const timeline = await store.timeline(id);
    assert.deepEqual(
      timeline.filter((e) => e.kind === 'note' && e.data?.rootCause !== undefined).map((e) => (e.data?.rootCause as { category: string }).category),
      ['proxy-server-error', 'version-not-found'],
      'the log answer, then the settled one, both recorded',
    );
  });

  it('a version the mirror serves now: no problem found, the alert keeps both causes and says so', async () => {
    const reply = await postJenkins(serve, jenkinsNotification({ folder: 'billing', number: 12 }));
    assert.equal(reply.status, 200);
    const id = Number(reply.body.incident);
    const alert = await eventually('the billing alert', () => alertOf('billing/main'));
    const clean = await eventually(
      'the alert after the live diagnosis',
      () => {
        const r = lastRendering(alert.ts);
        return r && /finds no problem now/.test(r.second) ? r : undefined;
      },
      90_000,
    );
    assert.match(clean.first, /^🔴 \*Root cause: proxy-server-error\* \(or `version-not-found`\) — github\.com\/acme\/billing v1\.4\.1\n/);
    assert.match(
      clean.second,
      /^The live diagnosis on agent-03 at \d\d:\d\d UTC finds no problem now: the failure may have passed \(a retried build tells\)\.$/,
    );
    assert.equal((await store.get(id))?.rootCause?.category, 'proxy-server-error', 'nothing settled it: the log answer stays');
  });
});
