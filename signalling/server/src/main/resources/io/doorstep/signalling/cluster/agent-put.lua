-- ARGV: agent id, then its six fields (skills, state, since, idle, call, online)
agent_write(ARGV[1], {ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]})
return 1
