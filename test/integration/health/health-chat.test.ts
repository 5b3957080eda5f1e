/**
 * `/buildfix health <repo>` from the terminal chat (`buildfix shell`) and
 * from Slack (`buildfix serve`, in-process jobs): the dependency-health job
 * runs the report and the reply names the vulnerable version with its OSV
 * id, the retracted version in use and the deprecated module; help comes
 * from the command table. The in-process serve's /metrics has
 * buildfix_health_source_up 1 from its first scrape, before any report.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startVulnDbFake, type VulnDbFake } from '../../fakes/vulndb-server.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { startServe, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody, TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';
import { HEALTH_MODULES, HEALTH_OSV, writeHealthProject, type HealthProject } from './health-fixture.ts';

describe('/buildfix health (shell and Slack)', () => {
  let proxy: GoProxyFake;
  let vulndb: VulnDbFake;
  let project: HealthProject;
  let env: Record<string, string>;

  before(async () => {
    proxy = await startGoProxyFake({ modules: HEALTH_MODULES });
    vulndb = await startVulnDbFake({ entries: HEALTH_OSV });
    project = await writeHealthProject();
    const config = join(project.dir, 'chat.yaml');
    await writeFile(config, `repos:\n  payments:\n    url: ${project.dir}\nhealth:\n  vulndbUrl: ${vulndb.url}\n`);
    env = { GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', HOME: project.dir, BUILDFIX_CONFIG: config };
  });
  after(async () => {
    await proxy.close();
    await vulndb.close();
    await project.cleanup();
  });

  it('shell: health <repo> runs the job and prints the report; help health shows the usage', async () => {
    const r = await runCli(['shell'], env, { input: 'health payments\nhelp health\nhealth nosuchrepo\n' });
    assert.match(r.stdout, /dependency health of payments/);
    assert.match(r.stdout, /✗ .*over thresholds — 4 direct \/ 1 indirect, 4 outdated, 1 deprecated, 1 retracted, 1 vulnerability/);
    assert.match(r.stdout, /GO-2099-0001 \(CVE-2099-0001\): example\.test\/vuln v1\.4\.0 — fixed in v1\.4\.2/);
    assert.match(r.stdout, /example\.test\/retracted v1\.2\.0: retracted \(corrupts the cache\)/);
    assert.match(r.stdout, /example\.test\/old v1\.0\.0: Deprecated: use example\.test\/new instead\./);
    assert.doesNotMatch(r.stdout, /GO-2099-0002/);
    assert.match(r.stdout, /\/buildfix health <repo> \[--host <agent>\]\ndependency health:/);
    assert.match(r.stdout, /"nosuchrepo" is not a configured repo/);
  });

  describe('Slack', () => {
    let slack: SlackApiFake;
    let serve: ServeHandle;
    before(async () => {
      slack = await startSlackApiFake();
      serve = await startServe(
        { ...env, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
        await freePort(),
        ['--grace-ms', '500'],
      );
    });
    after(async () => {
      const code = await serve?.stop();
      await slack?.close();
      assert.equal(code, 0);
    });

    it('the first /metrics scrape, before any report, has buildfix_health_source_up 1 and no per-repo gauges', async () => {
      const text = await (await fetch(`${serve.url}/metrics`)).text();
      assert.match(text, /^buildfix_health_source_up 1$/m);
      assert.doesNotMatch(text, /^buildfix_health_\w+\{repo=/m);
    });

    it('/buildfix health <repo> replies in the thread with the report', async () => {
      const res = await postSigned(serve.eventsUrl, slashCommandBody({ text: 'health payments', response_url: slack.responseUrl() }));
      assert.equal(res.status, 200);
      const result = await slack.waitFor(
        (c) => c.method === 'chat.postMessage' && c.ok && typeof c.args.thread_ts === 'string' && /over thresholds/.test(String(c.args.text)),
        30_000,
      );
      assert.match(String(result.args.text), /over thresholds — 4 direct \/ 1 indirect/);
      const blocks = JSON.stringify(result.args.blocks);
      assert.match(blocks, /GO-2099-0001/);
      assert.match(blocks, /example\.test\/retracted v1\.2\.0: retracted/);
      assert.match(blocks, /example\.test\/old v1\.0\.0: Deprecated/);
      assert.doesNotMatch(blocks, /GO-2099-0002/);
    });

    it('/metrics of this in-process serve shows the report as the per-repo health gauges', async () => {
      const text = await (await fetch(`${serve.url}/metrics`)).text();
      assert.match(text, /^buildfix_health_vulnerabilities\{repo="payments"\} 1$/m);
      assert.match(text, /^buildfix_health_retracted_versions\{repo="payments"\} 1$/m);
      assert.match(text, /^buildfix_health_deprecated_modules\{repo="payments"\} 1$/m);
      assert.match(text, /^buildfix_health_over_threshold\{repo="payments"\} 1$/m);
      assert.match(text, /^buildfix_health_source_up 1$/m);
    });
  });
});
