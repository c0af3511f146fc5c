// The allocation runs as one Lua script, so Redis executes the whole check-and-add without any
// other command in between: replicas racing for the last slot cannot both see it free.
//
// KEYS[1]  sorted set: token -> lease expiry (ms since the epoch)
// KEYS[2]  hash: token -> project it is charged to (only for tokens allocated with a project)
// ARGV     token, now, new expiry, quota, project id ("" for none), project max
// Returns  "granted" | "exhausted" | "project-quota-exceeded"
export const allocateScript = `
local tokens, owners = KEYS[1], KEYS[2]
local token, now, expiry = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local quota, project, projectMax = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])

-- Tokens whose lease ran out give their slot back first.
local expired = redis.call('ZRANGEBYSCORE', tokens, '-inf', now)
for _, gone in ipairs(expired) do
  redis.call('ZREM', tokens, gone)
  redis.call('HDEL', owners, gone)
end

-- A token that already holds a slot keeps it; allocating again renews the lease.
if redis.call('ZSCORE', tokens, token) then
  redis.call('ZADD', tokens, expiry, token)
  return 'granted'
end

if redis.call('ZCARD', tokens) >= quota then
  return 'exhausted'
end

if project ~= '' then
  local charged = 0
  for _, owner in ipairs(redis.call('HVALS', owners)) do
    if owner == project then charged = charged + 1 end
  end
  if charged >= projectMax then
    return 'project-quota-exceeded'
  end
  redis.call('HSET', owners, token, project)
end
redis.call('ZADD', tokens, expiry, token)
return 'granted'
`;

// Removes one token from both structures; the hash entry must not outlive the slot.
// KEYS as above; ARGV[1] token.
export const releaseScript = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 0
`;
