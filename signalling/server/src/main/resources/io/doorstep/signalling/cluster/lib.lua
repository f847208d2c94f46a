-- Shared by every Doorstep script (prepended to each). KEYS[1] is the key base "{prefix}:"; every key is derived
-- from it, as RedisKeys.java does, so all of them share one hash tag (one Redis Cluster slot).
local P = KEYS[1]

local function split(csv)
  local out = {}
  for item in string.gmatch(csv or '', '[^,]+') do
    out[#out + 1] = item
  end
  return out
end

-- The rows read(id) gives for each id, skipping ids whose key is gone.
local function collect(ids, read)
  local out = {}
  for _, id in ipairs(ids) do
    local row = read(id)
    if row then
      out[#out + 1] = row
    end
  end
  return out
end

-- Agents: a hash per agent plus three indexes kept in step: the agents of each state, each skill group's routable
-- agents by idle time, and each skill group's agents on duty.
local AGENT_FIELDS = {'skills', 'state', 'since', 'idle', 'call', 'online'}

local function agent_unindex(id)
  local old = redis.call('HMGET', P .. 'agent:' .. id, 'skills', 'state')
  if not old[2] then
    return false
  end
  redis.call('SREM', P .. 'agents:' .. old[2], id)
  for _, g in ipairs(split(old[1])) do
    redis.call('ZREM', P .. 'available:' .. g, id)
    redis.call('SREM', P .. 'staffed:' .. g, id)
  end
  return true
end

-- a: the six fields in AGENT_FIELDS order
local function agent_write(id, a)
  agent_unindex(id)
  local h = P .. 'agent:' .. id
  redis.call('HSET', h, 'skills', a[1], 'state', a[2], 'since', a[3], 'idle', a[4], 'call', a[5], 'online', a[6])
  redis.call('SADD', P .. 'agents', id)
  redis.call('SADD', P .. 'agents:' .. a[2], id)
  for _, g in ipairs(split(a[1])) do
    if a[6] == '1' and a[2] == 'AVAILABLE' then
      redis.call('ZADD', P .. 'available:' .. g, tonumber(a[4]), id)
    end
    if a[6] == '1' and a[2] ~= 'AWAY' then
      redis.call('SADD', P .. 'staffed:' .. g, id)
    end
  end
end

local function agent_read(id)
  local a = redis.call('HMGET', P .. 'agent:' .. id, unpack(AGENT_FIELDS))
  if not a[2] then
    return false
  end
  table.insert(a, 1, id)
  return a
end

-- Calls: a hash per call; the set of live calls; the parties index (identity -> call); each node's own calls.
local CALL_FIELDS = {'station', 'item', 'group', 'priority', 'state', 'queuedAt', 'offeredTo', 'offeredAt',
  'offers', 'rejectedBy', 'agent', 'connectedAt', 'endedAt', 'endReason', 'cause'}

local function current_agent(agent, offered_to)
  if agent and agent ~= '' then
    return agent
  end
  return offered_to or ''
end

-- c: the fifteen fields in CALL_FIELDS order; node: the node that owns the call if it is new
local function call_write(id, c, node)
  local h = P .. 'call:' .. id
  local old = redis.call('HMGET', h, 'agent', 'offeredTo', 'node')
  local old_agent = current_agent(old[1], old[2])
  local new_agent = current_agent(c[11], c[7])
  if old_agent ~= '' and old_agent ~= new_agent and redis.call('HGET', P .. 'parties', old_agent) == id then
    redis.call('HDEL', P .. 'parties', old_agent)
  end
  local args = {}
  for i, f in ipairs(CALL_FIELDS) do
    args[#args + 1] = f
    args[#args + 1] = c[i]
  end
  redis.call('HSET', h, unpack(args))
  if not old[3] then
    redis.call('HSET', h, 'node', node)
    redis.call('SADD', P .. 'node-calls:' .. node, id)
  end
  redis.call('SADD', P .. 'calls', id)
  redis.call('HSET', P .. 'parties', c[1], id)
  if new_agent ~= '' then
    redis.call('HSET', P .. 'parties', new_agent, id)
  end
end

local function call_read(id)
  local c = redis.call('HMGET', P .. 'call:' .. id, unpack(CALL_FIELDS))
  if not c[1] then
    return false
  end
  table.insert(c, 1, id)
  c[#c + 1] = redis.call('HGET', P .. 'call:' .. id, 'node')
  return c
end
