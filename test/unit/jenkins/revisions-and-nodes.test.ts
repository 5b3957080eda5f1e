import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JenkinsJobError } from '../../../src/clients/jenkins/jenkins-errors.ts';
import { toNode } from '../../../src/clients/jenkins/nodes.ts';
import { offlineMessage } from '../../../src/clients/jenkins/restart-agent.ts';
import { gitRevisions, pickRevision } from '../../../src/clients/jenkins/rollback.ts';
import { ComputerJson } from '../../../src/clients/jenkins/schema.ts';
import { formatDuration } from '../../../src/clients/jenkins/wait.ts';

const SHA_APP = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SHA_LIB = 'ffffeeee00001111222233334444555566667777';
const buildData = (sha: string, url: string) => ({
  _class: 'hudson.plugins.git.util.BuildData',
  lastBuiltRevision: { SHA1: sha, branch: [{ SHA1: sha, name: 'origin/main' }] },
  remoteUrls: [url],
});

describe('git revisions of a build', () => {
  it('reads BuildData actions and ignores the rest', () => {
    const revs = gitRevisions([{}, null, { _class: 'hudson.model.CauseAction' }, buildData(SHA_APP, 'https://git.example.test/team/app.git')]);
    assert.deepEqual(revs, [{ sha: SHA_APP, branch: 'origin/main', remoteUrls: ['https://git.example.test/team/app.git'] }]);
  });

  it('picks by repo URL, loosely matched', () => {
    const revs = gitRevisions([buildData(SHA_LIB, 'https://git.example.test/team/pipeline-lib.git'), buildData(SHA_APP, 'git@git.example.test:team/app.git')]);
    assert.equal(pickRevision('j', 1, revs, 'https://git.example.test/team/app').sha, SHA_APP);
    assert.throws(
      () => pickRevision('j', 1, revs),
      (e: unknown) => e instanceof JenkinsJobError && e.problem === 'ambiguous-revision',
    );
    assert.throws(
      () => pickRevision('j', 1, revs, 'https://elsewhere.test/x'),
      (e: unknown) => e instanceof JenkinsJobError && e.problem === 'no-git-data',
    );
    assert.throws(() => pickRevision('j', 1, []), /has no git revision/);
  });

  it('the same SHA twice is not ambiguous', () => {
    const revs = gitRevisions([buildData(SHA_APP, 'a'), buildData(SHA_APP, 'b')]);
    assert.equal(pickRevision('j', 1, revs).sha, SHA_APP);
  });
});

describe('toNode', () => {
  const parse = (o: unknown) => toNode(ComputerJson.parse(o));
  it('separates "marked offline" from "connected"', () => {
    const marked = parse({
      displayName: 'a',
      offline: true,
      temporarilyOffline: true,
      absoluteRemotePath: '/home/j',
      idle: true,
      numExecutors: 2,
      executors: [{ idle: true }, { idle: true }],
    });
    assert.equal(marked.connected, true);
    assert.equal(marked.offline, true);
    const down = parse({ displayName: 'a', offline: true, temporarilyOffline: true, absoluteRemotePath: null });
    assert.equal(down.connected, false);
    const unknown = parse({ displayName: 'a', offline: true, temporarilyOffline: true });
    assert.equal(unknown.connected, null);
    const online = parse({ displayName: 'a', offline: false, temporarilyOffline: false });
    assert.equal(online.connected, true);
  });

  it('counts busy executors and names the built-in node', () => {
    const n = parse({
      _class: 'hudson.slaves.SlaveComputer',
      displayName: 'agent-01',
      offline: false,
      idle: false,
      numExecutors: 3,
      executors: [{ idle: false, currentExecutable: { number: 7, url: 'https://ci/job/x/7/' } }, { idle: true, currentExecutable: null }, { idle: false }],
    });
    assert.equal(n.busyExecutors, 2);
    assert.deepEqual(n.runningBuilds, ['https://ci/job/x/7/']);
    const b = parse({ _class: 'hudson.model.Hudson$MasterComputer', displayName: 'Built-In Node', offline: false });
    assert.equal(b.name, '(built-in)');
    assert.equal(b.builtIn, true);
  });
});

describe('small helpers', () => {
  it('offlineMessage names who and why', () => {
    assert.equal(offlineMessage('@ann', ' go mod\ndownload  fails '), 'buildfix: restart requested by @ann: go mod download fails');
    assert.ok(offlineMessage('x', 'y'.repeat(1000)).length <= 300);
  });
  it('formatDuration', () => {
    assert.equal(formatDuration(250), '250 ms');
    assert.equal(formatDuration(1500), '1.5 s');
    assert.equal(formatDuration(90_000), '1 min 30 s');
    assert.equal(formatDuration(3_600_000 * 2 + 60_000), '2 h 1 min');
  });
});
