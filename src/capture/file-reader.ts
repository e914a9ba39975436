/**
 * A capture file, fed in chunks of any size: which format it is (from its first bytes), then its
 * packets one by one. Streams over the records and holds only the record being read, so a 100 MB
 * file costs no more memory than its largest packet. Never throws on bad input: the problems are
 * values with the byte they were found at.
 *
 *   const reader = new CaptureFileReader();
 *   reader.push(chunk);                      // as often as there are chunks
 *   for (let p = reader.next(); p; p = reader.next()) use(p);
 *   reader.end();                            // then read reader.problems
 */
import { ByteQueue } from './bytes.ts';
import type { CaptureProblem, PacketRecord } from './packet.ts';
import { PcapReader, type RecordReader } from './pcap-read.ts';
import { PcapngReader } from './pcapng-read.ts';

export type CaptureFormat = 'pcap' | 'pcapng' | 'json';

/**
 * The format from a file's first bytes: pcap or pcapng by their magic numbers, our JSON by a `{`
 * (after whitespace or a byte-order mark); null while too few bytes have come to tell, and an
 * `unrecognized` problem for anything else (saying what it looks like, when that is known).
 */
export function detectFormat(head: Uint8Array, complete = false): CaptureFormat | CaptureProblem | null {
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (i < head.length && head[i] === 0x7b) return 'json';
  if (i === head.length && i > 0 && !complete) return null;
  if (head.length < 4) {
    if (!complete) return null;
    return head.length === 0
      ? { code: 'unrecognized', message: 'the file is empty' }
      : { code: 'unrecognized', atByte: 0, message: `the file has only ${head.length} byte${head.length === 1 ? '' : 's'}: too short for a capture` };
  }
  const magic = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  if (magic === 0x0a0d0d0a) return 'pcapng';
  if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0xa1b2cd34, 0x34cdb2a1].includes(magic)) return 'pcap';
  const what =
    head[0] === 0x1f && head[1] === 0x8b ? 'a gzip-compressed file: uncompress it first (gunzip, or save it uncompressed from Wireshark)'
      : head[0] === 0x50 && head[1] === 0x4b ? 'a zip archive: extract the capture from it first'
        : 'neither pcap nor pcapng (their files start with d4 c3 b2 a1 or 0a 0d 0d 0a) nor a Framescope JSON capture';
  return { code: 'unrecognized', atByte: 0, message: `this is not a capture file this reader knows: ${what}` };
}

export class CaptureFileReader {
  readonly #queue = new ByteQueue();
  #reader: RecordReader | null = null;
  #format: CaptureFormat | null = null;
  #stopped = false;
  #ended = false;
  readonly #problems: CaptureProblem[] = [];

  /** Add the next bytes of the file. The chunk is read, never written to; views of it may be kept. */
  push(chunk: Uint8Array): void {
    if (this.#stopped || this.#ended || chunk.length === 0) return;
    this.#queue.push(chunk);
    if (this.#format === null) this.#detect(false);
  }

  /** The next packet, or null when more bytes are needed (or the file is done, or cannot be read on). */
  next(): PacketRecord | null {
    const reader = this.#reader;
    if (reader === null || this.#stopped) return null;
    for (;;) {
      const step = reader.step(this.#queue);
      switch (step.kind) {
        case 'packet':
          return step.packet;
        case 'skip':
          if (step.problem) this.#problems.push(step.problem);
          continue;
        case 'more':
          return null;
        case 'stop':
          this.#problems.push(step.problem);
          this.#stopped = true;
          return null;
      }
    }
  }

  /** The input is over: a record left unfinished is a `truncated` problem. Call `next()` until null first. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#format === null) this.#detect(true);
    if (this.#stopped || this.#reader === null) return;
    if (this.#queue.length > 0) {
      this.#problems.push({ code: 'truncated', atByte: this.#queue.offset, message: this.#reader.describeCut(this.#queue) });
    }
  }

  /** 'pcap', 'pcapng' or 'json' once known (a JSON file is not read here: see `CaptureImporter`). */
  get format(): CaptureFormat | null {
    return this.#format;
  }

  /** Problems so far, in file order. */
  get problems(): readonly CaptureProblem[] {
    return this.#problems;
  }

  /** Link types of the interfaces seen so far. */
  get linkTypes(): readonly number[] {
    return this.#reader?.linkTypes ?? [];
  }

  /** Bytes read into records so far. */
  get bytesRead(): number {
    return this.#queue.offset;
  }

  /** Has the reader given up (an unknown format, or a structure it cannot read past)? */
  get stopped(): boolean {
    return this.#stopped;
  }

  #detect(complete: boolean): void {
    const head = this.#queue.peek(0, Math.min(this.#queue.length, 4096));
    const found = detectFormat(head, complete);
    if (found === null) return;
    if (typeof found === 'object') {
      this.#problems.push(found);
      this.#stopped = true;
      return;
    }
    this.#format = found;
    if (found === 'pcap') this.#reader = new PcapReader();
    else if (found === 'pcapng') this.#reader = new PcapngReader();
    // JSON: the importer reads it whole; this reader gives no packets.
  }
}
