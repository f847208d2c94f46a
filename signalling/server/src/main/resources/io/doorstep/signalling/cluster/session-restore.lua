-- ARGV: identity, node, session id. After an outage, records where a session of this node is, unless Redis names
-- another node's session for the identity (it signed in there meanwhile): returns that location, or false.
local identity, node = ARGV[1], ARGV[2]
local current = redis.call('HGET', P .. 'sessions', identity)
if current and string.match(current, '^([^\t]*)\t') ~= node then
  return current
end
redis.call('HSET', P .. 'sessions', identity, node .. '\t' .. ARGV[3])
redis.call('SADD', P .. 'node-identities:' .. node, identity)
return false
