-- ARGV: agent states. Returns the number of agents in each, in that order (the gauges, in one round trip).
local counts = {}
for i, state in ipairs(ARGV) do
  counts[i] = redis.call('SCARD', P .. 'agents:' .. state)
end
return counts
