/**
 * The server's limits and switches, their defaults, and the one place that fills them in.
 * Every limit has a command-line flag (server/args.ts) and is described in docs/server.md.
 */
import { subprotocolListProblem, type DeflateServerConfig } from '../src/protocol/index.ts';
import type { Logger } from './log.ts';
import { checkTeacherToken, newTeacherToken } from './inspector/teacher.ts';
import { parseAllowList } from './upstream/policy.ts';

export const MiB = 1024 * 1024;

export interface ServerOptions {
  /**
   * Largest payload accepted in one frame, in bytes; a frame that declares more is refused from its
   * header with 1009 before any of it is buffered. Exactly this many bytes are allowed.
   */
  maxPayload?: number;
  /** Largest message (all fragments together), in bytes; over it: 1009. */
  maxMessage?: number;
  /** Most WebSocket connections open at once (inspector subscribers included); over it: HTTP 503. */
  maxConnections?: number;
  /**
   * Bytes all connections together may hold for their peers (unfinished frames and messages,
   * output not yet read); past it the connection holding the most is closed with 1013.
   */
  memoryBudget?: number;
  /** Milliseconds between server pings; a peer that has not answered a ping by the next one is dropped. 0: no pings. */
  pingInterval?: number;
  /** Milliseconds without a single byte from the peer before the server closes with 1001. 0: never. */
  idleTimeout?: number;
  /** Milliseconds for a client to send a complete request head (slowloris guard). */
  handshakeTimeout?: number;
  /** Milliseconds to wait for the peer's close frame (and then its TCP close) after the server's close frame. */
  closeTimeout?: number;
  /**
   * Class mode: the teacher's page may watch every connection (`/inspect?all&teacher=TOKEN`), with
   * the students' names, and send a demonstration to all of them. On when `teacherToken` is given.
   */
  classMode?: boolean;
  /** The teacher's secret (8-128 characters from A-Z a-z 0-9 . _ ~ -); class mode makes one when none is given. */
  teacherToken?: string;
  /** Silence the log. */
  quiet?: boolean;
  /** Where log lines go (default: stdout/stderr unless quiet). */
  logger?: Logger;
  /** Serve the built app from this directory on plain HTTP requests (standalone `listen()` only). */
  staticDir?: string | null;
  /** Inspector limits. */
  inspector?: InspectorOptions;
  /**
   * permessage-deflate (RFC 7692): `true` negotiates it on every connection that offers it; off by
   * default, so frames stay readable, and then only a connection whose URL has `?deflate` gets it.
   */
  deflate?: boolean | DeflateOptions;
  /**
   * Upstream servers `/proxy` may connect to: CIDR blocks, hosts, host:port, `loopback`, as a list
   * or comma-separated (server/upstream/policy.ts). Empty or absent: loopback only, for browsers
   * on this machine.
   */
  allowUpstream?: string | readonly string[];
  /**
   * The subprotocols `/echo` speaks, most preferred first, as a list or comma-separated (RFC 6455
   * §4.2.2: it picks the first of these that the client offered). Empty: none.
   */
  subprotocols?: string | readonly string[];
}

export interface DeflateOptions extends DeflateServerConfig {
  /** Negotiate it on every connection (else only where the URL has `?deflate`). Default true here. */
  enabled?: boolean;
  /** Messages shorter than this many bytes go uncompressed (RSV1 0). Default 0: every message is compressed. */
  threshold?: number;
}

export interface ResolvedDeflate {
  /** On for every connection (a URL may opt out with `?deflate=0`). */
  enabled: boolean;
  threshold: number;
  config: DeflateServerConfig;
}

export interface InspectorOptions {
  /** Events queued for one subscriber at most; past it events are dropped and counted. */
  queueCount?: number;
  /** Bytes of JSON queued for one subscriber at most. */
  queueBytes?: number;
  /** A frame's bytes are reported up to this many; a longer frame is reported in part (`truncated`). */
  maxFrameBytes?: number;
  /** Stop writing to a subscriber's socket while this many bytes wait in it (then queue). */
  socketHighWater?: number;
  /**
   * Budget per subscriber: `read` and `frame` messages per second, with a burst of one second's
   * worth. Over it events are skipped before any message is built, and counted (`dropped`, reason
   * "rate"), so a flood costs the echo almost nothing. 0: no limit.
   */
  rateMessages?: number;
  /**
   * Budget per subscriber: frame bytes reported (`bytes`) per second, burst one second's worth. Over
   * it a frame is reported with only its first 256 bytes (`truncated`), or skipped. 0: no limit.
   */
  rateBytes?: number;
}

export interface ResolvedOptions {
  maxPayload: number;
  maxMessage: number;
  maxConnections: number;
  memoryBudget: number;
  pingInterval: number;
  idleTimeout: number;
  handshakeTimeout: number;
  closeTimeout: number;
  classMode: boolean;
  /** The teacher's token in class mode (given, or made at random); null otherwise. */
  teacherToken: string | null;
  staticDir: string | null;
  inspector: Required<InspectorOptions>;
  deflate: ResolvedDeflate;
  /** The allow list for `/proxy`, checked (empty: the default). */
  allowUpstream: readonly string[];
  /** `/echo`'s subprotocols, most preferred first. */
  subprotocols: readonly string[];
}

export const DEFAULTS: Omit<ResolvedOptions, 'staticDir' | 'inspector' | 'deflate' | 'allowUpstream' | 'teacherToken'> & { inspector: Required<InspectorOptions> } = {
  maxPayload: 16 * MiB,
  maxMessage: 16 * MiB,
  maxConnections: 1024,
  memoryBudget: 256 * MiB,
  pingInterval: 30_000,
  idleTimeout: 120_000,
  handshakeTimeout: 10_000,
  closeTimeout: 5_000,
  classMode: false,
  // Two teaching names: a browser that offers "echo.v1, echo.v2" gets echo.v2, the server's preference.
  subprotocols: ['echo.v2', 'echo.v1'],
  inspector: {
    queueCount: 10_000,
    queueBytes: 8 * MiB,
    maxFrameBytes: 64 * 1024,
    socketHighWater: 256 * 1024,
    rateMessages: 20_000,
    rateBytes: 8 * MiB,
  },
};

export function resolveOptions(options: ServerOptions): ResolvedOptions {
  const pick = (value: number | undefined, fallback: number, name: string, min = 0): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < min || !Number.isInteger(value)) {
      throw new RangeError(`${name} must be an integer >= ${min}, not ${value}`);
    }
    return value;
  };
  const inspector = options.inspector ?? {};
  if (options.teacherToken !== undefined) {
    const problem = checkTeacherToken(options.teacherToken);
    if (problem !== null) throw new RangeError(`teacherToken: ${problem}`);
  }
  const classMode = (options.classMode ?? DEFAULTS.classMode) || options.teacherToken !== undefined;
  const deflate: DeflateOptions = options.deflate === true ? {} : options.deflate === false || options.deflate === undefined ? { enabled: false } : options.deflate;
  for (const bits of ['serverMaxWindowBits', 'clientMaxWindowBits'] as const) {
    const value = deflate[bits];
    if (value !== undefined && !(Number.isInteger(value) && value >= 8 && value <= 15)) throw new RangeError(`deflate.${bits} must be 8 to 15, not ${value}`);
  }
  const { enabled, threshold, ...config } = deflate;
  return {
    maxPayload: pick(options.maxPayload, DEFAULTS.maxPayload, 'maxPayload', 125),
    maxMessage: pick(options.maxMessage, DEFAULTS.maxMessage, 'maxMessage', 125),
    maxConnections: pick(options.maxConnections, DEFAULTS.maxConnections, 'maxConnections', 1),
    memoryBudget: pick(options.memoryBudget, DEFAULTS.memoryBudget, 'memoryBudget', 125),
    pingInterval: pick(options.pingInterval, DEFAULTS.pingInterval, 'pingInterval'),
    idleTimeout: pick(options.idleTimeout, DEFAULTS.idleTimeout, 'idleTimeout'),
    handshakeTimeout: pick(options.handshakeTimeout, DEFAULTS.handshakeTimeout, 'handshakeTimeout', 1),
    closeTimeout: pick(options.closeTimeout, DEFAULTS.closeTimeout, 'closeTimeout', 1),
    classMode,
    teacherToken: classMode ? (options.teacherToken ?? newTeacherToken()) : null,
    staticDir: options.staticDir ?? null,
    deflate: { enabled: enabled ?? true, threshold: pick(threshold, 0, 'deflate.threshold'), config },
    allowUpstream: parseAllowList(options.allowUpstream),
    subprotocols: parseSubprotocols(options.subprotocols),
    inspector: {
      queueCount: pick(inspector.queueCount, DEFAULTS.inspector.queueCount, 'inspector.queueCount', 1),
      queueBytes: pick(inspector.queueBytes, DEFAULTS.inspector.queueBytes, 'inspector.queueBytes', 1),
      maxFrameBytes: pick(inspector.maxFrameBytes, DEFAULTS.inspector.maxFrameBytes, 'inspector.maxFrameBytes', 16),
      socketHighWater: pick(inspector.socketHighWater, DEFAULTS.inspector.socketHighWater, 'inspector.socketHighWater', 1),
      rateMessages: pick(inspector.rateMessages, DEFAULTS.inspector.rateMessages, 'inspector.rateMessages'),
      rateBytes: pick(inspector.rateBytes, DEFAULTS.inspector.rateBytes, 'inspector.rateBytes'),
    },
  };
}

/** A subprotocol list from a flag ("echo.v2,echo.v1") or an array; absent: the default; a bad name throws. */
export function parseSubprotocols(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return DEFAULTS.subprotocols;
  const list = typeof value === 'string' ? value.split(',').map((name) => name.trim()).filter((name) => name !== '') : [...value];
  const problem = subprotocolListProblem(list);
  if (problem) throw new RangeError(`subprotocols: ${problem}`);
  return list;
}
