-- Writes an agent only if it is still in the state, with the call, since the moment the writer read: another node
-- may have offered it a call or changed it in between, and that newer state must win. Keeps the stored online flag
-- (its own node sets that, with agent-online.lua).
-- ARGV: agent id, expected state, expected call, expected since, then the new skills, state, since, idle, call.
-- Returns 1 if written, 0 if the agent is gone or changed.
local id = ARGV[1]
local now = redis.call('HMGET', P .. 'agent:' .. id, 'state', 'call', 'since', 'online')
if now[1] ~= ARGV[2] or (now[2] or '') ~= ARGV[3] or now[3] ~= ARGV[4] then
  return 0
end
agent_write(id, {ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], now[4]})
return 1
