/**
 * What the grader sends: frames built with the codec (src/protocol's encoder, a fresh masking key
 * each, RFC 6455 §5.3), written the way Autobahn's send queue writes them (one write per item;
 * after a `sync` item or a chop, the event loop runs before the next), and logged. The grader's
 * own stream is read back by a client-side parser, so the first rule the grader breaks on
 * purpose (RSV bits, a reserved opcode, invalid UTF-8, ...) is logged on its frame: the fault the
 * server had to notice.
 */
import type net from 'node:net';
import { applyMask, encodeFrame, encodeHeader, FrameParser, randomMaskingKey, type Fault } from '../src/protocol/index.ts';
import { bytes, type Bytes } from './case.ts';
import type { WireLog } from './wire-log.ts';
import type { WireFrame } from '../src/wire/conformance.ts';

export interface SendFrameOptions {
  opcode: number;
  payload?: Bytes;
  fin?: boolean;
  /** RSV1..RSV3 as a 3-bit number, as Autobahn writes it (4 = RSV1, 1 = RSV3). */
  rsv?: number;
  /** Repeat `payload` up to this many bytes (Autobahn's payload_len). */
  payloadLen?: number;
  /** Write the frame in pieces of this many bytes, one per event-loop turn. */
  chopsize?: number;
  /** Write the frame on its own, then yield (Autobahn's sync=True). */
  sync?: boolean;
}

interface QueueItem {
  data: Uint8Array;
  sync: boolean;
}

function fill(payload: Buffer, length: number | undefined): Buffer {
  if (length === undefined || length === payload.length) return payload;
  const out = Buffer.alloc(length);
  if (payload.length === 0) return out;
  for (let at = 0; at < length; at += payload.length) payload.copy(out, at, 0, Math.min(payload.length, length - at));
  return out;
}

export class Outgoing {
  readonly txFrameStats: Record<number, number> = {};
  readonly #socket: net.Socket;
  readonly #log: WireLog;
  readonly #closed: () => boolean;
  readonly #touch: () => void;
  readonly #queue: QueueItem[] = [];
  #pumping = false;
  /** Stream offset of the next byte the grader writes (after the handshake). */
  #offset = 0;
  /** The grader's own stream read back, until its first fault. */
  #check: FrameParser | null = new FrameParser({ sender: 'client', maxPayload: 2 ** 31, maxMessage: 2 ** 31 });
  #partial: { key: Uint8Array; at: number; entry: WireFrame; start: number; length: number } | null = null;
  #messageOpcode = 1;

  constructor(socket: net.Socket, log: WireLog, closed: () => boolean, touch: () => void) {
    this.#socket = socket;
    this.#log = log;
    this.#closed = closed;
    this.#touch = touch;
  }

  /** Encode, log and write one frame. */
  frame(o: SendFrameOptions, note: 'reply' | null = null): void {
    const payload = fill(bytes(o.payload ?? ''), o.payloadLen);
    const fin = o.fin ?? true;
    const rsv = o.rsv ?? 0;
    if (o.opcode <= 2) this.txFrameStats[o.opcode] = (this.txFrameStats[o.opcode] ?? 0) + 1;
    const data = encodeFrame(
      { opcode: o.opcode, payload, fin, rsv1: (rsv & 4) !== 0, rsv2: (rsv & 2) !== 0, rsv3: (rsv & 1) !== 0, maskingKey: randomMaskingKey() },
      (n) => Buffer.allocUnsafe(n),
    );
    const how = o.chopsize ? `written in chops of ${o.chopsize} byte${o.chopsize === 1 ? '' : 's'}` : o.sync ? 'written on its own' : null;
    this.#logFrame(data, payload.length, fin, o.opcode, note === 'reply' ? 'the grader\u2019s pong for the server\u2019s ping' : how);
    this.write(data, o.sync ?? false, o.chopsize ?? 0);
  }

  /** Autobahn's sendMessage: one frame, or frames of `size`. */
  message(payload: Bytes, binary: boolean, size: number): void {
    const data = bytes(payload);
    const opcode = binary ? 2 : 1;
    if (size <= 0 || data.length <= size) return this.frame({ opcode, payload: data });
    for (let i = 0; i < data.length; i += size) {
      this.frame({ opcode: i === 0 ? opcode : 0, payload: data.subarray(i, i + size), fin: i + size >= data.length });
    }
  }

  /** A close frame with a raw payload: any code, any reason bytes. */
  close(code: number | undefined, reason: Bytes | undefined, isReply: boolean): void {
    const parts: Buffer[] = [];
    if (code !== undefined) {
      const c = Buffer.alloc(2);
      c.writeUInt16BE(code & 0xffff);
      parts.push(c);
    }
    if (reason !== undefined) parts.push(bytes(reason));
    const payload = Buffer.concat(parts);
    const data = encodeFrame({ opcode: 8, payload, maskingKey: randomMaskingKey() });
    this.#logFrame(data, payload.length, true, 8, isReply ? 'the grader\u2019s answer to the server\u2019s close' : null);
    this.write(data, false);
  }

  beginMessage(binary: boolean): void {
    this.#messageOpcode = binary ? 2 : 1;
  }

  /** The header of a frame whose payload follows in pieces (sendMessageFrameData). */
  beginMessageFrame(length: number): void {
    const key = randomMaskingKey();
    const header = encodeHeader({ opcode: this.#messageOpcode, maskingKey: key }, length, (n) => new Uint8Array(n));
    const entry = this.#log.frame('client-to-server', this.#offset, header, {
      size: header.length + length,
      headerLength: header.length,
      opcode: this.#messageOpcode,
      fin: true,
      payloadLength: length,
      note: 'its payload written in pieces (see the events below)',
    });
    this.#partial = { key, at: 0, entry, start: this.#offset, length: header.length + length };
    this.#checkOwn(header, entry);
    this.write(header, false);
  }

  sendMessageFrameData(payload: Bytes): void {
    const p = this.#partial!;
    const data = Buffer.from(bytes(payload));
    // The log shows the frame's wire bytes: append this piece (unmasked here, masked on the wire).
    const masked = Buffer.from(data);
    applyMask(masked, p.key, p.at);
    if (p.entry.bytes.length / 2 < 512) p.entry.bytes += masked.subarray(0, 512 - p.entry.bytes.length / 2).toString('hex');
    p.at += data.length;
    this.#log.event(`the grader writes ${data.length} more byte${data.length === 1 ? '' : 's'} of the frame at byte ${p.start}`);
    this.#checkOwn(masked, p.entry);
    this.write(masked, false);
  }

  endMessage(): void {
    this.#partial = null;
  }

  /** Whole frames given as raw bytes, written in pieces later (x.1): logged once, here. */
  pieces(pieces: readonly Uint8Array[]): void {
    const all = Buffer.concat(pieces);
    const sizes = pieces.map((p) => p.length).join(' + ');
    let at = 0;
    while (at < all.length) {
      const headerLength = frameHeaderLength(all.subarray(at));
      const payloadLength = frameSize(all.subarray(at)) - headerLength;
      const size = headerLength + payloadLength;
      const entry = this.#log.frame('client-to-server', this.#offset + at, all.subarray(at, at + size), {
        size,
        headerLength,
        opcode: all[at]! & 0x0f,
        fin: (all[at]! & 0x80) !== 0,
        payloadLength,
        note: at === 0 ? `written as ${pieces.length} TCP writes of ${sizes} bytes` : null,
      });
      this.#checkOwn(all.subarray(at, at + size), entry);
      at += size;
    }
    // The offsets move as the pieces are written (write()).
  }

  /** Several frames, one TCP write (and a close frame with `closeCode` last). */
  together(frames: readonly SendFrameOptions[], closeCode?: number): void {
    const all: readonly SendFrameOptions[] = closeCode === undefined ? frames : [...frames, { opcode: 8, payload: Buffer.from([closeCode >> 8, closeCode & 0xff]) }];
    const datas = all.map((o) => {
      const payload = fill(bytes(o.payload ?? ''), o.payloadLen);
      const data = encodeFrame({ opcode: o.opcode, payload, fin: o.fin ?? true, maskingKey: randomMaskingKey() });
      if (o.opcode <= 2) this.txFrameStats[o.opcode] = (this.txFrameStats[o.opcode] ?? 0) + 1;
      return data;
    });
    let at = this.#offset;
    datas.forEach((data, i) => {
      const headerLength = frameHeaderLength(data);
      const entry = this.#log.frame('client-to-server', at, data, {
        size: data.length,
        headerLength,
        opcode: all[i]!.opcode,
        fin: all[i]!.fin ?? true,
        payloadLength: data.length - headerLength,
        note: i === 0 ? `${all.length} frames in one TCP write` : null,
      });
      this.#checkOwn(data, entry);
      at += data.length;
    });
    this.write(Buffer.concat(datas), false);
  }

  #logFrame(data: Uint8Array, payloadLength: number, fin: boolean, opcode: number, note: string | null): void {
    const entry = this.#log.frame('client-to-server', this.#offset, data, {
      size: data.length,
      headerLength: data.length - payloadLength,
      opcode,
      fin,
      payloadLength,
      note,
    });
    this.#checkOwn(data, entry);
  }

  /** Read the grader's own bytes back; the first fault found is logged on the frame it is in. */
  #checkOwn(data: Uint8Array, entry: WireFrame): void {
    if (this.#check === null) return;
    // A copy: the parser unmasks in place (and a Buffer's slice() is a view, not a copy).
    this.#check.push(new Uint8Array(data));
    for (let item = this.#check.next(); item !== null; item = this.#check.next()) {
      if (item.kind !== 'fault') continue;
      if (item.frameOffset === entry.offset) entry.fault = item as Fault;
      this.#check = null;
      return;
    }
  }

  /** Write raw bytes (moving the stream offset): at once, queued behind a sync item, or in chops. */
  write(data: Uint8Array, sync = false, chopsize = 0): void {
    this.#offset += data.length;
    if (chopsize > 0) {
      for (let i = 0; i < data.length; i += chopsize) this.#queue.push({ data: data.subarray(i, i + chopsize), sync: true });
      this.#pump();
      return;
    }
    if (sync || this.#queue.length > 0 || this.#pumping) {
      this.#queue.push({ data, sync });
      this.#pump();
      return;
    }
    if (!this.#closed() && !this.#socket.destroyed) {
      this.#touch();
      this.#socket.write(data);
    }
  }

  /** Autobahn's send queue: one write per item; after a sync item, let the event loop run. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const step = (): void => {
      while (this.#queue.length > 0) {
        const item = this.#queue.shift()!;
        if (this.#closed() || this.#socket.destroyed) {
          this.#queue.length = 0;
          break;
        }
        this.#touch();
        this.#socket.write(item.data);
        if (item.sync) {
          setImmediate(step);
          return;
        }
      }
      this.#pumping = false;
    };
    step();
  }
}

/** Header length of the frame at the start of `data` (masked client frames). */
function frameHeaderLength(data: Uint8Array): number {
  const len7 = data[1]! & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + ((data[1]! & 0x80) !== 0 ? 4 : 0);
}

function frameSize(data: Uint8Array): number {
  const len7 = data[1]! & 0x7f;
  const header = frameHeaderLength(data);
  const length = len7 === 126 ? (data[2]! << 8) | data[3]! : len7 === 127 ? Number(Buffer.from(data.subarray(2, 10)).readBigUInt64BE()) : len7;
  return header + length;
}
