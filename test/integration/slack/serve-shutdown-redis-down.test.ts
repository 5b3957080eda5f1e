/**
 * SIGTERM stops a Redis-mode `buildfix serve` within seconds whether Redis answers or not (real processes, the
 * Slack fake, the default grace period). With Redis unreachable (REDIS_URL on a closed port), the health digest's
 * scheduler set-up waits for Redis's return and the shutdown used to wait with it until the handler thread was
 * terminated (about 18 s); with Redis up and the digest scheduled, the graceful close still runs and exits 0.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { deletePrefix, REDIS_URL, slackEnv, startServe, uniquePrefix, workDirWithConfig, type ServeHandle } from '../../helpers/slack-processes.ts';
import { eventually } from '../incident-flow/harness.ts';

/** Longer than a clean shutdown takes on a busy machine, far shorter than the handler thread's 8 s backstop. */
const EXIT_BOUND_MS = 5000;

/** SIGTERM, then the exit code and how long the exit took (SIGKILL after 30 s, so a hang shows as a long time). */
async function timedStop(serve: ServeHandle): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const code = await serve.stop(30_000);
  return { code, ms: Date.now() - started };
}

describe('buildfix serve (Redis mode) exits promptly on SIGTERM', { timeout: 90_000 }, () => {
  let slack: SlackApiFake;
  let work: string;
  let configPath: string;
  let serve: ServeHandle | undefined;
  const prefix = uniquePrefix();

  before(async () => {
    slack = await startSlackApiFake();
    ({ work, configPath } = await workDirWithConfig('serve-shutdown', 'repos: {}\n'));
  });

  after(async () => {
    serve?.kill();
    await slack?.close();
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
  });

  it('Redis unreachable: exits 0 within the bound', async () => {
    const closed = await freePort();
    serve = await startServe(
      { REDIS_URL: `redis://127.0.0.1:${closed}`, REDIS_PREFIX: prefix, BUILDFIX_CONFIG: configPath, ...slackEnv(slack) },
      await freePort(),
    );
    // The handler thread has tried Redis (and keeps its set-up waiting for it).
    await eventually('a refused Redis connection in the log', () => /Redis connection problem/.test(serve?.output() ?? ''));
    const { code, ms } = await timedStop(serve);
    assert.equal(code, 0, serve.output().slice(-3000));
    assert.ok(ms < EXIT_BOUND_MS, `exit took ${ms} ms after SIGTERM`);
    assert.match(serve.output(), /signal received: shutting down/);
  });

  it('Redis up, the health digest scheduled: the graceful close still exits 0 within the bound', async () => {
    const digestConfig = join(work, 'digest.yaml');
    await writeFile(digestConfig, "repos: {}\nhealth:\n  digest:\n    channel: C0DIGEST\n    cron: '0 9 * * 1'\n");
    serve = await startServe({ REDIS_URL, REDIS_PREFIX: prefix, BUILDFIX_CONFIG: digestConfig, ...slackEnv(slack) }, await freePort());
    await eventually('the digest to be scheduled', () => /health digest scheduled/.test(serve?.output() ?? ''));
    const { code, ms } = await timedStop(serve);
    assert.equal(code, 0, serve.output().slice(-3000));
    assert.ok(ms < EXIT_BOUND_MS, `exit took ${ms} ms after SIGTERM`);
    assert.doesNotMatch(serve.output(), /"level":(50|60)/, 'no error logged');
  });
});
