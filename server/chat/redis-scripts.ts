/**
 * The room's state in Redis, and the Lua scripts that change it. Each change is one script, so it
 * is atomic: a nickname claim cannot race another process's, and a message gets its id, its place
 * in the history and its publication in one step — every process receives messages in id order.
 *
 * Keys and channels share one prefix with a hash tag (`framescope:{chat}`), so they live in one
 * slot, and sharded pub/sub keeps one order for all of them:
 *
 *   P:seq            counter: every event (join, leave, message, private) gets the next number
 *   P:id             counter: the protocol's message id (messages and private messages)
 *   P:users          hash: name key -> {"name","colour"} as JSON
 *   P:owners         hash: name key -> the process holding it
 *   P:order          sorted set: name keys in join order
 *   P:joins          counter: the join order's scores
 *   P:procs          sorted set: process -> when its presence expires (Redis time, ms)
 *   P:history        list: the last public messages, as published (JSON events)
 *   P:inbox:PROC     list: recent private messages for that process (for catching up)
 *   P:done:SENDER    string "n:id": a connection's last request and the id it got, so a retry is
 *                    answered, not posted again (one key per connection, kept 10 minutes)
 *   P:room           channel: events for every process
 *   P:proc:PROC      channel: private messages for one process
 *
 * Every script takes ARGV[1] = P, ARGV[2] = the publish command (`spublish` where the server has
 * sharded pub/sub, else `publish`), ARGV[3] = the time for events (ISO 8601, from the caller's
 * clock, as the single-process room does), ARGV[4] = the calling process; then its own arguments.
 * Time for presence comes from Redis (`TIME`), so processes on machines with different clocks agree.
 */
import { createHash } from 'node:crypto';

export const DEFAULT_PREFIX = 'framescope:{chat}';

/** How long a connection's dedupe record and a process's private inbox are kept. */
export const KEEP_MS = 600_000;
/** Private messages kept per process for catching up after an outage. */
export const INBOX_KEPT = 200;

const PRELUDE = `
local P, PUB, TIME_ISO, PROC = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local function k(name) return P .. ':' .. name end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function users_json()
  local keys = redis.call('ZRANGE', k('order'), 0, -1)
  if #keys == 0 then return '[]' end
  return '[' .. table.concat(redis.call('HMGET', k('users'), unpack(keys)), ',') .. ']'
end
local function presence(kind, user)
  local seq = redis.call('INCR', k('seq'))
  redis.call(PUB, k('room'), '{"seq":' .. seq .. ',"kind":"' .. kind .. '","user":' .. user ..
    ',"time":"' .. TIME_ISO .. '","users":' .. users_json() .. '}')
  return seq
end
local function add(key, user)
  redis.call('HSET', k('users'), key, user)
  redis.call('HSET', k('owners'), key, PROC)
  redis.call('ZADD', k('order'), redis.call('INCR', k('joins')), key)
  return presence('join', user)
end
local function remove(key)
  local user = redis.call('HGET', k('users'), key)
  redis.call('HDEL', k('users'), key)
  redis.call('HDEL', k('owners'), key)
  redis.call('ZREM', k('order'), key)
  return presence('leave', user)
end
local function history(n)
  if n <= 0 then return {} end
  return redis.call('LRANGE', k('history'), -n, -1)
end
-- The id a sender's request n got if it was done already (its last one is at least n), else nil.
local function already(sender, n)
  local last = redis.call('GET', k('done:' .. sender))
  if not last then return nil end
  local done, id = string.match(last, '^(%d+):(%d+)$')
  if done and tonumber(done) >= tonumber(n) then return tonumber(id) end
  return nil
end
local function remember(sender, n, id)
  redis.call('SET', k('done:' .. sender), n .. ':' .. id, 'PX', ${KEEP_MS})
end
`;

/** ARGV[5] key, [6] user JSON, [7] max users, [8] history wanted. */
const JOIN = `
local key, user = ARGV[5], ARGV[6]
if not redis.call('ZSCORE', k('procs'), PROC) then return {'stale'} end
if redis.call('HEXISTS', k('users'), key) == 1 then return {'taken'} end
if redis.call('ZCARD', k('order')) >= tonumber(ARGV[7]) then return {'full'} end
local past = history(tonumber(ARGV[8]))
local seq = add(key, user)
return {'ok', seq, users_json(), past}
`;

/** ARGV[5] key. */
const LEAVE = `
if redis.call('HGET', k('owners'), ARGV[5]) ~= PROC then return 0 end
remove(ARGV[5])
return 1
`;

/** ARGV[5] sender's key, [6] and [7] dedupe sender and n, [8] body JSON, [9] history kept. */
const POST = `
local done = already(ARGV[6], ARGV[7])
if done then return {'ok', done} end
if redis.call('HGET', k('owners'), ARGV[5]) ~= PROC then return {'not-joined'} end
local id = redis.call('INCR', k('id'))
local seq = redis.call('INCR', k('seq'))
local event = '{"seq":' .. seq .. ',"kind":"message","id":' .. id .. ',"body":' .. ARGV[8] .. '}'
local kept = tonumber(ARGV[9])
if kept > 0 then
  redis.call('RPUSH', k('history'), event)
  redis.call('LTRIM', k('history'), -kept, -1)
end
redis.call(PUB, k('room'), event)
remember(ARGV[6], ARGV[7], id)
return {'ok', id}
`;

/**
 * ARGV[5] sender's key, [6] and [7] dedupe sender and n, [8] body JSON, [9] recipient's key,
 * [10] and [11] both keys as JSON.
 */
const PRIVATE = `
local done = already(ARGV[6], ARGV[7])
if done then return {'ok', done} end
if redis.call('HGET', k('owners'), ARGV[5]) ~= PROC then return {'not-joined'} end
local to = redis.call('HGET', k('owners'), ARGV[9])
if not to then return {'unknown-recipient'} end
local id = redis.call('INCR', k('id'))
local seq = redis.call('INCR', k('seq'))
local event = '{"seq":' .. seq .. ',"kind":"private","id":' .. id .. ',"from":' .. ARGV[10] .. ',"to":' .. ARGV[11] ..
  ',"toUser":' .. redis.call('HGET', k('users'), ARGV[9]) .. ',"body":' .. ARGV[8] .. '}'
local function deliver(proc)
  redis.call(PUB, k('proc:' .. proc), event)
  local inbox = k('inbox:' .. proc)
  redis.call('RPUSH', inbox, event)
  redis.call('LTRIM', inbox, -${INBOX_KEPT}, -1)
  redis.call('PEXPIRE', inbox, ${KEEP_MS})
end
deliver(to)
if to ~= PROC then deliver(PROC) end
remember(ARGV[6], ARGV[7], id)
return {'ok', id}
`;

/**
 * The heartbeat. ARGV[5] presence TTL (ms), [6] '1' to reap processes whose presence expired:
 * their users leave (one `leave` event each) and their inboxes go. Returns {was this process still
 * present (1/0), users reaped}.
 */
const TICK = `
local now = now_ms()
local present = redis.call('ZSCORE', k('procs'), PROC)
redis.call('ZADD', k('procs'), now + tonumber(ARGV[5]), PROC)
local reaped = 0
if ARGV[6] == '1' then
  local dead = redis.call('ZRANGEBYSCORE', k('procs'), '-inf', '(' .. now)
  if #dead > 0 then
    local gone = {}
    for _, proc in ipairs(dead) do
      gone[proc] = true
      redis.call('ZREM', k('procs'), proc)
      redis.call('DEL', k('inbox:' .. proc))
    end
    local owners = redis.call('HGETALL', k('owners'))
    for i = 1, #owners, 2 do
      if gone[owners[i + 1]] then
        remove(owners[i])
        reaped = reaped + 1
      end
    end
  end
end
return {present and 1 or 0, reaped}
`;

/**
 * After (re)connecting: ARGV[5] presence TTL, [6] history wanted, then pairs (key, user JSON) of
 * this process's users. Keys this process held but no longer has leave; its users missing from
 * the room join again; names another process took meanwhile are returned as conflicts. Returns
 * {seq now, users JSON, conflicts, history, this process's inbox}: a snapshot to catch up from.
 */
const RESUME = `
redis.call('ZADD', k('procs'), now_ms() + tonumber(ARGV[5]), PROC)
local mine = {}
for i = 7, #ARGV, 2 do mine[ARGV[i]] = ARGV[i + 1] end
local owners = redis.call('HGETALL', k('owners'))
for i = 1, #owners, 2 do
  if owners[i + 1] == PROC and not mine[owners[i]] then remove(owners[i]) end
end
local conflicts = {}
for i = 7, #ARGV, 2 do
  local owner = redis.call('HGET', k('owners'), ARGV[i])
  if not owner then
    add(ARGV[i], ARGV[i + 1])
  elseif owner ~= PROC then
    table.insert(conflicts, ARGV[i])
  end
end
local seq = tonumber(redis.call('GET', k('seq')) or '0')
return {seq, users_json(), conflicts, history(tonumber(ARGV[6])), redis.call('LRANGE', k('inbox:' .. PROC), 0, -1)}
`;

/** A clean stop: this process's users leave, its presence and inbox go. */
const QUIT = `
local owners = redis.call('HGETALL', k('owners'))
for i = 1, #owners, 2 do
  if owners[i + 1] == PROC then remove(owners[i]) end
end
redis.call('ZREM', k('procs'), PROC)
redis.call('DEL', k('inbox:' .. PROC))
return 1
`;

export interface Script {
  name: string;
  source: string;
  sha1: string;
}

function script(name: string, body: string): Script {
  const source = `${PRELUDE}\n${body}`;
  return { name, source, sha1: createHash('sha1').update(source).digest('hex') };
}

export const SCRIPTS = {
  join: script('join', JOIN),
  leave: script('leave', LEAVE),
  post: script('post', POST),
  private: script('private', PRIVATE),
  tick: script('tick', TICK),
  resume: script('resume', RESUME),
  quit: script('quit', QUIT),
} as const;

/** Runs `script` by its SHA-1, or by its source when Redis does not know it (after a restart, say). */
export async function runScript(client: { sendCommand(args: string[]): Promise<unknown> }, script: Script, argv: string[]): Promise<unknown> {
  try {
    return await client.sendCommand(['EVALSHA', script.sha1, '0', ...argv]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return client.sendCommand(['EVAL', script.source, '0', ...argv]);
  }
}
