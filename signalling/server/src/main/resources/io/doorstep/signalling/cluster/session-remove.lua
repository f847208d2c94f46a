-- ARGV: identity, node, session id. Forgets the identity's session only if it is still this one (a newer sign-in on
-- another node has replaced it otherwise).
local identity, node = ARGV[1], ARGV[2]
if redis.call('HGET', P .. 'sessions', identity) ~= node .. '\t' .. ARGV[3] then
  return 0
end
redis.call('HDEL', P .. 'sessions', identity)
redis.call('SREM', P .. 'node-identities:' .. node, identity)
return 1
