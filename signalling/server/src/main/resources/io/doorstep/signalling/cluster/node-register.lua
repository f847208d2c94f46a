-- ARGV: node id, instance token, ttl ms, now ms. Returns 0 if a live node already uses the id. A registered node is
-- also in 'joined' until it leaves, which tells a lapsed node that was reclaimed from one whose Redis lost its data.
local key = P .. 'node:' .. ARGV[1]
if not redis.call('SET', key, ARGV[2], 'NX', 'PX', ARGV[3]) then
  return 0
end
redis.call('ZADD', P .. 'nodes', ARGV[4], ARGV[1])
redis.call('SADD', P .. 'joined', ARGV[1])
return 1
