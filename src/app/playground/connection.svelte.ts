/**
 * The page's own WebSocket: the browser's real `WebSocket`, wrapped so every readyState step and
 * browser event lands in a timeline. Reconnecting starts a new timeline; the old ones stay.
 */
import * as m from '../../paraglide/messages.js';
import { throttled } from '../inspector/capture.svelte';
import { RingBuffer } from '../inspector/ring-buffer';
import { createBrowserSocket, openSocket, type CreateSocket, type PageSocket, type SocketOptions } from '../socket/socket';
import { createTimeline, reduceTimelineBatch, type Timeline, type TimelineInput } from '../socket/timeline';
import { checkCloseRequest } from './close-codes';
import { refusal } from './said';
import type { Outgoing } from './composer';

export interface ConnectionClock {
  /** Monotonic milliseconds (performance.now()). */
  now(): number;
  /** Wall-clock milliseconds (Date.now()). */
  wall(): number;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
  /**
   * Calls `fn` once, on an animation frame (a timer when the tab is hidden); under a flood at most
   * ten times a second, as the capture does, leaving the main thread to the messages.
   */
  frame(fn: () => void): void;
}

const browserClock: ConnectionClock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  every(ms, fn) {
    const id = setInterval(fn, ms);
    return () => clearInterval(id);
  },
  frame: throttled(),
};

/** The message log at one moment: a view over its ring, replaced at each flush. */
export interface LogView {
  readonly length: number;
  at(index: number): LoggedMessage | undefined;
  /** Messages ever logged, and how many the ring let go. */
  readonly total: number;
  readonly evicted: number;
}

function logView(ring: RingBuffer<LoggedMessage>): LogView {
  const length = ring.length;
  const first = ring.firstSeq;
  return {
    length,
    total: ring.total,
    evicted: ring.total - length,
    // By sequence number, so a view published earlier never shows an entry that came later.
    at: (index) => (index >= 0 && index < length ? ring.bySeq(first + index) : undefined),
  };
}

/** A message the page sent or received, for the message-level log (all a foreign server allows). */
export interface LoggedMessage {
  timeline: number;
  direction: 'sent' | 'received';
  t: number;
  kind: 'text' | 'binary';
  size: number;
  preview: string;
  /** What the message event's `data` was: a string, an ArrayBuffer or a Blob (binaryType). */
  carried?: 'string' | 'ArrayBuffer' | 'Blob';
}

export type ActionResult = { ok: true } | { ok: false; message: string };

/** The message log keeps this many (it is drawn windowed, so more cost only memory). */
export const MAX_LOG = 5_000;
const POLL_MS = 15;

/** Bytes of `text` in UTF-8, counted without encoding it (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for 2 UTF-16 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

export function previewData(data: string | Uint8Array, max = 120): string {
  if (typeof data === 'string') return data.length > max ? `${data.slice(0, max)}\u2026` : data;
  const shown = Array.from(data.subarray(0, Math.min(data.length, 32)), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return data.length > 32 ? `${shown} \u2026` : shown;
}

/** What `send(data)` sends: a string is a text message (its UTF-8 length), anything else binary. */
function sentData(data: string | ArrayBufferLike | Blob | ArrayBufferView): { kind: 'text' | 'binary'; size: number; preview: string } {
  if (typeof data === 'string') return { kind: 'text', size: utf8Length(data), preview: previewData(data) };
  if (typeof Blob !== 'undefined' && data instanceof Blob) return { kind: 'binary', size: data.size, preview: m.playground_blob_preview({ size: data.size }) };
  const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data as ArrayBufferLike);
  return { kind: 'binary', size: bytes.length, preview: previewData(bytes) };
}

export class PlaygroundConnection {
  #timelines = $state.raw<readonly Timeline[]>([]);
  #logRing = new RingBuffer<LoggedMessage>(MAX_LOG);
  #log = $state.raw<LogView>(logView(this.#logRing));
  /**
   * Inputs and log lines waiting for the next animation frame: a browser event costs a push here,
   * and the timelines and the log are replaced once per frame however many events came.
   */
  #pending: { id: number; input: TimelineInput }[] = [];
  #pendingLog = false;
  #scheduled = false;
  #ours = $state(false);
  #socket: PageSocket | null = null;
  #t0 = 0;
  #stopPolling: (() => void) | null = null;
  /** The bufferedAmount last recorded for the current socket (by send() or the poll). */
  #lastBuffered = 0;
  #createSocket: CreateSocket;
  #clock: ConnectionClock;

  constructor(createSocket: CreateSocket = createBrowserSocket, clock: ConnectionClock = browserClock) {
    this.#createSocket = createSocket;
    this.#clock = clock;
  }

  /** The current socket (the browser's WebSocket), while there is one. */
  get socket(): PageSocket | null {
    return this.#socket;
  }

  /** Every timeline of this tab, oldest first. */
  get timelines(): readonly Timeline[] {
    return this.#timelines;
  }

  get current(): Timeline | null {
    return this.#timelines.at(-1) ?? null;
  }

  /** The current socket's state, or null before the first connect. */
  get state(): Timeline['state'] | null {
    return this.current?.state ?? null;
  }

  /** Connected (or connecting) to our own server, so the inspector tap sees the frames. */
  get ours(): boolean {
    return this.#ours;
  }

  /** Messages sent and received, newest last (the newest MAX_LOG). */
  get log(): LogView {
    return this.#log;
  }

  /** The number the next connection's timeline will get. */
  get nextId(): number {
    return this.#timelines.length + 1;
  }

  get active(): boolean {
    const state = this.state;
    return state === 'CONNECTING' || state === 'OPEN' || state === 'CLOSING';
  }

  /** What binary messages arrive as from now on, on the open socket too (WHATWG WebSockets: binaryType). */
  setBinaryType(type: BinaryType): void {
    if (this.#socket) this.#socket.binaryType = type;
  }

  /** Opens a new WebSocket (closing the current one first, with 1000). */
  connect(url: string, ours: boolean, options: SocketOptions = {}): ActionResult {
    if (this.#socket && this.active) this.close(1000, 'reconnecting');
    this.#detach();
    const id = this.nextId;
    const t0 = this.#clock.now();
    const t = (): number => Math.max(0, this.#clock.now() - t0);
    // Each socket writes to its own timeline, so an old connection still closing finishes its story.
    const opened = openSocket(
      url,
      {
        open: (socket) => {
          this.#apply(id, { type: 'open', t: t(), protocol: socket.protocol, extensions: socket.extensions }, true);
        },
        message: (data) => {
          const at = t();
          if (typeof Blob !== 'undefined' && data instanceof Blob) {
            // binaryType 'blob': the bytes are behind a promise (blob.arrayBuffer()); the event knows only the size.
            this.#apply(id, { type: 'message', t: at, kind: 'binary', size: data.size });
            this.#record({ timeline: id, direction: 'received', t: at, kind: 'binary', size: data.size, preview: m.playground_blob_preview({ size: data.size }), carried: 'Blob' });
            return;
          }
          const bytes = typeof data === 'string' ? null : new Uint8Array(data as ArrayBuffer);
          const kind = bytes ? 'binary' : 'text';
          const size = bytes ? bytes.length : utf8Length(data as string);
          this.#apply(id, { type: 'message', t: at, kind, size });
          this.#record({ timeline: id, direction: 'received', t: at, kind, size, preview: previewData(bytes ?? (data as string)), carried: bytes ? 'ArrayBuffer' : 'string' });
        },
        error: () => {
          this.#apply(id, { type: 'error', t: t() }, true);
        },
        close: (close, socket) => {
          this.#apply(id, { type: 'close', t: t(), ...close }, true);
          if (this.#socket === socket) this.#detach();
        },
      },
      this.#createSocket,
      options,
    );
    if (!opened.ok) {
      const why = opened.message;
      return refusal(() => m.playground_url_refused({ message: why }));
    }
    const socket = opened.socket;
    this.#countSends(socket, id, t);
    this.#t0 = t0;
    this.#socket = socket;
    this.#ours = ours;
    this.#timelines = [...this.#timelines, createTimeline(id, url, this.#clock.wall())];

    this.#lastBuffered = 0;
    this.#stopPolling = this.#clock.every(POLL_MS, () => {
      if (this.#socket !== socket) return;
      // RFC 6455 §7.1.3: the closing handshake has started; the API fires no event for CLOSING.
      if (socket.readyState === 2 && this.state === 'OPEN') this.#apply(id, { type: 'closing-seen', t: t() }, true);
      const buffered = socket.bufferedAmount;
      if (buffered !== this.#lastBuffered) {
        this.#lastBuffered = buffered;
        this.#apply(id, { type: 'buffered', t: t(), bufferedAmount: buffered });
      }
    });
    return { ok: true };
  }

  /** Sends a message; refuses (and says why) when the socket is not OPEN. */
  send(outgoing: Outgoing): ActionResult {
    const socket = this.#socket;
    const t = this.#t();
    if (!socket || this.state !== 'OPEN') {
      const said = this.state === 'CONNECTING' ? m.playground_send_connecting : m.playground_send_not_connected;
      if (socket && this.current) this.#apply(this.current.id, { type: 'refused', t, message: said() }, true);
      return refusal(said);
    }
    try {
      // The counting send (#countSends) puts it on the timeline and in the log.
      socket.send(outgoing.data as string | Uint8Array<ArrayBuffer>);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.#apply(this.current!.id, { type: 'refused', t, message: m.playground_send_threw({ message: why }) }, true);
      return refusal(() => m.playground_send_threw({ message: why }));
    }
    return { ok: true };
  }

  /**
   * Every `send()` on this socket is counted and logged, the page's and a student's own from the
   * console (`ws.send('m' + i)` in a loop): the socket's own `send` is wrapped, the real one called.
   */
  #countSends(socket: PageSocket, id: number, t: () => number): void {
    const send = socket.send.bind(socket);
    socket.send = (data: string | ArrayBufferLike | Blob | ArrayBufferView): void => {
      const open = socket.readyState === 1;
      send(data);
      if (!open) return; // CLOSING or CLOSED: the browser discards it (CONNECTING threw above)
      const at = t();
      const sent = sentData(data);
      this.#lastBuffered = socket.bufferedAmount;
      this.#apply(id, { type: 'send', t: at, kind: sent.kind, size: sent.size, bufferedAmount: this.#lastBuffered });
      this.#record({ timeline: id, direction: 'sent', t: at, kind: sent.kind, size: sent.size, preview: sent.preview });
    };
  }

  /** `close(code, reason)` with the checks the browser would make (it throws on a bad code or reason). */
  close(code: number, reason: string): ActionResult {
    const socket = this.#socket;
    if (!socket || !(this.state === 'OPEN' || this.state === 'CONNECTING')) {
      return refusal(m.playground_close_nothing);
    }
    const check = checkCloseRequest(code, reason);
    if (!check.ok) return check;
    try {
      socket.close(code, reason);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return refusal(() => m.playground_close_threw({ message: why }));
    }
    this.#apply(this.current!.id, { type: 'close-called', t: this.#t(), code, reason }, true);
    return { ok: true };
  }

  clearLog(): void {
    this.#logRing.clear();
    this.#log = logView(this.#logRing);
  }

  /** Applies what is waiting now (the next animation frame would); tests and immediate events call it. */
  flush(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    if (pending.length > 0) {
      this.#pending = [];
      const copy = this.#timelines.slice();
      let changed = false;
      // Consecutive inputs for one timeline go in one batch (nearly always: all of them).
      for (let from = 0; from < pending.length; ) {
        const id = pending[from]!.id;
        let to = from;
        const inputs: TimelineInput[] = [];
        while (to < pending.length && pending[to]!.id === id) inputs.push(pending[to++]!.input);
        from = to;
        let index = copy.length - 1;
        while (index >= 0 && copy[index]!.id !== id) index--;
        if (index === -1) continue;
        const next = reduceTimelineBatch(copy[index]!, inputs);
        if (next !== copy[index]) {
          copy[index] = next;
          changed = true;
        }
      }
      if (changed) this.#timelines = copy;
    }
    if (this.#pendingLog) {
      this.#pendingLog = false;
      this.#log = logView(this.#logRing);
    }
  }

  /** Stops polling and closes the socket with 1000 (a script may not send 1001, Going Away). */
  destroy(): void {
    const socket = this.#socket;
    this.#detach();
    if (socket && (socket.readyState === 0 || socket.readyState === 1)) socket.close(1000, m.playground_close_reason_page_closed());
  }

  #t(): number {
    return Math.max(0, this.#clock.now() - this.#t0);
  }

  /**
   * Feeds one input to timeline `id`: at the next animation frame, or now (`now`: a change of
   * readyState, which the page's controls and the explanation follow at once).
   */
  #apply(id: number, input: TimelineInput, now = false): void {
    this.#pending.push({ id, input });
    if (now) this.flush();
    else this.#schedule();
  }

  #record(message: LoggedMessage): void {
    this.#logRing.push(message);
    this.#pendingLog = true;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#clock.frame(() => this.flush());
  }

  #detach(): void {
    this.flush();
    this.#stopPolling?.();
    this.#stopPolling = null;
    this.#socket = null;
  }
}
