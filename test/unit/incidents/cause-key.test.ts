/** The cause CI failures are grouped by, from real CI logs through the real classifier. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { agentFromLog, causeHost, causeOf, describeCause, groupWindowMs } from '../../../src/incidents/cause-key.ts';
import { describeBlast, joinBlast } from '../../../src/incidents/blast-radius.ts';
import { repoOfEvent } from '../../../src/incidents/incident-grouping.ts';
import type { CiEvent } from '../../../src/webhooks/ci-event.ts';
import { repoPathOf } from '../../../src/webhooks/parse-jenkins-notification.ts';

const log = (name: string): string => readFileSync(new URL(`../../fixtures/logs/go/${name}`, import.meta.url), 'utf8');
const PIPELINE = { pipelineKey: 'jenkins:ledger-api/main' };

describe('cause keys', () => {
  it('a missing module: category + module@version, the same from every pipeline', () => {
    const text = log('version-not-found.requires-chain.jenkins.log');
    const a = causeOf(classifyLog(text), { pipelineKey: 'jenkins:payments/main', agent: 'agent-03' });
    const b = causeOf(classifyLog(text), { pipelineKey: 'github:o/r:CI:main' });
    assert.deepEqual(a, {
      key: 'version-not-found|module|github.com/acme/money@v0.3.1',
      category: 'version-not-found',
      scope: 'module',
      subject: 'github.com/acme/money@v0.3.1',
    });
    assert.equal(a.key, b.key);
    assert.equal(describeCause(a), 'version-not-found github.com/acme/money@v0.3.1');
  });

  it('a dead corporate proxy: the proxy dialled, not the module proxy behind it', () => {
    const c = causeOf(classifyLog(log('corporate-proxy.proxyconnect.jenkins.log')), PIPELINE);
    assert.equal(c.category, 'corporate-proxy');
    assert.equal(c.scope, 'host');
    assert.equal(c.subject, '10.1.1.1:3128');
    assert.equal(describeCause(c), 'corporate-proxy through 10.1.1.1:3128');
    assert.equal(causeHost('corporate-proxy', ['proxyconnect tcp: dial tcp proxy.corp:3128: connect: connection refused']), 'proxy.corp:3128');
  });

  it('an unreachable module proxy: its host and port', () => {
    const c = causeOf(classifyLog(log('proxy-unreachable.refused.github-actions.log')), PIPELINE);
    assert.deepEqual([c.category, c.scope, c.subject], ['proxy-unreachable', 'host', 'athens.build.svc:3000']);
  });

  it('a full disk: the agent; without an agent, the pipeline', () => {
    const text = log('disk-full.jenkins.log');
    const agent = agentFromLog(text);
    assert.equal(agent, 'build-agent-07');
    assert.deepEqual(causeOf(classifyLog(text), { ...PIPELINE, agent }).key, 'disk-full|agent|build-agent-07');
    assert.deepEqual(causeOf(classifyLog(text), PIPELINE).key, 'disk-full|pipeline|jenkins:ledger-api/main');
  });

  it("the repo's own problems and unknown causes stay with the pipeline (one pipeline's two causes stay apart)", () => {
    const sum = causeOf(classifyLog(log('missing-go-sum.readonly.jenkins.log')), { ...PIPELINE, agent: 'a' });
    assert.equal(sum.key, 'missing-go-sum|pipeline|jenkins:ledger-api/main');
    const unknown = causeOf(classifyLog(log('unknown.compile-error.github-actions.log')), PIPELINE);
    assert.equal(unknown.key, 'unknown|pipeline|jenkins:ledger-api/main');
    assert.equal(causeOf(undefined, PIPELINE).key, 'unknown|pipeline|jenkins:ledger-api/main');
    assert.notEqual(sum.key, unknown.key);
  });

  it('agents named by Jenkins, GitHub Actions and GitLab logs', () => {
    assert.equal(agentFromLog(log('proxy-unreachable.dns.jenkins.log')), 'build-agent-07');
    assert.equal(agentFromLog(log('proxy-unreachable.timeout.gitlab.log')), 'docker-runner-3');
    assert.equal(agentFromLog("2024-05-02T10:11:09.1Z Current runner version: 2.316.0\n2024-05-02T10:11:09.2Z Runner name: 'agent-03'\n"), 'agent-03');
    assert.equal(agentFromLog('Started by user ann\nBuilding remotely on agent-01 (linux) in workspace /w/payments\n'), 'agent-01');
    assert.equal(agentFromLog('Started by user ann\nBuilding on the built-in node in workspace /var/jenkins_home/workspace/x\n'), 'built-in');
    assert.equal(agentFromLog('go: downloading example.com/a v1.0.0\n'), undefined);
    assert.equal(agentFromLog(undefined), undefined);
  });

  it('incidents.groupWindow', () => {
    assert.equal(groupWindowMs(undefined), 30 * 60_000);
    assert.equal(groupWindowMs('90s'), 90_000);
    assert.equal(groupWindowMs('2h'), 7_200_000);
    assert.equal(groupWindowMs('1d'), 86_400_000);
    assert.equal(groupWindowMs('off'), 0);
  });

  it('repos: the Jenkins SCM URL path, the GitHub/GitLab project', () => {
    assert.equal(repoPathOf('https://git.example.test/acme/payments.git'), 'acme/payments');
    assert.equal(repoPathOf('https://ann:tok@git.example.test/Acme/Payments.git/'), 'acme/payments');
    assert.equal(repoPathOf('git@github.com:acme/payments.git'), 'acme/payments');
    const event = (o: Partial<CiEvent>): CiEvent => ({ source: 'jenkins', job: 'payments/main', ...o }) as CiEvent;
    assert.equal(repoOfEvent(event({ repo: 'acme/payments' })), 'acme/payments');
    assert.equal(repoOfEvent(event({})), 'payments');
    assert.equal(repoOfEvent(event({ job: 'solo' })), 'solo');
    assert.equal(repoOfEvent(event({ source: 'github', job: 'Octo-Org/Octo-Repo' })), 'octo-org/octo-repo');
  });

  it('blast radius: counts, "all on" only while every failure named the one agent, "all through" for a host cause', () => {
    let blast = joinBlast(undefined, 'jenkins:a/main', { repo: 'acme/a', agent: 'agent-03' });
    blast = joinBlast(blast, 'jenkins:a/release', { repo: 'acme/a', agent: 'agent-03' });
    blast = joinBlast(blast, 'github:o/b:CI:main', { repo: 'o/b', agent: 'agent-03' });
    const host = { key: 'k', category: 'corporate-proxy', scope: 'host' as const, subject: 'proxy.corp:3128' };
    assert.deepEqual(describeBlast({ blast, cause: host }), { radius: '3 pipelines in 2 repos', common: ['all on agent-03', 'all through proxy.corp:3128'] });
    const unknownAgent = joinBlast(blast, 'github:o/b:CI:main', { repo: 'o/b' });
    assert.deepEqual(describeBlast({ blast: unknownAgent }), { radius: '3 pipelines in 2 repos', common: [] });
    assert.deepEqual(describeBlast({ blast: joinBlast(undefined, 'jenkins:a/main', { repo: 'acme/a' }) }), { radius: '1 pipeline in 1 repo', common: [] });
    assert.equal(describeBlast({}), undefined);
  });
});
