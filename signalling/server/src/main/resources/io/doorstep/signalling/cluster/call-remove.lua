-- ARGV: call id
local id = ARGV[1]
local h = P .. 'call:' .. id
local old = redis.call('HMGET', h, 'station', 'agent', 'offeredTo', 'node')
if not old[1] then
  return 0
end
for _, party in ipairs({old[1], current_agent(old[2], old[3])}) do
  if party ~= '' and redis.call('HGET', P .. 'parties', party) == id then
    redis.call('HDEL', P .. 'parties', party)
  end
end
redis.call('DEL', h)
redis.call('SREM', P .. 'calls', id)
redis.call('SREM', P .. 'node-calls:' .. old[4], id)
return 1
