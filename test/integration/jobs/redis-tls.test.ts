/**
 * REDIS_URL=rediss://… against a real redis-server with TLS on (a test CA):
 * a worker connects and registers and `buildfix status` sees it when the CA
 * is trusted (NODE_EXTRA_CA_CERTS, as on a host with a private CA); without
 * the CA, status fails within seconds with one line naming the certificate
 * problem, never a hang or a stack trace.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { JobSystemStatus } from '../../../src/jobs/job-types.ts';
import { createTestCa, issueCertificate, type TestCa } from '../../fakes/tls-server.ts';
import { freePort, inheritedEnv, NODE, ROOT, spawnWorker, uniquePrefix, waitUntil, type WorkerProcess } from '../../helpers/jobs-harness.ts';

const run = promisify(execFile);
const HOST = 'tls-agent';

describe('Redis over TLS (rediss://)', { timeout: 60_000 }, () => {
  let ca: TestCa;
  let redis: ChildProcess;
  let url: string;
  let worker: WorkerProcess | undefined;
  const prefix = uniquePrefix('tls');

  before(async () => {
    ca = await createTestCa({ commonName: 'buildfix test Redis CA' });
    const leaf = await issueCertificate(ca, ['127.0.0.1', 'localhost']);
    await writeFile(join(ca.dir, 'redis.pem'), leaf.certPem);
    await writeFile(join(ca.dir, 'redis.key'), leaf.keyPem, { mode: 0o600 });
    const port = await freePort();
    redis = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--tls-cert-file',
        join(ca.dir, 'redis.pem'),
        '--tls-key-file',
        join(ca.dir, 'redis.key'),
        '--tls-ca-cert-file',
        ca.certPath,
        '--tls-auth-clients',
        'no',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        ca.dir,
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    redis.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    url = `rediss://127.0.0.1:${port}`;
    // Ready when it accepts a TLS connection and answers PING.
    await waitUntil(
      `redis-server with TLS on port ${port} (${err.trim() || 'no output'})`,
      async () => {
        if (redis.exitCode !== null) throw new Error(`redis-server exited: ${err}`);
        try {
          const { stdout } = await run('redis-cli', ['--tls', '--cacert', ca.certPath, '-h', '127.0.0.1', '-p', String(port), 'ping'], { timeout: 2000 });
          return stdout.trim() === 'PONG';
        } catch {
          return false;
        }
      },
      15_000,
      100,
    );
  });

  after(async () => {
    await worker?.stop();
    if (redis && redis.exitCode === null) {
      const exited = once(redis, 'exit');
      redis.kill('SIGKILL');
      await exited;
    }
    await ca?.dispose();
  });

  const trusted = (): Record<string, string> => ({ REDIS_URL: url, REDIS_PREFIX: prefix, NODE_EXTRA_CA_CERTS: ca.certPath });

  it('a worker connects and registers, and status (another process) lists it, with the CA trusted through NODE_EXTRA_CA_CERTS', async () => {
    worker = spawnWorker(HOST, trusted());
    await waitUntil('the worker to be ready', () => /"msg":"worker ready"/.test(worker?.logs() ?? ''), 20_000, 100);
    const { stdout } = await run(NODE, ['bin/buildfix.js', 'status', '--json'], { cwd: ROOT, env: { ...inheritedEnv(), ...trusted() } });
    const status = JSON.parse(stdout) as JobSystemStatus;
    const w = status.workers.find((x) => x.host === HOST);
    assert.ok(w, stdout);
    assert.ok(Date.now() - Date.parse(w.lastSeen) < 15_000, 'its heartbeat is fresh');
  });

  it('without the CA: status fails fast with one line about the certificate', async () => {
    const started = Date.now();
    const res = await run(NODE, ['bin/buildfix.js', 'status'], { cwd: ROOT, env: { ...inheritedEnv(), REDIS_URL: url, REDIS_PREFIX: prefix } }).then(
      () => assert.fail('status should fail when the server certificate is not trusted'),
      (e: { code?: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(res.code, 2, res.stderr);
    assert.ok(Date.now() - started < 20_000, 'fails within seconds');
    assert.match(res.stderr, /certificate|self.signed|unable to (get|verify)/i, res.stderr);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
  });
});
