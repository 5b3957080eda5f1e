/**
 * 5,000 generated slash commands (random code points, 4,000+ character
 * texts, injection strings such as `agent-01; rm -rf /`, `$(reboot)` and
 * backticks, RTL marks and homoglyphs, fields missing, repeated or of the
 * wrong shape) sent as signed requests to a real `buildfix serve` (fake
 * Slack, real Redis under a test prefix) with a real `buildfix worker`
 * whose PATH starts with fake `go`, `git` and `systemctl` that record every
 * argv. No 5xx, no crash, and every process any job started is one the
 * config allows, with arguments from the config only. (Bodies whose fields
 * are not a slash command at all get Bolt's 400 — an interactive `payload`
 * that is not JSON — or 404 — a `command` other than /buildfix; never 5xx.)
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { deletePrefix, REDIS_URL, startServe, startWorkerProcess, uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { blockActionsBody, postSigned } from '../../helpers/slack-sign.ts';
import { createFakeTools, type FakeTools } from './fake-tools.ts';
import { createRng, slashBody } from './fuzz-inputs.ts';

const COUNT = 5000;
const CONCURRENCY = 16;
const LEDGER_URL = 'https://git.example.invalid/acme/ledger.git';

interface ButtonElement {
  action_id: string;
  value: string;
  text: { text: string };
}

function buttonsOf(m: FakeMessage): ButtonElement[] {
  const blocks = (m.blocks ?? []) as Array<{ type: string; elements?: ButtonElement[] }>;
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

describe('5,000 generated slash commands against serve + worker', { timeout: 150_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let worker: ChildHandle;
  let tools: FakeTools;
  let work: string;
  let payments: string;
  const prefix = uniquePrefix();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-slash-fuzz-'));
    tools = await createFakeTools(work);
    payments = join(work, 'payments');
    await mkdir(payments);
    await writeFile(join(payments, 'go.mod'), 'module example.com/payments\n\ngo 1.22\n\nrequire example.com/ledger v1.9.8\n');
    await writeFile(join(payments, 'go.sum'), '');
    await writeFile(
      join(work, 'buildfix.yaml'),
      [
        'repos:',
        '  payments:',
        `    url: ${payments}`,
        '    job: payments/main',
        '  ledger:',
        `    url: ${LEDGER_URL}`,
        'jobs:',
        '  payments/main: {}',
        'agents:',
        '  agent-01:',
        '    restart: ["systemctl", "restart", "jenkins-agent"]',
        '  agent-02: {}',
        'permissions:',
        '  restart: ["*"]',
        '  rebuild: ["*"]',
        '  rollback: ["*"]',
        '  cache: ["*"]',
        '',
      ].join('\n'),
    );
    slack = await startSlackApiFake();
    const common = {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      BUILDFIX_CONFIG: join(work, 'buildfix.yaml'),
      GOPROXY: 'off',
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      HOME: work,
      PATH: `${tools.dir}:/usr/bin:/bin`,
      LOG_LEVEL: 'warn',
    };
    worker = await startWorkerProcess('agent-01', { ...common, LOG_LEVEL: 'info' });
    serve = await startServe(
      { ...common, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'test-signing-secret-8f14e45fceea167a', SLACK_API_URL: slack.apiUrl },
      await freePort(),
      ['--grace-ms', '300'],
    );
  });

  after(async () => {
    await Promise.all([serve?.stop(), worker?.stop()]);
    await slack?.close();
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
  });

  it('no 5xx, no crash, and only configured commands with configured arguments are ever started', async () => {
    const rng = createRng(20240607);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses = new Map<string, number>();
    const bad: string[] = [];
    let next = 0;
    const started = Date.now();
    const loop = async (): Promise<void> => {
      while (next < COUNT) {
        const seq = next++;
        const { body, wellFormed, variant } = slashBody(rng, slack.responseUrl(`fuzz-${seq}`), seq);
        const res = await postSigned(serve.eventsUrl, body, { agent, timeoutMs: 15_000 }).catch((err: unknown) => ({ status: 0, body: String(err) }));
        const key = `${variant}:${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status >= 500 || res.status === 0 || (wellFormed && res.status !== 200)) bad.push(`#${seq} → ${res.status}: ${body.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));
    agent.destroy();
    const sendMs = Date.now() - started;
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} requests failed`);
    assert.equal(
      [...statuses.values()].reduce((a, b) => a + b, 0),
      COUNT,
    );
    process.stderr.write(`# statuses by variant: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);

    // Let the jobs the fuzz queued run, then confirm one restart and one cache clear by button.
    const confirmRestart = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.ok && /Confirm: Restart the build agent agent-01/.test(String(c.args.text)),
      20_000,
    );
    const confirmClear = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.ok && /Confirm: .*(cache|modcache).*agent-01/i.test(String(c.args.text)),
      20_000,
    );
    let clicks = 0;
    for (const call of [confirmRestart, confirmClear]) {
      const message = slack.messages.find((m) => m.text === call.args.text && m.channel === call.args.channel);
      assert.ok(message);
      const run = buttonsOf(message).find((b) => b.action_id === 'bf-run');
      assert.ok(run, 'a run button');
      const click = await postSigned(
        serve.eventsUrl,
        blockActionsBody({
          type: 'block_actions',
          user: { id: 'U1', username: 'ann', team_id: 'T1' },
          team: { id: 'T1', domain: 'acme' },
          api_app_id: 'A1',
          token: 'legacy',
          trigger_id: `click.${++clicks}.${Date.now()}`,
          response_url: slack.responseUrl(`click-${clicks}`),
          container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
          channel: { id: message.channel, name: 'incident-build-failure' },
          message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks, user: 'UBOT' },
          state: { values: {} },
          actions: [
            {
              type: 'button',
              action_id: run.action_id,
              block_id: 'b',
              value: run.value,
              text: { type: 'plain_text', text: run.text.text },
              action_ts: `${Date.now() / 1000}`,
            },
          ],
        }),
      );
      assert.equal(click.status, 200);
    }
    const deadline = Date.now() + 60_000;
    let calls = await tools.calls();
    while (Date.now() < deadline && !(calls.some((c) => c[0] === 'systemctl') && calls.some((c) => c.join(' ') === 'go clean -modcache'))) {
      await new Promise((r) => setTimeout(r, 250));
      calls = await tools.calls();
    }

    // Every start: a fixed argv, or git clone of the configured URL into a temp dir.
    const allowed: RegExp[] = [
      /^go\x1fversion$/,
      /^go\x1fenv\x1f-json(\x1f[A-Z][A-Z0-9_]*)+$/,
      /^go\x1fclean\x1f-modcache$/,
      /^go\x1fmod\x1fdownload$/,
      /^git\x1fconfig\x1f--get-all\x1fcredential\.helper$/,
      /^git\x1fconfig\x1f--get-regexp\x1f\^credential\\\.\.\+\\\.helper\$$/,
      /^git\x1fconfig\x1f--get-regexp\x1f\^url\\\.\.\+\\\.insteadof\$$/,
      new RegExp(`^git\\x1fclone\\x1f--depth\\x1f1\\x1f--quiet\\x1f--no-tags\\x1f--\\x1f${LEDGER_URL.replace(/[.]/g, '\\.')}\\x1f/tmp/[A-Za-z0-9._/-]+/repo$`),
      /^systemctl\x1frestart\x1fjenkins-agent$/,
    ];
    const unexpected = calls.map((c) => c.join('\x1f')).filter((line) => !allowed.some((re) => re.test(line)));
    assert.deepEqual(
      unexpected.map((l) => l.replaceAll('\x1f', ' ')),
      [],
      'processes started with arguments that are not from the config',
    );
    assert.ok(
      calls.some((c) => c.join(' ') === 'go version'),
      'host checks ran through the fake go (the recorder works)',
    );
    assert.deepEqual(
      calls.filter((c) => c[0] === 'systemctl'),
      [['systemctl', 'restart', 'jenkins-agent']],
      'exactly the confirmed restart, with the configured argv',
    );
    assert.equal(calls.filter((c) => c.join(' ') === 'go clean -modcache').length, 1, 'exactly the confirmed cache clear');
    for (const c of calls) for (const arg of c) assert.doesNotMatch(arg, /rm -rf|reboot|\$\(|`|;|&&|\||\.\.\/|pwned|evil/, `argv ${c.join(' ')}`);

    assert.equal(serve.exited, false, 'serve is up');
    assert.equal(worker.exited, false, 'the worker is up');
    assert.equal((await fetch(`${serve.url}/healthz`)).status, 200);
    assert.doesNotMatch(serve.output(), /"level":60|uncaughtException|unhandledRejection/, 'no fatal error in serve');
    assert.doesNotMatch(worker.output(), /"level":60|uncaughtException|unhandledRejection/, 'no fatal error in the worker');
    process.stderr.write(
      `# ${COUNT} slash commands in ${(sendMs / 1000).toFixed(1)} s; ${calls.length} process starts recorded; ${slack.calls.length} Slack calls\n`,
    );
  });
});
