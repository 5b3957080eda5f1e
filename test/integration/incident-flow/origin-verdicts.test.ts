/**
 * Agent or code, each verdict as a person reads it at the top of the incident
 * thread, through real processes: real Redis, a real `buildfix serve`, two
 * real workers (agent-01 and agent-03, each with its own GOPROXY), real git
 * histories served as the worker's repos, the Jenkins fake (builds with the
 * node they ran on and the revision they checked out) and the Slack fake.
 *
 *   billing: the same revision built green on agent-01 (#42) and failed on
 *   agent-03 (#43), whose proxy lacks a module agent-01's has → `agent`,
 *   naming agent-01's build; no Roll back (the last green revision is the one
 *   failing);
 *   ledger-svc: nothing changed since the green build (#8), whose revision
 *   fails now too because the module was removed from the proxy (410) →
 *   `environment/upstream`; no Roll back;
 *   payments: a go.mod bump to a version the proxy lacks → `code`, the commit
 *   and its revert line, with the Roll back button (and its confirm) under it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type FakeBuild, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { goModWith, makeHistory, type History } from '../../helpers/git-history.ts';
import { LEDGER_V199_MISSING, paymentsHistory } from '../../helpers/ledger-fixture.ts';
import { uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { buttonsOf, eventually, INCIDENT_CHANNEL, postJenkins, releaseIncidentTest, shownText, startAgentWorker, startServeAndWorker } from './harness.ts';

const HOUR = 3_600_000;

describe('agent, environment/upstream or code at the top of the incident thread', { timeout: 180_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  /** agent-03's proxy: lacks example.com/tracer, has ledger v1.9.8 only, and example.com/vanishing was removed. */
  let proxy03: GoProxyFake;
  /** agent-01's proxy: has everything. */
  let proxy01: GoProxyFake;
  let serve: ServeHandle;
  let agent03: ChildHandle;
  let agent01: ChildHandle;
  let work: string;
  const histories: Record<string, History> = {};
  const prefix = uniquePrefix();

  const build = (number: number, result: FakeBuild['result'], builtOn: string, ageMs: number, sha: string, bare: string, console?: string): FakeBuild => ({
    number,
    result,
    builtOn,
    timestamp: Date.now() - ageMs,
    git: [{ sha, remoteUrls: [`file://${bare}`] }],
    ...(console ? { console } : {}),
  });

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-origin-verdicts-'));
    histories.billing = await makeHistory(work, 'billing', [
      { author: 'bob', subject: 'add tracing', files: { 'go.mod': goModWith(['example.com/tracer v1.2.0']) } },
      { author: 'carol', subject: 'docs: setup', files: { 'README.md': 'billing\n' } },
    ]);
    histories['ledger-svc'] = await makeHistory(work, 'ledger-svc', [
      { author: 'bob', subject: 'release 1.0', files: { 'go.mod': goModWith(['example.com/vanishing v1.0.0']) } },
      { author: 'dave', subject: 'docs: runbook', files: { 'README.md': 'ledger\n' } },
    ]);
    histories.payments = await paymentsHistory(work);
    const { billing, payments } = histories as Record<string, History>;
    const ledgerSvc = histories['ledger-svc'] as History;
    proxy01 = await startGoProxyFake({
      modules: [{ path: 'example.com/tracer', versions: [{ version: 'v1.2.0' }] }, LEDGER_V199_MISSING],
    });
    proxy03 = await startGoProxyFake({
      modules: [LEDGER_V199_MISSING, { path: 'example.com/vanishing', versions: [{ version: 'v1.0.0', fail: { status: 410 } }] }],
    });
    const notFound = (mod: string, v: string, status: string) =>
      `go: ${mod}@${v}: reading https://proxy.golang.org/${mod}/@v/${v}.info: ${status}\nFinished: FAILURE`;
    const [billingGreen, billingRed] = billing.shas as [string, string];
    const [ledgerGreen, ledgerRed] = ledgerSvc.shas as [string, string];
    const [paymentsGreen, , paymentsRed] = payments.shas as [string, string, string];
    jenkins = await startJenkinsFake({
      jobs: [
        {
          name: 'billing/main',
          builds: [
            build(41, 'SUCCESS', 'agent-01', 3 * HOUR, billingGreen, billing.bare),
            build(42, 'SUCCESS', 'agent-01', 2 * HOUR, billingRed, billing.bare),
            build(43, 'FAILURE', 'agent-03', 0.2 * HOUR, billingRed, billing.bare, notFound('example.com/tracer', 'v1.2.0', '404 Not Found')),
          ],
        },
        {
          name: 'ledger-svc/main',
          builds: [
            build(8, 'SUCCESS', 'agent-03', 2 * HOUR, ledgerGreen, ledgerSvc.bare),
            build(9, 'FAILURE', 'agent-03', 0.2 * HOUR, ledgerRed, ledgerSvc.bare, notFound('example.com/vanishing', 'v1.0.0', '410 Gone')),
          ],
        },
        {
          name: 'payments/main',
          params: [{ name: 'REVISION', type: 'string', default: '' }],
          builds: [
            build(4811, 'SUCCESS', 'agent-03', 2 * HOUR, paymentsGreen, payments.bare),
            build(4812, 'FAILURE', 'agent-03', 0.2 * HOUR, paymentsRed, payments.bare, notFound('example.com/ledger', 'v1.9.9', '404 Not Found')),
          ],
        },
      ],
    });
    slack = await startSlackApiFake();
    const configPath = join(work, 'buildfix.yaml');
    await writeFile(
      configPath,
      [
        'repos:',
        ...Object.entries(histories).flatMap(([name, h]) => [`  ${name}:`, `    url: file://${h.bare}`, `    job: ${name}/main`]),
        'jobs:',
        '  billing/main:',
        '    revisionParam: REVISION',
        '  ledger-svc/main:',
        '    revisionParam: REVISION',
        '  payments/main:',
        '    revisionParam: REVISION',
        'agents:',
        '  agent-01: {}',
        '  agent-03: {}',
        'incidents:',
        '  groupWindow: "off"',
        '',
      ].join('\n'),
    );
    ({ serve, worker: agent03 } = await startServeAndWorker({ prefix, configPath, goproxyUrl: proxy03.url, slack, jenkins }));
    agent01 = await startAgentWorker('agent-01', { prefix, configPath, goproxyUrl: proxy01.url });
  });

  after(async () => {
    const codes = await Promise.all([serve?.stop(), agent03?.stop(), agent01?.stop()]);
    await releaseIncidentTest({ prefix, work, fakes: [slack, jenkins, proxy01, proxy03] });
    for (const code of codes) if (code !== undefined) assert.equal(code, 0);
  });

  /** Jenkins' notification of a failed build of <repo>/main; returns the alert and the thread message with the verdict. */
  async function fail(repo: string, number: number, sha: string): Promise<{ alert: FakeMessage; verdict: FakeMessage }> {
    const h = histories[repo] as History;
    const reply = await postJenkins(
      serve,
      Buffer.from(
        JSON.stringify({
          name: 'main',
          url: `job/${repo}/job/main/`,
          build: {
            full_url: `${jenkins.url}/job/${repo}/job/main/${number}/`,
            number,
            phase: 'FINALIZED',
            status: 'FAILURE',
            url: `job/${repo}/job/main/${number}/`,
            scm: { url: `file://${h.bare}`, branch: 'origin/main', commit: sha },
          },
        }),
      ),
    );
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const alert = await eventually(`the alert for ${repo}/main`, () =>
      slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined && shownText(m).includes(`${repo}/main #${number}`)),
    );
    const verdict = await eventually(
      `the verdict for ${repo}/main #${number}`,
      () => slack.messages.find((m) => m.threadTs === alert.ts && /Agent or code:/.test(shownText(m))),
      90_000,
    );
    return { alert, verdict };
  }

  /** The verdict section: its first line, then its reasons. */
  function verdictLines(m: FakeMessage): string[] {
    const text = shownText(m);
    const start = text.indexOf('*Agent or code:*');
    assert.ok(start >= 0, text);
    return text.slice(start).split('\n');
  }

  it('the same revision green on agent-01 and red on agent-03 → `agent`, naming agent-01’s build; no Roll back', async () => {
    const red = histories.billing?.shas[1] as string;
    const { verdict } = await fail('billing', 43, red);
    const [top, ...reasons] = verdictLines(verdict);
    assert.match(top ?? '', /^\*Agent or code:\* `agent` — Agent: /);
    assert.match(top ?? '', /built green on agent-01 \(Jenkins build #42 of billing\/main\)/);
    const text = reasons.join('\n');
    assert.match(text, /• the same revision built green on agent-01 \(Jenkins build #42 of billing\/main\), and failed on agent-03/);
    assert.match(text, /• root cause now: [a-z-]+ \(example\.com\/tracer@v1\.2\.0\)/);
    assert.match(text, new RegExp(`• the green revision ${red.slice(0, 7)} fails now too from agent-03`));
    // Rolling back to the last green revision would rebuild the very revision that fails on agent-03.
    assert.deepEqual(
      buttonsOf(verdict)
        .map((b) => b.text.text)
        .filter((t) => /Roll back/.test(t)),
      [],
    );
  });

  it('the last green revision fails now too (the module was removed from the proxy) → `environment/upstream`; no Roll back', async () => {
    const [green, red] = histories['ledger-svc']?.shas as [string, string];
    const { verdict } = await fail('ledger-svc', 9, red);
    const [top, ...reasons] = verdictLines(verdict);
    assert.match(
      top ?? '',
      new RegExp(
        `^\\*Agent or code:\\* \`environment/upstream\` — Environment/upstream: the last green revision ${green.slice(0, 7)} fails now too \\([a-z-]+\\); the code did not cause this\\.`,
      ),
    );
    const text = reasons.join('\n');
    assert.match(text, /• root cause now: [a-z-]+ \(example\.com\/vanishing@v1\.0\.0\)/);
    assert.match(text, new RegExp(`• no dependency file changed since the last green revision ${green.slice(0, 7)}`));
    assert.match(text, new RegExp(`• the green revision ${green.slice(0, 7)} fails now too from agent-03`));
    assert.match(text, /Jenkins build #8 of ledger-svc\/main/);
    assert.deepEqual(
      buttonsOf(verdict)
        .map((b) => b.text.text)
        .filter((t) => /Roll back/.test(t)),
      [],
    );
  });

  it('a bad go.mod bump → `code` with the revert line, and the Roll back button (with its confirm) under it', async () => {
    const [green, bump, red] = histories.payments?.shas as [string, string, string];
    const { verdict } = await fail('payments', 4812, red);
    const [top, ...reasons] = verdictLines(verdict);
    assert.match(top ?? '', /^\*Agent or code:\* `code` — Code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9 in [0-9a-f]{7} by ann, "bump ledger"/);
    assert.ok((top ?? '').includes(bump.slice(0, 7)), top);
    assert.match(top ?? '', /Revert to `require example\.com\/ledger v1\.9\.8`/);
    const text = reasons.join('\n');
    assert.match(text, new RegExp(`• the green revision ${green.slice(0, 7)} still resolves from agent-03 now`));
    assert.match(text, /revert: `require example\.com\/ledger v1\.9\.8`/);
    const rollback = buttonsOf(verdict).filter((b) => /Roll back/.test(b.text.text));
    assert.deepEqual(
      rollback.map((b) => b.text.text),
      ['Roll back payments/main'],
      JSON.stringify(buttonsOf(verdict)),
    );
    const confirm = (rollback[0] as unknown as { confirm?: { title: { text: string }; text: { text: string }; confirm: { text: string } } }).confirm;
    assert.ok(confirm, 'the Roll back button asks first');
    assert.equal(confirm.title.text, 'Roll back payments/main');
    assert.match(confirm.text.text, /\/buildfix rollback payments\/main/);
    assert.match(confirm.text.text, /Because: version-not-found \(example\.com\/ledger v1\.9\.9\)/);
    assert.equal(confirm.confirm.text, 'Run it');
  });
});
