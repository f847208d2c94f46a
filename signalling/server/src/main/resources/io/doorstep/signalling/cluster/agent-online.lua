-- Sets only an agent's online flag (its connection dropped or came back), leaving its state as it is now: a claim by
-- another node in between is kept. ARGV: agent id, '1' or '0'. Returns the agent as {id, six fields}, or nothing if
-- it is gone.
local id = ARGV[1]
local a = agent_read(id)
if not a then
  return {}
end
agent_write(id, {a[2], a[3], a[4], a[5], a[6], ARGV[2]})
return {agent_read(id)}
