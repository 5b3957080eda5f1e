/** The node:http transport on loopback: routing, early 413, answering before acting. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import { MemoryDeliveryDedup } from '../../../src/webhooks/delivery-dedup.ts';
import type { WebhookDeps, WebhookOutcome } from '../../../src/webhooks/handle-webhook.ts';
import { createWebhookListener } from '../../../src/webhooks/webhook-http.ts';
import { githubHeaders, gitlabHeaders, gitlabPipeline, JENKINS_TOKEN, jenkinsNotification, SECRETS, workflowRun } from '../../unit/webhooks/payloads.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function post(port: number, path: string, body: Buffer, headers: Record<string, string>, method = 'POST'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { ...headers, 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook HTTP transport', { timeout: 30_000 }, () => {
  let server: Server;
  let port: number;
  let store: MemoryIncidentStore;
  const outcomes: WebhookOutcome[] = [];
  let releaseOutcome: (() => void) | undefined;
  before(async () => {
    store = new MemoryIncidentStore();
    const deps: WebhookDeps = { secrets: SECRETS, store, dedup: new MemoryDeliveryDedup(), maxBodyBytes: 64 * 1024 };
    server = createServer(
      createWebhookListener(deps, {
        onOutcome: async (o) => {
          outcomes.push(o);
          // A slow Slack post: the sender's response must not wait for it.
          if (releaseOutcome === undefined) await new Promise<void>((r) => (releaseOutcome = r));
        },
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    releaseOutcome?.();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a signed GitHub failure is answered before the outcome is acted on', async () => {
    const body = workflowRun();
    const reply = await post(port, '/webhooks/github', body, githubHeaders(body));
    assert.equal(reply.status, 200);
    assert.equal(reply.body.result, 'opened');
    assert.match(String(reply.headers['content-type']), /^application\/json/);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(outcomes.length, 1, 'the outcome reached the Slack side');
    assert.equal(outcomes[0]?.kind, 'opened');
    releaseOutcome?.();
  });

  it('Jenkins with ?token= in the URL; GitLab with its header', async () => {
    const j = await post(port, `/webhooks/jenkins?token=${JENKINS_TOKEN}`, jenkinsNotification(), { 'content-type': 'application/json;charset=UTF-8' });
    assert.equal(j.status, 200);
    assert.equal(j.body.pipeline, 'jenkins:payments/main');
    const g = await post(port, '/webhooks/gitlab/', gitlabPipeline(), gitlabHeaders());
    assert.equal(g.status, 200);
    const wrong = await post(port, '/webhooks/jenkins?token=nope', jenkinsNotification({ number: 5 }), {});
    assert.equal(wrong.status, 401);
  });

  it('405 for GET, 404 for other paths', async () => {
    const get = await post(port, '/webhooks/github', Buffer.alloc(0), {}, 'GET');
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal((await post(port, '/webhooks/bitbucket', Buffer.from('{}'), {})).status, 404);
  });

  it('a declared Content-Length over the limit is refused without reading the body', async () => {
    const big = Buffer.alloc(200 * 1024, 0x20);
    const reply = await post(port, '/webhooks/github', big, githubHeaders(big));
    assert.equal(reply.status, 413);
    assert.equal(reply.headers.connection, 'close');
    assert.deepEqual(reply.body, { ok: false, error: 'body larger than 65536 bytes' });
  });

  it('a chunked body is cut off once it passes the limit: 413 while the sender is still sending', async () => {
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const total = 32 * 1024 * 1024;
    let sent = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/webhooks/gitlab', method: 'POST', headers: { ...gitlabHeaders(), 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', (err) => (sent < total ? undefined : reject(err)));
      const pump = (): void => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    assert.equal(status, 413);
    assert.ok(sent < total, `the server answered after ${sent} of ${total} bytes`);
  });
});
