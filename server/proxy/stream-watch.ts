/**
 * One direction of a proxied connection as the tap sees it: the browser's bytes to the target
 * ("in") or the target's bytes to the browser ("out"). The relay hands it each TCP read after it
 * has written the read on (`read()`); it never touches the relayed bytes. It decodes a copy with
 * the codec's parser, as the receiving side must (a client's frames masked, a server's not), and
 * reports what it found: every read and where frames ended in it, every frame, the first fault
 * pinned to its byte, and the findings of findings.ts (bytes after a close frame, frames split or
 * merged across reads, a stream that ends mid-frame).
 *
 * After a fault, a close frame followed by more bytes, or a frame over the tap's size limit, it
 * stops decoding this direction and says why (a `decoding-stopped` finding); the bytes still go
 * through, and each later read is reported with its raw bytes.
 */
import { FrameParser, type Fault, type Frame } from '../../src/protocol/index.ts';
import { extract, faultMessage, frameMessage, type Piece } from '../inspector/tap.ts';
import { stamp, toHex, type FindingMessage, type ProxyFindingRule, type ReadMessage } from '../inspector/messages.ts';
import type { InspectorSink } from '../inspector/types.ts';
import { FINDING_ENGLISH, FINDINGS, STOPPED_WHY, type FindingSentence, type FindingSentences } from './findings.ts';

export type Direction = 'in' | 'out';

export interface StreamWatchOptions {
  /** Largest frame payload the tap decodes (memory bound); a larger one stops decoding. */
  maxPayload: number;
  /** The negotiated extensions define RSV1 (permessage-deflate): allow it, and do not check compressed text for UTF-8. */
  rsv1?: boolean;
}

/** A close frame seen in this direction. */
export interface SeenClose {
  code: number | null;
  reason: string;
  /** Stream offset just after it. */
  end: number;
  /** When it was seen (performance.now()). */
  at: number;
}

export class StreamWatch {
  readonly direction: Direction;
  readonly #sink: InspectorSink;
  readonly #id: number;
  readonly #session: string | null;
  readonly #cap: number;
  readonly #maxPayload: number;
  #parser: FrameParser | null;

  /** Bytes read in this direction so far. */
  #offset = 0;
  #nextFrameStart = 0;
  #retained: Piece[] = [];
  #splitSeen = false;
  #mergedSeen = false;
  /** Frames decoded in this direction. */
  frames = 0;
  close: SeenClose | null = null;
  /** Why decoding stopped, or null while it goes on. */
  stopped: string | null = null;
  /** The first fault in these bytes. */
  fault: Fault | null = null;

  constructor(sink: InspectorSink, id: number, session: string | null, direction: Direction, options: StreamWatchOptions) {
    this.#sink = sink;
    this.#id = id;
    this.#session = session;
    this.direction = direction;
    this.#cap = sink.limits.maxFrameBytes;
    this.#maxPayload = options.maxPayload;
    this.#parser = new FrameParser({
      sender: direction === 'in' ? 'client' : 'server',
      maxPayload: options.maxPayload,
      allowRsv1: options.rsv1 ?? false,
      validateUtf8: !(options.rsv1 ?? false),
    });
  }

  /** Bytes read so far. */
  get offset(): number {
    return this.#offset;
  }

  #watching(): boolean {
    return this.#sink.watching(this.#session);
  }

  #wanted(): boolean {
    if (this.#sink.watching(this.#session) && this.#sink.wanted(this.#session)) return true;
    if (this.#sink.watching(this.#session)) this.#sink.skip(this.#session, 1);
    return false;
  }

  /** One TCP read in this direction, already written on to the other side. */
  read(chunk: Uint8Array): void {
    const start = this.#offset;
    this.#offset += chunk.length;
    if (chunk.length === 0) return;
    if (this.#parser === null) {
      this.#rawRead(start, chunk);
      return;
    }
    if (this.close !== null) {
      // RFC 6455 §5.5.1: nothing may follow the close frame.
      this.#finding('bytes-after-close', start, chunk.length, 'bytes-after-close', { count: chunk.length, end: this.close.end });
      this.#stop(start, 'decoding-stopped-after-close');
      this.#rawRead(start, chunk);
      return;
    }
    const wanted = this.#wanted();
    const read: ReadMessage | null = wanted ? { type: 'read', ...stamp(), connection: this.#id, direction: this.direction, offset: start, size: chunk.length, boundaries: [] } : null;
    if (this.#watching()) this.#retained.push({ start, bytes: new Uint8Array(chunk) });
    // The parser unmasks in place: it gets its own copy, never the bytes being relayed.
    const parser = this.#parser;
    parser.push(new Uint8Array(chunk));
    const boundaries: number[] = [];
    for (let item = parser.next(); item !== null; item = parser.next()) {
      if (item.kind === 'fault') {
        this.#faulted(item);
        break;
      }
      const end = item.offset + item.headerLength + item.payloadLength;
      this.#nextFrameStart = end;
      boundaries.push(end - start);
      this.#frame(item);
      if (item.opcode === 0x8) {
        this.close = closeOf(item, end);
        if (end < this.#offset) {
          this.#finding('bytes-after-close', end, this.#offset - end, 'bytes-right-after-close', { count: this.#offset - end });
          this.#stop(end, 'decoding-stopped-after-close');
        }
        break;
      }
    }
    if (read !== null) read.boundaries = boundaries;
    this.#tcpNotes(start, chunk.length, boundaries);
    if (read !== null) this.#sink.publishTraffic(this.#session, 0, () => read);
    this.#trim();
  }

  /** TCP ended in this direction (FIN or reset). */
  ended(): void {
    const parser = this.#parser;
    if (parser === null) return;
    const incomplete = parser.incomplete;
    if (incomplete === null) return;
    this.#finding(
      'ended-mid-frame',
      incomplete.offset,
      incomplete.have,
      'ended-mid-frame',
      { offset: incomplete.offset, have: incomplete.have, needed: incomplete.needed },
    );
  }

  /** A finding about this direction (the relay reports the ones only it can see). */
  finding<I extends FindingSentence>(rule: ProxyFindingRule, offset: number, length: number, sentence: I, values: FindingSentences[I]): void {
    this.#finding(rule, offset, length, sentence, values);
  }

  #frame(frame: Frame): void {
    this.frames++;
    if (!this.#wanted()) return;
    const size = frame.headerLength + frame.payloadLength;
    const id = this.#id;
    const direction = this.direction;
    const retained = this.#retained;
    this.#sink.publishTraffic(this.#session, size, (cap) =>
      frameMessage(id, direction, frame.offset, frame, extract(retained, frame.offset, frame.offset + Math.min(size, cap))),
    );
  }

  #faulted(fault: Fault): void {
    const frameOffset = this.#nextFrameStart;
    const limit = fault.rule === 'payload-too-large';
    if (!limit) {
      this.fault = fault;
      if (this.#watching()) {
        const bytes = extract(this.#retained, frameOffset, Math.min(this.#offset, frameOffset + this.#cap));
        const id = this.#id;
        const direction = this.direction;
        // The codec's fault whole (rule and detail stay paired), from the target's side of the proxy.
        this.#sink.publish(this.#session, () => ({ ...faultMessage(id, fault, toHex(bytes)), direction, frameOffset }));
      }
    }
    if (limit) this.#stop(frameOffset, 'decoding-stopped-limit', { frame: frameOffset, limit: this.#maxPayload });
    else this.#stop(frameOffset, 'decoding-stopped-fault');
  }

  /** Stop decoding from stream offset `at`, and say why. */
  #stop(at: number, why: 'decoding-stopped-after-close' | 'decoding-stopped-fault'): void;
  #stop(at: number, why: 'decoding-stopped-limit', limit: { frame: number; limit: number }): void;
  #stop(at: number, why: keyof typeof STOPPED_WHY, limit?: { frame: number; limit: number }): void {
    this.#parser = null;
    this.#retained = [];
    if (why === 'decoding-stopped-limit') {
      const values = { at, ...limit! };
      this.stopped = STOPPED_WHY[why](values);
      this.#finding('decoding-stopped', at, Math.max(1, this.#offset - at), why, values);
    } else {
      this.stopped = STOPPED_WHY[why]();
      this.#finding('decoding-stopped', at, Math.max(1, this.#offset - at), why, { at });
    }
  }

  /** A read after decoding stopped: its bytes, raw. */
  #rawRead(start: number, chunk: Uint8Array): void {
    if (!this.#wanted()) return;
    const id = this.#id;
    const direction = this.direction;
    const bytes = toHex(chunk.subarray(0, this.#cap));
    this.#sink.publishTraffic(this.#session, Math.min(chunk.length, this.#cap), () => ({
      type: 'read',
      ...stamp(),
      connection: id,
      direction,
      offset: start,
      size: chunk.length,
      boundaries: [],
      bytes,
    }));
  }

  /** Frames split across reads, or several in one: said once per direction. */
  #tcpNotes(start: number, size: number, boundaries: readonly number[]): void {
    if (!this.#mergedSeen && boundaries.some((b) => b < size) && boundaries.length >= 1) {
      this.#mergedSeen = true;
      this.#finding(
        'frames-merged',
        start,
        size,
        'frames-merged',
        { size, start },
      );
    }
    const last = boundaries.length === 0 ? 0 : boundaries[boundaries.length - 1]!;
    if (!this.#splitSeen && this.#parser !== null && last < size) {
      this.#splitSeen = true;
      this.#finding(
        'frame-split',
        start + last,
        size - last,
        'frame-split',
        { start: this.#nextFrameStart },
      );
    }
  }

  #finding<I extends FindingSentence>(rule: ProxyFindingRule, offset: number, length: number, sentence: I, values: FindingSentences[I]): void {
    if (!this.#watching()) return;
    const message = FINDING_ENGLISH[sentence](this.direction, values);
    const info = FINDINGS[rule];
    const finding: FindingMessage = {
      type: 'finding',
      ...stamp(),
      connection: this.#id,
      direction: this.direction,
      rule,
      level: info.level,
      offset,
      length,
      rfc: info.rfc,
      sentence,
      values: { ...values },
      message,
    };
    this.#sink.publish(this.#session, () => finding);
  }

  /** Keep only the bytes of the frame in progress, at most `maxFrameBytes` of it. */
  #trim(): void {
    const keepFrom = this.#nextFrameStart;
    const keepTo = keepFrom + this.#cap;
    this.#retained = this.#retained.filter((p) => p.start + p.bytes.length > keepFrom && p.start < keepTo);
  }
}

function closeOf(frame: Frame, end: number): SeenClose {
  const p = frame.payload;
  const at = performance.now();
  if (p.length < 2) return { code: null, reason: '', end, at };
  return { code: (p[0]! << 8) | p[1]!, reason: new TextDecoder().decode(p.subarray(2)), end, at };
}


