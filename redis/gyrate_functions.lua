#!lua name=gyrate
-- The gyrate Redis FUNCTION library (Redis 7.0): the only code that changes an account in Redis
-- Cluster. It does compare-and-set, idempotency and the CDR append in one atomic step; rating
-- stays in C++ (docs/operations.md, "Redis Cluster store"). Embedded into gyrate_redis at build
-- time and loaded on every master by RedisStore; bump VERSION with every change of this file.
--
-- Keys of one account, all in the slot of the hash tag {acct:ID}:
--   {acct:ID}            hash: rev (decimal), state (gyrate.store.Account), ids (index lines)
--   {acct:ID}:req:<key>  string with a TTL: the gyrate.store.Answer given to that request
--   {acct:ID}:ses:<id>   string with the same TTL: a request of Diameter session <id> was
--                        answered (how a node that never saw the session recognises it)
--   cdr:{<tag>}          stream: the outbox of the slot (<tag> hashes to the account's slot)

local VERSION = 2

-- Revisions travel as decimal strings: Lua numbers are doubles and lose uint64 precision.
local function revision_of(account)
  return redis.call('HGET', account, 'rev') or '0'
end

local function node()
  return redis.call('CLUSTER', 'MYID')
end

-- KEYS: account, request, outbox[, session marker].
-- ARGV: expected revision, next revision, state, index lines, answer TTL in ms (0: a change
-- without a request, i.e. provisioning: only it writes the index lines), answer, CDRs...
-- Returns {'applied', previous index lines ('' after a request), node} |
--         {'duplicate', stored answer, node} | {'conflict', stored revision, node}, where node
-- is this master's cluster id: the client checks that the WAIT behind the call ran on the same
-- master (a MOVED or ASK sends the call elsewhere, but not the keyless WAIT).
local function apply(keys, args)
  local account, request, outbox, session = keys[1], keys[2], keys[3], keys[4]
  local expected, next_rev, state, ids = args[1], args[2], args[3], args[4]
  local ttl = tonumber(args[5])
  if ttl > 0 then
    local stored = redis.call('GET', request)
    if stored then
      -- A write, so that a WAIT behind this call covers the write that stored the answer, which
      -- may have come from another connection (Redis 7.0.15 happens to wait for the offset at
      -- the connection's last command anyway, but WAIT is documented for its own writes).
      redis.call('PEXPIRE', request, ttl)
      if session then redis.call('SET', session, '1', 'PX', ttl) end
      return {'duplicate', stored, node()}
    end
  end
  local rev = revision_of(account)
  if rev ~= expected then
    -- Provisioning run again after a partial batch: the state it writes is already there.
    if ttl == 0 and rev == next_rev and redis.call('HGET', account, 'state') == state then
      redis.call('HSET', account, 'rev', rev)
      return {'applied', redis.call('HGET', account, 'ids') or '', node()}
    end
    return {'conflict', rev, node()}
  end
  local previous = ''
  if ttl > 0 then
    redis.call('HSET', account, 'rev', next_rev, 'state', state)
    redis.call('SET', request, args[6], 'PX', ttl)
    if session then redis.call('SET', session, '1', 'PX', ttl) end
  else
    previous = redis.call('HGET', account, 'ids') or ''
    redis.call('HSET', account, 'rev', next_rev, 'state', state, 'ids', ids)
  end
  for i = 7, #args do
    redis.call('XADD', outbox, '*', 'cdr', args[i])
  end
  return {'applied', previous, node()}
end

-- KEYS: account. Returns {revision, state}, or an empty array when the account does not exist.
local function load(keys)
  local stored = redis.call('HMGET', keys[1], 'rev', 'state')
  if not stored[1] then return {} end
  return {stored[1], stored[2]}
end

-- KEYS: an identity's index key. ARGV: the account it must still point to. Removes the entry
-- only if no other account took the identity meanwhile.
local function unindex(keys, args)
  if redis.call('GET', keys[1]) == args[1] then
    return redis.call('DEL', keys[1])
  end
  return 0
end

redis.register_function('gyrate_apply', apply)
redis.register_function{function_name = 'gyrate_load', callback = load, flags = {'no-writes'}}
redis.register_function('gyrate_unindex', unindex)
redis.register_function{function_name = 'gyrate_version', flags = {'no-writes'},
                        callback = function() return VERSION end}
