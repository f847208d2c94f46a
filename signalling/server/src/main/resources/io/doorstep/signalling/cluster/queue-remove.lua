-- ARGV: call id. Returns 1 if it was queued.
local id = ARGV[1]
local entry = redis.call('HGET', P .. 'queue-entries', id)
if not entry then
  return 0
end
local group = string.match(entry, '^([^\t]*)\t')
redis.call('HDEL', P .. 'queue-entries', id)
redis.call('ZREM', P .. 'queue:' .. group, id)
if redis.call('ZCARD', P .. 'queue:' .. group) == 0 then
  redis.call('SREM', P .. 'queue-groups', group)
end
return 1
