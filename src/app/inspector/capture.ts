/**
 * The capture: what the inspector tap reported, kept in bounded memory. Frames go into one ring
 * buffer (newest `capacity` kept, the rest counted); each connection keeps its handshake, its
 * close, its faults and a ring of its TCP reads. Plain TypeScript: the rune store
 * (capture.svelte.ts) wraps it, tests drive it directly.
 */
import { opcodeInfo, type Fault } from '../../protocol';
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import type {
  ClosedMessage,
  ConnectionInfo,
  DroppedMessage,
  FaultMessage,
  FloodMessage,
  FindingMessage,
  FrameMessage,
  InflatedMessage,
  InspectorMessage,
  ReadMessage,
  RefusedMessage,
  SocketErrorMessage,
  StudentInfo,
} from './messages';
import { bytesFromHex, connNumberFromTarget } from './messages';
import { faultOfFrame } from './frame-fault';
import { RingBuffer } from './ring-buffer';

export type Direction = 'client-to-server' | 'server-to-client';

export interface CapturedFrame {
  /** Sequence number in the capture (stable while the frame is held). */
  seq: number;
  /** The server's connection id. */
  connection: number;
  /** The page's number for the connection (its timeline), when the request said it (`conn=`). */
  label: number | null;
  direction: Direction;
  /**
   * Server clock, ms; `since` is ms after this capture's tap opened (its `hello`): one clock for
   * every connection, so times keep counting up across reconnects and between students.
   */
  t: number;
  since: number;
  /** Stream offset of the frame's first byte, in its direction. */
  offset: number;
  /** Size on the wire (header + payload). */
  size: number;
  opcode: number;
  fin: boolean;
  masked: boolean;
  payloadLength: number;
  headerLength: number;
  /** The wire bytes (masked as sent); the first `maxFrameBytes` only when `truncated`. */
  bytes: Uint8Array;
  truncated: boolean;
  /** Set on frames the server broke on purpose (a demonstration): which rule. */
  misbehave: string | null;
  /**
   * The fault in this frame: the one the server failed the connection on (a client frame it
   * could not accept), or, for a frame broken on purpose, the one the codec finds in its bytes as
   * a browser would (inspector/frame-fault.ts).
   */
  fault: Fault | null;
  /**
   * Broken on purpose, but sent right after another such frame that already broke the protocol
   * (the second frame of a fragmented ping): a client that failed the connection never reads it
   * (RFC 6455 §7.1.7), so it has no fault of its own.
   */
  afterFault?: boolean;
}

export interface ConnectionRecord {
  connection: number;
  label: number | null;
  info: ConnectionInfo;
  reads: RingBuffer<ReadMessage>;
  /** Client-to-server frames (offset, size, seq), for the TCP view. */
  inFrames: RingBuffer<{ seq: number; offset: number; size: number; opcode: number }>;
  /** Proxied connections: the target's bytes as the proxy read them, and its frames, for the same view. */
  outReads: RingBuffer<ReadMessage>;
  outFrames: RingBuffer<{ seq: number; offset: number; size: number; opcode: number }>;
  closed: ClosedMessage | null;
  faults: FaultMessage[];
  /** The newest progress of a flood demonstration on this connection (docs/inspector.md, `flood`). */
  flood: FloodMessage | null;
  /** Proxied connections: what the proxy noticed beyond one frame's fault (the newest 50). */
  findings: FindingMessage[];
  socketErrors: SocketErrorMessage[];
  framesIn: number;
  framesOut: number;
  /** Compressed messages (permessage-deflate) as the server inflated or sent them, per direction, oldest first. */
  inflated: { in: RingBuffer<InflatedMessage>; out: RingBuffer<InflatedMessage> };
}

export interface CaptureOptions {
  capacity?: number;
  /** Reads and client frames kept per connection for the TCP view. */
  readCapacity?: number;
}

export const DEFAULT_CAPACITY = 100_000;
export const CAPACITY_CHOICES: readonly number[] = [1_000, 10_000, 100_000, 200_000];

/** What an ingested message changed, so the store refreshes only that. */
export interface Changes {
  frames: boolean;
  connections: boolean;
  notices: boolean;
}

export interface Notice {
  t: number;
  kind: 'dropped' | 'refused' | 'ack' | 'error' | 'socket-error' | 'invalid';
  text: string;
}

const MAX_NOTICES = 50;
const MAX_DROPPED = 1_000;

export const NO_CONNECTIONS: ReadonlyMap<number, ConnectionRecord> = new Map();
export const NO_STUDENTS: ReadonlyMap<string, StudentInfo> = new Map();

export class Capture {
  #frames: RingBuffer<CapturedFrame>;
  #readCapacity: number;
  #connections = new Map<number, ConnectionRecord>();
  #dropped = 0;
  #notices: Notice[] = [];
  #refused: RefusedMessage[] = [];
  /** The `dropped` notices (the newest MAX_DROPPED), kept for a saved capture: where its record may have gaps. */
  #droppedLog: DroppedMessage[] = [];
  #hello: Extract<InspectorMessage, { type: 'hello' }> | null = null;
  /** The teacher's view (class mode): the students by session. */
  #students = new Map<string, StudentInfo>();
  /** The server time `since` counts from: the hello's, or the first message's if none came first. */
  #epoch: number | null = null;

  constructor(options: CaptureOptions = {}) {
    this.#frames = new RingBuffer(options.capacity ?? DEFAULT_CAPACITY);
    this.#readCapacity = options.readCapacity ?? 2_000;
  }

  get frames(): RingBuffer<CapturedFrame> {
    return this.#frames;
  }

  get connections(): ReadonlyMap<number, ConnectionRecord> {
    return this.#connections;
  }

  /**
   * The connections as new objects (shallow copies sharing the rings), for a store to publish:
   * anything derived from a record sees a new value and recomputes.
   */
  connectionsSnapshot(): ReadonlyMap<number, ConnectionRecord> {
    const out = new Map<number, ConnectionRecord>();
    for (const [id, record] of this.#connections) out.set(id, { ...record });
    return out;
  }

  /** Messages the server did not send us (its queue for this page was full, or over the page's rate budget), all told. */
  get dropped(): number {
    return this.#dropped;
  }

  get notices(): readonly Notice[] {
    return this.#notices;
  }

  /** The newest `dropped` notices, oldest first. */
  get droppedLog(): readonly DroppedMessage[] {
    return this.#droppedLog;
  }

  /** Upgrade requests the server refused (404, 400, …) for this session. */
  get refused(): readonly RefusedMessage[] {
    return this.#refused;
  }

  get hello(): Extract<InspectorMessage, { type: 'hello' }> | null {
    return this.#hello;
  }

  /** The students the teacher's view heard of (`hello.students`, `student`), by session. */
  get students(): ReadonlyMap<string, StudentInfo> {
    return this.#students;
  }

  /** The newest connection the page numbered `label` (its timeline id). */
  connectionByLabel(label: number): ConnectionRecord | null {
    let found: ConnectionRecord | null = null;
    for (const record of this.#connections.values()) if (record.label === label) found = record;
    return found;
  }

  /** Empties the frame list and forgets closed connections (open ones stay, with empty reads). */
  clear(): void {
    this.#frames.clear();
    for (const [id, record] of this.#connections) {
      if (record.closed) this.#connections.delete(id);
      else {
        record.reads.clear();
        record.inFrames.clear();
        record.outReads.clear();
        record.outFrames.clear();
      }
    }
    this.#notices = [];
    this.#refused = [];
    this.#droppedLog = [];
    this.#dropped = 0;
  }

  /** A new ring of `capacity`, keeping the newest frames that fit. */
  resize(capacity: number): void {
    const old = this.#frames;
    const keep = old.slice(Math.max(0, old.length - capacity));
    // The new ring continues the numbering, so a selection (by sequence number) survives.
    const next = new RingBuffer<CapturedFrame>(capacity, old.total - keep.length);
    for (const frame of keep) next.push(frame);
    this.#frames = next;
  }

  /** Server time of the capture's start (its hello), or null before any message. */
  get epoch(): number | null {
    return this.#epoch;
  }

  ingest(message: InspectorMessage): Changes {
    const changes: Changes = { frames: false, connections: false, notices: false };
    this.#epoch ??= message.t;
    switch (message.type) {
      case 'hello':
        this.#hello = message;
        for (const info of message.connections) this.#open(info);
        if (message.students) this.#students = new Map(message.students.map((student) => [student.session, student]));
        changes.connections = true;
        break;
      case 'student': {
        const { type: _type, t: _t, wall: _wall, ...student } = message;
        this.#students = new Map(this.#students).set(student.session, student);
        changes.connections = true;
        break;
      }
      case 'open':
        this.#open(message);
        changes.connections = true;
        break;
      case 'refused':
        this.#refused = [...this.#refused.slice(-19), message];
        this.#notice(message.t, 'refused', () => m.inspector_notice_refused({ url: message.request.url, status: message.status, reason: message.reason }));
        changes.notices = true;
        changes.connections = true;
        break;
      case 'read': {
        const record = this.#connections.get(message.connection);
        if (record) {
          (message.direction === 'out' ? record.outReads : record.reads).push(message);
          changes.connections = true;
        }
        break;
      }
      case 'finding': {
        const record = this.#connections.get(message.connection);
        if (record) {
          record.findings = [...record.findings.slice(-49), message];
          changes.connections = true;
        }
        break;
      }
      case 'frame':
        this.#frame(message);
        changes.frames = true;
        changes.connections = true;
        break;
      case 'inflated': {
        const record = this.#connections.get(message.connection);
        if (record) {
          record.inflated[message.direction].push(message);
          // The frame it belongs to is drawn again with its inflated bytes.
          changes.frames = true;
          changes.connections = true;
        }
        break;
      }
      case 'fault':
        this.#fault(message);
        changes.frames = true;
        changes.connections = true;
        break;
      case 'closed': {
        const record = this.#connections.get(message.connection);
        if (record) record.closed = message;
        changes.connections = true;
        break;
      }
      case 'socket-error': {
        const record = this.#connections.get(message.connection);
        if (record) record.socketErrors = [...record.socketErrors.slice(-9), message];
        this.#notice(message.t, 'socket-error', () => m.inspector_notice_socket_error({ connection: message.connection, message: message.message }));
        changes.connections = true;
        changes.notices = true;
        break;
      }
      case 'dropped':
        this.#dropped += message.count;
        this.#droppedLog = [...this.#droppedLog.slice(-(MAX_DROPPED - 1)), message];
        this.#notice(message.t, 'dropped', () => {
          const said = { count: message.count, shown: formatCount(message.count) };
          return message.reason === 'rate' ? m.inspector_notice_skipped(said) : m.inspector_notice_dropped(said);
        });
        changes.notices = true;
        break;
      case 'ack':
        this.#notice(message.t, 'ack', () => message.detail);
        changes.notices = true;
        break;
      case 'error':
        this.#notice(message.t, 'error', () => m.inspector_notice_error({ message: message.message }));
        changes.notices = true;
        break;
      case 'flood': {
        const record = this.#connections.get(message.connection);
        if (record) {
          record.flood = message;
          changes.connections = true;
        }
        break;
      }
    }
    return changes;
  }

  /** A message that did not parse: counted as a notice, never a crash. */
  invalid(error: string, t: number): void {
    this.#notice(t, 'invalid', () => m.inspector_notice_invalid({ error }));
  }

  /** `text` is read when the notice is shown, in the page's language then. */
  #notice(t: number, kind: Notice['kind'], text: () => string): void {
    const notice: Notice = {
      t,
      kind,
      get text() {
        return text();
      },
    };
    this.#notices = [...this.#notices.slice(-(MAX_NOTICES - 1)), notice];
  }

  #open(info: ConnectionInfo): void {
    if (this.#connections.has(info.connection)) return;
    const { type: _type, ...rest } = info as ConnectionInfo & { type?: string };
    this.#connections.set(info.connection, {
      connection: info.connection,
      label: connNumberFromTarget(info.request.url),
      info: rest,
      reads: new RingBuffer(this.#readCapacity),
      inFrames: new RingBuffer(this.#readCapacity),
      outReads: new RingBuffer(this.#readCapacity),
      outFrames: new RingBuffer(this.#readCapacity),
      closed: null,
      faults: [],
      flood: null,
      findings: [],
      socketErrors: [],
      framesIn: 0,
      framesOut: 0,
      inflated: { in: new RingBuffer(this.#readCapacity), out: new RingBuffer(this.#readCapacity) },
    });
  }

  /** A frame broken on purpose: its fault as the codec finds it, unless the frame before it already broke the stream. */
  #misbehaveFault(message: FrameMessage, bytes: Uint8Array): { fault: Fault | null; afterFault: boolean } {
    const previous = this.#frames.findLast((f) => f.connection === message.connection && f.direction === 'server-to-client');
    if (previous?.misbehave && previous.fault && previous.offset + previous.size === message.offset) return { fault: null, afterFault: true };
    return { fault: faultOfFrame(bytes, message.offset, message.direction === 'in' ? 'client' : 'server'), afterFault: false };
  }

  #frame(message: FrameMessage): void {
    const record = this.#connections.get(message.connection);
    const direction: Direction = message.direction === 'in' ? 'client-to-server' : 'server-to-client';
    const bytes = bytesFromHex(message.bytes);
    const broken = message.misbehave ? this.#misbehaveFault(message, bytes) : null;
    const seq = this.#frames.push({
      seq: this.#frames.total,
      connection: message.connection,
      label: record?.label ?? null,
      direction,
      t: message.t,
      since: message.t - this.#epoch!,
      offset: message.offset,
      size: message.size,
      opcode: message.opcode,
      fin: message.fin,
      masked: message.masked,
      payloadLength: message.payloadLength,
      headerLength: message.headerLength,
      bytes,
      truncated: message.truncated,
      misbehave: message.misbehave ?? null,
      fault: broken?.fault ?? null,
      ...(broken?.afterFault ? { afterFault: true } : {}),
    });
    if (record) {
      if (direction === 'client-to-server') {
        record.framesIn++;
        record.inFrames.push({ seq, offset: message.offset, size: message.size, opcode: message.opcode });
      } else {
        record.framesOut++;
        if (record.info.proxy) record.outFrames.push({ seq, offset: message.offset, size: message.size, opcode: message.opcode });
      }
    }
  }

  #fault(message: FaultMessage): void {
    const record = this.#connections.get(message.connection);
    if (record) record.faults = [...record.faults, message];
    const bytes = bytesFromHex(message.bytes);
    const b0 = bytes[0] ?? 0;
    const b1 = bytes[1] ?? 0;
    // The codec's fault as the server found it: the message carries every field of it (docs/inspector.md).
    const { type: _type, t: _t, wall: _wall, connection: _connection, bytes: _bytes, ...found } = message;
    const fault: Fault = { kind: 'fault', ...found };
    this.#frames.push({
      seq: this.#frames.total,
      connection: message.connection,
      label: record?.label ?? null,
      // A proxied target's bytes ("out") are the server's; the rest are a client's.
      direction: message.direction === 'out' ? 'server-to-client' : 'client-to-server',
      t: message.t,
      since: message.t - this.#epoch!,
      offset: message.frameOffset,
      size: bytes.length,
      opcode: b0 & 0x0f,
      fin: (b0 & 0x80) !== 0,
      masked: (b1 & 0x80) !== 0,
      ...headerOf(bytes),
      bytes,
      truncated: false,
      misbehave: null,
      fault,
    });
  }
}

/** The payload and header lengths a frame's first bytes declare (as far as they are there). */
function headerOf(bytes: Uint8Array): { payloadLength: number; headerLength: number } {
  const b1 = bytes[1] ?? 0;
  const length7 = b1 & 0x7f;
  const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0;
  const headerLength = 2 + extended + ((b1 & 0x80) !== 0 ? 4 : 0);
  let payloadLength = length7;
  if (extended > 0 && bytes.length >= 2 + extended) {
    payloadLength = 0;
    for (let i = 0; i < extended; i++) payloadLength = payloadLength * 256 + bytes[2 + i]!;
  }
  return { payloadLength, headerLength };
}

/** The opcode's short name: "text", "ping", "reserved (0x3)". */
export function opcodeName(opcode: number): string {
  return opcodeInfo(opcode).name;
}
