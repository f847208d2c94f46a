-- ARGV: node id, instance token, ttl ms, now ms. Returns 0 if the key lapsed or another instance holds it: this node
-- has been taken for dead and must not go on as if it owned anything.
local key = P .. 'node:' .. ARGV[1]
if redis.call('GET', key) ~= ARGV[2] then
  return 0
end
redis.call('PEXPIRE', key, ARGV[3])
redis.call('ZADD', P .. 'nodes', ARGV[4], ARGV[1])
return 1
