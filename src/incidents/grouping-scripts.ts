/**
 * The Lua script that groups a CI failure by its cause (incident-grouping.ts):
 * the read of the cause's incident, the window check and the write run as one
 * script, so failures of one cause arriving at several serve replicas at once
 * open one incident between them.
 */
import { PRELUDE } from './incident-scripts.ts';
import { LuaScript } from '../redis/lua-script.ts';

/**
 * Groups a CI failure into the open incident of its cause (when its last failure is not older than
 * the cutoff), or opens one and points the cause at it. Either way the pipeline key points at the
 * incident (its next success is recorded there) and the blast radius gains the pipeline, repo and agent.
 * KEYS: seq, open set, cause key, pipeline key.
 * ARGV: base, fields JSON (new incident, blast included), opening entry JSON, now, grouped entry head,
 * grouped entry tail (head .. newCount .. tail), cutoff (ISO time), pipeline, repo, agent ('' unknown),
 * max names per list.
 * Returns {'grouped'|'opened', HGETALL}.
 */
export const CI_CAUSE_FAILURE_SCRIPT = new LuaScript(`${PRELUDE}
local base = ARGV[1]
local max = tonumber(ARGV[11])
local function add(list, name)
  for i = 1, #list do
    if list[i] == name then return end
  end
  if #list < max then list[#list + 1] = name end
end
local id = redis.call('GET', KEYS[3])
if id then
  local key = base .. id
  local f = redis.call('HMGET', key, 'status', 'lastFailureAt', 'blast')
  if f[1] and f[1] ~= 'resolved' and f[2] and f[2] >= ARGV[7] then
    local count = redis.call('HINCRBY', key, 'failureCount', 1)
    local ok, b = pcall(cjson.decode, f[3] or '{}')
    if not ok or type(b) ~= 'table' then b = {} end
    local blast = { pipelines = b.pipelines or {}, repos = b.repos or {}, agents = b.agents or {}, agentUnknown = tonumber(b.agentUnknown) or 0 }
    add(blast.pipelines, ARGV[8])
    add(blast.repos, ARGV[9])
    if ARGV[10] == '' then blast.agentUnknown = blast.agentUnknown + 1 else add(blast.agents, ARGV[10]) end
    redis.call('HSET', key, 'lastFailureAt', ARGV[4], 'blast', cjson.encode(blast))
    redis.call('RPUSH', key .. ':timeline', ARGV[5] .. count .. ARGV[6])
    redis.call('SET', KEYS[4], id)
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
redis.call('SET', KEYS[4], id)
return {'opened', redis.call('HGETALL', key)}
`);
