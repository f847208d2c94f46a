-- ARGV: identity, node, session id. Records where the identity's session is held; returns where the previous one
-- was ("node TAB session id"), or false.
local identity, node = ARGV[1], ARGV[2]
local previous = redis.call('HGET', P .. 'sessions', identity)
redis.call('HSET', P .. 'sessions', identity, node .. '\t' .. ARGV[3])
redis.call('SADD', P .. 'node-identities:' .. node, identity)
if previous then
  local previous_node = string.match(previous, '^([^\t]*)\t')
  if previous_node ~= node then
    redis.call('SREM', P .. 'node-identities:' .. previous_node, identity)
  end
end
return previous
