/**
 * Server-Sent Events: one long response the server writes each echo into as an event (`id:` the
 * seq, `data:` the text); the client sends its messages with POSTs. One request for the whole
 * stream down, but still one per message up.
 *
 * Bounded: one stream per run (a newer one replaces it), at most `maxStreams` open (over it:
 * 503), and a client that stops reading is dropped once `streamHighWater` bytes wait unsent in
 * its socket, or when a write would take the bytes no client has read yet past their bound
 * (unsent.ts, shared with the polls' answers); what it missed stays queued for its reconnection
 * (`Last-Event-ID`) as long as newer echoes leave room.
 */
import { COMPARE_PATHS } from '../../src/wire/compare.ts';
import type { Logger } from '../log.ts';
import { queryNumber, type Exchange } from './exchange.ts';
import type { ResponseMeter } from './meter.ts';
import type { Run } from './runs.ts';
import { SSE_KEEPALIVE, sseEvent, sseRetry } from './sse-format.ts';
import type { UnsentBytes } from './unsent.ts';

interface Stream {
  meter: ResponseMeter;
  keepalive: NodeJS.Timeout;
}

export interface SseLimits {
  maxStreams: number;
  streamHighWater: number;
  keepaliveMs: number;
  retryMs: number;
}

export class ServerSentEvents {
  readonly #limits: SseLimits;
  readonly #unsent: UnsentBytes;
  readonly #logger: Logger;
  readonly #streams = new Map<Run, Stream>();
  /** Streams dropped because their client stopped reading. */
  dropped = 0;

  constructor(limits: SseLimits, unsent: UnsentBytes, logger: Logger) {
    this.#limits = limits;
    this.#unsent = unsent;
    this.#logger = logger;
  }

  /** Streams open right now. */
  get streams(): number {
    return this.#streams.size;
  }

  /** GET /compare/sse/events?run=R (Last-Event-ID: N on a reconnection): the echoes after N, then each as it comes. */
  events(ex: Exchange): void {
    const header = ex.req.headersDistinct['last-event-id']?.[0]?.trim();
    const lastId = header === undefined || header === '' ? null : /^\d{1,15}$/.test(header) ? Number(header) : NaN;
    const after = queryNumber(ex.url, 'after', null);
    if (Number.isNaN(lastId) || (ex.url.searchParams.has('after') && after === null)) {
      ex.meter.text(400, 'Last-Event-ID (or ?after=) is the last seq the client has: a whole number.');
      return;
    }
    const run = ex.run;
    this.#end(run);
    if (this.#streams.size >= this.#limits.maxStreams) {
      ex.meter.text(503, `The server has ${this.#limits.maxStreams} event streams open already; try again in a second.`, { 'Retry-After': '1' });
      return;
    }
    // A reconnecting client says what it has; a new one gets what no stream has written yet.
    const from = lastId ?? after ?? run.sseWritten;
    run.queues.sse.ack(from);
    run.sseWritten = from;
    const meter = ex.meter;
    meter.openStream(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    const keepalive = setInterval(() => this.#write(run, SSE_KEEPALIVE, 0), this.#limits.keepaliveMs);
    keepalive.unref();
    const stream: Stream = { meter, keepalive };
    this.#streams.set(run, stream);
    run.active++;
    meter.res.once('close', () => this.#forget(run, stream));
    this.#write(run, sseRetry(this.#limits.retryMs), 0);
    this.queued(run);
  }

  /** Echoes were queued for `run`: write those its stream has not written yet. */
  queued(run: Run): void {
    if (!this.#streams.has(run)) return;
    for (const item of run.queues.sse.since(run.sseWritten)) {
      const { event, payload } = sseEvent(item.seq, item.text);
      if (!this.#write(run, event, payload)) return;
      run.sseWritten = item.seq;
    }
  }

  /** End every stream: the server is shutting down. */
  close(): void {
    for (const run of [...this.#streams.keys()]) this.#end(run);
  }

  /**
   * Write to `run`'s stream; false if it is gone, or dropped now: its client is not reading (more
   * than `streamHighWater` bytes still unsent from earlier writes), or this write would take what
   * no client has read yet past its bound. So one stream holds at most the high-water mark plus
   * one event, and all of them together at most the bound.
   */
  #write(run: Run, text: string, payload: number): boolean {
    const stream = this.#streams.get(run);
    if (stream === undefined || !stream.meter.open) return false;
    const backlog = stream.meter.buffered;
    const why =
      backlog > this.#limits.streamHighWater
        ? `${backlog} bytes unsent; the client is not reading`
        : !this.#unsent.fits(Buffer.byteLength(text))
          ? `clients have ${this.#unsent.total} bytes unread, the most the server holds; the client reconnects for the rest`
          : null;
    if (why !== null) {
      this.dropped++;
      this.#logger.info(`drop  ${COMPARE_PATHS.events} run=${run.token}: ${why}`);
      this.#forget(run, stream);
      stream.meter.res.destroy();
      return false;
    }
    stream.meter.write(text, payload);
    const socket = stream.meter.res.socket;
    if (socket !== null) this.#unsent.watch(socket, `GET ${COMPARE_PATHS.events} run=${run.token}`);
    return true;
  }

  #end(run: Run): void {
    const stream = this.#streams.get(run);
    if (stream === undefined) return;
    this.#forget(run, stream);
    stream.meter.end();
  }

  #forget(run: Run, stream: Stream): void {
    if (this.#streams.get(run) !== stream) return;
    clearInterval(stream.keepalive);
    this.#streams.delete(run);
    run.active--;
  }
}
