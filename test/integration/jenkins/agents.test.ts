import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JenkinsClient } from '../../../src/clients/jenkins/jenkins-client.ts';
import { AgentRestartError, type RestartAgentOptions, type RestartStepEvent } from '../../../src/clients/jenkins/restart-agent.ts';
import { startJenkinsFake, type FakeNode, type JenkinsFake, type JenkinsFakeOptions } from '../../fakes/jenkins-server.ts';

const WHO = { requestedBy: '@ann', reason: 'go mod download keeps failing on agent-01' };

async function withAgents(nodes: FakeNode[], body: (fake: JenkinsFake, client: JenkinsClient) => Promise<void>, extra: JenkinsFakeOptions = {}): Promise<void> {
  const fake = await startJenkinsFake({ nodes, ...extra });
  const client = new JenkinsClient({ baseUrl: fake.url, user: fake.user, apiToken: fake.token, timeoutMs: 2000, pollIntervalMs: 10 });
  try {
    await body(fake, client);
  } finally {
    await client.close();
    await fake.close();
  }
}

function recorder(): { events: RestartStepEvent[]; onStep: RestartAgentOptions['onStep']; finished: () => string[] } {
  const events: RestartStepEvent[] = [];
  return {
    events,
    onStep: (e) => void events.push(e),
    finished: () => events.filter((e) => e.status !== 'running').map((e) => `${e.step}:${e.status}`),
  };
}

// The POSTs the agent got, in order, as "action" or "action?offlineMessage=…".
function nodeActions(fake: JenkinsFake, name: string): string[] {
  return fake
    .requestsTo('POST', new RegExp(`^/computer/${name}/`))
    .map((r) => `${r.path.split('/').pop()}${r.params.offlineMessage ? `?${r.params.offlineMessage}` : ''}`);
}

describe('listNodes', () => {
  it('reports state and busy executors of every node', async () => {
    await withAgents(
      [
        { name: 'built-in', builtIn: true, numExecutors: 0 },
        { name: 'agent-01', numExecutors: 4, busy: 3 },
        { name: 'agent-02', temporarilyOffline: true, offlineCauseReason: 'disk full — ops' },
        { name: 'agent-03', connected: false },
      ],
      async (fake, client) => {
        const nodes = await client.listNodes();
        assert.deepEqual(
          nodes.map((n) => ({
            name: n.name,
            displayName: n.displayName,
            offline: n.offline,
            temporarilyOffline: n.temporarilyOffline,
            reason: n.offlineCauseReason,
            idle: n.idle,
            numExecutors: n.numExecutors,
            busy: n.busyExecutors,
            connected: n.connected,
          })),
          [
            {
              name: '(built-in)',
              displayName: 'Built-In Node',
              offline: false,
              temporarilyOffline: false,
              reason: '',
              idle: true,
              numExecutors: 0,
              busy: 0,
              connected: true,
            },
            {
              name: 'agent-01',
              displayName: 'agent-01',
              offline: false,
              temporarilyOffline: false,
              reason: '',
              idle: false,
              numExecutors: 4,
              busy: 3,
              connected: true,
            },
            {
              name: 'agent-02',
              displayName: 'agent-02',
              offline: true,
              temporarilyOffline: true,
              reason: 'disk full — ops',
              idle: true,
              numExecutors: 2,
              busy: 0,
              connected: true,
            },
            {
              name: 'agent-03',
              displayName: 'agent-03',
              offline: true,
              temporarilyOffline: false,
              reason: '',
              idle: true,
              numExecutors: 2,
              busy: 0,
              connected: false,
            },
          ],
        );
        assert.equal(nodes[1]?.runningBuilds.length, 3);
        assert.match(fake.requests.at(-1)?.query.tree ?? '', /^busyExecutors,totalExecutors,computer\[/);
        assert.equal((await client.getNode('Built-In Node')).builtIn, true);
      },
    );
  });
});

describe('restartAgent', () => {
  it('happy path: steps in order, node online and not temporarily offline at the end', async () => {
    await withAgents([{ name: 'agent-01', launchMs: 40 }], async (fake, client) => {
      const rec = recorder();
      const r = await client.restartAgent('agent-01', { ...WHO, onStep: rec.onStep });
      assert.deepEqual(rec.finished(), ['mark-offline:done', 'drain:done', 'restart:done', 'wait-online:done', 'mark-online:done']);
      assert.deepEqual(
        rec.events.map((e) => e.status),
        ['running', 'done', 'running', 'done', 'running', 'done', 'running', 'done', 'running', 'done'],
      );
      assert.ok(rec.events.every((e) => e.durationMs >= 0 && e.node === 'agent-01'));
      assert.ok((rec.events.find((e) => e.step === 'wait-online' && e.status === 'done')?.durationMs ?? 0) >= 30);
      const message = 'buildfix: restart requested by @ann: go mod download keeps failing on agent-01';
      assert.deepEqual(nodeActions(fake, 'agent-01'), [`toggleOffline?${message}`, `doDisconnect?${message}`, 'launchSlaveAgent', 'toggleOffline']);
      const n = fake.node('agent-01');
      assert.equal(n.connected, true);
      assert.equal(n.temporarilyOffline, false);
      assert.equal(r.final.offline, false);
      assert.equal(r.final.temporarilyOffline, false);
      assert.equal(r.via, 'jenkins');
      assert.match(r.summary, /^agent-01 restarted in .* \(through Jenkins\)$/);
      assert.equal(r.steps.length, 5);
    });
  });

  it('waits for busy executors to drain before restarting', async () => {
    await withAgents([{ name: 'agent-01', busy: 2, busyMs: 150 }], async (fake, client) => {
      const rec = recorder();
      await client.restartAgent('agent-01', { ...WHO, onStep: rec.onStep, drainTimeoutMs: 3000 });
      const drain = rec.events.find((e) => e.step === 'drain' && e.status === 'done');
      assert.match(drain?.detail ?? '', /for 2 busy executor\(s\) to finish/);
      assert.ok((drain?.durationMs ?? 0) >= 50, `drain took ${drain?.durationMs} ms`);
      // The disconnect came only after the executors were idle.
      const disconnect = fake.requestsTo('POST', '/computer/agent-01/doDisconnect')[0];
      const lastBusyRead = fake.requestsTo('GET', '/computer/agent-01/api/json').filter((r) => (disconnect ? r.at <= disconnect.at : false));
      assert.ok(lastBusyRead.length >= 3);
      assert.equal(fake.node('agent-01').temporarilyOffline, false);
    });
  });

  it('force skips the drain', async () => {
    await withAgents([{ name: 'agent-01', busy: 2 }], async (fake, client) => {
      const rec = recorder();
      await client.restartAgent('agent-01', { ...WHO, force: true, onStep: rec.onStep, drainTimeoutMs: 50 });
      const drain = rec.events.find((e) => e.step === 'drain' && e.status !== 'running');
      assert.equal(drain?.status, 'skipped');
      assert.match(drain?.detail ?? '', /force: not waiting for 2 busy executor\(s\)/);
      assert.equal(fake.node('agent-01').connected, true);
      assert.equal(fake.node('agent-01').temporarilyOffline, false);
    });
  });

  it('restarts through a buildfix worker when given one', async () => {
    await withAgents([{ name: 'agent-01' }], async (fake, client) => {
      const rec = recorder();
      let called = 0;
      const r = await client.restartAgent('agent-01', {
        ...WHO,
        onStep: rec.onStep,
        restartViaWorker: async () => {
          called++;
          // The agent service restarts on its host: its channel drops and comes back.
          fake.simulateAgentRestart('agent-01', 60);
        },
      });
      assert.equal(called, 1);
      assert.equal(r.via, 'worker');
      assert.deepEqual(rec.finished(), ['mark-offline:done', 'drain:done', 'restart:done', 'wait-online:done', 'mark-online:done']);
      assert.deepEqual(nodeActions(fake, 'agent-01'), [`toggleOffline?buildfix: restart requested by @ann: ${WHO.reason}`, 'toggleOffline']);
      assert.equal(fake.node('agent-01').connected, true);
      assert.equal(fake.node('agent-01').temporarilyOffline, false);
    });
  });

  it('drain timeout: the node is put back online and the error says so', async () => {
    await withAgents([{ name: 'agent-01', busy: 1 }], async (fake, client) => {
      const rec = recorder();
      await assert.rejects(client.restartAgent('agent-01', { ...WHO, onStep: rec.onStep, drainTimeoutMs: 80 }), (e: unknown) => {
        assert.ok(e instanceof AgentRestartError);
        assert.equal(e.step, 'drain');
        assert.equal(e.state, 'online');
        assert.equal(e.code, 'BF_TIMEOUT');
        assert.match(
          e.message,
          /^restarting agent-01 failed while waiting for its running builds to finish: agent-01 still had 1 busy executor\(s\) after .*run the restart again with force.* agent-01 was put back online\.$/,
        );
        return true;
      });
      assert.deepEqual(rec.finished(), ['mark-offline:done', 'drain:failed', 'restore:done']);
      assert.equal(fake.node('agent-01').temporarilyOffline, false);
      assert.equal(fake.requestsTo('POST', '/computer/agent-01/doDisconnect').length, 0);
    });
  });

  it('launch fails (Jenkins could not start the agent): put back online, error says it is disconnected', async () => {
    await withAgents([{ name: 'agent-01', launchFails: true, launchMs: 20 }], async (fake, client) => {
      const rec = recorder();
      await assert.rejects(client.restartAgent('agent-01', { ...WHO, onStep: rec.onStep, onlineTimeoutMs: 2000 }), (e: unknown) => {
        assert.ok(e instanceof AgentRestartError);
        assert.equal(e.step, 'wait-online');
        assert.equal(e.state, 'online-disconnected');
        assert.match(
          e.message,
          /failed while waiting for it to come back online: Jenkins failed to launch agent-01 \("This agent is offline because Jenkins failed to launch the agent process on it\."\)/,
        );
        assert.match(e.message, /agent-01 was put back online \(no longer marked temporarily offline\), but it is disconnected: .*computer\/agent-01\/log\.$/);
        return true;
      });
      assert.equal(fake.node('agent-01').temporarilyOffline, false);
      assert.equal(fake.node('agent-01').connected, false);
    });
  });

  it('launchSlaveAgent answers 500: restored, and the error names the request', async () => {
    await withAgents([{ name: 'agent-01' }], async (fake, client) => {
      fake.addFault({ method: 'POST', path: '/computer/agent-01/launchSlaveAgent', status: 500 });
      await assert.rejects(client.restartAgent('agent-01', WHO), (e: unknown) => {
        assert.ok(e instanceof AgentRestartError);
        assert.equal(e.step, 'restart');
        assert.match(
          e.message,
          /failed while restarting it: Jenkins at .* is unreachable or failing: 500 Internal Server Error on POST \/computer\/agent-01\/launchSlaveAgent/,
        );
        assert.match(e.message, /agent-01 was put back online \(no longer marked temporarily offline\), but it is disconnected/);
        return true;
      });
      assert.equal(fake.node('agent-01').temporarilyOffline, false);
    });
  });

  it('when it cannot be put back online, the error says it is still marked offline and how to fix it', async () => {
    await withAgents([{ name: 'agent-01', busy: 1 }], async (fake, client) => {
      // The first toggle (mark offline) works, the second (restore) fails.
      fake.addFault({ method: 'POST', path: '/computer/agent-01/toggleOffline', status: 503, skip: 1 });
      await assert.rejects(client.restartAgent('agent-01', { ...WHO, drainTimeoutMs: 50 }), (e: unknown) => {
        assert.ok(e instanceof AgentRestartError);
        assert.equal(e.state, 'marked-offline');
        assert.match(
          e.message,
          /agent-01 is still marked temporarily offline by buildfix \(putting it back online failed: .*503.*\); bring it back with "Bring this node back online" at http:\/\/127\.0\.0\.1:\d+\/computer\/agent-01\/ \(or POST \/computer\/agent-01\/toggleOffline\)\.$/,
        );
        return true;
      });
      assert.equal(fake.node('agent-01').temporarilyOffline, true);
    });
  });

  it('an agent marked offline by someone else stays that way', async () => {
    await withAgents([{ name: 'agent-01', temporarilyOffline: true, offlineCauseReason: 'disk replacement — ops' }], async (fake, client) => {
      const rec = recorder();
      const r = await client.restartAgent('agent-01', { ...WHO, onStep: rec.onStep });
      assert.deepEqual(rec.finished(), ['mark-offline:skipped', 'drain:done', 'restart:done', 'wait-online:done', 'mark-online:skipped']);
      assert.match(r.summary, /left temporarily offline as it was before \("disk replacement — ops"\)/);
      assert.equal(fake.node('agent-01').temporarilyOffline, true);
      assert.equal(fake.requestsTo('POST', '/computer/agent-01/toggleOffline').length, 0);
    });
  });

  it('an inbound agent is not launched by Jenkins: it reconnects by itself', async () => {
    await withAgents([{ name: 'agent-ws', launchSupported: false, reconnectMs: 40 }], async (fake, client) => {
      const rec = recorder();
      await client.restartAgent('agent-ws', { ...WHO, onStep: rec.onStep });
      assert.match(rec.events.find((e) => e.step === 'restart' && e.status === 'done')?.detail ?? '', /inbound agent reconnects by itself/);
      assert.equal(fake.requestsTo('POST', '/computer/agent-ws/launchSlaveAgent').length, 0);
      assert.equal(fake.node('agent-ws').connected, true);
      assert.equal(fake.node('agent-ws').temporarilyOffline, false);
    });
  });

  it('refuses the built-in node and unknown agents without changing anything', async () => {
    await withAgents([{ name: 'x', builtIn: true }], async (fake, client) => {
      await assert.rejects(client.restartAgent('(built-in)', WHO), /built-in node, not an agent/);
      await assert.rejects(client.restartAgent('agent-99', WHO), /Jenkins has no agent named 'agent-99'/);
      assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 0);
    });
  });

  it('a missing Agent/Connect permission is named and the node restored', async () => {
    await withAgents(
      [{ name: 'agent-01' }],
      async (fake, client) => {
        await assert.rejects(client.restartAgent('agent-01', WHO), (e: unknown) => {
          assert.ok(e instanceof AgentRestartError);
          assert.match(
            e.message,
            /lacks the Agent\/Connect \(hudson\.model\.Computer\.Connect\) permission needed for POST \/computer\/agent-01\/launchSlaveAgent/,
          );
          assert.match(e.message, /still marked temporarily offline by buildfix/);
          return true;
        });
        assert.equal(fake.node('agent-01').temporarilyOffline, true);
      },
      { users: [{ user: 'buildfix', token: 'tok-abcdef0123456789', denied: ['hudson.model.Computer.Connect'] }] },
    );
  });
});
