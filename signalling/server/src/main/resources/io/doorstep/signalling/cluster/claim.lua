-- The one step that offers a call to an agent, atomic across all nodes: the call must still be queued (in state and in
-- its queue) and offered to nobody, the agent still available and online; then both are written. No call rings at two
-- agents, no agent is offered two calls. The queue check lets the call's owner end a queued call safely: once it has
-- taken the call out of its queue no node can claim it, and one more read shows whether a claim came first.
-- ARGV: call id, agent id, the offered call's fifteen fields, the ringing agent's six fields.
-- Returns 'claimed', 'call' (the call is gone or taken) or 'agent' (the agent is gone or taken).
local call_id, agent_id = ARGV[1], ARGV[2]
local call = redis.call('HMGET', P .. 'call:' .. call_id, 'state', 'offeredTo')
if call[1] ~= 'QUEUED' or (call[2] and call[2] ~= '') or redis.call('HEXISTS', P .. 'queue-entries', call_id) == 0 then
  return 'call'
end
local agent = redis.call('HMGET', P .. 'agent:' .. agent_id, 'state', 'online')
if agent[1] ~= 'AVAILABLE' or agent[2] ~= '1' then
  return 'agent'
end
local c = {}
for i = 3, 17 do
  c[#c + 1] = ARGV[i]
end
call_write(call_id, c, '')
agent_write(agent_id, {ARGV[18], ARGV[19], ARGV[20], ARGV[21], ARGV[22], ARGV[23]})
return 'claimed'
