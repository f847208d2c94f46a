-- ARGV: owning node (if the call is new), call id, then its fifteen fields
local c = {}
for i = 3, #ARGV do
  c[#c + 1] = ARGV[i]
end
call_write(ARGV[2], c, ARGV[1])
return 1
