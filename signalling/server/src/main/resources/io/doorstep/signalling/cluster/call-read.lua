-- ARGV: 'one' and a call id, 'many' and call ids, 'party' and an identity, or 'all'.
-- Returns the live ones as {id, fifteen fields, node}.
local ids
if ARGV[1] == 'one' then
  ids = {ARGV[2]}
elseif ARGV[1] == 'many' then
  ids = {}
  for i = 2, #ARGV do
    ids[#ids + 1] = ARGV[i]
  end
elseif ARGV[1] == 'party' then
  local id = redis.call('HGET', P .. 'parties', ARGV[2])
  ids = id and {id} or {}
else
  ids = redis.call('SMEMBERS', P .. 'calls')
end
return collect(ids, call_read)
