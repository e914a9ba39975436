/**
 * A TCP conversation written after the fact, from what the server saw: the three-way handshake,
 * data segments with sequence and acknowledgement numbers that add up (RFC 9293 §3.4), an ACK
 * from the receiver after each, and the closing FINs. Sizes only, no bytes here: packet-write.ts
 * puts the headers around the bytes.
 */
import { TcpFlag, type Endpoint } from './decode-packet.ts';
import { buildTcpPacket, type BuiltPacket } from './packet-write.ts';

export type Side = 'client' | 'server';

/** One packet of the conversation, ready for a capture file. */
export interface SynthPacket extends BuiltPacket {
  /** Unix epoch ms. */
  time: number;
  /** Shown by Wireshark as the packet's comment. */
  comment?: string;
}

/**
 * Largest payload in one segment: what fits in one IPv4 packet (65,535 bytes less 40 of headers),
 * as on Linux loopback. A longer read is written as several segments.
 */
export const MAX_SEGMENT = 65_495;
const WINDOW = 0xffff;
/** Window scale shift advertised in the SYNs (RFC 7323 §2): the receive window is 8 MiB. */
const WINDOW_SHIFT = 7;
const MACS: Record<Side, Uint8Array> = {
  client: Uint8Array.from([0x02, 0, 0, 0, 0, 0x01]),
  server: Uint8Array.from([0x02, 0, 0, 0, 0, 0x02]),
};

export class TcpConversation {
  readonly #ends: Record<Side, Endpoint>;
  /** Next sequence number each side sends. */
  readonly #next: Record<Side, number>;
  readonly #id: Record<Side, number>;
  #time = -Infinity;

  /** `isn`: initial sequence numbers (deterministic: the caller derives them, this code has no randomness). */
  constructor(client: Endpoint, server: Endpoint, isn: Record<Side, number>) {
    this.#ends = { client, server };
    this.#next = { client: isn.client >>> 0, server: isn.server >>> 0 };
    this.#id = { client: isn.client & 0xffff, server: isn.server & 0xffff };
  }

  /** The bytes each side has sent so far (data, plus one for a SYN and one for a FIN). */
  nextSeq(side: Side): number {
    return this.#next[side];
  }

  /** SYN, SYN-ACK, ACK (RFC 9293 §3.5), ending at `time`. */
  open(time: number): SynthPacket[] {
    // MSS (kind 2) 65,495, NOP, window scale (kind 3); RFC 9293 §3.1 and RFC 7323 §2.
    const options = Uint8Array.from([2, 4, 0xff, 0xd7, 1, 3, 3, WINDOW_SHIFT]);
    const syn = this.#packet('client', TcpFlag.SYN, time, { options, ack: 0 });
    this.#next.client = (this.#next.client + 1) >>> 0;
    const synAck = this.#packet('server', TcpFlag.SYN | TcpFlag.ACK, time, { options });
    this.#next.server = (this.#next.server + 1) >>> 0;
    const ack = this.#packet('client', TcpFlag.ACK, time);
    return [syn, synAck, ack];
  }

  /**
   * `length` bytes from `from` at `time`, of which `known` are the first ones (fewer when the
   * rest was not saved: the packet is then written cut, as a snapshot length would cut it). One
   * segment, or several of MAX_SEGMENT when longer; each is acknowledged unless `ack` is false
   * (the other side's next packet will acknowledge it). Past the known bytes and the segment they
   * end in, no more packets are written: the sequence numbers skip what is not known.
   */
  send(from: Side, known: Uint8Array, length: number, time: number, options: { ack?: boolean; comment?: string } = {}): SynthPacket[] {
    const out: SynthPacket[] = [];
    const to: Side = from === 'client' ? 'server' : 'client';
    for (let at = 0; at < length; at += MAX_SEGMENT) {
      if (at > 0 && at >= known.length) {
        this.skip(from, length - at);
        break;
      }
      const size = Math.min(MAX_SEGMENT, length - at);
      const payload = known.subarray(Math.min(at, known.length), Math.min(at + size, known.length));
      const packet = this.#packet(from, TcpFlag.PSH | TcpFlag.ACK, time, { payload, payloadLength: size });
      if (at === 0 && options.comment !== undefined) packet.comment = options.comment;
      out.push(packet);
      this.#next[from] = (this.#next[from] + size) >>> 0;
      if (options.ack !== false || at + size < length) out.push(this.#packet(to, TcpFlag.ACK, time));
    }
    return out;
  }

  /** Sequence numbers skip `length` bytes that were sent but are not known at all. */
  skip(from: Side, length: number): void {
    this.#next[from] = (this.#next[from] + length) >>> 0;
  }

  /** `first` sends FIN, the other answers with its FIN, `first` acknowledges (RFC 9293 §3.6). */
  close(first: Side, time: number): SynthPacket[] {
    const second: Side = first === 'client' ? 'server' : 'client';
    const fin1 = this.#packet(first, TcpFlag.FIN | TcpFlag.ACK, time);
    this.#next[first] = (this.#next[first] + 1) >>> 0;
    const fin2 = this.#packet(second, TcpFlag.FIN | TcpFlag.ACK, time);
    this.#next[second] = (this.#next[second] + 1) >>> 0;
    return [fin1, fin2, this.#packet(first, TcpFlag.ACK, time)];
  }

  /** `from` resets the connection (a socket error such as ECONNRESET). */
  reset(from: Side, time: number): SynthPacket[] {
    return [this.#packet(from, TcpFlag.RST | TcpFlag.ACK, time)];
  }

  #packet(
    from: Side,
    flags: number,
    time: number,
    extra: { options?: Uint8Array; payload?: Uint8Array; payloadLength?: number; ack?: number } = {},
  ): SynthPacket {
    const to: Side = from === 'client' ? 'server' : 'client';
    // Times never go back within a conversation.
    this.#time = Math.max(this.#time, time);
    const payload = extra.payload ?? new Uint8Array(0);
    const built = buildTcpPacket({
      src: this.#ends[from],
      dst: this.#ends[to],
      srcMac: MACS[from],
      dstMac: MACS[to],
      seq: this.#next[from],
      ack: extra.ack ?? this.#next[to],
      flags,
      window: WINDOW,
      options: extra.options,
      id: this.#id[from]++,
      payload,
      payloadLength: extra.payloadLength ?? payload.length,
    });
    return { ...built, time: this.#time };
  }
}
