/**
 * One TCP connection, followed as a WebSocket would be: the client's HTTP request, the server's
 * answer, and, after a 101, the frames of both directions through the codec's FrameParser (a
 * client's frames must be masked, a server's must not; RSV1 allowed where permessage-deflate was
 * accepted), joined into messages by the codec's MessageAssembler and inflated through the
 * caller's hook (deflate.ts). A connection whose first bytes are not an HTTP upgrade is let go
 * at once, so a capture full of other traffic costs no memory.
 */
import { FrameParser, MessageAssembler, Opcode, type Frame } from '../protocol/index.ts';
import { acceptValue } from './accept.ts';
import { count } from './bytes.ts';
import { acceptedDeflate, inflaterOptions, type InflaterFactory, type MessageInflater } from './deflate.ts';
import { endpointText } from './decode-packet.ts';
import { findHeadEnd, hasToken, headerValue, headerValues, looksLikeHttp, MAX_HEAD, readHead, type Head } from './http-head.ts';
import type { CaptureProblem } from './packet.ts';
import type { Handshake, ImportedConnection, StreamEnd } from './report.ts';
import type { StreamSink } from './tcp-reassembly.ts';
import type { ConnectionHandler, ConnectionStart, Direction } from './tcp-streams.ts';

export interface FollowOptions {
  /** Inflates permessage-deflate messages; without it they are kept as sent (compressed). */
  inflate?: InflaterFactory;
}

interface Piece {
  bytes: Uint8Array;
  time: number;
  packet: number;
}

type Verdict = 'pending' | 'websocket' | 'refused' | 'not-websocket';

/** A fault's frame keeps at most this many of its first bytes (as the inspector's default `maxFrameBytes`). */
export const FAULT_BYTES = 64 * 1024;

const NAMES: Record<Direction, string> = { c2s: 'client\u2192server', s2c: 'server\u2192client' };
const utf8 = new TextDecoder('utf-8', { fatal: true });

class DirectionState {
  readonly dir: Direction;
  /** The head being collected (request or response), grown by doubling; null once read. */
  headBuffer: Uint8Array | null = new Uint8Array(256);
  headLength = 0;
  head: Head | null = null;
  /** Bytes of the head (to turn stream offsets into offsets after it). */
  headBytes = 0;
  /** Stream bytes seen before a decision, kept to be decoded once there is one. */
  held: Piece[] = [];
  parser: FrameParser | null = null;
  assembler = new MessageAssembler();
  /** Stream offset of the parser's byte 0 (not 0 once decoding resumed after a hole). */
  base = 0;
  /** The message being assembled started with RSV1 set. */
  compressed = false;
  inflater: MessageInflater | null = null;
  /** Where the frame being received starts, and copies of its first bytes (for a fault's frame). */
  frameStart = 0;
  retained: { start: number; bytes: Uint8Array }[] = [];
  end: StreamEnd = { bytes: 0, end: null, incomplete: null, missing: null };

  constructor(dir: Direction) {
    this.dir = dir;
  }
}

export class WebSocketFollower implements ConnectionHandler {
  readonly c2s: StreamSink;
  readonly s2c: StreamSink;
  readonly #options: FollowOptions;
  readonly #problems: CaptureProblem[];
  #verdict: Verdict = 'pending';
  #tls = false;
  readonly #dirs: Record<Direction, DirectionState> = { c2s: new DirectionState('c2s'), s2c: new DirectionState('s2c') };
  readonly #result: ImportedConnection;

  /** `problems`: where bytes missing from this connection's streams are reported. */
  constructor(start: ConnectionStart, options: FollowOptions, problems: CaptureProblem[]) {
    this.#options = options;
    this.#problems = problems;
    this.#result = {
      client: endpointText(start.client),
      server: endpointText(start.server),
      start: start.time,
      handshake: emptyHandshake(),
      frames: [],
      messages: [],
      faults: [],
      c2s: this.#dirs.c2s.end,
      s2c: this.#dirs.s2c.end,
    };
    this.c2s = this.#sink('c2s');
    this.s2c = this.#sink('s2c');
  }

  get wantsData(): boolean {
    return this.#verdict === 'pending' || this.#verdict === 'websocket';
  }

  /** Was an upgrade to WebSocket asked for (whatever the answer)? */
  get isWebSocket(): boolean {
    return this.#verdict === 'websocket' || this.#verdict === 'refused';
  }

  /** Did the client start with a TLS record (https://, wss://)? Its frames are encrypted: nothing to show. */
  get tls(): boolean {
    return this.#tls;
  }

  /** The connection as found (meaningful when `isWebSocket`). */
  get result(): ImportedConnection {
    return this.#result;
  }

  #sink(dir: Direction): StreamSink {
    return {
      data: (bytes, time, packet) => this.#data(dir, bytes, time, packet),
      gap: (missing, at, atByte) => this.#gap(dir, missing, at, atByte),
      end: (how) => this.#end(dir, how),
    };
  }

  #data(dir: Direction, bytes: Uint8Array, time: number, packet: number): void {
    if (!this.wantsData) return;
    const state = this.#dirs[dir];
    if (state.headBuffer !== null) {
      this.#collectHead(state, bytes, time, packet);
      return;
    }
    if (this.#verdict === 'pending') state.held.push({ bytes, time, packet });
    else this.#decode(state, bytes, time, packet);
  }

  #collectHead(state: DirectionState, bytes: Uint8Array, time: number, packet: number): void {
    let buffer = state.headBuffer!;
    const from = Math.max(0, state.headLength - 2);
    if (state.headLength + bytes.length > buffer.length) {
      const grown = new Uint8Array(Math.max(2 * buffer.length, state.headLength + bytes.length));
      grown.set(buffer.subarray(0, state.headLength));
      buffer = state.headBuffer = grown;
    }
    buffer.set(bytes, state.headLength);
    state.headLength += bytes.length;
    const have = buffer.subarray(0, state.headLength);
    const end = findHeadEnd(have, from);
    if (looksLikeHttp(have) === false || (end === -1 && state.headLength > MAX_HEAD)) {
      // RFC 8446 §5.1: a TLS record starts with its content type (22, handshake) and version 3.x.
      if (state.dir === 'c2s' && have[0] === 22 && have[1] === 3) this.#tls = true;
      this.#decide('not-websocket');
      return;
    }
    if (end === -1) return;
    state.headBuffer = null;
    state.headBytes = end;
    state.head = readHead(have.subarray(0, end));
    if (end < have.length) state.held.push({ bytes: have.slice(end), time, packet });
    this.#headDone(state);
  }

  #headDone(state: DirectionState): void {
    const head = state.head!;
    const hs = this.#result.handshake;
    if (state.dir === 'c2s') {
      hs.request = head.text;
      hs.method = head.startLine[0] ?? null;
      hs.target = head.startLine[1] ?? null;
      hs.secWebSocketKey = headerValue(head, 'Sec-WebSocket-Key');
      if (!hasToken(head, 'Upgrade', 'websocket')) {
        this.#decide('not-websocket');
        return;
      }
    } else {
      const status = Number(head.startLine[1]);
      hs.response = head.text;
      hs.status = head.startLine[0]?.startsWith('HTTP/') && Number.isInteger(status) ? status : null;
      hs.secWebSocketAccept = headerValue(head, 'Sec-WebSocket-Accept');
      hs.secWebSocketProtocol = headerValue(head, 'Sec-WebSocket-Protocol');
      const extensions = headerValues(head, 'Sec-WebSocket-Extensions');
      hs.secWebSocketExtensions = extensions.length > 0 ? extensions.join(', ') : null;
      hs.deflate = acceptedDeflate(extensions);
    }
    if (hs.secWebSocketKey !== null && hs.secWebSocketAccept !== null) {
      hs.acceptValid = acceptValue(hs.secWebSocketKey) === hs.secWebSocketAccept;
    }
    this.#tryDecide();
  }

  /** Decide once the request is known to be an upgrade and the response has come (or cannot). */
  #tryDecide(): void {
    if (this.#verdict !== 'pending') return;
    const request = this.#dirs.c2s;
    const response = this.#dirs.s2c;
    const requestKnown = request.head !== null || request.end.end !== null;
    const responseKnown = response.head !== null || response.end.end !== null;
    if (!requestKnown || !responseKnown) return;
    if (request.head === null && !(response.head !== null && hasToken(response.head, 'Upgrade', 'websocket'))) {
      this.#decide('not-websocket');
      return;
    }
    const status = this.#result.handshake.status;
    this.#decide(status === 101 ? 'websocket' : 'refused');
  }

  #decide(verdict: Verdict): void {
    this.#verdict = verdict;
    if (verdict !== 'websocket') {
      for (const state of Object.values(this.#dirs)) {
        state.held = [];
        state.headBuffer = null;
      }
      return;
    }
    const deflate = this.#result.handshake.deflate;
    for (const state of Object.values(this.#dirs)) {
      state.parser = this.#parser(state.dir);
      if (deflate !== null && this.#options.inflate) state.inflater = this.#options.inflate(inflaterOptions(deflate, state.dir));
      const held = state.held;
      state.held = [];
      for (const piece of held) this.#decode(state, piece.bytes, piece.time, piece.packet);
      if (state.end.end !== null) this.#finishDirection(state);
    }
  }

  #parser(dir: Direction): FrameParser {
    const deflate = this.#result.handshake.deflate;
    return new FrameParser({
      // RFC 6455 §5.1: a client masks every frame, a server none.
      sender: dir === 'c2s' ? 'client' : 'server',
      // RFC 7692 §6: RSV1 is the "Per-Message Compressed" bit once permessage-deflate is accepted.
      allowRsv1: deflate !== null,
      // A compressed text message is UTF-8 only once inflated: checked per message below.
      validateUtf8: deflate === null,
    });
  }

  /**
   * Bytes are missing up to stream byte `offset` (after the HTTP head), where a frame is known to
   * start (a Framescope JSON capture says where each frame begins): decoding starts again there
   * with a new parser, a message cut by the hole is lost. The caller reports what is missing.
   * (A TCP stream has no such knowledge: a hole in it ends the direction, `gap`.)
   */
  resumeAt(dir: Direction, offset: number): void {
    const state = this.#dirs[dir];
    if (this.#verdict !== 'websocket' || state.parser === null || offset <= state.end.bytes) return;
    if (state.end.missing === null) state.end.missing = { at: state.end.bytes, bytes: offset - state.end.bytes };
    state.parser = this.#parser(dir);
    state.assembler = new MessageAssembler();
    state.base = offset;
    state.end.bytes = offset;
    state.frameStart = offset;
    state.retained = [];
  }

  #decode(state: DirectionState, bytes: Uint8Array, time: number, packet: number): void {
    const parser = state.parser!;
    const start = state.end.bytes;
    state.end.bytes += bytes.length;
    // The parser unmasks in place: copy what a fault's frame may need first (its first FAULT_BYTES).
    const lo = Math.max(start, state.frameStart);
    const hi = Math.min(start + bytes.length, state.frameStart + FAULT_BYTES);
    if (hi > lo) state.retained.push({ start: lo, bytes: bytes.slice(lo - start, hi - start) });
    parser.push(bytes);
    for (let item = parser.next(); item !== null; item = parser.next()) {
      if (item.kind === 'fault') {
        const fault = state.base === 0 ? item : { ...item, offset: item.offset + state.base, frameOffset: item.frameOffset + state.base };
        const to = Math.min(state.end.bytes, fault.frameOffset + FAULT_BYTES);
        const bytes = piecesBetween(state.retained, fault.frameOffset, to);
        this.#result.faults.push({ dir: state.dir, time, fault, bytes: bytes.subarray(0, frameExtent(bytes)) });
        state.retained = [];
        break;
      }
      if (state.base !== 0) item = { ...item, offset: item.offset + state.base };
      state.frameStart = item.offset + item.headerLength + item.payloadLength;
      if (state.retained.length > 0 && state.retained[0]!.start < state.frameStart) {
        state.retained = state.retained.filter((p) => p.start + p.bytes.length > state.frameStart);
      }
      // The key is a view of the segment it arrived in; a copy lets that segment go once the
      // payload (gathered elsewhere when it spanned segments) no longer needs it.
      const frame: Frame = item.maskingKey === null ? item : { ...item, maskingKey: item.maskingKey.slice() };
      this.#result.frames.push({ dir: state.dir, time, packet, frame });
      this.#message(state, frame, time);
    }
  }

  #message(state: DirectionState, frame: Frame, time: number): void {
    if (frame.opcode === Opcode.Text || frame.opcode === Opcode.Binary) state.compressed = frame.rsv1;
    const event = state.assembler.accept(frame);
    if (event === null) return;
    if (event.kind !== 'message') {
      const opcode = event.kind === 'ping' ? Opcode.Ping : event.kind === 'pong' ? Opcode.Pong : Opcode.Close;
      this.#result.messages.push({ dir: state.dir, time, opcode, payload: frame.payload, text: null, frames: 1, compressed: false, inflated: false, error: null });
      return;
    }
    const opcode = event.binary ? Opcode.Binary : Opcode.Text;
    let payload = event.data;
    let inflated = false;
    let error: string | null = null;
    if (state.compressed) {
      if (state.inflater === null) {
        error = 'compressed (permessage-deflate) and not inflated: no inflater was given';
      } else {
        try {
          payload = state.inflater.inflate(event.data);
          inflated = true;
        } catch (err) {
          error = `compressed (permessage-deflate), and it does not inflate: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
    }
    let text: string | null = null;
    if (opcode === Opcode.Text && (!state.compressed || inflated)) {
      try {
        text = utf8.decode(payload);
      } catch {
        // RFC 6455 §8.1: a text message must be UTF-8.
        error = 'the text message is not valid UTF-8 (RFC 6455 §8.1)';
      }
    }
    this.#result.messages.push({ dir: state.dir, time, opcode, payload, text, frames: event.frames, compressed: state.compressed, inflated, error });
  }

  #gap(dir: Direction, missing: number, at: number, atByte: number): void {
    const state = this.#dirs[dir];
    state.end.end = 'gap';
    if (!this.wantsData) return;
    const after = Math.max(0, at - state.headBytes);
    state.end.missing = { at: after, bytes: missing };
    const where = state.headBuffer !== null ? 'before its HTTP head was complete' : `at byte ${after.toLocaleString('en-US')} after the HTTP head`;
    this.#problems.push({
      code: 'payload-missing',
      atByte,
      message: `${count(missing, 'byte')} of the ${NAMES[dir]} stream of ${this.#result.client} \u2192 ${this.#result.server} were never captured (${where}): its frames stop there`,
    });
    this.#streamOver(state);
  }

  #end(dir: Direction, how: 'fin' | 'rst' | 'eof'): void {
    const state = this.#dirs[dir];
    state.end.end = how;
    this.#streamOver(state);
  }

  #streamOver(state: DirectionState): void {
    if (state.headBuffer !== null) state.headBuffer = null;
    if (this.#verdict === 'pending') this.#tryDecide();
    else if (this.#verdict === 'websocket') this.#finishDirection(state);
  }

  #finishDirection(state: DirectionState): void {
    const incomplete = state.parser?.incomplete ?? null;
    state.end.incomplete = incomplete;
  }
}

/**
 * How many of `bytes` (a frame's first bytes, maybe more after it) belong to the frame: its
 * header and declared payload (RFC 6455 §5.2), or all of them while the header is not complete.
 */
function frameExtent(bytes: Uint8Array): number {
  if (bytes.length < 2) return bytes.length;
  const b1 = bytes[1]!;
  const len7 = b1 & 0b0111_1111;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const header = 2 + extended + ((b1 & 0b1000_0000) !== 0 ? 4 : 0);
  if (bytes.length < header) return bytes.length;
  let payload = len7;
  if (extended > 0) {
    payload = 0;
    for (let i = 0; i < extended; i++) payload = payload * 256 + bytes[2 + i]!;
  }
  return Math.min(bytes.length, header + payload);
}

/** The bytes of stream range [from, to) held in `pieces`, as far as they run without a gap. */
function piecesBetween(pieces: readonly { start: number; bytes: Uint8Array }[], from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, to - from));
  let at = from;
  for (const p of pieces) {
    const end = p.start + p.bytes.length;
    if (end <= at || p.start >= to) continue;
    if (p.start > at) break;
    const part = p.bytes.subarray(at - p.start, Math.min(p.bytes.length, to - p.start));
    out.set(part, at - from);
    at += part.length;
    if (at >= to) break;
  }
  return out.subarray(0, at - from);
}

function emptyHandshake(): Handshake {
  return {
    request: null,
    response: null,
    method: null,
    target: null,
    status: null,
    secWebSocketKey: null,
    secWebSocketAccept: null,
    acceptValid: null,
    secWebSocketProtocol: null,
    secWebSocketExtensions: null,
    deflate: null,
  };
}
