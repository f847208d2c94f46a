-- ARGV: call id, skill group, priority ('1' or '0'), enqueued at. Priority calls score below every normal call, then
-- arrival order from one counter shared by all nodes. Returns the order.
local id, group = ARGV[1], ARGV[2]
local order = redis.call('INCR', P .. 'queue-seq')
local score = order + (ARGV[3] == '1' and 0 or 1e15)
redis.call('ZADD', P .. 'queue:' .. group, score, id)
redis.call('HSET', P .. 'queue-entries', id, group .. '\t' .. ARGV[3] .. '\t' .. ARGV[4] .. '\t' .. order)
redis.call('SADD', P .. 'queue-groups', group)
return order
