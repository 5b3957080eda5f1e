/**
 * The credentials pre-flight check when a token's host cannot be asked, end
 * to end: a real `buildfix worker` whose netrc holds tokens for three hosts
 * on 127.0.0.1 — a GitLab whose API answers 500, a GitHub Enterprise on a
 * closed port, and a GitLab (the REST fake) asked about a deploy token with
 * a custom login, which GitLab's API answers 401 as it does every deploy
 * token. Each is a `credential-check-failed` finding (a warning, never an
 * alert, never "expiring" nor "rejected") saying what failed, on which host,
 * and what to check; `buildfix status` says "could not check"; serve's
 * alerter posts nothing; /metrics counts them under
 * category="credential-check-failed" and has no validity series for them.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../src/logger.ts';
import type { PreflightResult } from '../../../src/preflight/types.ts';
import { startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';
import {
  createTempFiles,
  deleteKeys,
  freePort,
  runBuildfix,
  SHARED_REDIS_URL,
  sharedRedisEnv,
  spawnWorker,
  uniquePrefix,
  waitUntil,
  type TempFiles,
  type WorkerProcess,
} from '../../helpers/jobs-harness.ts';
import { netrcAgentEnv, onlyChecks, preflightExposition, startPreflightAlerter, type PreflightAlerter } from '../../helpers/preflight-harness.ts';

const CHANNEL = 'C0CREDFAIL';
const DOWN = 'gitlab.down.test';
const CLOSED = 'ghe.closed.test';
const DEPLOY = 'gitlab.deploy.test';
const DOWN_TOKEN = 'glpat-CheckFailedSecret-1a2b3c4d5e';
const CLOSED_TOKEN = 'ghp_CheckFailedSecret0123456789abcdef';
/** A deploy token made before GitLab 16.7 (no gldt- prefix), with a login of its own. */
const DEPLOY_TOKEN = 'x9YdCheckFailedDeploy7Qm2';

describe('pre-flight credentials: a host that cannot be asked is credential-check-failed', () => {
  const prefixValue = uniquePrefix('pfcfail');
  const agent = `pfc-${prefixValue.slice(-4)}`;
  let files: TempFiles;
  let env: Record<string, string>;
  let worker: WorkerProcess | undefined;
  let failing: Server;
  let failingUrl: string;
  let closedUrl: string;
  let gitlab: CiRestFake;
  let alerter: PreflightAlerter;
  const logger = createLogger({ level: 'silent' });

  before(async () => {
    files = await createTempFiles('pfcfail');
    const home = files.path('home');
    await mkdir(home, { recursive: true });
    failing = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
    closedUrl = `http://127.0.0.1:${await freePort()}`;
    // Knows no token of this test: it answers 401 to the deploy token, as GitLab does.
    gitlab = await startCiRestFake({ githubToken: 'ghp_unused_in_this_test', gitlabToken: 'glpat-unused-in-this-test' });
    await writeFile(
      join(home, '.netrc'),
      [
        `machine ${DOWN} login build-bot password ${DOWN_TOKEN}`,
        `machine ${CLOSED} login x-access-token password ${CLOSED_TOKEN}`,
        `machine ${DEPLOY} login ci-deployer password ${DEPLOY_TOKEN}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const configPath = await files.writeConfig({
      agents: { [agent]: {} },
      preflight: onlyChecks({
        credentials: '1s',
        credentialHosts: [
          { host: DOWN, kind: 'gitlab', api: `${failingUrl}/api/v4` },
          { host: CLOSED, kind: 'github', api: closedUrl },
          { host: DEPLOY, kind: 'gitlab', api: `${gitlab.url}/api/v4` },
        ],
      }),
    });
    env = sharedRedisEnv(prefixValue, configPath, { INCIDENT_CHANNEL: CHANNEL, ...netrcAgentEnv(home) });
    alerter = await startPreflightAlerter(env, CHANNEL, logger);
    worker = spawnWorker(agent, env);
  });

  after(async () => {
    await worker?.stop(10_000);
    await alerter?.close();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await gitlab?.close();
    failing?.closeAllConnections();
    failing?.close();
    await files?.cleanup();
  });

  const latest = async (): Promise<PreflightResult | undefined> => (await alerter.store.latest()).find((r) => r.agent === agent && r.check === 'credentials');

  it('each host that cannot be asked: its own category, key and message; a warning, not an alert', async () => {
    const result = await waitUntil('a credentials result', latest, 30_000);
    assert.equal(result.status, 'warn', JSON.stringify(result));
    assert.deepEqual(
      result.findings.map((f) => [f.key, f.category, f.severity, f.alert]),
      [
        [`credential-check-failed:${DOWN}`, 'credential-check-failed', 'warning', false],
        [`credential-check-failed:${CLOSED}`, 'credential-check-failed', 'warning', false],
        [`credential-check-failed:${DEPLOY}`, 'credential-check-failed', 'warning', false],
      ],
    );
    const message = (host: string): string => result.findings.find((f) => f.key === `credential-check-failed:${host}`)?.message ?? '';
    const port = (url: string): string => url.replace('http://', '').replace(/\./g, '\\.');
    assert.match(
      message(DOWN),
      new RegExp(
        `^Could not check the token this agent uses for gitlab\\.down\\.test \\(~/\\.netrc machine gitlab\\.down\\.test\\): ${port(failingUrl)} answered HTTP 500\\. Whether it still works and when it expires are unknown; check that ${failingUrl.replace(/\./g, '\\.')}/api/v4 is gitlab\\.down\\.test's GitLab API \\(preflight\\.credentialHosts\\)`,
      ),
    );
    assert.match(
      message(CLOSED),
      new RegExp(
        `^Could not check the token this agent uses for ghe\\.closed\\.test \\(~/\\.netrc machine ghe\\.closed\\.test\\): ${port(closedUrl)} refused the connection\\. Whether it still works and when it expires are unknown; check that this agent reaches ${closedUrl.replace(/\./g, '\\.')} on go's route`,
      ),
    );
    assert.match(message(DEPLOY), /gitlab\.deploy\.test.*answered 401 to a token that is not a personal, project or group access token \(no glpat- prefix\)/);
    assert.match(message(DEPLOY), /if it is a deploy token, see its expiry under the project's Settings → Repository → Deploy tokens/);
    for (const f of result.findings) assert.doesNotMatch(f.message, /expires in|expired|is rejected/);
    assert.deepEqual(
      result.credentials?.map((c) => [c.host, c.state, c.httpStatus]),
      [
        [DOWN, 'error', 500],
        [CLOSED, 'error', undefined],
        [DEPLOY, 'error', 401],
      ],
    );
    assert.match(result.summary, new RegExp(`${DOWN.replace(/\./g, '\\.')}: could not check \\(`));
  });

  it('status says so; serve posts no alert over several rounds; /metrics counts them by category', async () => {
    const { store, slack, services } = alerter;
    const runs = (await store.history(agent, 'credentials', '-')).length;
    await waitUntil('two more rounds', async () => ((await store.history(agent, 'credentials', '-')).length >= runs + 2 ? true : undefined), 20_000);
    assert.equal(slack.okCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL).length, 0, 'not an alert');
    const { stdout } = await runBuildfix(['status'], env);
    assert.match(stdout, new RegExp(`${agent}\\s+credentials\\s+! warn .*gitlab\\.down\\.test: could not check`));
    const text = await preflightExposition(services);
    assert.match(
      text,
      new RegExp(`^buildfix_preflight_findings\\{agent="${agent}",check="credentials",repo="none",category="credential-check-failed"\\} 3$`, 'm'),
    );
    assert.doesNotMatch(text, /category="credential-(expiring|rejected)"/);
    assert.doesNotMatch(text, new RegExp(`buildfix_preflight_credential_valid\\{agent="${agent}"`), 'validity unknown: no series');
    for (const token of [DOWN_TOKEN, CLOSED_TOKEN, DEPLOY_TOKEN]) assert.ok(!stdout.includes(token) && !text.includes(token));
  });
});
