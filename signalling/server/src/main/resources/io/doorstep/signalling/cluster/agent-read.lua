-- ARGV: 'one' and an agent id, 'available' and a skill group, or 'all'. Returns agents as {id, six fields}.
local ids
if ARGV[1] == 'one' then
  ids = {ARGV[2]}
elseif ARGV[1] == 'available' then
  ids = redis.call('ZRANGE', P .. 'available:' .. ARGV[2], 0, -1)
else
  ids = redis.call('SMEMBERS', P .. 'agents')
end
return collect(ids, agent_read)
