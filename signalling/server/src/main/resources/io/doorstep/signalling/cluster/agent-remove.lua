-- ARGV: agent id
agent_unindex(ARGV[1])
redis.call('DEL', P .. 'agent:' .. ARGV[1])
redis.call('SREM', P .. 'agents', ARGV[1])
return 1
