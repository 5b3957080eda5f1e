/**
 * Agent or code from a CI alert, through real processes: a Jenkins failure
 * of payments/main (build #4812 at the commit that bumped ledger to a version
 * the proxy lacks) → the alert → the serve asks Jenkins for the last green
 * build (#4811 and the commit it checked out) → agent-03's worker clones the
 * repository shallowly, compares both revisions, re-checks the green one and
 * posts the verdict with the commit, the author and the go.mod line.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import type { History } from '../../helpers/git-history.ts';
import { LEDGER_V199_MISSING, paymentsHistory } from '../../helpers/ledger-fixture.ts';
import { uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { eventually, INCIDENT_CHANNEL, postJenkins, shownText, startServeAndWorker, stopServeAndWorker } from './harness.ts';

describe('a CI failure says agent or code, with the change that broke it', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let goproxy: GoProxyFake;
  let serve: ServeHandle;
  let worker: ChildHandle;
  let work: string;
  let history: History;
  const prefix = uniquePrefix();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-agent-or-code-'));
    history = await paymentsHistory(work);
    const [green, , red] = history.shas as [string, string, string];
    const url = `file://${history.bare}`;
    goproxy = await startGoProxyFake({ modules: [LEDGER_V199_MISSING] });
    jenkins = await startJenkinsFake({
      jobs: [
        {
          name: 'payments/main',
          builds: [
            { number: 4811, result: 'SUCCESS', builtOn: 'agent-03', timestamp: Date.now() - 7_200_000, git: [{ sha: green, remoteUrls: [url] }] },
            {
              number: 4812,
              result: 'FAILURE',
              builtOn: 'agent-03',
              timestamp: Date.now() - 600_000,
              git: [{ sha: red, remoteUrls: [url] }],
              console: 'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found\nFinished: FAILURE',
            },
          ],
        },
      ],
    });
    slack = await startSlackApiFake();
    await writeFile(
      join(work, 'buildfix.yaml'),
      ['repos:', '  payments:', `    url: ${url}`, '    job: payments/main', 'agents:', '  agent-03: {}', ''].join('\n'),
    );
    ({ serve, worker } = await startServeAndWorker({ prefix, configPath: join(work, 'buildfix.yaml'), goproxyUrl: goproxy.url, slack, jenkins }));
  });

  after(() => stopServeAndWorker({ serve, worker, prefix, work, fakes: [slack, jenkins, goproxy] }));

  it('the thread names the commit, its author and the go.mod line, with the revert', async () => {
    const [green, bump, red] = history.shas as [string, string, string];
    const payload = {
      name: 'main',
      url: 'job/payments/job/main/',
      build: {
        full_url: `${jenkins.url}/job/payments/job/main/4812/`,
        number: 4812,
        phase: 'FINALIZED',
        status: 'FAILURE',
        url: 'job/payments/job/main/4812/',
        scm: { url: `file://${history.bare}`, branch: 'origin/main', commit: red },
      },
    };
    const reply = await postJenkins(serve, Buffer.from(JSON.stringify(payload)));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const alert = await eventually('the alert', () => slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined));
    const verdict = await eventually(
      'the agent-or-code verdict in the thread',
      () => slack.messages.find((m) => m.threadTs === alert.ts && /Agent or code:/.test(shownText(m))),
      60_000,
    );
    const text = shownText(verdict);
    assert.match(text, /Agent or code:\* `code` — Code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9 in [0-9a-f]{7} by ann, "bump ledger"/);
    assert.ok(text.includes(bump.slice(0, 7)), text);
    assert.match(text, /Jenkins build #4811 of payments\/main/);
    assert.match(text, new RegExp(`\`${green.slice(0, 7)}\``));
    assert.match(text, /revert: `require example\.com\/ledger v1\.9\.8`/);
    assert.match(text, /the green revision [0-9a-f]{7} still resolves from agent-03 now/);
    // The other agents, from the job's builds (builtOn): none built it green since.
    assert.match(text, /no green build of payments\/main on another agent than agent-03 since Jenkins build #4811 of payments\/main/);
  });
});
