/**
 * The Redis store's write of a fix verification (fix-verification-state.ts):
 * a compare-and-set on the incident hash, so a build result arriving through
 * one serve replica and a re-check finishing on another never overwrite each
 * other (the loser reads again and re-applies its change).
 *
 * KEYS: incident hash, timeline. ARGV: expected revision ('0': none yet),
 * verification JSON, its revision, then the entries to RPUSH.
 * Returns -1 (no such incident), -3 (the stored revision differs) or HGETALL.
 */
import { LuaScript } from '../redis/lua-script.ts';

export const VERIFY_SCRIPT = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local current = redis.call('HGET', KEYS[1], 'verificationRev') or '0'
if current ~= ARGV[1] then return -3 end
redis.call('HSET', KEYS[1], 'verification', ARGV[2], 'verificationRev', ARGV[3])
for i = 4, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
return redis.call('HGETALL', KEYS[1])
`);
