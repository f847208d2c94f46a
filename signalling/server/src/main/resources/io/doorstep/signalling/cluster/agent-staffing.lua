-- ARGV: skill group. Returns {available, staffed}.
return {redis.call('ZCARD', P .. 'available:' .. ARGV[1]), redis.call('SCARD', P .. 'staffed:' .. ARGV[1])}
