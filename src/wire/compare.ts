/**
 * "Why WebSocket" (`#/compare`, `npm run compare`): one echo conversation over short polling, long
 * polling, Server-Sent Events and WebSocket, against the server's `/compare/*` endpoints, which
 * count the bytes each transport put on the wire. Shared by server/transports/, the runner in
 * src/compare/, the page and the CLI; documented in docs/compare.md. Pure: types, paths, the
 * conversation's script and its statistics; no DOM, no Node, no clock (times are passed in).
 */

/** The four transports, in the order a run takes them. */
export const TRANSPORT_NAMES = ['short-polling', 'long-polling', 'sse', 'websocket'] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/** The transports that carry messages over plain HTTP requests. */
export type HttpTransportName = Exclude<TransportName, 'websocket'>;

/** How the page and the table name each transport. */
export const TRANSPORT_LABELS: Readonly<Record<TransportName, string>> = {
  'short-polling': 'Short polling',
  'long-polling': 'Long polling',
  sse: 'Server-Sent Events',
  websocket: 'WebSocket',
};

export function isTransportName(value: string): value is TransportName {
  return (TRANSPORT_NAMES as readonly string[]).includes(value);
}

/** Every path of the comparison. `?run=TOKEN` ties a request to one run's counters. */
export const COMPARE_PATHS = {
  /** POST a message (the body) for `seq`: `?run=R&seq=N`. Answered 204 once it is queued for the echo. */
  send: (transport: HttpTransportName): string => `/compare/${transport}/send`,
  /** GET the echoes after `?after=N` (short polling answers at once; long polling holds the request). */
  poll: (transport: 'short-polling' | 'long-polling'): string => `/compare/${transport}/poll`,
  /** GET an event stream of echoes (`id:` the seq, `data:` the text). */
  events: '/compare/sse/events',
  /** The WebSocket echo (our codec), upgraded with `?run=R`. */
  websocket: '/compare/websocket',
  /** GET one run's counters (`StatsResponse`); not counted itself. */
  stats: '/compare/stats',
} as const;

/** A run token: what a page can put in a URL without escaping. */
export const RUN_TOKEN = /^[A-Za-z0-9_-]{8,64}$/;

/** One echoed message, as the polling endpoints return it. */
export interface EchoItem {
  /** The sender's sequence number (1, 2, 3... in the order sent). */
  seq: number;
  text: string;
}

/** The body of a poll's answer. */
export interface PollResponse {
  messages: EchoItem[];
}

/** Bytes one way, split the way the server counts them. */
export interface WireBytes {
  /** HTTP request or response heads (request line or status line, header lines, blank line); the WebSocket opening handshake. */
  headers: number;
  /**
   * Bytes around the messages that are not headers: chunked-encoding sizes, SSE field names, the
   * JSON of a poll's answer, WebSocket frame headers and control frames (close, ping, pong).
   */
  framing: number;
  /** The messages themselves: the UTF-8 bytes of each text sent or echoed. */
  payload: number;
}

/** What the server counted for one transport of one run. */
export interface WireCounts {
  /** HTTP requests received (a WebSocket counts its one upgrade request). */
  requests: number;
  /** Client to server. */
  up: WireBytes;
  /** Server to client. */
  down: WireBytes;
}

/** GET /compare/stats?run=R */
export interface StatsResponse {
  run: string;
  transports: Record<TransportName, WireCounts>;
}

/** Overhead (headers and framing) against payload, as `npm run compare -- --json` prints it. */
export interface ByteSplit {
  overhead: number;
  payload: number;
}

/** One transport's line of `npm run compare -- --json`. Exactly these fields. */
export interface TransportResult {
  name: TransportName;
  /** Messages the client sent. */
  messages: number;
  /** Echoes that came back intact. */
  delivered: number;
  /** messages - delivered. */
  lost: number;
  requests: number;
  bytes: { up: ByteSplit; down: ByteSplit };
  /** From the moment the client sent a message to the moment its echo arrived; null when none did. */
  latencyMs: { p50: number | null; p99: number | null };
}

/** What a run measured for one transport: the JSON's fields and what the page shows besides. */
export interface TransportMeasurement {
  name: TransportName;
  messages: number;
  delivered: number;
  lost: number;
  /** Delivered, but later than `settings.lateMs` after being sent. */
  late: number;
  wire: WireCounts;
  latencyMs: { p50: number | null; p99: number | null };
  /** From the transport opening to its last echo (or the end of the wait for it). */
  durationMs: number;
  /** What went wrong (a refused request, a stream that failed), one line each, at most a few. */
  errors: string[];
}

/** The conversation: small messages first, then large ones, at one rate. */
export interface CompareSettings {
  /** Small messages. */
  messages: number;
  /** Bytes in each small message. */
  size: number;
  /** Large messages after the small ones. */
  largeMessages: number;
  /** Bytes in each large message. */
  largeSize: number;
  /** Messages sent per second. */
  rate: number;
  /** How often short polling asks for news, in ms. */
  pollIntervalMs: number;
  /** An echo slower than this (ms) is "late": a person in a chat would notice. */
  lateMs: number;
  /** After the last message, how long to wait for the missing echoes before counting them lost (ms). */
  drainMs: number;
}

export const DEFAULT_SETTINGS: Readonly<CompareSettings> = {
  messages: 100,
  size: 20,
  largeMessages: 10,
  largeSize: 10 * 1024,
  rate: 20,
  pollIntervalMs: 500,
  lateMs: 250,
  drainMs: 3000,
};

/** What the server accepts as one message (bytes). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * The whole conversation's text at most (bytes): the runner holds every message of the script at
 * once (to check each echo against it), in a browser tab as in `npm run compare`.
 */
export const MAX_CONVERSATION_BYTES = 64 * 1024 * 1024;

/** The bounds of each setting: [min, max], and whether it must be a whole number. */
export const SETTING_BOUNDS: Readonly<Record<keyof CompareSettings, { min: number; max: number; integer: boolean; what: string }>> = {
  messages: { min: 0, max: 100_000, integer: true, what: 'small messages' },
  size: { min: 1, max: MAX_MESSAGE_BYTES, integer: true, what: 'bytes per small message' },
  largeMessages: { min: 0, max: 10_000, integer: true, what: 'large messages' },
  largeSize: { min: 1, max: MAX_MESSAGE_BYTES, integer: true, what: 'bytes per large message' },
  rate: { min: 0.1, max: 1000, integer: false, what: 'messages per second' },
  pollIntervalMs: { min: 10, max: 60_000, integer: true, what: 'poll interval (ms)' },
  lateMs: { min: 1, max: 600_000, integer: true, what: 'late threshold (ms)' },
  drainMs: { min: 0, max: 600_000, integer: true, what: 'wait for missing echoes (ms)' },
};

/** Settings checked against their bounds: the settings, or one message per problem. */
export function checkSettings(input: Partial<CompareSettings>): { ok: true; settings: CompareSettings } | { ok: false; errors: string[] } {
  const settings: CompareSettings = { ...DEFAULT_SETTINGS, ...input };
  const errors: string[] = [];
  for (const [key, bound] of Object.entries(SETTING_BOUNDS) as [keyof CompareSettings, (typeof SETTING_BOUNDS)[keyof CompareSettings]][]) {
    const value = settings[key];
    if (!Number.isFinite(value) || value < bound.min || value > bound.max || (bound.integer && !Number.isInteger(value))) {
      errors.push(`${bound.what} must be ${bound.integer ? 'a whole number' : 'a number'} from ${bound.min} to ${bound.max} (got ${String(value)})`);
    }
  }
  if (errors.length === 0 && settings.messages + settings.largeMessages === 0) errors.push('the conversation needs at least one message');
  const total = settings.messages * settings.size + settings.largeMessages * settings.largeSize;
  if (errors.length === 0 && total > MAX_CONVERSATION_BYTES) {
    errors.push(`the conversation would be ${(total / 1024 / 1024).toFixed(1)} MiB of text; at most ${MAX_CONVERSATION_BYTES / 1024 / 1024} MiB (fewer messages, or smaller ones)`);
  }
  return errors.length === 0 ? { ok: true, settings } : { ok: false, errors };
}

/** One message of the script. */
export interface ScriptedMessage {
  /** 1, 2, 3... */
  seq: number;
  text: string;
  /** When to send it, in ms from the start of the conversation. */
  at: number;
}

const FILL = 'abcdefghijklmnopqrstuvwxyz';

/** The text of message `seq`: `#seq ` then letters, exactly `size` ASCII bytes (cut short when `size` is tiny). */
export function messageText(seq: number, size: number): string {
  const prefix = `#${seq} `;
  if (size <= prefix.length) return prefix.slice(0, size);
  const fill = size - prefix.length;
  return prefix + FILL.repeat(Math.ceil(fill / FILL.length)).slice(0, fill);
}

/** The whole conversation: `messages` small ones, then `largeMessages` large ones, one every 1/rate s. */
export function conversationScript(settings: CompareSettings): ScriptedMessage[] {
  const total = settings.messages + settings.largeMessages;
  const interval = 1000 / settings.rate;
  const script: ScriptedMessage[] = [];
  for (let i = 0; i < total; i++) {
    const size = i < settings.messages ? settings.size : settings.largeSize;
    script.push({ seq: i + 1, text: messageText(i + 1, size), at: i * interval });
  }
  return script;
}

/** The value at percentile `p` (0-100) of `values`, nearest rank (no interpolation); null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Zero counts. */
export function emptyWireCounts(): WireCounts {
  return { requests: 0, up: { headers: 0, framing: 0, payload: 0 }, down: { headers: 0, framing: 0, payload: 0 } };
}

/** Headers and framing together. */
export function overheadOf(bytes: WireBytes): number {
  return bytes.headers + bytes.framing;
}

/** Every byte one way. */
export function totalOf(bytes: WireBytes): number {
  return bytes.headers + bytes.framing + bytes.payload;
}

/** The JSON line of one measurement: exactly the fields `npm run compare -- --json` promises. */
export function toTransportResult(m: TransportMeasurement): TransportResult {
  const split = (bytes: WireBytes): ByteSplit => ({ overhead: overheadOf(bytes), payload: bytes.payload });
  return {
    name: m.name,
    messages: m.messages,
    delivered: m.delivered,
    lost: m.lost,
    requests: m.wire.requests,
    bytes: { up: split(m.wire.up), down: split(m.wire.down) },
    latencyMs: { p50: m.latencyMs.p50, p99: m.latencyMs.p99 },
  };
}
