/**
 * HttpClient.sends: the diagnosis starts `go` once the first wave of module
 * requests is on the wire. That moment must come while the answers are still
 * outstanding, and must come even when requests fail before being sent.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../../src/goproxy/http-client.ts';

describe('HttpClient.sends.whenAllSent', () => {
  let url: string;
  let arrived = 0;
  const server = createHttpServer((_req, res) => {
    arrived++;
    setTimeout(() => res.end('ok\n'), 400);
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('resolves when every request in flight has been sent, long before the answers', async () => {
    arrived = 0;
    const client = new HttpClient({ maxConcurrent: 8, timeoutMs: 5_000 });
    try {
      const sent = client.sends.whenAllSent().then(() => ({ at: performance.now(), answered }));
      let answered = 0;
      const started = performance.now();
      const requests = Array.from({ length: 20 }, (_, i) => client.get(`${url}/m${i}/@v/v1.0.0.mod`).then(() => answered++));
      const { at, answered: answeredBefore } = await sent;
      assert.equal(answeredBefore, 0, 'resolved only after answers came in');
      assert.ok(at - started < 300, `took ${Math.round(at - started)} ms`);
      // The first 8 (the client's limit) were on the wire; the rest wait for a slot.
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(arrived, 8);
      await Promise.all(requests);
      assert.equal(answered, 20);
    } finally {
      await client.close();
    }
  });

  it('resolves when requests fail before they could be sent (connection refused)', async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const client = new HttpClient({ timeoutMs: 5_000 });
    try {
      const sent = client.sends.whenAllSent();
      const failures = await Promise.allSettled([1, 2, 3].map((i) => client.get(`http://127.0.0.1:${port}/m${i}/@v/list`)));
      assert.ok(failures.every((f) => f.status === 'rejected'));
      await sent;
    } finally {
      await client.close();
    }
  });
});
