/**
 * `npm start -- [flags]`: the command line, parsed into server options. Pure (no process access),
 * so the tests can call it. docs/server.md describes each flag.
 */
import { parseArgs } from 'node:util';
import { checkRedisUrl } from './chat/redis-url.ts';
import { checkTeacherToken } from './inspector/teacher.ts';
import { DEFAULTS, MiB, parseSubprotocols, type ResolvedOptions } from './options.ts';
import { RECORD_DEFAULT_MAX } from './record/index.ts';
import { parseAllowList } from './upstream/policy.ts';

/** The server's limits (as `ResolvedOptions` names them) plus what only the command line sets. */
export interface CliOptions extends Omit<ResolvedOptions, 'staticDir' | 'inspector' | 'deflate'> {
  /** --deflate: negotiate permessage-deflate on every connection. */
  deflate: boolean;
  /** --deflate-threshold: messages under this many bytes go uncompressed. */
  deflateThreshold: number;
  port: number;
  host: string;
  dist: string;
  quiet: boolean;
  /** `--inspect-frame-bytes`: how much of each frame the inspector reports (default 64 KiB). */
  inspectFrameBytes: number;
  /** Keep the chat room in Redis at this URL (`--redis`, else `REDIS_URL`), or null: in memory. */
  redis: string | null;
  /** `--record DIR [--record-max SIZE]`: a pcapng and a JSON capture of every connection, or null. */
  record: { dir: string; maxBytes: number } | null;
}

/**
 * `--inspect-frame-bytes` from 256 bytes to 1 MiB: a reported frame is JSON hex, twice its size,
 * and a page's queue (8 MiB) and byte budget (8 MiB a second) must still hold several.
 */
export const MIN_INSPECT_FRAME_BYTES = 256;
export const MAX_INSPECT_FRAME_BYTES = MiB;

export type CliResult = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export const USAGE = `Usage: npm start -- [options]

Serves the built app (dist/), the WebSocket endpoints /echo, /chat, /inspect, /proxy, and the
comparison's /compare/* (polling, SSE and WebSocket, bytes counted; docs/compare.md) on one port.

Options:
  --port N               port to listen on (default 8008; 0 picks a free one)
  --host ADDR            address to bind (default 127.0.0.1; 0.0.0.0 for the whole network)
  --dist DIR             the built app to serve (default dist)
  --max-payload SIZE     largest frame payload accepted, over it 1009 (default 16MiB)
  --max-message SIZE     largest message, all fragments together, over it 1009 (default 16MiB)
  --max-connections N    WebSocket connections at once, over it HTTP 503 (default ${DEFAULTS.maxConnections})
  --memory-budget SIZE   memory all connections together may hold for unfinished messages and
                         unread output; past it the one holding the most is closed with 1013
                         Try Again Later (default 256MiB)
  --ping-interval TIME   server ping period; no pong by the next ping drops the peer; 0 = off (default 30s)
  --idle-timeout TIME    close (1001) a peer that sends nothing for this long; 0 = off (default 120s)
  --handshake-timeout TIME  drop a client whose request head is not complete by then (default 10s)
  --close-timeout TIME   wait this long for the peer's close frame and TCP close (default 5s)
  --class                class mode: prints a teacher link with a secret token; that page sees
                         every student's connection, by name, and may demonstrate to all of them
  --teacher-token TOKEN  class mode with this token instead of a random one (8-128 characters
                         from A-Z a-z 0-9 . _ ~ -), so the teacher link stays the same
  --inspect-frame-bytes SIZE  how much of each frame the inspector reports, up to 1MiB (default 64KiB)
  --deflate              negotiate permessage-deflate (RFC 7692) on every connection that offers it
                         (default off: frames stay readable; a URL with ?deflate gets it anyway)
  --deflate-threshold SIZE  messages under SIZE go uncompressed, RSV1 0 (default 0: all compressed)
  --redis URL            keep the chat room in Redis (redis://HOST:PORT/DB), shared by every
                         server started with the same URL; default: REDIS_URL, else in memory
  --allow-upstream LIST  servers /proxy may watch and #/conformance may grade: CIDR blocks,
                         hosts, host:port, loopback, comma-separated, e.g. 192.168.1.0/24,loopback
                         (default: loopback only, for a browser on this machine)
  --record DIR           write every connection into DIR when it closes: a pcapng
                         (Wireshark) and a Framescope JSON capture (the page reopens it)
  --record-max SIZE      frame bytes kept per recorded connection; past it the file
                         marks a gap (default 32MiB)
  --subprotocols LIST    subprotocols /echo speaks, most preferred first, comma-separated; it picks
                         the first one the client offered (default ${DEFAULTS.subprotocols.join(',')}; "" for none)
  --quiet                no log lines
  --help                 this text

SIZE: bytes, or with a unit: 64KiB, 16MiB (K/KB/KiB and M/MB/MiB all mean 1024-based).
TIME: milliseconds, or with a unit: 500ms, 30s, 2m.
`;

const SIZE = /^(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i;
const TIME = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min)?$/i;

export function parseSize(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? 1024 * MiB : 1;
  const value = Number(m[1]) * scale;
  return Number.isSafeInteger(value) ? value : null;
}

export function parseDuration(text: string): number | null {
  const m = TIME.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? 'ms').toLowerCase();
  const scale = unit === 's' ? 1000 : unit === 'm' || unit === 'min' ? 60_000 : 1;
  const value = Math.round(Number(m[1]) * scale);
  return Number.isSafeInteger(value) ? value : null;
}

/** `env` is read for REDIS_URL only (main passes process.env). */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        dist: { type: 'string' },
        'max-payload': { type: 'string' },
        'memory-budget': { type: 'string' },
        'max-message': { type: 'string' },
        'max-connections': { type: 'string' },
        'ping-interval': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'handshake-timeout': { type: 'string' },
        'close-timeout': { type: 'string' },
        class: { type: 'boolean' },
        'teacher-token': { type: 'string' },
        'inspect-frame-bytes': { type: 'string' },
        deflate: { type: 'boolean' },
        'deflate-threshold': { type: 'string' },
        redis: { type: 'string' },
        'allow-upstream': { type: 'string' },
        record: { type: 'string' },
        'record-max': { type: 'string' },
        subprotocols: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help' };

  const problems: string[] = [];
  const int = (name: string, text: string | undefined, fallback: number, min: number, max: number): number => {
    if (text === undefined) return fallback;
    const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`--${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
      return fallback;
    }
    return n;
  };
  const size = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = parseSize(text);
    if (n === null || n < 125) {
      problems.push(`--${name} takes a size of at least 125 bytes (like 1048576, 64KiB or 16MiB), not ${JSON.stringify(text)}`);
      return fallback;
    }
    return n;
  };
  const time = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    const n = parseDuration(text);
    if (n === null || n < min) {
      problems.push(`--${name} takes a time of at least ${min} ms (like 500, 500ms or 30s), not ${JSON.stringify(text)}`);
      return fallback;
    }
    return n;
  };

  const allowList = (text: string | undefined): string[] => {
    if (text === undefined) return [];
    try {
      const list = parseAllowList(text);
      if (list.length === 0) problems.push('--allow-upstream needs a list, such as 192.168.1.0/24,loopback');
      return list;
    } catch (error) {
      problems.push(`--allow-upstream: ${(error as Error).message}`);
      return [];
    }
  };

  const options: CliOptions = {
    port: int('port', v.port, 8008, 0, 65535),
    host: v.host ?? '127.0.0.1',
    dist: v.dist ?? 'dist',
    maxPayload: size('max-payload', v['max-payload'], DEFAULTS.maxPayload),
    maxMessage: size('max-message', v['max-message'], DEFAULTS.maxMessage),
    maxConnections: int('max-connections', v['max-connections'], DEFAULTS.maxConnections, 1, 1_000_000),
    memoryBudget: size('memory-budget', v['memory-budget'], DEFAULTS.memoryBudget),
    pingInterval: time('ping-interval', v['ping-interval'], DEFAULTS.pingInterval, 0),
    idleTimeout: time('idle-timeout', v['idle-timeout'], DEFAULTS.idleTimeout, 0),
    handshakeTimeout: time('handshake-timeout', v['handshake-timeout'], DEFAULTS.handshakeTimeout, 1),
    closeTimeout: time('close-timeout', v['close-timeout'], DEFAULTS.closeTimeout, 1),
    classMode: (v.class ?? false) || v['teacher-token'] !== undefined,
    teacherToken: v['teacher-token'] ?? null,
    deflate: v.deflate ?? false,
    deflateThreshold: 0,
    quiet: v.quiet ?? false,
    inspectFrameBytes: DEFAULTS.inspector.maxFrameBytes,
    redis: null,
    allowUpstream: allowList(v['allow-upstream']),
    record: null,
    subprotocols: DEFAULTS.subprotocols,
  };
  if (v.subprotocols !== undefined) {
    try {
      options.subprotocols = parseSubprotocols(v.subprotocols);
    } catch (error) {
      problems.push(`--${(error as Error).message}`);
    }
  }
  const frameBytes = v['inspect-frame-bytes'];
  if (frameBytes !== undefined) {
    const n = parseSize(frameBytes);
    if (n === null || n < MIN_INSPECT_FRAME_BYTES || n > MAX_INSPECT_FRAME_BYTES) {
      problems.push(`--inspect-frame-bytes takes a size from 256 bytes to 1MiB (like 256KiB or 1MiB), not ${JSON.stringify(frameBytes)}`);
    } else options.inspectFrameBytes = n;
  }
  const threshold = v['deflate-threshold'];
  if (threshold !== undefined) {
    const n = parseSize(threshold);
    if (n === null) problems.push(`--deflate-threshold takes a size (like 0, 1024 or 1KiB), not ${JSON.stringify(threshold)}`);
    else options.deflateThreshold = n;
  }
  const recordMax = size('record-max', v['record-max'], RECORD_DEFAULT_MAX);
  if (v.record !== undefined) {
    if (v.record.trim() === '') problems.push('--record needs a folder, like --record captures');
    else options.record = { dir: v.record, maxBytes: recordMax };
  } else if (v['record-max'] !== undefined) {
    problems.push('--record-max goes with --record DIR');
  }
  const redis = (v.redis ?? env['REDIS_URL'] ?? '').trim();
  if (redis !== '') {
    const problem = checkRedisUrl(redis);
    if (problem) problems.push(v.redis === undefined ? `REDIS_URL: ${problem}` : problem);
    else options.redis = redis;
  } else if (v.redis !== undefined) {
    problems.push('--redis needs a URL, like redis://127.0.0.1:6379/0');
  }
  if (options.host.trim() === '') problems.push('--host needs an address');
  if (options.teacherToken !== null) {
    const problem = checkTeacherToken(options.teacherToken);
    if (problem !== null) problems.push(`--teacher-token: ${problem}`);
  }
  if (problems.length > 0) return { kind: 'error', message: problems.join('\n') };
  return { kind: 'run', options };
}
