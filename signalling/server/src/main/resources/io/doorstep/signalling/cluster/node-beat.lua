-- ARGV: node id, instance token, ttl ms, now ms. Returns 1 when renewed, 2 when the key had lapsed and the node joined
-- again, 0 when it has been taken for dead (another instance holds the key, or a survivor reclaimed the node) and
-- must not go on as if it owned anything.
local id = ARGV[1]
local key = P .. 'node:' .. id
local holder = redis.call('GET', key)
if holder == ARGV[2] then
  redis.call('PEXPIRE', key, ARGV[3])
  redis.call('ZADD', P .. 'nodes', ARGV[4], id)
  return 1
end
if holder then
  return 0
end
-- Lapsed: Redis was away longer than the timeout, or came back without its data. Still in 'nodes' means nobody has
-- reclaimed it (reclaim and this script exclude each other); in neither set means Redis lost everything. Both: rejoin.
if redis.call('ZSCORE', P .. 'nodes', id) or redis.call('SISMEMBER', P .. 'joined', id) == 0 then
  redis.call('SET', key, ARGV[2], 'PX', ARGV[3])
  redis.call('ZADD', P .. 'nodes', ARGV[4], id)
  redis.call('SADD', P .. 'joined', id)
  return 2
end
return 0
