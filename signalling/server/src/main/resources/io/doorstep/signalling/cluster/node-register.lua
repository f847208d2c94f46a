-- ARGV: node id, instance token, ttl ms, now ms. Returns 0 if a live node already uses the id.
local key = P .. 'node:' .. ARGV[1]
if not redis.call('SET', key, ARGV[2], 'NX', 'PX', ARGV[3]) then
  return 0
end
redis.call('ZADD', P .. 'nodes', ARGV[4], ARGV[1])
return 1
