/**
 * The classic pcap format (tcpdump.org/manpages/pcap-savefile.5.txt, draft-ietf-opsawg-pcap): a
 * 24-byte file header, then records of a 16-byte header and the captured bytes. The magic number
 * gives the byte order and the time resolution (microseconds or nanoseconds); the header's link
 * type applies to every record.
 */
import { readUint32, type ByteQueue } from './bytes.ts';
import type { CaptureProblem, PacketRecord } from './packet.ts';

/** What one step of a file reader gives. */
export type ReadStep =
  | { kind: 'packet'; packet: PacketRecord }
  /** A record that is not a packet (a pcapng interface block, say), or a bad one that was skipped: read on. */
  | { kind: 'skip'; problem?: CaptureProblem }
  /** Not enough bytes yet for the next record. */
  | { kind: 'more' }
  /** The file cannot be read past here. */
  | { kind: 'stop'; problem: CaptureProblem };

export interface RecordReader {
  readonly format: 'pcap' | 'pcapng';
  step(queue: ByteQueue): ReadStep;
  /** At the end of the input with `queue.length` bytes left over: what the cut record was. */
  describeCut(queue: ByteQueue): string;
  /** Link types of the interfaces seen so far, in order of appearance. */
  readonly linkTypes: readonly number[];
}

/** A record longer than this is taken for corruption (Wireshark caps packets at 256 KiB by default). */
export const MAX_RECORD = 64 * 1024 * 1024;

const HEADER = 24;

export class PcapReader implements RecordReader {
  readonly format = 'pcap';
  #headerRead = false;
  #littleEndian = true;
  #nanoseconds = false;
  /** Kuznetzov's modified pcap: 8 more bytes a record header. */
  #recordHeader = 16;
  #linkType = 0;
  #index = 0;
  readonly linkTypes: number[] = [];

  step(queue: ByteQueue): ReadStep {
    if (!this.#headerRead) return this.#readHeader(queue);
    const at = queue.offset;
    if (queue.length < this.#recordHeader) return { kind: 'more' };
    const le = this.#littleEndian;
    const seconds = queue.uint32(0, le);
    const fraction = queue.uint32(4, le);
    const captured = queue.uint32(8, le);
    const original = queue.uint32(12, le);
    if (captured > MAX_RECORD) {
      return {
        kind: 'stop',
        problem: {
          code: 'corrupt',
          atByte: at,
          message: `packet record ${this.#index + 1} at byte ${at} says it holds ${captured.toLocaleString('en-US')} captured bytes, more than any capture writes (${MAX_RECORD.toLocaleString('en-US')} at most): the file is corrupt from here`,
        },
      };
    }
    if (queue.length < this.#recordHeader + captured) return { kind: 'more' };
    queue.skip(this.#recordHeader);
    const data = queue.take(captured);
    const subsecond = this.#nanoseconds ? fraction / 1e6 : fraction / 1e3;
    const packet: PacketRecord = {
      index: this.#index++,
      fileOffset: at,
      time: seconds * 1000 + subsecond,
      linkType: this.#linkType,
      data,
      originalLength: Math.max(original, captured),
    };
    return { kind: 'packet', packet };
  }

  #readHeader(queue: ByteQueue): ReadStep {
    if (queue.length < HEADER) return { kind: 'more' };
    const magic = queue.uint32(0, false);
    switch (magic) {
      case 0xa1b2c3d4: this.#littleEndian = false; break;
      case 0xd4c3b2a1: this.#littleEndian = true; break;
      case 0xa1b23c4d: this.#littleEndian = false; this.#nanoseconds = true; break;
      case 0x4d3cb2a1: this.#littleEndian = true; this.#nanoseconds = true; break;
      case 0xa1b2cd34: this.#littleEndian = false; this.#recordHeader = 24; break;
      case 0x34cdb2a1: this.#littleEndian = true; this.#recordHeader = 24; break;
      default:
        return { kind: 'stop', problem: { code: 'unrecognized', atByte: 0, message: 'not a pcap file: the magic number is wrong' } };
    }
    const header = queue.take(HEADER);
    const major = header[this.#littleEndian ? 4 : 5]!;
    if (major !== 2) {
      return { kind: 'stop', problem: { code: 'unrecognized', atByte: 4, message: `pcap version ${major} is not one this reader knows (2.4 is)` } };
    }
    // The top bits of the link type field carry the FCS length (pcap-savefile(5)).
    this.#linkType = readUint32(header, 20, this.#littleEndian) & 0x03ff_ffff;
    this.linkTypes.push(this.#linkType);
    this.#headerRead = true;
    return { kind: 'skip' };
  }

  describeCut(queue: ByteQueue): string {
    if (!this.#headerRead) return `the file ends inside the 24-byte pcap file header (it has ${queue.length} bytes)`;
    const n = this.#index + 1;
    if (queue.length < this.#recordHeader) {
      return `the file ends inside the header of packet record ${n} (${queue.length} of its ${this.#recordHeader} bytes)`;
    }
    const captured = queue.uint32(8, this.#littleEndian);
    return `the file ends inside packet record ${n}: it has ${(queue.length - this.#recordHeader).toLocaleString('en-US')} of the ${captured.toLocaleString('en-US')} captured bytes its header announces`;
  }
}
