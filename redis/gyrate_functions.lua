#!lua name=gyrate
-- The gyrate Redis FUNCTION library (Redis 7.0): the only code that changes an account in Redis
-- Cluster. It does compare-and-set, idempotency and the CDR append in one atomic step; rating
-- stays in C++ (docs/operations.md, "Redis Cluster store"). Embedded into gyrate_redis at build
-- time and loaded on every master by RedisStore; bump VERSION with every change of this file.
--
-- Keys of one account, both in the slot of the hash tag {acct:ID}:
--   {acct:ID}    hash: rev (decimal), state (gyrate.store.Account), ids (index lines),
--                r:<request> = "<expiry ms>:<gyrate.store.Answer>" for each answered request,
--                s:<session> = "<expiry ms>" for each Diameter session with an answered request
--                (how a node that never saw the session recognises it), pc (the prune cursor)
--   cdr:{<tag>}  stream: the outbox of the slot (<tag> hashes to the account's slot)
-- Answers live in the account's hash, not in keys of their own, so that a slot moving to another
-- master (resharding) holds few keys: while they move, Redis refuses a call naming two keys of
-- the slot on different masters (TRYAGAIN), and a key per answer kept a busy slot refused until
-- thousands had moved. A call without CDRs names the account alone and is never refused.
-- Redis 7.0 has no TTL per field: every change with a request scans PRUNE fields on from the
-- prune cursor and deletes the expired ones, so the hash holds at most about 8/7 of the answers
-- of one TTL (each change adds one answer and visits PRUNE fields; the scan comes round).

local VERSION = 3
local PRUNE = 8

-- Revisions travel as decimal strings: Lua numbers are doubles and lose uint64 precision.
local function revision_of(account)
  return redis.call('HGET', account, 'rev') or '0'
end

local function node()
  return redis.call('CLUSTER', 'MYID')
end

-- Milliseconds since the epoch on this master's clock (exact in a double until year 287,000).
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function expiry_at(now, ttl)
  return string.format('%.0f', now + ttl)
end

-- The payload of an r:/s: value that has not expired at `now` (nil when gone or expired).
local function live(value, now)
  if not value then return nil end
  local colon = string.find(value, ':', 1, true)
  local expiry = tonumber(colon and string.sub(value, 1, colon - 1) or value)
  if not expiry or expiry <= now then return nil end
  return colon and string.sub(value, colon + 1) or ''
end

local function prune(account, now)
  local scanned = redis.call('HSCAN', account, redis.call('HGET', account, 'pc') or '0',
                             'COUNT', PRUNE)
  local fields = scanned[2]
  for i = 1, #fields, 2 do
    local kind = string.sub(fields[i], 1, 2)
    if (kind == 'r:' or kind == 's:') and not live(fields[i + 1], now) then
      redis.call('HDEL', account, fields[i])
    end
  end
  return scanned[1]
end

-- KEYS: account[, outbox] (the outbox only when there are CDRs).
-- ARGV: expected revision, next revision, state, index lines, answer TTL in ms (0: a change
-- without a request, i.e. provisioning: only it writes the index lines), request, session ('':
-- none), answer, CDRs...
-- Returns {'applied', previous index lines ('' after a request), node} |
--         {'duplicate', stored answer, node} | {'conflict', stored revision, node}, where node
-- is this master's cluster id: the client checks that the WAIT behind the call ran on the same
-- master.
local function apply(keys, args)
  local account, outbox = keys[1], keys[2]
  local expected, next_rev, state, ids = args[1], args[2], args[3], args[4]
  local ttl = tonumber(args[5])
  local request, session, answer = 'r:' .. args[6], args[7], args[8]
  if #args > 8 and not outbox then
    return redis.error_reply('gyrate_apply: CDRs without their outbox key')
  end
  local now, expiry
  if ttl > 0 then
    now = now_ms()
    expiry = expiry_at(now, ttl)
    local stored = live(redis.call('HGET', account, request), now)
    if stored then
      -- A write, so that a WAIT behind this call covers the write that stored the answer, which
      -- may have come from another connection (Redis 7.0.15 happens to wait for the offset at
      -- the connection's last command anyway, but WAIT is documented for its own writes).
      redis.call('HSET', account, request, expiry .. ':' .. stored)
      if session ~= '' then redis.call('HSET', account, 's:' .. session, expiry) end
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
    local cursor = prune(account, now)
    if session ~= '' then
      redis.call('HSET', account, 'rev', next_rev, 'state', state, request, expiry .. ':' .. answer,
                 's:' .. session, expiry, 'pc', cursor)
    else
      redis.call('HSET', account, 'rev', next_rev, 'state', state, request, expiry .. ':' .. answer,
                 'pc', cursor)
    end
  else
    previous = redis.call('HGET', account, 'ids') or ''
    redis.call('HSET', account, 'rev', next_rev, 'state', state, 'ids', ids)
  end
  for i = 9, #args do
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

-- KEYS: account. ARGV: session. 1 when a request of that session was answered within the TTL.
local function answered(keys, args)
  if live(redis.call('HGET', keys[1], 's:' .. args[1]), now_ms()) then return 1 end
  return 0
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
redis.register_function{function_name = 'gyrate_answered', callback = answered,
                        flags = {'no-writes'}}
redis.register_function('gyrate_unindex', unindex)
redis.register_function{function_name = 'gyrate_version', flags = {'no-writes'},
                        callback = function() return VERSION end}
