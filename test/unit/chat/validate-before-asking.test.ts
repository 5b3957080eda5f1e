/**
 * Validate before asking: a command with side effects that would be refused
 * (no Jenkins, an unknown job, a job without the parameter it needs, a host no
 * worker serves) is refused before any confirmation is shown, the question
 * describes what will really happen, and no button offers what cannot run.
 * The real router (createRouter, in-process dispatcher), a recording surface.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage, ChatSurface, MessageHandle, Requester } from '../../../src/chat/chat-surface.ts';
import { createRouter } from '../../../src/chat/create-router.ts';
import { suggestRemediations } from '../../../src/chat/remediations.ts';
import { loadConfig, type Config } from '../../../src/config/load-config.ts';
import { InProcessDispatcher } from '../../../src/jobs/in-process-dispatcher.ts';
import type { JobOutcome } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';

class RecordingSurface implements ChatSurface {
  readonly replyTo = undefined;
  readonly updateIntervalMs = 0;
  readonly localFiles = true;
  readonly asked: string[] = [];
  readonly said: string[] = [];
  async post(message: ChatMessage): Promise<MessageHandle> {
    this.said.push(JSON.stringify(message));
    return { id: String(this.said.length) };
  }
  async update(): Promise<void> {}
  async whisper(message: ChatMessage): Promise<void> {
    this.said.push('text' in message ? message.text : JSON.stringify(message));
  }
  async askConfirmation(prompt: string): Promise<boolean> {
    this.asked.push(prompt);
    return false;
  }
}

const requester: Requester = { userId: 'local:test', label: 'test', local: true };

function config(yaml: string, env: Record<string, string> = {}): Config {
  return loadConfig({ BUILDFIX_CONFIG: '/virtual/buildfix.yaml', BUILDFIX_HOST: 'agent-01', ...env }, { readFile: () => yaml });
}

async function ask(cfg: Config, text: string): Promise<RecordingSurface> {
  const logger = createLogger({ level: 'silent' });
  const dispatcher = new InProcessDispatcher({ config: cfg, logger });
  try {
    const surface = new RecordingSurface();
    await createRouter({ config: cfg, dispatcher, logger }).handle(text, requester, surface);
    return surface;
  } finally {
    await dispatcher.close();
  }
}

const JENKINS = { JENKINS_URL: 'http://127.0.0.1:9', JENKINS_USER: 'bot', JENKINS_API_TOKEN: 'token-for-tests' };
const YAML = 'agents:\n  agent-01: {}\n  agent-02: {}\njobs:\n  team/payments/main:\n    cleanParam: CLEAN\n';

describe('validate before asking', () => {
  it('without Jenkins, rebuild and rollback are refused before any question', async () => {
    for (const text of ['rebuild team/payments/main', 'rollback team/payments/main']) {
      const s = await ask(config(YAML), text);
      assert.deepEqual(s.asked, [], text);
      assert.match(s.said.join('\n'), /needs Jenkins \(set JENKINS_URL/);
    }
  });

  it('with Jenkins, an unknown job or a rollback without revisionParam is refused before any question', async () => {
    const cfg = config(YAML, JENKINS);
    const unknown = await ask(cfg, 'rebuild team/other');
    assert.deepEqual(unknown.asked, []);
    assert.match(unknown.said.join('\n'), /"team\/other" is not a configured Jenkins job\. Known jobs: team\/payments\/main/);
    const rollback = await ask(cfg, 'rollback team/payments/main');
    assert.deepEqual(rollback.asked, []);
    assert.match(rollback.said.join('\n'), /needs the job's revision parameter: set jobs\.team\/payments\/main\.revisionParam/);
    const unknownAgent = await ask(cfg, 'restart agent-99');
    assert.deepEqual(unknownAgent.asked, []);
    // What can run is asked, with Jenkins' drain promised.
    const ok = await ask(cfg, 'restart agent-02');
    assert.equal(ok.asked.length, 1);
    assert.match(ok.asked[0] ?? '', /drained first/);
  });

  it('in-process, a cache action for another host is refused before the question; for this host it is asked', async () => {
    const cfg = config(YAML);
    for (const text of ['cache clear agent-02', 'cache warm agent-02 ./payments', 'restart agent-02']) {
      const s = await ask(cfg, text);
      assert.deepEqual(s.asked, [], text);
      assert.match(s.said.join('\n'), /"agent-02" is not this host \("agent-01"\)|there is no worker for "agent-02"/, text);
    }
    const here = await ask(cfg, 'cache clear agent-01');
    assert.equal(here.asked.length, 1);
  });

  it('the restart question without Jenkins promises no drain', async () => {
    const s = await ask(config(YAML), 'restart agent-01');
    assert.equal(s.asked.length, 1);
    assert.doesNotMatch(s.asked[0] ?? '', /drained first/);
    assert.match(s.asked[0] ?? '', /running builds are not drained \(draining needs Jenkins\)/);
  });

  it('no rebuild or rollback button without Jenkins, no rollback button without revisionParam', () => {
    const outcome = {
      ok: true,
      jobId: 'j1',
      name: 'diagnose',
      host: 'agent-01',
      durationMs: 1,
      attempts: 1,
      steps: [],
      finishedAt: new Date().toISOString(),
      result: {
        report: {
          ok: false,
          target: 'payments',
          host: 'agent-01',
          durationMs: 1,
          startedAt: '',
          checks: [],
          facts: {},
          findings: [
            { category: 'version-not-found', severity: 'error', title: 't', detail: 'd', fix: 'f', check: 'modules' },
            { category: 'missing-go-sum', severity: 'error', title: 't', detail: 'd', fix: 'f', check: 'modules' },
          ],
        },
      },
    } as unknown as JobOutcome;
    const command = { kind: 'diagnose' as const, repo: 'payments' };
    const yaml = `${YAML}repos:\n  payments:\n    url: /srv/payments\n    job: team/payments/main\n`;
    const kinds = (cfg: Config): string[] => suggestRemediations(command, outcome, cfg).map((r) => r.command.kind);
    assert.deepEqual(kinds(config(yaml)), []);
    assert.deepEqual(kinds(config(yaml, JENKINS)), ['rebuild'], 'a clean rebuild, but no rollback without revisionParam');
    const withRevision = yaml.replace('cleanParam: CLEAN', 'cleanParam: CLEAN\n    revisionParam: REVISION');
    assert.deepEqual(kinds(config(withRevision, JENKINS)).sort(), ['rebuild', 'rollback']);
  });
});
