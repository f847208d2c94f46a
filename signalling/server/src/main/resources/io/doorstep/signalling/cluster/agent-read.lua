-- ARGV: 'one' and an agent id, 'available', a skill group and the first and last rank (ZRANGE's start and stop:
-- 0 and -1 for all), or 'all'. Returns agents as {id, six fields}.
local ids
if ARGV[1] == 'one' then
  ids = {ARGV[2]}
elseif ARGV[1] == 'available' then
  ids = redis.call('ZRANGE', P .. 'available:' .. ARGV[2], ARGV[3], ARGV[4])
else
  ids = redis.call('SMEMBERS', P .. 'agents')
end
return collect(ids, agent_read)
