/**
 * The teacher's view as rune state: one `/inspect?all` subscriber (a server started with
 * `--class` lets it watch every connection), its capture, a per-connection filter, the selected
 * frame; and, when the server refuses, the reason in words (class-watch.ts). The page turns it
 * on with the "Watch the whole class" toggle or the `#/?watch=class` link; the students' own
 * views (PlaygroundState) are not touched.
 */
import { connectInspector, readyWithin, type InspectorClient } from '../inspector/client.svelte';
import type { CapturedFrame, ConnectionRecord } from '../inspector/capture';
import { DEFAULT_CAPACITY, NO_CONNECTIONS } from '../inspector/capture';
import { parseRoute } from '../route';
import {
  CLOSED_TEXT,
  connectionChoices,
  filterFrames,
  refusalFor,
  watchRequested,
  WATCH_HASH,
  type ClassStatus,
  type ConnectionChoice,
  type FilteredFrames,
  type Probe,
  type Refusal,
} from './class-watch';
import { newSessionToken, socketBase } from '../socket/address';

/** Opens an inspector: `all` for the class, else the given session (the probe). */
export type OpenInspector = (url: string, session: string | null, all: boolean) => InspectorClient;

/** Where the toggle reads and writes `#/?watch=class`: `window`, or a fake in tests. */
export interface HashHost extends Pick<EventTarget, 'addEventListener' | 'removeEventListener'> {
  readonly location: { hash: string };
  readonly history: { replaceState(data: unknown, unused: string, url?: string): void };
}

export interface ClassWatchOptions {
  location?: { protocol: string; host: string };
  open?: OpenInspector;
  /** How long to wait for a server's hello (ms). */
  wait?: number;
  capacity?: number;
}

const NO_FRAMES = filterFrames({ length: 0, at: () => undefined }, null);

export class ClassWatch {
  readonly location: { protocol: string; host: string };
  #status = $state<ClassStatus>('off');
  #client = $state.raw<InspectorClient | null>(null);
  #refusal = $state.raw<Refusal | null>(null);
  #filter = $state<number | null>(null);
  #selected = $state<number | null>(null);
  #follow = $state(true);
  #open: OpenInspector;
  #wait: number;
  /** Each start() counts; an older one that finishes late changes nothing. */
  #attempt = 0;

  #frames = $derived.by((): FilteredFrames => {
    const frames = this.#client?.capture.frames;
    return frames ? filterFrames(frames, this.#filter) : NO_FRAMES;
  });

  constructor(options: ClassWatchOptions = {}) {
    this.location = options.location ?? { protocol: location.protocol, host: location.host };
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.#open = options.open ?? ((url, session, all) => connectInspector(url, session, { all, capacity }));
    this.#wait = options.wait ?? 3_000;
  }

  /** off, connecting, watching, refused, or closed (it was watching and the socket closed). */
  get status(): ClassStatus {
    if (this.#status === 'watching' && this.#client?.status === 'closed') return 'closed';
    return this.#status;
  }

  /** The toggle is on (whatever became of the socket). */
  get on(): boolean {
    return this.#status !== 'off';
  }

  get refusal(): Refusal | null {
    return this.#refusal;
  }

  /** Said when the class view closed after it had opened. */
  get closedText(): string | null {
    return this.status === 'closed' ? CLOSED_TEXT : null;
  }

  get client(): InspectorClient | null {
    return this.#client;
  }

  /** The connections the tap reported, by the server's id. */
  get connections(): ReadonlyMap<number, ConnectionRecord> {
    return this.#client?.capture.connections ?? NO_CONNECTIONS;
  }

  get choices(): ConnectionChoice[] {
    return connectionChoices(this.connections.values());
  }

  /** The frames listed: one connection's, or every connection's (null). */
  get filter(): number | null {
    return this.#filter;
  }

  set filter(connection: number | null) {
    this.#filter = connection;
  }

  get frames(): FilteredFrames {
    return this.#frames;
  }

  get follow(): boolean {
    return this.#follow;
  }

  set follow(value: boolean) {
    this.#follow = value;
  }

  /** The selected frame's sequence number: the one picked, or the newest listed while following. */
  get selected(): number | null {
    const frames = this.#frames;
    if (this.#follow) return frames.at(frames.length - 1)?.seq ?? null;
    return this.#selected !== null && frames.indexOfSeq(this.#selected) >= 0 ? this.#selected : null;
  }

  get selectedFrame(): CapturedFrame | null {
    const seq = this.selected;
    if (seq === null) return null;
    const index = this.#frames.indexOfSeq(seq);
    return index < 0 ? null : (this.#frames.at(index) ?? null);
  }

  select(frame: CapturedFrame): void {
    this.#selected = frame.seq;
    this.#follow = false;
  }

  /** The record of the selected frame's connection. */
  get selectedRecord(): ConnectionRecord | null {
    const frame = this.selectedFrame;
    return frame ? (this.connections.get(frame.connection) ?? null) : null;
  }

  /**
   * Opens `/inspect?all`. Resolves true once the server said hello; false when it refused (then
   * `refusal` says why and how to fix it) or when another start() or stop() came first.
   */
  async start(): Promise<boolean> {
    const attempt = ++this.#attempt;
    this.#client?.close();
    this.#client = null;
    this.#refusal = null;
    this.#selected = null;
    this.#follow = true;
    this.#filter = null;
    const base = socketBase(this.location);
    if (base === null) {
      this.#status = 'refused';
      this.#refusal = refusalFor(false, null);
      return false;
    }
    this.#status = 'connecting';
    const client = this.#open(`${base}/inspect`, null, true);
    this.#client = client;
    const ok = await readyWithin(client, this.#wait);
    if (attempt !== this.#attempt) return false;
    if (ok) {
      this.#status = 'watching';
      return true;
    }
    client.close();
    this.#client = null;
    const probe = await this.#probe(base);
    if (attempt !== this.#attempt) return false;
    this.#status = 'refused';
    this.#refusal = refusalFor(true, probe);
    return false;
  }

  stop(): void {
    this.#attempt++;
    this.#client?.close();
    this.#client = null;
    this.#refusal = null;
    this.#status = 'off';
  }

  clear(): void {
    this.#client?.capture.clear();
    this.#selected = null;
    this.#follow = true;
  }

  /** The toggle: on (and `#/?watch=class` in the address) or off (`#/`). */
  toggle(host?: HashHost): void {
    const on = !this.on;
    if (on) void this.start();
    else this.stop();
    if (host && watchRequested(host.location.hash) !== on) host.history.replaceState(null, '', on ? WATCH_HASH : '#/');
  }

  /**
   * Follows the address: `#/?watch=class` turns the view on (now and on later hash changes), a
   * playground hash without it turns it off. Returns the undo (an `$effect`'s cleanup).
   */
  followHash(host: HashHost): () => void {
    const sync = (): void => {
      const want = watchRequested(host.location.hash);
      if (want && !this.on) void this.start();
      // Only a playground hash without ?watch=class turns it off (leaving the page destroys it).
      else if (!want && this.on && parseRoute(host.location.hash).name === 'playground') this.stop();
    };
    sync();
    host.addEventListener('hashchange', sync);
    return () => host.removeEventListener('hashchange', sync);
  }

  destroy(): void {
    this.stop();
  }

  /** Asks a `/inspect?session=` tap (every Framescope server takes one) whether class mode is on. */
  async #probe(base: string): Promise<Probe> {
    const probe = this.#open(`${base}/inspect`, newSessionToken(), false);
    const ok = await readyWithin(probe, this.#wait);
    probe.capture.flush();
    const hello = probe.capture.hello;
    probe.close();
    return ok && hello ? { kind: 'hello', classMode: hello.classMode } : { kind: 'no-answer' };
  }
}
