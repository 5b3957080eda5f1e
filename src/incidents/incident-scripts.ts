/**
 * Lua scripts of the Redis incident store: each read-check-write runs as one
 * script, so concurrent webhook deliveries and chat commands never interleave
 * (two failures of one pipeline cannot open two incidents; a status change
 * cannot land on an incident that was resolved a millisecond earlier).
 *
 * Per-id keys are built inside the scripts from "<prefix>:incidents:" (ARGV),
 * as BullMQ's scripts do: every key shares the prefix's {hash tag}, so a
 * script still touches a single Redis Cluster slot.
 */
import { LuaScript } from '../redis/lua-script.ts';

export const PRELUDE = `
local function hsetmap(key, json)
  local m = cjson.decode(json)
  local flat = {}
  for k, v in pairs(m) do
    flat[#flat + 1] = k
    flat[#flat + 1] = v
  end
  if #flat > 0 then redis.call('HSET', key, unpack(flat)) end
end
local function hsetnxmap(key, json)
  local m = cjson.decode(json)
  for k, v in pairs(m) do redis.call('HSETNX', key, k, v) end
end
`;

/**
 * Opens an incident.
 * KEYS: seq, open set. ARGV: base, fields JSON, first entry JSON,
 * pipeline key name or '' (SET NX), thread key name or ''.
 * Returns HGETALL of the new incident.
 */
export const OPEN_SCRIPT = new LuaScript(`${PRELUDE}
local base = ARGV[1]
local id = redis.call('INCR', KEYS[1])
local key = base .. id
hsetmap(key, ARGV[2])
redis.call('HSET', key, 'id', id)
redis.call('ZADD', KEYS[2], id, id)
redis.call('RPUSH', key .. ':timeline', ARGV[3])
if ARGV[4] ~= '' then redis.call('SET', ARGV[4], id, 'NX') end
if ARGV[5] ~= '' then redis.call('SET', ARGV[5], id) end
return redis.call('HGETALL', key)
`);

/**
 * Groups a CI failure into the pipeline's open incident, or opens one.
 * KEYS: seq, open set, pipeline key. ARGV: base, fields JSON (new incident),
 * opening entry JSON, now, grouped entry head, grouped entry tail (the
 * grouped entry is head .. newCount .. tail).
 * Returns {'grouped'|'opened', HGETALL}.
 */
export const CI_FAILURE_SCRIPT = new LuaScript(`${PRELUDE}
local base = ARGV[1]
local id = redis.call('GET', KEYS[3])
if id then
  local key = base .. id
  local status = redis.call('HGET', key, 'status')
  if status and status ~= 'resolved' then
    local count = redis.call('HINCRBY', key, 'failureCount', 1)
    redis.call('HSET', key, 'lastFailureAt', ARGV[4])
    redis.call('RPUSH', key .. ':timeline', ARGV[5] .. count .. ARGV[6])
    return {'grouped', redis.call('HGETALL', key)}
  end
end
id = redis.call('INCR', KEYS[1])
local key = base .. id
hsetmap(key, ARGV[2])
redis.call('HSET', key, 'id', id, 'failureCount', 1, 'lastFailureAt', ARGV[4])
redis.call('ZADD', KEYS[2], id, id)
redis.call('RPUSH', key .. ':timeline', ARGV[3])
redis.call('SET', KEYS[3], id)
return {'opened', redis.call('HGETALL', key)}
`);

/**
 * A success of a pipeline with an open incident.
 * KEYS: pipeline key. ARGV: base, entry JSON, now.
 * Returns HGETALL, or nil when no incident is open for the pipeline.
 */
export const CI_RECOVERY_SCRIPT = new LuaScript(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
local key = ARGV[1] .. id
local status = redis.call('HGET', key, 'status')
if not status or status == 'resolved' then return false end
redis.call('HSET', key, 'lastRecoveryAt', ARGV[3])
redis.call('RPUSH', key .. ':timeline', ARGV[2])
return redis.call('HGETALL', key)
`);

/**
 * Generic guarded update.
 * KEYS: incident hash, timeline. ARGV: mode ('any' | 'open': refuse a
 * resolved incident), HSET JSON, HSETNX JSON (skipped once resolved),
 * promoteFrom, promoteTo, promote entry JSON (status promoteFrom → promoteTo
 * with that entry; '' for none), extra key, extra value (SET; '' for none),
 * then the entries to RPUSH.
 * Returns -1 (no such incident), -2 (resolved, mode 'open') or HGETALL.
 */
export const UPDATE_SCRIPT = new LuaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local status = redis.call('HGET', KEYS[1], 'status')
if ARGV[1] == 'open' and status == 'resolved' then return -2 end
hsetmap(KEYS[1], ARGV[2])
if status ~= 'resolved' then hsetnxmap(KEYS[1], ARGV[3]) end
for i = 9, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
if ARGV[4] ~= '' and status == ARGV[4] then
  redis.call('HSET', KEYS[1], 'status', ARGV[5])
  redis.call('RPUSH', KEYS[2], ARGV[6])
end
if ARGV[7] ~= '' then redis.call('SET', ARGV[7], ARGV[8]) end
return redis.call('HGETALL', KEYS[1])
`);

/**
 * Resolves an incident and frees its pipeline key (only if it still points here).
 * KEYS: incident hash, timeline, open set. ARGV: pipeline key prefix
 * ("<base>pipeline:"), HSET JSON, entry JSON, id.
 * Returns -1 (no such incident) or {1 | 0 (already resolved), HGETALL}.
 */
export const RESOLVE_SCRIPT = new LuaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') == 'resolved' then return {0, redis.call('HGETALL', KEYS[1])} end
hsetmap(KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[4])
local pk = redis.call('HGET', KEYS[1], 'pipelineKey')
if pk then
  local pkey = ARGV[1] .. pk
  if redis.call('GET', pkey) == ARGV[4] then redis.call('DEL', pkey) end
end
redis.call('RPUSH', KEYS[2], ARGV[3])
return {1, redis.call('HGETALL', KEYS[1])}
`);
