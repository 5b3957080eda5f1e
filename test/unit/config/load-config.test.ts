import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { ConfigError } from '../../../src/errors.ts';

const files = (map: Record<string, string>) => ({
  readFile: (p: string) => {
    const text = map[p];
    if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return text;
  },
});

const SAMPLE = `
repoUrlTemplate: "https://github.com/{repo}.git"
repos:
  payments:
    url: https://git.example.com/acme/payments.git
    job: payments/main
agents:
  agent-01:
    node: agent-01
    restart: ["systemctl", "restart", "jenkins-agent"]
jobs:
  payments/main:
    cleanParam: CLEAN_WORKSPACE
    revisionParam: GIT_COMMIT
permissions:
  restart: ["U0123"]
  rebuild: ["U0123"]
  rollback: ["U0123"]
  cache: ["U0123"]
`;

describe('loadConfig', () => {
  it('reads the documented file shape and environment', () => {
    const config = loadConfig(
      { BUILDFIX_CONFIG: '/etc/buildfix.yaml', PORT: '8080', BUILDFIX_HOST: 'agent-01', GOPROXY: 'https://goproxy.io,direct' },
      files({ '/etc/buildfix.yaml': SAMPLE }),
    );
    assert.equal(config.repos.payments?.url, 'https://git.example.com/acme/payments.git');
    assert.deepEqual(config.agents['agent-01']?.restart, ['systemctl', 'restart', 'jenkins-agent']);
    assert.equal(config.jobs['payments/main']?.cleanParam, 'CLEAN_WORKSPACE');
    assert.deepEqual(config.permissions.restart, ['U0123']);
    assert.equal(config.env.PORT, 8080);
    assert.equal(config.host, 'agent-01');
    assert.equal(config.goEnv.GOPROXY, 'https://goproxy.io,direct');
    assert.ok(Object.isFrozen(config));
  });

  it('works with no file and no variables (embedded default)', () => {
    const config = loadConfig({});
    assert.equal(config.env.PORT, 3000);
    assert.equal(config.env.LOG_LEVEL, 'info');
    assert.deepEqual(config.repos, {});
    assert.ok(config.concurrency >= 32);
  });

  it('lists every bad key in one error', () => {
    const bad = `
repoUrlTemplate: "https://github.com/x.git"
agents:
  agent-01:
    restart: "systemctl restart jenkins-agent"
permissions:
  restart: ["bob"]
unknownKey: 1
`;
    let caught: unknown;
    try {
      loadConfig({ BUILDFIX_CONFIG: 'c.yaml', PORT: 'eighty', LOG_LEVEL: 'loud', REDIS_URL: 'http://x' }, files({ 'c.yaml': bad }));
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ConfigError);
    const text = caught.message;
    for (const key of ['PORT', 'LOG_LEVEL', 'REDIS_URL', 'repoUrlTemplate', 'agents.agent-01.restart', 'permissions.restart.0', 'unknownKey']) {
      assert.ok(text.includes(key), `message names ${key}:\n${text}`);
    }
  });

  it('reports an unreadable or invalid YAML file with its path', () => {
    assert.throws(() => loadConfig({ BUILDFIX_CONFIG: '/missing.yaml' }, files({})), /BUILDFIX_CONFIG: cannot read \/missing.yaml \(ENOENT\)/);
    assert.throws(() => loadConfig({ BUILDFIX_CONFIG: 'c.yaml' }, files({ 'c.yaml': 'repos: [unclosed' })), /c\.yaml.*not valid YAML/);
    assert.throws(() => loadConfig({ BUILDFIX_CONFIG: 'c.yaml' }, files({ 'c.yaml': '- a\n- b\n' })), /must hold a YAML mapping/);
  });

  it('requires Slack and Jenkins credentials in pairs', () => {
    assert.throws(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }), /SLACK_SIGNING_SECRET: required/);
    assert.throws(() => loadConfig({ JENKINS_URL: 'https://ci.example' }), /JENKINS_USER \/ JENKINS_API_TOKEN/);
  });

  it('never echoes a secret value in the error', () => {
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'not-a-token-s3cr3t', SLACK_SIGNING_SECRET: 'abc' });
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.ok(!err.message.includes('s3cr3t'));
      assert.match(err.message, /SLACK_BOT_TOKEN: must be a bot token/);
    }
  });
  it('names an unknown repo in health.digest.repos and the known ones', () => {
    const digest = (repos: string) => `${SAMPLE}\nhealth:\n  digest:\n    channel: C0DIGEST\n    repos: ${repos}\n`;
    const ok = loadConfig({ BUILDFIX_CONFIG: 'c.yaml' }, files({ 'c.yaml': digest('[payments]') }));
    assert.deepEqual(ok.health.digest?.repos, ['payments']);
    let caught: unknown;
    try {
      loadConfig({ BUILDFIX_CONFIG: 'c.yaml' }, files({ 'c.yaml': digest('[payments, paymnets, constructor]') }));
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ConfigError);
    assert.match(caught.message, /c\.yaml: health\.digest\.repos: "paymnets" is not listed under repos \(known: payments\)/);
    // A name that happens to be an Object property is no repo either.
    assert.match(caught.message, /health\.digest\.repos: "constructor" is not listed/);
    assert.doesNotMatch(caught.message, /"payments" is not listed/);
  });

  it('says no repos are configured when health.digest.repos names one anyway', () => {
    assert.throws(
      () => loadConfig({ BUILDFIX_CONFIG: 'c.yaml' }, files({ 'c.yaml': 'health:\n  digest:\n    channel: C0DIGEST\n    repos: [payments]\n' })),
      /health\.digest\.repos: "payments" is not listed under repos \(none are configured\)/,
    );
  });
});
