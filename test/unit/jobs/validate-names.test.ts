import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classifyTarget } from '../../../src/engine/resolve-target.ts';
import { checkAgent, checkRepo, classifyRepoRef, findAgent } from '../../../src/jobs/validate-names.ts';

const AGENTS = { agents: { 'agent-03': { restart: ['/bin/true'] }, 'Agent-07': {} }, repos: { payments: { url: 'https://git.corp/payments.git' } } };
const NONE = { agents: {}, repos: {} };

describe('agent names', () => {
  it('accepts configured agents, case-insensitively', () => {
    checkAgent('agent-03', { config: AGENTS, localHost: undefined });
    checkAgent('AGENT-03', { config: AGENTS, localHost: undefined });
    checkAgent('agent-07', { config: AGENTS, localHost: 'agent-07' });
    assert.equal(findAgent(AGENTS, 'agent-07'), 'Agent-07');
  });

  it('refuses an agent that is not configured, naming the known ones', () => {
    assert.throws(
      () => checkAgent('agent-99', { config: AGENTS, localHost: undefined }),
      (err: Error & { code?: string }) => err.code === 'BF_PERMISSION' && /not a configured agent/.test(err.message) && /agent-03, Agent-07/.test(err.message),
    );
  });

  it("with no agents configured, allows only the worker's own host", () => {
    checkAgent('build-1', { config: NONE, localHost: 'build-1' });
    assert.throws(() => checkAgent('build-2', { config: NONE, localHost: 'build-1' }), /only this host \("build-1"\)/);
    // A producer cannot know the worker's host; the worker checks again before running.
    checkAgent('build-2', { config: NONE, localHost: undefined });
  });

  it("refuses a configured agent on another agent's worker", () => {
    assert.throws(() => checkAgent('agent-03', { config: AGENTS, localHost: 'agent-07' }), /not this host/);
  });
});

describe('repo names', () => {
  it('accepts configured names, paths, git URLs and owner/repo', () => {
    assert.equal(checkRepo('payments', { config: AGENTS }), 'repo-name');
    assert.equal(checkRepo('/srv/payments', { config: AGENTS }), 'path');
    assert.equal(checkRepo('./payments', { config: AGENTS }), 'path');
    assert.equal(checkRepo('git@git.corp:team/payments.git', { config: AGENTS }), 'git-url');
    assert.equal(checkRepo('acme/payments', { config: AGENTS }), 'owner-repo');
  });

  it('refuses anything else, listing the configured repos', () => {
    assert.throws(() => checkRepo('paymnets', { config: AGENTS }), /not a configured repo.*configured repos: payments/);
    assert.throws(() => checkRepo('https://x/$(reboot)', { config: AGENTS }), /not a configured repo/);
    assert.throws(() => checkRepo('a; rm -rf /', { config: AGENTS }), /not a configured repo/);
  });

  it('classifies like the engine does (for inputs that do not depend on the disk)', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'buildfix-classify-'));
    const inputs = [
      'payments',
      'https://git.corp/a/b.git',
      'ssh://git@git.corp/a/b',
      'git@github.com:a/b.git',
      'file:///srv/repo',
      '/abs/path',
      './rel',
      '~/home',
      'acme/payments',
      'nope',
      'a b/c',
      'https://x/$(id)',
    ];
    const prev = process.cwd();
    process.chdir(cwd);
    try {
      for (const input of inputs) {
        const mine = classifyRepoRef(input, AGENTS);
        const engine = await classifyTarget(input, { repoUrlTemplate: 'https://github.com/{repo}.git', repos: AGENTS.repos }).then(
          (r) => r.kind,
          () => undefined,
        );
        assert.equal(mine, engine, input);
      }
    } finally {
      process.chdir(prev);
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
