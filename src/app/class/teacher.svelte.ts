/**
 * The teacher's page as rune state: the token, what `GET /class` answered, the `/inspect?all`
 * subscriber and its capture, the roster of students, which student is shown (or full screen), the
 * selected frame, and the last demonstration sent to everyone with each browser's reaction.
 */
import { connectInspector, readyWithin, type InspectorClient } from '../inspector/client.svelte';
import type { CapturedFrame } from '../inspector/capture';
import { DEFAULT_CAPACITY, NO_CONNECTIONS, NO_STUDENTS } from '../inspector/capture';
import type { CommandAction } from '../inspector/messages';
import { socketBase } from '../socket/address';
import { classInfoUrl, fetchAccess, TEACHER_PARAM, type Access } from './access';
import { filterFrames, type FilteredFrames } from './class-watch';
import { reactionOf, sentDemo, type Reaction, type SentDemo } from './reactions';
import { arrange, roster, type ArrangedRoster, type RosterEntry } from './roster';
import { CLASS_TEXT } from './strings';

/** What the last demonstration came to; `note` says how to read its reactions (the ping's times). */
export interface DemoMessage {
  ok: boolean;
  text: string;
  note: string | null;
}

export type WatchStatus = 'idle' | 'connecting' | 'watching' | 'refused' | 'closed';

export interface TeacherOptions {
  location?: { protocol: string; host: string };
  fetcher?: typeof fetch;
  open?: (url: string) => InspectorClient;
  wait?: number;
}

const NO_FRAMES = filterFrames({ length: 0, at: () => undefined }, null);

export class TeacherState {
  readonly location: { protocol: string; host: string };
  readonly token: string | null;
  #access = $state.raw<Access>({ kind: 'checking' });
  #client = $state.raw<InspectorClient | null>(null);
  #status = $state<WatchStatus>('idle');
  /** The roster entry whose frames are listed (null: everyone), and the one full screen. */
  #shown = $state<string | null>(null);
  #fullScreen = $state<string | null>(null);
  #selected = $state<number | null>(null);
  #follow = $state(true);
  #demo = $state.raw<SentDemo | null>(null);
  #demoMessage = $state<DemoMessage | null>(null);
  #fetcher: typeof fetch | undefined;
  #open: (url: string) => InspectorClient;
  #wait: number;
  #attempt = 0;

  #entries = $derived.by((): RosterEntry[] => {
    const capture = this.#client?.capture;
    return roster(capture?.students ?? NO_STUDENTS, capture?.connections ?? NO_CONNECTIONS);
  });

  #arranged = $derived(arrange(this.#entries));

  #frames = $derived.by((): FilteredFrames => {
    const frames = this.#client?.capture.frames;
    if (!frames) return NO_FRAMES;
    return filterFrames(frames, this.shownEntry?.ids ?? null);
  });

  constructor(token: string | null, options: TeacherOptions = {}) {
    this.token = token;
    this.location = options.location ?? { protocol: location.protocol, host: location.host };
    this.#fetcher = options.fetcher;
    this.#open = options.open ?? ((url) => connectInspector(url, null, { all: true, capacity: DEFAULT_CAPACITY }));
    this.#wait = options.wait ?? 3_000;
  }

  get access(): Access {
    return this.#access;
  }

  get status(): WatchStatus {
    if (this.#status === 'watching' && this.#client?.status === 'closed') return 'closed';
    return this.#status;
  }

  get client(): InspectorClient | null {
    return this.#client;
  }

  get entries(): RosterEntry[] {
    return this.#entries;
  }

  /** The roster split: who is here (counted), who left. */
  get arranged(): ArrangedRoster {
    return this.#arranged;
  }

  get openConnections(): number {
    let open = 0;
    for (const entry of this.#entries) open += entry.open;
    return open;
  }

  get shown(): string | null {
    return this.#shown;
  }

  set shown(key: string | null) {
    this.#shown = key;
    this.#selected = null;
    this.#follow = true;
  }

  get shownEntry(): RosterEntry | null {
    return this.#shown === null ? null : (this.#entries.find((e) => e.key === this.#shown) ?? null);
  }

  get fullScreen(): RosterEntry | null {
    return this.#fullScreen === null ? null : (this.#entries.find((e) => e.key === this.#fullScreen) ?? null);
  }

  set fullScreenKey(key: string | null) {
    this.#fullScreen = key;
  }

  get frames(): FilteredFrames {
    return this.#frames;
  }

  /** The frames of one roster entry (the full-screen view). */
  framesOf(entry: RosterEntry): FilteredFrames {
    const frames = this.#client?.capture.frames;
    return frames ? filterFrames(frames, entry.ids) : NO_FRAMES;
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

  /** Who a connection belongs to, as the roster names it. */
  whoseConnection(connection: number): RosterEntry | null {
    return this.#entries.find((entry) => entry.ids.has(connection)) ?? null;
  }

  get demoMessage(): DemoMessage | null {
    return this.#demoMessage;
  }

  /** How a roster entry's browser reacted to the last demonstration (its newest targeted connection). */
  reaction(entry: RosterEntry): Reaction {
    const demo = this.#demo;
    const frames = this.#client?.capture.frames;
    if (!demo || !frames) return { state: 'none', text: '' };
    for (let i = entry.connections.length - 1; i >= 0; i--) {
      const record = entry.connections[i]!;
      if (demo.connections.has(record.connection)) return reactionOf(demo, record, frames);
    }
    return entry.open > 0 ? { state: 'none', text: CLASS_TEXT.reaction.notTargeted() } : { state: 'none', text: '' };
  }

  /** Asks `GET /class`, then opens `/inspect?all&teacher=…` when allowed. */
  async start(): Promise<void> {
    const attempt = ++this.#attempt;
    this.#client?.close();
    this.#client = null;
    this.#access = { kind: 'checking' };
    this.#status = 'idle';
    // With no token the question is still asked (`teacher=` empty): the server's 403 is the answer.
    const access = await fetchAccess(classInfoUrl(this.location, this.token ?? ''), this.#fetcher);
    if (attempt !== this.#attempt) return;
    this.#access = access;
    const base = socketBase(this.location);
    if (access.kind !== 'ok' || base === null || this.token === null) return;
    this.#status = 'connecting';
    const client = this.#open(`${base}/inspect?${TEACHER_PARAM}=${encodeURIComponent(this.token)}`);
    this.#client = client;
    const ok = await readyWithin(client, this.#wait);
    if (attempt !== this.#attempt) return;
    this.#status = ok ? 'watching' : 'refused';
  }

  /** One demonstration to every open playground connection; the reactions follow in `reaction()`. */
  async broadcast(action: CommandAction): Promise<void> {
    const client = this.#client;
    if (!client) return;
    client.capture.flush();
    const frames = client.capture.frames;
    const fromSeq = (frames.at(frames.length - 1)?.seq ?? -1) + 1;
    const result = await client.broadcast(action);
    if (!result.ok) {
      this.#demoMessage = { ok: false, text: CLASS_TEXT.demoFailed(result.message), note: null };
      return;
    }
    this.#demo = sentDemo(action, fromSeq, result.ack.connections);
    const note = action.action === 'ping' && result.ack.connections.length > 0 ? CLASS_TEXT.demoPingTiming() : null;
    this.#demoMessage = { ok: true, text: CLASS_TEXT.demoSent(result.ack.connections.length, result.ack.skipped.length), note };
  }

  clear(): void {
    this.#client?.capture.clear();
    this.#selected = null;
    this.#follow = true;
  }

  destroy(): void {
    this.#attempt++;
    this.#client?.close();
    this.#client = null;
  }
}
