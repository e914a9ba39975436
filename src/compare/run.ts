/**
 * The comparison: the same scripted conversation over each transport in turn, against the
 * server's /compare/* endpoints. For each: open it, send every message of the script at its time,
 * wait for the echoes (up to `drainMs` after the last message), close it, then ask the server what
 * it counted on the wire. The page and `npm run compare` both run this; only the environment
 * differs (environment.ts).
 */
import {
  COMPARE_PATHS,
  conversationScript,
  emptyWireCounts,
  TRANSPORT_NAMES,
  type CompareSettings,
  type StatsResponse,
  type TransportMeasurement,
  type TransportName,
  type WireCounts,
} from '../wire/compare.ts';
import { longPollingClient } from './clients/long-polling.ts';
import { shortPollingClient } from './clients/short-polling.ts';
import { sseClient } from './clients/sse.ts';
import { describeError, sleep, type ClientContext, type TransportClient } from './clients/types.ts';
import { webSocketClient } from './clients/websocket.ts';
import type { RunEnvironment } from './environment.ts';
import { EchoTracker } from './tracker.ts';

const CLIENTS: Readonly<Record<TransportName, (ctx: ClientContext) => TransportClient>> = {
  'short-polling': shortPollingClient,
  'long-polling': longPollingClient,
  sse: sseClient,
  websocket: webSocketClient,
};

/** How long a transport may take to open before the run gives up on it. */
const OPEN_TIMEOUT_MS = 10_000;
/** Errors kept per transport (the rest are counted). */
const MAX_ERRORS = 5;
/** Progress is reported at most this often. */
const PROGRESS_EVERY_MS = 100;

export interface Progress {
  transport: TransportName;
  phase: 'opening' | 'sending' | 'waiting' | 'closing' | 'counting' | 'done';
  sent: number;
  delivered: number;
  total: number;
}

export interface RunOptions {
  settings: CompareSettings;
  /** The transports to run, in order (default: all four). */
  transports?: readonly TransportName[];
  /** The run token (default: a new random one). */
  run?: string;
  onProgress?(progress: Progress): void;
  /** Each transport's measurement as soon as it is done. */
  onMeasured?(measurement: TransportMeasurement): void;
  /** Stop early: the transport under way is closed and the run rejects with an AbortError. */
  signal?: AbortSignal;
}

/** A run token: 16 random bytes as base64url (what `RUN_TOKEN` accepts). */
export function newRunToken(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Run the conversation over each transport in turn. */
export async function runComparison(env: RunEnvironment, options: RunOptions): Promise<TransportMeasurement[]> {
  const run = options.run ?? newRunToken();
  const results: TransportMeasurement[] = [];
  for (const name of options.transports ?? TRANSPORT_NAMES) {
    const measurement = await runTransport(env, name, { ...options, run });
    results.push(measurement);
    options.onMeasured?.(measurement);
  }
  return results;
}

/** Run the conversation over one transport and measure it. */
export async function runTransport(env: RunEnvironment, name: TransportName, options: RunOptions & { run: string }): Promise<TransportMeasurement> {
  const { settings, signal } = options;
  const script = conversationScript(settings);
  const tracker = new EchoTracker(script, settings.lateMs);
  const errors: string[] = [];
  let errorCount = 0;
  let lastProgress = -Infinity;
  let wake: (() => void) | null = null;
  const progress = (phase: Progress['phase'], force = false): void => {
    const now = env.now();
    if (!force && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    options.onProgress?.({ transport: name, phase, sent: tracker.sentCount, delivered: tracker.deliveredCount, total: script.length });
  };
  const ctx: ClientContext = {
    env,
    run: options.run,
    settings,
    echo(seq, text) {
      tracker.echoed(seq, text, env.now());
      progress('sending');
      if (tracker.complete) wake?.();
    },
    error(message) {
      errorCount++;
      if (errors.length < MAX_ERRORS) errors.push(message);
    },
  };

  progress('opening', true);
  const client = CLIENTS[name](ctx);
  const started = env.now();
  try {
    await withTimeout(client.ready, OPEN_TIMEOUT_MS, `${name} did not open within ${OPEN_TIMEOUT_MS / 1000} s`);
    throwIfAborted(signal);
    // Send each message at its time; if the timers fall behind, catch up at once.
    const start = env.now();
    let i = 0;
    while (i < script.length) {
      const elapsed = env.now() - start;
      while (i < script.length && script[i]!.at <= elapsed) {
        const message = script[i++]!;
        tracker.sent(message.seq, env.now());
        client.send(message.seq, message.text);
      }
      progress('sending');
      throwIfAborted(signal);
      if (i < script.length) await sleep(script[i]!.at - (env.now() - start));
    }
    // Wait for the echoes still on their way, up to drainMs.
    progress('waiting', true);
    if (!tracker.complete) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, settings.drainMs);
        const onAbort = (): void => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        wake = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
    }
  } catch (error) {
    if (!isAbort(error)) ctx.error(describeError(error));
  } finally {
    wake = null;
    progress('closing', true);
    await client.close().catch((error: unknown) => ctx.error(`closing: ${describeError(error)}`));
  }
  throwIfAborted(signal);
  const durationMs = env.now() - started;
  progress('counting', true);
  const wire = await fetchCounts(env, name, options.run).catch((error: unknown) => {
    ctx.error(`the server's counts: ${describeError(error)}`);
    return emptyWireCounts();
  });
  const summary = tracker.summary();
  if (summary.corrupt > 0) ctx.error(`${summary.corrupt} echoes came back different from the message sent`);
  if (errorCount > errors.length) errors.push(`and ${errorCount - errors.length} more problems`);
  progress('done', true);
  return {
    name,
    messages: summary.messages,
    delivered: summary.delivered,
    lost: summary.lost,
    late: summary.late,
    wire,
    latencyMs: summary.latencyMs,
    durationMs: Math.round(durationMs),
    errors,
  };
}

/** What the server counted for `name` in run `run`. */
export async function fetchCounts(env: RunEnvironment, name: TransportName, run: string): Promise<WireCounts> {
  const url = new URL(COMPARE_PATHS.stats, env.origin);
  url.searchParams.set('run', run);
  const response = await env.fetch(url.href, { cache: 'no-store' });
  if (!response.ok) throw new Error(`GET ${COMPARE_PATHS.stats} got ${response.status}: ${(await response.text()).trim()}`);
  const stats = (await response.json()) as StatsResponse;
  return stats.transports[name];
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('The comparison was stopped.', 'AbortError');
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
