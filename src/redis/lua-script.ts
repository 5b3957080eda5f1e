/**
 * A Lua script run with EVALSHA (falling back to EVAL once after a Redis
 * restart or SCRIPT FLUSH). Unlike ioredis' defineCommand it leaves the
 * client untouched, so a connection shared with BullMQ gains no commands.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export class LuaScript {
  readonly source: string;
  readonly sha: string;

  constructor(source: string) {
    this.source = source;
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('NOSCRIPT')) throw err;
      // EVAL also caches the script, so the next call's EVALSHA succeeds.
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
