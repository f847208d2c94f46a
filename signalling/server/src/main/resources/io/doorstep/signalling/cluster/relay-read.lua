-- ARGV: 'all', or 'one' and a relay id. Returns the live ones as {report JSON, received at}; 'all' also drops the
-- relays whose key has expired (missed three reports) from the index.
local ids = ARGV[1] == 'one' and {ARGV[2]} or redis.call('SMEMBERS', P .. 'relays')
return collect(ids, function(id)
  local r = redis.call('HMGET', P .. 'relay:' .. id, 'load', 'receivedAt')
  if not r[1] then
    if ARGV[1] == 'all' then
      redis.call('SREM', P .. 'relays', id)
    end
    return false
  end
  return r
end)
