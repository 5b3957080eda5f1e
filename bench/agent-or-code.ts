/**
 * Agent or code, end to end (issue 16): from a Jenkins failure webhook's
 * arrival at a real `buildfix serve` to (a) the root-cause line in the
 * incident thread and (b) the agent-or-code verdict, computed by a real
 * `buildfix worker`: the serve asks Jenkins for the last green build, the
 * worker clones the repository shallowly (file://), fetches both commits,
 * diffs and blames go.mod, diagnoses the failing commit and re-checks the
 * green one. 200-requirement go.mod; the GOPROXY fake and the Jenkins fake
 * add 50 ms to every answer. One pipeline per run (each opens its own
 * incident). Prints a Markdown table of median and p95.
 *
 *   node_modules/.bin/node bench/agent-or-code.ts [--runs 7]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGoProxyFake, type FakeModule } from '../test/fakes/goproxy-server.ts';
import { startJenkinsFake, type FakeJob } from '../test/fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage } from '../test/fakes/slack-api.ts';
import { makeHistory } from '../test/helpers/git-history.ts';
import { deletePrefix, uniquePrefix } from '../test/helpers/slack-processes.ts';
import { INCIDENT_CHANNEL, postJenkins, shownText, startServeAndWorker } from '../test/integration/incident-flow/harness.ts';
import { percentile } from './lib/stats.ts';

const RUNS = Math.max(1, Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7);
const DELAY_MS = 50;
const DEPS = 199;

const deps = Array.from({ length: DEPS }, (_, i) => `example.com/dep${String(i).padStart(3, '0')}`);
const goMod = (ledger: string): string =>
  `module example.com/payments\n\ngo 1.19\n\nrequire (\n\texample.com/ledger ${ledger}\n${deps.map((d) => `\t${d} v1.0.0\n`).join('')})\n`;

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const work = await mkdtemp(join(tmpdir(), 'buildfix-bench-origin-'));
const prefix = uniquePrefix();
const modules: FakeModule[] = [
  { path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] },
  ...deps.map((path) => ({ path, versions: [{ version: 'v1.0.0' }] })),
];
const goproxy = await startGoProxyFake({ modules, delayMs: DELAY_MS });
const history = await makeHistory(work, 'payments', [
  { author: 'bob', subject: 'release 2.3', files: { 'go.mod': goMod('v1.9.8') } },
  { author: 'ann', subject: 'bump ledger', files: { 'go.mod': goMod('v1.9.9') } },
  { author: 'carol', subject: 'handler tweak', files: { 'main.go': 'package main\n\nfunc main() {}\n' } },
]);
const [green, , red] = history.shas as [string, string, string];
const url = `file://${history.bare}`;
const console = 'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found\nFinished: FAILURE';
const jobs: FakeJob[] = Array.from({ length: RUNS }, (_, i) => ({
  name: `payments-${i}/main`,
  builds: [
    { number: 41, result: 'SUCCESS', timestamp: Date.now() - 7_200_000, git: [{ sha: green, remoteUrls: [url] }] },
    { number: 42, result: 'FAILURE', timestamp: Date.now() - 600_000, git: [{ sha: red, remoteUrls: [url] }], console },
  ],
}));
const jenkins = await startJenkinsFake({ jobs, faults: [{ path: /.*/, delayMs: DELAY_MS }] });
const slack = await startSlackApiFake();
const config = [
  'repos:',
  ...jobs.flatMap((j, i) => [`  payments-${i}:`, `    url: ${url}`, `    job: ${j.name}`]),
  'agents:',
  '  agent-03: {}',
  // One incident per pipeline, as measured before failures were grouped by cause (all nine share one cause).
  'incidents:',
  '  groupWindow: "off"',
  '',
].join('\n');
await writeFile(join(work, 'buildfix.yaml'), config);
const { serve, worker } = await startServeAndWorker({ prefix, configPath: join(work, 'buildfix.yaml'), goproxyUrl: goproxy.url, slack, jenkins });

const rootMs: number[] = [];
const verdictMs: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const body = {
      name: 'main',
      url: `job/payments-${i}/job/main/`,
      build: {
        full_url: `${jenkins.url}/job/payments-${i}/job/main/42/`,
        number: 42,
        phase: 'FINALIZED',
        status: 'FAILURE',
        url: `job/payments-${i}/job/main/42/`,
        scm: { url, branch: 'origin/main', commit: red },
      },
    };
    const started = performance.now();
    const reply = await postJenkins(serve, Buffer.from(JSON.stringify(body)));
    if (reply.status !== 200) throw new Error(`webhook answered ${reply.status}`);
    const alert = await until('the alert', () =>
      slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined && m.text.includes(`payments-${i}/main`)),
    );
    const inThread = (re: RegExp) => (): FakeMessage | undefined => slack.messages.find((m) => m.threadTs === alert.ts && re.test(shownText(m)));
    await until('the root-cause line', inThread(/Root cause: version-not-found/));
    rootMs.push(performance.now() - started);
    const verdict = await until('the verdict', inThread(/Agent or code:\* `code`/));
    verdictMs.push(performance.now() - started);
    if (!/by ann, "bump ledger"/.test(shownText(verdict))) throw new Error('the verdict does not name the change');
  }
} finally {
  await Promise.all([serve.stop(), worker.stop()]);
  await Promise.all([slack.close(), jenkins.close(), goproxy.close()]);
  await deletePrefix(prefix);
  await rm(work, { recursive: true, force: true });
}

const row = (name: string, xs: number[], target: string): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `| ${name} | ${(percentile(s, 50) / 1000).toFixed(2)} s | ${(percentile(s, 95) / 1000).toFixed(2)} s | ${target} |`;
};
process.stdout.write(
  [
    `${RUNS} Jenkins failure webhooks, one pipeline each, sequential; 200-requirement go.mod; +${DELAY_MS} ms per GOPROXY and Jenkins answer; serve and one worker as real processes, real git over file://.`,
    '',
    "| from the webhook's arrival to | median | p95 | target |",
    '|---|---|---|---|',
    row('the root-cause line in the thread (classified log)', rootMs, '≤ 3 s'),
    row('the agent-or-code verdict (code, with commit and line)', verdictMs, '≤ 10 s'),
    '',
    `Per run (root-cause line / verdict, ms): ${rootMs.map((r, i) => `${r.toFixed(0)}/${(verdictMs[i] ?? 0).toFixed(0)}`).join(', ')}. Every run posts an alert and about five thread messages into the same channel, about three times what Slack's chat.postMessage limit allows there (the strict fake: 20 posts per 10 s per channel). The outbox sends new alerts and root-cause lines ahead of waiting thread replies, so the root-cause line stays fast and the verdict, a thread reply, waits behind the next incidents' alerts.`,
    '',
  ].join('\n'),
);
