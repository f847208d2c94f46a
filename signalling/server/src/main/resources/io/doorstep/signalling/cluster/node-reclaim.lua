-- ARGV: dead node, reclaiming node. If the dead node's key is still gone and no other node has reclaimed it yet,
-- its calls become the reclaiming node's and the sessions it held are forgotten. Exactly one node wins.
-- Returns {call ids, identities}, or {} if the node is alive or already reclaimed.
local dead, me = ARGV[1], ARGV[2]
if redis.call('EXISTS', P .. 'node:' .. dead) == 1 or redis.call('ZREM', P .. 'nodes', dead) == 0 then
  return {}
end
local calls = redis.call('SMEMBERS', P .. 'node-calls:' .. dead)
for _, id in ipairs(calls) do
  redis.call('HSET', P .. 'call:' .. id, 'node', me)
  redis.call('SADD', P .. 'node-calls:' .. me, id)
end
redis.call('DEL', P .. 'node-calls:' .. dead)
local identities = {}
for _, identity in ipairs(redis.call('SMEMBERS', P .. 'node-identities:' .. dead)) do
  local where = redis.call('HGET', P .. 'sessions', identity)
  if where and string.match(where, '^([^\t]*)\t') == dead then
    redis.call('HDEL', P .. 'sessions', identity)
    identities[#identities + 1] = identity
  end
end
redis.call('DEL', P .. 'node-identities:' .. dead)
return {calls, identities}
