-- The relay of a call, kept in the call's hash (fields relay, relay-town).
-- ARGV: 'replace', call id, expected relay ('' = none), next relay ('' = none), next town: sets it only if the call
--   is live and its relay is the expected one; returns 1 if set, else 0.
-- ARGV: 'owned', node, relay id: the calls the node owns on that relay, as {call id, town}.
if ARGV[1] == 'replace' then
  local h = P .. 'call:' .. ARGV[2]
  if redis.call('EXISTS', h) == 0 or (redis.call('HGET', h, 'relay') or '') ~= ARGV[3] then
    return 0
  end
  if ARGV[4] == '' then
    redis.call('HDEL', h, 'relay', 'relay-town')
  else
    redis.call('HSET', h, 'relay', ARGV[4], 'relay-town', ARGV[5])
  end
  return 1
end
return collect(redis.call('SMEMBERS', P .. 'node-calls:' .. ARGV[2]), function(id)
  local r = redis.call('HMGET', P .. 'call:' .. id, 'relay', 'relay-town')
  if r[1] ~= ARGV[3] then
    return false
  end
  return {id, r[2] or ''}
end)
