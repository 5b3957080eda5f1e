/**
 * Without Redis the CI alert's diagnosis runs in the `buildfix serve` process:
 * the machine is the serve host. A real serve (no REDIS_URL), the Jenkins
 * fake saying the build ran on agent-03, a real git history and GOPROXY fake:
 *
 *   serve on build-serve → the thread says jobs run in the serve process on
 *   build-serve, not on agent-03, and the verdict names build-serve for its
 *   re-check ("Probably code");
 *   serve on agent-03 itself → the thread says it runs here on agent-03, and
 *   the verdict is "Code", its re-check from agent-03.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import type { History } from '../../helpers/git-history.ts';
import { LEDGER_V199_MISSING, paymentsHistory } from '../../helpers/ledger-fixture.ts';
import { goproxyEnv, slackEnv, startServeOnFreePort, type ServeHandle } from '../../helpers/slack-processes.ts';
import { eventually, INCIDENT_CHANNEL, jenkinsEnv, postJenkins, shownText, WEBHOOK_ENV } from './harness.ts';

const CONSOLE = 'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found\nFinished: FAILURE';

describe('the CI alert diagnosis without Redis runs on the serve host, and says so', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let goproxy: GoProxyFake;
  let work: string;
  let history: History;
  let configPath: string;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-routing-local-'));
    history = await paymentsHistory(work, false);
    const [green, red] = history.shas as [string, string];
    const url = `file://${history.bare}`;
    goproxy = await startGoProxyFake({ modules: [LEDGER_V199_MISSING] });
    jenkins = await startJenkinsFake({
      jobs: [
        {
          name: 'payments/main',
          builds: [
            { number: 4811, result: 'SUCCESS', builtOn: 'agent-03', timestamp: Date.now() - 7_200_000, git: [{ sha: green, remoteUrls: [url] }] },
            { number: 4812, result: 'FAILURE', builtOn: 'agent-03', timestamp: Date.now() - 600_000, git: [{ sha: red, remoteUrls: [url] }], console: CONSOLE },
          ],
        },
      ],
    });
    slack = await startSlackApiFake();
    configPath = join(work, 'buildfix.yaml');
    await writeFile(configPath, ['repos:', '  payments:', `    url: ${url}`, '    job: payments/main', 'agents:', '  agent-03: {}', ''].join('\n'));
  });

  after(async () => {
    await Promise.all([slack?.close(), jenkins?.close(), goproxy?.close()]);
    await rm(work, { recursive: true, force: true });
  });

  /** A serve without REDIS_URL on `host`, one failed build of payments/main, and the alert's thread once the verdict is in. */
  async function alertOn(host: string): Promise<string[]> {
    const serve: ServeHandle = await startServeOnFreePort({
      BUILDFIX_CONFIG: configPath,
      BUILDFIX_HOST: host,
      ...goproxyEnv(goproxy.url),
      ...slackEnv(slack),
      ...jenkinsEnv(jenkins),
      ...WEBHOOK_ENV,
    });
    try {
      const before = slack.messages.length;
      const red = history.shas[1] as string;
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
      assert.equal((await postJenkins(serve, Buffer.from(JSON.stringify(payload)))).status, 200);
      const alert: FakeMessage = await eventually('the alert', () =>
        slack.messages.slice(before).find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined),
      );
      const thread = (): string[] => slack.messages.filter((m) => m.threadTs === alert.ts).map(shownText);
      await eventually('the verdict', () => thread().some((t) => /Agent or code:/.test(t)), 60_000);
      return thread();
    } finally {
      assert.equal(await serve.stop(), 0);
    }
  }

  it('serve on another machine than agent-03: the thread and the verdict name the serve host', async () => {
    const texts = await alertOn('build-serve');
    const where = texts.filter((t) => /REDIS_URL is not set/.test(t));
    assert.equal(where.length, 1, texts.join('\n---\n'));
    assert.match(
      where[0] ?? '',
      /Jobs run in the serve process on build-serve \(REDIS_URL is not set\), not on agent-03 where the build failed: its live checks \(the re-check of the last green revision too\) are from build-serve, not agent-03\./,
    );
    const verdict = texts.find((t) => /Agent or code:/.test(t)) ?? '';
    assert.match(verdict, /`code` — Probably code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9 .*agent-03 itself was not re-checked/);
    assert.match(verdict, /the green revision [0-9a-f]{7} still resolves from build-serve now/);
    assert.doesNotMatch(verdict, /resolves from (this agent|agent-03)/);
  });

  it('serve on agent-03 itself: it says the diagnosis runs here, and the verdict is code from agent-03', async () => {
    const texts = await alertOn('agent-03');
    assert.ok(
      texts.some((t) => /This diagnosis runs here on agent-03 \(jobs run in the serve process\), the agent the failing build ran on\./.test(t)),
      texts.join('\n---\n'),
    );
    assert.ok(!texts.some((t) => /REDIS_URL is not set|not running/.test(t)), texts.join('\n---\n'));
    const verdict = texts.find((t) => /Agent or code:/.test(t)) ?? '';
    assert.match(verdict, /`code` — Code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9/);
    assert.match(verdict, /the green revision [0-9a-f]{7} still resolves from agent-03 now/);
  });
});
