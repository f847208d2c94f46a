-- ARGV: skill group. Returns {call id, entry} pairs in queue order.
local out = {}
for _, id in ipairs(redis.call('ZRANGE', P .. 'queue:' .. ARGV[1], 0, -1)) do
  local entry = redis.call('HGET', P .. 'queue-entries', id)
  if entry then
    out[#out + 1] = {id, entry}
  end
end
return out
