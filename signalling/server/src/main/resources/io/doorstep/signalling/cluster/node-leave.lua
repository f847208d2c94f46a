-- ARGV: node id, instance token. A node stopping cleanly gives up its liveness key.
local key = P .. 'node:' .. ARGV[1]
if redis.call('GET', key) == ARGV[2] then
  redis.call('DEL', key)
  redis.call('SREM', P .. 'joined', ARGV[1])
end
return 1
