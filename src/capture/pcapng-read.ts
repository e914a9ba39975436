/**
 * The pcapng format (draft-ietf-opsawg-pcapng): blocks of `type, total length, body, total length`.
 * A Section Header Block starts each section and gives its byte order; Interface Description
 * Blocks give each interface's link type and time resolution; Enhanced, Simple and (obsolete)
 * Packet Blocks carry packets. Other blocks are skipped by their length. Several sections, each in
 * its own byte order, and several interfaces per section are read.
 */
import { readUint16, readUint32, type ByteQueue } from './bytes.ts';
import type { CaptureProblem, PacketRecord } from './packet.ts';
import { MAX_RECORD, type ReadStep, type RecordReader } from './pcap-read.ts';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

interface Interface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second: 10^n or 2^n (if_tsresol), 10^6 by default. */
  unitsPerSecond: number;
  /** if_tsoffset: seconds added to every timestamp. */
  offsetSeconds: number;
}

export class PcapngReader implements RecordReader {
  readonly format = 'pcapng';
  #littleEndian = true;
  #inSection = false;
  #interfaces: Interface[] = [];
  #index = 0;
  #blocks = 0;
  /** A simple packet block has no time: it gets the previous packet's. */
  #lastTime = 0;
  readonly linkTypes: number[] = [];

  step(queue: ByteQueue): ReadStep {
    const at = queue.offset;
    if (queue.length < 12) return { kind: 'more' };
    const typeBE = queue.uint32(0, false);
    if (typeBE === SHB) {
      const bom = queue.uint32(8, false);
      if (bom === BYTE_ORDER_MAGIC) this.#littleEndian = false;
      else if (bom === 0x4d3c2b1a) this.#littleEndian = true;
      else return stop('corrupt', at, `the section header block at byte ${at} has no valid byte-order magic (1A2B3C4D): the file is corrupt from here`);
    } else if (!this.#inSection) {
      return stop('unrecognized', at, 'not a pcapng file: it does not start with a section header block');
    }
    const le = this.#littleEndian;
    const type = queue.uint32(0, le);
    const length = queue.uint32(4, le);
    if (length < 12 || length % 4 !== 0 || length > MAX_RECORD) {
      return stop('corrupt', at, `block ${this.#blocks + 1} at byte ${at} gives its length as ${length.toLocaleString('en-US')}, which is not a valid block length (a multiple of 4, at least 12): the file is corrupt from here`);
    }
    if (queue.length < length) return { kind: 'more' };
    const trailer = queue.uint32(length - 4, le);
    if (trailer !== length) {
      return stop('corrupt', at, `block ${this.#blocks + 1} at byte ${at} gives its length as ${length} at its start but ${trailer} at its end: the file is corrupt from here`);
    }
    const block = queue.take(length);
    this.#blocks++;
    const body = block.subarray(8, length - 4);
    switch (type) {
      case SHB:
        return this.#section(body, at);
      case IDB:
        return this.#interface(body, at);
      case EPB:
        return this.#enhanced(body, at);
      case SPB:
        return this.#simple(body, at);
      case PB:
        return this.#obsolete(body, at);
      default:
        return { kind: 'skip' };
    }
  }

  #section(body: Uint8Array, at: number): ReadStep {
    if (body.length < 16) return stop('corrupt', at, `the section header block at byte ${at} is too short (${body.length + 12} bytes; 28 at least)`);
    const major = readUint16(body, 4, this.#littleEndian);
    if (major !== 1) return stop('unrecognized', at + 12, `pcapng version ${major} is not one this reader knows (1.0 is)`);
    this.#inSection = true;
    this.#interfaces = [];
    return { kind: 'skip' };
  }

  #interface(body: Uint8Array, at: number): ReadStep {
    if (body.length < 8) return skipBad(at, `the interface description block at byte ${at} is too short`);
    const le = this.#littleEndian;
    const iface: Interface = {
      linkType: readUint16(body, 0, le),
      snaplen: readUint32(body, 4, le),
      unitsPerSecond: 1e6,
      offsetSeconds: 0,
    };
    for (const { code, value } of options(body.subarray(8), le)) {
      if (code === 9 && value.length >= 1) {
        // if_tsresol: the high bit says a power of 2, else of 10; the rest is the (negative) exponent.
        const v = value[0]!;
        const exponent = v & 0x7f;
        iface.unitsPerSecond = (v & 0x80) !== 0 ? 2 ** exponent : 10 ** exponent;
      } else if (code === 14 && value.length >= 8) {
        const high = readUint32(value, le ? 4 : 0, le) | 0;
        const low = readUint32(value, le ? 0 : 4, le);
        iface.offsetSeconds = high * 0x1_0000_0000 + low;
      }
    }
    this.#interfaces.push(iface);
    if (!this.linkTypes.includes(iface.linkType)) this.linkTypes.push(iface.linkType);
    return { kind: 'skip' };
  }

  #enhanced(body: Uint8Array, at: number): ReadStep {
    const le = this.#littleEndian;
    if (body.length < 20) return skipBad(at, `the enhanced packet block at byte ${at} is too short`);
    const id = readUint32(body, 0, le);
    const iface = this.#interfaces[id];
    if (iface === undefined) return skipBad(at, `the packet block at byte ${at} names interface ${id}, which its section never described; it is skipped`);
    const captured = readUint32(body, 12, le);
    if (captured > body.length - 20) {
      return skipBad(at, `the packet block at byte ${at} says it holds ${captured} captured bytes but has room for ${body.length - 20}; it is skipped`);
    }
    const original = readUint32(body, 16, le);
    const time = this.#time(iface, readUint32(body, 4, le), readUint32(body, 8, le));
    return this.#packet(at, iface, time, body.subarray(20, 20 + captured), original);
  }

  #simple(body: Uint8Array, at: number): ReadStep {
    const iface = this.#interfaces[0];
    if (iface === undefined) return skipBad(at, `the simple packet block at byte ${at} comes before any interface description; it is skipped`);
    if (body.length < 4) return skipBad(at, `the simple packet block at byte ${at} is too short`);
    const original = readUint32(body, 0, this.#littleEndian);
    // Its captured length is not written: the smaller of the original length, the snapshot length and the room.
    let captured = Math.min(original, body.length - 4);
    if (iface.snaplen !== 0) captured = Math.min(captured, iface.snaplen);
    return this.#packet(at, iface, null, body.subarray(4, 4 + captured), original);
  }

  #obsolete(body: Uint8Array, at: number): ReadStep {
    const le = this.#littleEndian;
    if (body.length < 20) return skipBad(at, `the packet block at byte ${at} is too short`);
    const id = readUint16(body, 0, le);
    const iface = this.#interfaces[id];
    if (iface === undefined) return skipBad(at, `the packet block at byte ${at} names interface ${id}, which its section never described; it is skipped`);
    const captured = readUint32(body, 12, le);
    if (captured > body.length - 20) return skipBad(at, `the packet block at byte ${at} says it holds ${captured} captured bytes but has room for ${body.length - 20}; it is skipped`);
    const time = this.#time(iface, readUint32(body, 4, le), readUint32(body, 8, le));
    return this.#packet(at, iface, time, body.subarray(20, 20 + captured), readUint32(body, 16, le));
  }

  #packet(at: number, iface: Interface, time: number | null, data: Uint8Array, original: number): ReadStep {
    if (time !== null) this.#lastTime = time;
    const packet: PacketRecord = {
      index: this.#index++,
      fileOffset: at,
      time: this.#lastTime,
      linkType: iface.linkType,
      data,
      originalLength: Math.max(original, data.length),
    };
    return { kind: 'packet', packet };
  }

  /** A 64-bit timestamp in the interface's units, as Unix epoch milliseconds. */
  #time(iface: Interface, high: number, low: number): number {
    const offsetMs = iface.offsetSeconds * 1000;
    if (iface.unitsPerSecond === 1e6) return (high * 0x1_0000_0000 + low) / 1000 + offsetMs;
    // Nanoseconds since 1970 pass 2^53: divide as integers first, then keep the remainder's fraction.
    const units = (BigInt(high) << 32n) | BigInt(low);
    const perSecond = BigInt(iface.unitsPerSecond);
    const seconds = units / perSecond;
    const rest = units % perSecond;
    return Number(seconds) * 1000 + (Number(rest) * 1000) / iface.unitsPerSecond + offsetMs;
  }

  describeCut(queue: ByteQueue): string {
    if (queue.length < 12) return `the file ends inside the header of block ${this.#blocks + 1} (${queue.length} bytes of it)`;
    const length = queue.uint32(4, this.#littleEndian);
    return `the file ends inside block ${this.#blocks + 1}: it has ${queue.length.toLocaleString('en-US')} of the ${length.toLocaleString('en-US')} bytes the block's header announces`;
  }
}

/** The options of a block: code, length, value padded to 4 bytes, up to opt_endofopt. */
function* options(bytes: Uint8Array, le: boolean): Generator<{ code: number; value: Uint8Array }> {
  let at = 0;
  while (at + 4 <= bytes.length) {
    const code = readUint16(bytes, at, le);
    const length = readUint16(bytes, at + 2, le);
    if (code === 0 || at + 4 + length > bytes.length) return;
    yield { code, value: bytes.subarray(at + 4, at + 4 + length) };
    at += 4 + ((length + 3) & ~3);
  }
}

function stop(code: CaptureProblem['code'], atByte: number, message: string): ReadStep {
  return { kind: 'stop', problem: { code, atByte, message } };
}

function skipBad(atByte: number, message: string): ReadStep {
  return { kind: 'skip', problem: { code: 'corrupt', atByte, message } };
}
