/**
 * Redis down in `buildfix shell`: one clear line per problem on the terminal,
 * the pino details (ioredis errors, stacks) in the log file
 * (BUILDFIX_LOG_FILE), never on the prompt.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../helpers/run-cli.ts';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('buildfix shell with Redis unreachable', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-redis-down-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('says it in one line, keeps the stack traces in the log file, exits 1 after the failed command', async () => {
    const logFile = join(work, 'logs', 'shell.log');
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const r = await runCli(['shell'], { REDIS_URL: url, BUILDFIX_LOG_FILE: logFile }, { input: 'status\n', timeoutMs: 30_000 });
    assert.equal(r.exitCode, 1, r.stderr);
    const terminal = `${r.stdout}\n${r.stderr}`;
    assert.match(
      terminal,
      new RegExp(
        `note: Redis at ${url.replace(/[.]/g, '\\.')} does not answer; commands that need it fail until it does \\(details: ${logFile.replace(/[.]/g, '\\.')}\\)\\.`,
      ),
    );
    assert.match(r.stdout, /status failed: Redis at .* is not reachable \(connection refused\)/);
    assert.doesNotMatch(terminal, /"level":|\n\s+at |ECONNREFUSED 127|Stream isn't writeable/);
    assert.ok(terminal.trim().split('\n').length <= 3, terminal);
    const log = await readFile(logFile, 'utf8');
    assert.match(log, /"msg":"Redis connection problem"/);
    assert.match(log, /"level":\d+/);
  });
});
