/**
 * The playground page's state: the tab's session token, the browser WebSocket and its timelines,
 * the inspector client and its capture, the selected frame, and the demonstrations asked for.
 * The components read it; they hold only their own form fields.
 */
import * as m from '../../paraglide/messages.js';
import { connectInspector, readyWithin, type InspectorClient } from '../inspector/client.svelte';
import type { CapturedFrame, ConnectionRecord } from '../inspector/capture';
import { DEFAULT_CAPACITY } from '../inspector/capture';
import type { MisbehaveKind, RefusedMessage } from '../inspector/messages';
import type { Outgoing } from './composer';
import type { CreateSocket, PageSocket } from '../socket/socket';
import { PlaygroundConnection, type ActionResult } from './connection.svelte';
import { payloadHead } from '../components/frame-row';
import { demoAction, explainClose, explainRefusal, violation, type DemoRequest, type Explanation, type SentClose } from './demos';
import { currentBrowser, type BrowserName } from './browser-name';
import { explainReaction, type Reaction } from './reaction';
import { newSessionToken, socketBase } from '../socket/address';
import { connNumberFromTarget, defaultEchoUrl, resolveTarget } from './session';
import { ProxyChoice, type CheckFetch } from './proxy/choice.svelte';
import { ackSentence } from './ack-text';
import { explainProxied, explainProxyRefusal } from './proxy/explain';
import { proxyUrl } from './proxy/target';
import { capturedFilterable } from '../components/filter/captured';
import { FrameFinder } from '../components/filter/finder.svelte';
import { storedStudentName } from '../class/student-name';
import { refusal } from './said';

export interface PageLocation {
  protocol: string;
  host: string;
}

export interface PlaygroundOptions {
  location?: PageLocation;
  session?: string;
  createSocket?: CreateSocket;
  /** Opens the inspector (tests pass a fake). */
  openInspector?: (url: string, session: string) => InspectorClient;
  /** How long Connect waits for the inspector's hello before connecting without it (ms). */
  inspectorWait?: number;
  capacity?: number;
  /** Told of each socket Connect opens (the page puts it in the console as `ws`). */
  onsocket?: (socket: PageSocket) => void;
  /** Asks the server whether `/proxy` may watch a target (tests pass a fake). */
  proxyCheck?: CheckFetch;
  /** The browser named in the demonstrations' explanations (default: from `navigator`). */
  browser?: BrowserName;
  /** How long after a broken frame the page takes "nothing happened" as the browser's answer (ms). */
  settleMs?: number;
}

/** A protocol violation asked for on one connection, and what the page had seen when it was sent. */
interface Misbehaved {
  kind: MisbehaveKind;
  /** Message events before the broken frame. */
  messagesBefore: number;
  /** Set once the page has waited: message events then (later ones are the user's own echoes). */
  settled: { messages: number; open: boolean } | null;
}

/** One session token per tab, kept across page reloads (sessionStorage), made once. */
export function tabSession(): string {
  const KEY = 'framescope.session';
  try {
    const known = sessionStorage.getItem(KEY);
    if (known && /^[A-Za-z0-9_-]{16,64}$/.test(known)) return known;
    const made = newSessionToken();
    sessionStorage.setItem(KEY, made);
    return made;
  } catch {
    return newSessionToken();
  }
}

/** `message`: the server's English; `said`: the same, told in the page's language when the ack names its sentence. */
export type DemoOutcome = { ok: true; message: string; said?: () => string } | { ok: false; message: string };

export class PlaygroundState {
  readonly session: string;
  readonly location: PageLocation;
  readonly connection: PlaygroundConnection;
  /** "Watch through Framescope" for a URL that is not this page's server. */
  readonly proxy: ProxyChoice;
  /** The frame list's filter; while one is on, Follow, Prev/Next and ↑/↓ go through its matches. */
  readonly finder = new FrameFinder<CapturedFrame>(capturedFilterable);
  /** The subprotocols to offer, as typed ("echo.v1, echo.v2"). */
  subprotocols = $state('');
  #binaryType = $state<BinaryType>('arraybuffer');
  #url = $state('');
  #proxied = $state(false);
  #inspector = $state.raw<InspectorClient | null>(null);
  #selected = $state<number | null>(null);
  #follow = $state(true);
  #capacity = $state(DEFAULT_CAPACITY);
  #misbehaved = $state.raw<Readonly<Record<number, Misbehaved>>>({});
  readonly browser: BrowserName;
  #settleMs: number;
  /** Read when shown, so it follows the page's language. */
  #notice = $state<(() => string) | null>(null);
  #connecting = $state(false);
  #compression = $state(false);
  #openInspector: (url: string, session: string) => InspectorClient;
  #inspectorWait: number;
  #onsocket: (socket: PageSocket) => void;

  constructor(options: PlaygroundOptions = {}) {
    this.location = options.location ?? { protocol: location.protocol, host: location.host };
    this.session = options.session ?? tabSession();
    this.connection = new PlaygroundConnection(options.createSocket);
    this.#capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.#openInspector =
      options.openInspector ??
      // In class mode the tap names this student for the teacher's view (the name typed on the page).
      ((url, session) => connectInspector(url, session, { capacity: this.#capacity, introduce: () => storedStudentName() }));
    this.#inspectorWait = options.inspectorWait ?? 3_000;
    this.#onsocket = options.onsocket ?? (() => {});
    this.proxy = new ProxyChoice(this.location, { fetch: options.proxyCheck });
    this.#url = defaultEchoUrl(this.location);
    this.browser = options.browser ?? currentBrowser();
    this.#settleMs = options.settleMs ?? 1_500;
  }

  /** The URL field (without the session, which Connect adds for our own server). */
  get url(): string {
    return this.#url;
  }

  set url(value: string) {
    this.#url = value;
  }

  /** The compression toggle: connect with `?deflate`, so this server negotiates permessage-deflate. */
  get compression(): boolean {
    return this.#compression;
  }

  /** Turn compression on or off; an open connection reconnects with the new choice. */
  async setCompression(on: boolean): Promise<void> {
    if (on === this.#compression) return;
    this.#compression = on;
    if (this.connection.active) await this.connect();
  }

  /** The page came from a server (http/https), so it may have our endpoints. */
  get served(): boolean {
    return socketBase(this.location) !== null;
  }

  get inspector(): InspectorClient | null {
    return this.#inspector;
  }

  /** Frames are visible: the current connection is to our server and the tap is open. */
  get tapped(): boolean {
    return this.connection.ours && this.#inspector?.status === 'open';
  }

  /** The current connection goes through this server's `/proxy` to another server. */
  get proxied(): boolean {
    return this.#proxied;
  }

  /** The newest refusal of the current connection through `/proxy` (it never opened), or null. */
  get proxyRefusal(): RefusedMessage | null {
    const current = this.connection.current;
    if (!current || !this.#proxied) return null;
    const refused = this.#inspector?.capture.refused ?? [];
    for (let i = refused.length - 1; i >= 0; i--) {
      if (refused[i]!.proxy && connNumberFromTarget(refused[i]!.request.url) === current.id) return refused[i]!;
    }
    return null;
  }

  /** A Connect is waiting for the inspector. */
  get connecting(): boolean {
    return this.#connecting;
  }

  /** A message about the last Connect or demonstration (shown beside the controls). */
  get notice(): string | null {
    return this.#notice?.() ?? null;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /**
   * Follow the newest frame: on while the list is at its end, off once the user scrolls up or
   * selects a row (the rule of terminals and chat logs); scrolling back to the end, or the
   * checkbox, turns it on again.
   */
  get follow(): boolean {
    return this.#follow;
  }

  set follow(value: boolean) {
    // Following from the frame selected: no jump back to a stale selection when it stops.
    if (!value && this.#follow) this.#selected = this.selected;
    this.#follow = value;
  }

  /** What the socket's message events carry for a binary message: an ArrayBuffer or a Blob. */
  get binaryType(): BinaryType {
    return this.#binaryType;
  }

  set binaryType(type: BinaryType) {
    this.#binaryType = type;
    this.connection.setBinaryType(type);
  }

  /** Pause capture: frames keep arriving and are counted, the list and the frame view hold still. */
  get paused(): boolean {
    return this.#inspector?.capture.paused ?? false;
  }

  set paused(value: boolean) {
    const capture = this.#inspector?.capture;
    if (capture) capture.paused = value;
  }

  /** The selected frame's sequence number: the one picked, or the newest while following. */
  get selected(): number | null {
    const frames = this.#inspector?.capture.frames;
    if (!frames) return null;
    if (this.#follow) {
      const list = this.finder.matches ?? frames;
      return list.at(list.length - 1)?.seq ?? null;
    }
    return this.#selected;
  }

  get selectedFrame(): CapturedFrame | null {
    const seq = this.selected;
    if (seq === null) return null;
    return this.#inspector?.capture.frames.bySeq(seq) ?? null;
  }

  select(frame: CapturedFrame): void {
    this.#selected = frame.seq;
    this.#follow = false;
  }

  /**
   * The frame `delta` rows from the selected one (Prev -1, Next +1), selected; from the newest
   * when none is. False when there is no such frame (the ends of the list).
   */
  step(delta: number): boolean {
    const frames = this.#inspector?.capture.frames;
    if (!frames || frames.length === 0) return false;
    const seq = this.selected;
    if (this.finder.matches) {
      const next = this.finder.step(seq, delta);
      const match = next === undefined ? undefined : frames.bySeq(next);
      if (match) this.select(match);
      return match !== undefined;
    }
    const index = seq === null ? frames.length : frames.indexOfSeq(seq);
    const target = (index === -1 ? frames.length : index) + delta;
    const frame = target >= 0 && target < frames.length ? frames.at(target) : undefined;
    if (!frame) return false;
    this.select(frame);
    return true;
  }

  /** Where the selected frame is in the list: its position (1-based) and the count, for "Frame 5 of 12". */
  get position(): { index: number; count: number } | null {
    const frames = this.#inspector?.capture.frames;
    const seq = this.selected;
    if (!frames || seq === null) return null;
    const list = this.finder.matches ?? frames;
    const index = list.indexOfSeq(seq);
    return index === -1 ? null : { index: index + 1, count: list.length };
  }

  /** The tap's record of the current timeline's connection. */
  get currentRecord(): ConnectionRecord | null {
    const current = this.connection.current;
    const capture = this.#inspector?.capture;
    if (!current || !capture || !this.connection.ours) return null;
    return capture.connectionByLabel(current.id);
  }

  /** The record of the connection the selected frame belongs to, else the current one. */
  get focusRecord(): ConnectionRecord | null {
    const frame = this.selectedFrame;
    const capture = this.#inspector?.capture;
    if (frame && capture) return capture.connections.get(frame.connection) ?? null;
    return this.currentRecord;
  }

  /**
   * What the page says about the current timeline: after a protocol violation, what this browser
   * did (reaction.ts); else about its close, if it closed.
   */
  get explanation(): Explanation | null {
    const current = this.connection.current;
    const asked = current ? this.#misbehaved[current.id] : undefined;
    // A violation the browser let pass: its answer stands until a close of the user's own.
    if (current && asked && !(asked.settled?.open && current.close)) {
      const v = violation(asked.kind);
      if (v) return explainReaction(v, this.#reaction(asked), this.browser);
    }
    if (!current?.close) return null;
    if (!current.steps.some((step) => step.state === 'OPEN') && this.connection.ours) {
      const refusal = [...(this.#inspector?.capture.refused ?? [])]
        .reverse()
        .find((r) => connNumberFromTarget(r.request.url) === current.id);
      if (refusal) return refusal.proxy ? explainProxyRefusal(refusal) : explainRefusal(refusal.status, refusal.reason, current.close, current.failed);
    }
    const record = this.#proxied ? this.currentRecord : null;
    const proxied = record ? explainProxied(record, current.close) : null;
    if (proxied) return proxied;
    return explainClose(current.close, current.failed, this.browserClose);
  }

  /** What the page saw of the current connection since the broken frame `asked` for. */
  #reaction(asked: Misbehaved): Reaction {
    const current = this.connection.current!;
    const messages = (asked.settled?.messages ?? current.messagesReceived) - asked.messagesBefore;
    return {
      error: current.failed,
      messages,
      readyState: current.state,
      close: current.close,
      sentClose: this.browserClose,
      settled: asked.settled !== null,
    };
  }

  /** The Close frame the browser sent on the current connection, as the tap saw it (newest frames searched). */
  get browserClose(): SentClose | null {
    const record = this.currentRecord;
    const frames = this.#inspector?.capture.frames;
    if (!record || !frames) return null;
    for (let i = frames.length - 1, seen = 0; i >= 0 && seen < 5_000; i--, seen++) {
      const frame = frames.at(i);
      if (!frame || frame.connection !== record.connection) continue;
      if (frame.direction !== 'client-to-server' || frame.opcode !== 0x8) continue;
      const head = payloadHead(frame, 125);
      if (head.length < 2) return { code: null, reason: '' };
      return { code: (head[0]! << 8) | head[1]!, reason: new TextDecoder().decode(head.subarray(2)) };
    }
    return null;
  }

  /** Opens the inspector for this tab if it is not open. Resolves whether it is. */
  async ensureInspector(): Promise<boolean> {
    if (!this.served) return false;
    const existing = this.#inspector;
    if (existing && (existing.status === 'open' || existing.status === 'connecting')) {
      return readyWithin(existing, this.#inspectorWait);
    }
    const base = socketBase(this.location)!;
    const client = this.#openInspector(`${base}/inspect`, this.session);
    if (existing) {
      // A new tap after the old one closed: start a fresh capture, but keep the selection sane.
      this.#selected = null;
      this.#follow = true;
    }
    this.#inspector = client;
    return readyWithin(client, this.#inspectorWait);
  }

  async connect(): Promise<ActionResult> {
    const target = resolveTarget(this.#url, this.location, this.session, this.connection.nextId, { deflate: this.#compression });
    if (!target.ok) {
      this.#notice = () => target.message;
      return target;
    }
    let ours = target.ours;
    let url = target.url;
    this.#notice = null;
    this.#proxied = false;
    if (!ours && this.served) {
      // Another server: watch it through this one's /proxy when allowed and wanted.
      const check = await this.proxy.ensure(target.url);
      const through = check.state === 'allowed' && this.proxy.watch ? proxyUrl(this.location, target.url, this.session, this.connection.nextId) : null;
      if (through !== null) {
        url = through;
        ours = true;
        this.#proxied = true;
      } else if (check.state === 'refused') {
        this.#notice = () => m.playground_notice_proxy_refused({ host: target.host, reason: check.reason });
      }
    }
    if (ours) {
      this.#connecting = true;
      const ready = await this.ensureInspector();
      this.#connecting = false;
      if (!ready) {
        ours = false;
        const inspector = this.#inspector;
        this.#notice = () => inspector?.error ?? m.playground_notice_no_inspector();
        if (this.#proxied) {
          url = target.url;
          this.#proxied = false;
        }
      }
    } else {
      this.#notice ??= () => m.playground_notice_foreign({ host: target.host });
    }
    const result = this.connection.connect(url, ours, { protocols: parseProtocols(this.subprotocols), binaryType: this.#binaryType });
    if (!result.ok) this.#notice = () => result.message;
    const socket = this.connection.socket;
    if (result.ok && socket) this.#onsocket(socket);
    return result;
  }

  disconnect(code: number, reason: string): ActionResult {
    const result = this.connection.close(code, reason);
    this.#notice = result.ok ? null : () => result.message;
    return result;
  }

  send(outgoing: Outgoing): ActionResult {
    return this.connection.send(outgoing);
  }

  /** Asks the server for a demonstration on the current connection. */
  async demo(request: DemoRequest): Promise<DemoOutcome> {
    const check = demoAction(request);
    if (!check.ok) return check;
    const current = this.connection.current;
    const inspector = this.#inspector;
    if (!current || current.state !== 'OPEN') return refusal(m.playground_demo_connect_first);
    if (!this.tapped || !inspector) {
      return refusal(m.playground_demo_need_tap);
    }
    const record = await this.#reported(inspector, current.id);
    if (!record) return refusal(m.playground_demo_not_reported);
    if (request.demo === 'misbehave') {
      this.connection.flush();
      this.#misbehaved = { ...this.#misbehaved, [current.id]: { kind: request.kind, messagesBefore: this.connection.current?.messagesReceived ?? 0, settled: null } };
    }
    // New frames are what the class should look at.
    this.#follow = true;
    inspector.capture.paused = false;
    const before = inspector.capture.frames.total;
    const result = await inspector.command(record.connection, check.action);
    if (!result.ok) {
      if (request.demo === 'misbehave') {
        const { [current.id]: _dropped, ...rest } = this.#misbehaved;
        this.#misbehaved = rest;
      }
      return { ok: false, message: result.message };
    }
    // The server reports the broken frame before its ack: select it, so the class looks at the
    // fault, not at the Close frames that follow it.
    if (request.demo === 'misbehave') {
      this.#selectBroken(inspector, record.connection, before);
      this.#settleLater(current.id);
    }
    const ack = result.ack;
    return { ok: true, message: ack.detail, said: () => ackSentence(ack) };
  }

  /** After `settleMs`, what has not happened on connection `id` is taken as the browser's answer. */
  #settleLater(id: number): void {
    setTimeout(() => {
      this.connection.flush(); // the browser's events so far, not as of the last animation frame
      const asked = this.#misbehaved[id];
      const timeline = this.connection.timelines.find((t) => t.id === id);
      if (!asked || asked.settled || !timeline) return;
      const open = timeline.close === null;
      this.#misbehaved = { ...this.#misbehaved, [id]: { ...asked, settled: { messages: timeline.messagesReceived, open } } };
    }, this.#settleMs);
  }

  /** Selects the first frame broken on purpose on `connection` captured from sequence number `from` on. */
  #selectBroken(inspector: InspectorClient, connection: number, from: number): void {
    const capture = inspector.capture;
    capture.flush();
    const frames = capture.frames;
    const start = Math.max(0, frames.indexOfSeq(from) === -1 ? frames.length - 50 : frames.indexOfSeq(from));
    for (let i = start; i < frames.length; i++) {
      const frame = frames.at(i);
      if (frame && frame.seq >= from && frame.connection === connection && frame.misbehave !== null) {
        this.select(frame);
        return;
      }
    }
  }

  /** The tap's record of timeline `label`, waiting a moment for its `open` report if needed. */
  async #reported(inspector: InspectorClient, label: number): Promise<ConnectionRecord | null> {
    for (let waited = 0; ; waited += 25) {
      inspector.capture.flush();
      const record = inspector.capture.connectionByLabel(label);
      if (record || waited >= 2_000) return record;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  clearCapture(): void {
    this.#inspector?.capture.clear();
    this.#selected = null;
    this.#follow = true;
  }

  setCapacity(capacity: number): void {
    this.#capacity = capacity;
    this.#inspector?.capture.resize(capacity);
  }

  destroy(): void {
    this.proxy.destroy();
    this.connection.destroy();
    this.#inspector?.close();
  }
}

/** "echo.v1, echo.v2" (commas or spaces) as the list `new WebSocket(url, protocols)` takes. */
export function parseProtocols(text: string): string[] {
  return text.split(/[\s,]+/).filter((name) => name !== '');
}
