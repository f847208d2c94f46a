-- Returns the registered nodes whose liveness key has expired.
local out = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'nodes', 0, -1)) do
  if redis.call('EXISTS', P .. 'node:' .. id) == 0 then
    out[#out + 1] = id
  end
end
return out
