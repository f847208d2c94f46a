-- ARGV: relay id, sentAt, '1' if leaving else '0', TTL (ms), the report as JSON, received at (ms).
-- Returns 0: older than the report held (or a goodbye from a relay not held), nothing changed; 1: taken;
-- 2: the relay left and is forgotten; 3: taken, the relay is new.
local id = ARGV[1]
local h = P .. 'relay:' .. id
local held = redis.call('HGET', h, 'sentAt')
if held and tonumber(held) >= tonumber(ARGV[2]) then
  return 0
end
if ARGV[3] == '1' then
  if not held then
    return 0
  end
  redis.call('DEL', h)
  redis.call('SREM', P .. 'relays', id)
  return 2
end
redis.call('HSET', h, 'sentAt', ARGV[2], 'load', ARGV[5], 'receivedAt', ARGV[6])
redis.call('PEXPIRE', h, ARGV[4])
redis.call('SADD', P .. 'relays', id)
if held then
  return 1
end
return 3
