/**
 * The importer: a capture file's bytes in (pcap, pcapng, or a Framescope JSON capture), in chunks
 * of any size, with progress between them; the WebSocket connections in it out. This is the API a
 * worker runs for the page and the CLI runs in a terminal:
 *
 *   const importer = new CaptureImporter({ inflate });    // inflate: optional, see deflate.ts
 *   for (const chunk of file) { importer.push(chunk); post(importer.progress); }
 *   const report = importer.finish();
 *
 * or `importCapture(bytes, options)` in one call. Never throws on bad input: what went wrong is in
 * `report.problems` (and `report.error`), with the byte where it was found.
 */
import { count } from './bytes.ts';
import { decodePacket } from './decode-packet.ts';
import { CaptureFileReader } from './file-reader.ts';
import { reportFromCaptureText } from './json-import.ts';
import { linkTypeName, type CaptureProblem, type PacketRecord } from './packet.ts';
import { mainProblem, type CaptureReport, type ImportProgress } from './report.ts';
import { TcpConnections } from './tcp-streams.ts';
import { WebSocketFollower, type FollowOptions } from './websocket-follow.ts';

export type ImportOptions = FollowOptions;

export class CaptureImporter {
  readonly #options: ImportOptions;
  readonly #reader = new CaptureFileReader();
  readonly #tcp: TcpConnections;
  readonly #followers: WebSocketFollower[] = [];
  /** Problems found while following streams (bytes missing from a WebSocket connection). */
  readonly #streamProblems: CaptureProblem[] = [];
  /** Chunks kept while the format is unknown, and all of them for a JSON capture. */
  #kept: Uint8Array[] | null = [];
  #bytes = 0;
  #packets = 0;
  #finished: CaptureReport | null = null;
  // What was passed over, for the notes.
  readonly #notTcp = new Map<string, number>();
  readonly #unsupported = new Map<number, number>();
  #fragments = 0;
  #headerCut = 0;
  #cutPackets = 0;
  #firstCut: PacketRecord | null = null;
  #noSyn = 0;

  constructor(options: ImportOptions = {}) {
    this.#options = options;
    this.#tcp = new TcpConnections((start) => {
      if (!start.sawSyn) this.#noSyn++;
      const follower = new WebSocketFollower(start, this.#options, this.#streamProblems);
      this.#followers.push(follower);
      return follower;
    });
  }

  /**
   * The next bytes of the file. They are read, never written to; views of them are kept until the
   * records in them are read, so the caller must not refill the same buffer.
   */
  push(chunk: Uint8Array): void {
    if (this.#finished !== null || chunk.length === 0) return;
    this.#bytes += chunk.length;
    this.#kept?.push(chunk);
    this.#reader.push(chunk);
    if (this.#reader.format !== null && this.#reader.format !== 'json') this.#kept = null;
    this.#drain();
  }

  get progress(): ImportProgress {
    let ws = 0;
    for (const f of this.#followers) if (f.isWebSocket) ws++;
    return { bytes: this.#bytes, packets: this.#packets, connections: this.#tcp.count, webSocketConnections: ws };
  }

  /** The input is over: the report. Calling it again gives the same report. */
  finish(): CaptureReport {
    if (this.#finished !== null) return this.#finished;
    this.#reader.end();
    if (this.#reader.format === 'json') {
      const kept = this.#kept ?? [];
      this.#kept = null;
      this.#finished = reportFromCaptureText(kept, this.#options);
      return this.#finished;
    }
    this.#kept = null;
    this.#drain();
    this.#tcp.finish();
    const problems = [...this.#reader.problems, ...this.#streamProblems];
    if (this.#firstCut !== null) {
      const p = this.#firstCut;
      const others = this.#cutPackets - 1;
      problems.push({
        code: 'payload-missing',
        atByte: p.fileOffset,
        message: `packet ${p.index + 1} at byte ${p.fileOffset} was captured with ${p.data.length} of its ${p.originalLength} bytes (the capture's snapshot length cut it)${others > 0 ? `, and so ${others === 1 ? 'was 1 more packet' : `were ${others.toLocaleString('en-US')} more packets`}` : ''}: the bytes cut off are not shown, and frames stop where they are missing`,
      });
    }
    problems.sort((a, b) => (a.atByte ?? Infinity) - (b.atByte ?? Infinity));
    const followers = this.#followers;
    this.#finished = {
      format: this.#reader.format,
      linkType: this.#reader.linkTypes.length > 0 ? this.#reader.linkTypes.map(linkTypeName).join(',') : null,
      packets: this.#packets,
      connections: followers.filter((f) => f.isWebSocket).map((f) => f.result),
      nonWebSocketStreams: followers.filter((f) => !f.isWebSocket).length,
      problems,
      error: mainProblem(problems),
      notes: this.#notes(),
    };
    return this.#finished;
  }

  #drain(): void {
    for (let packet = this.#reader.next(); packet !== null; packet = this.#reader.next()) this.#packet(packet);
  }

  #packet(packet: PacketRecord): void {
    this.#packets++;
    if (packet.data.length < packet.originalLength) {
      this.#cutPackets++;
      this.#firstCut ??= packet;
    }
    const decoded = decodePacket(packet);
    switch (decoded.kind) {
      case 'tcp':
        this.#tcp.segment(decoded.segment, packet.time, packet.index, packet.fileOffset);
        break;
      case 'not-tcp':
        this.#notTcp.set(decoded.what, (this.#notTcp.get(decoded.what) ?? 0) + 1);
        break;
      case 'unsupported-link':
        this.#unsupported.set(decoded.linkType, (this.#unsupported.get(decoded.linkType) ?? 0) + 1);
        break;
      case 'fragment':
        this.#fragments++;
        break;
      case 'cut':
        this.#headerCut++;
        break;
    }
  }

  #notes(): string[] {
    const notes: string[] = [];
    if (this.#notTcp.size > 0) {
      const total = [...this.#notTcp.values()].reduce((a, b) => a + b, 0);
      const kinds = [...this.#notTcp].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${what}: ${n.toLocaleString('en-US')}`);
      notes.push(`${count(total, 'packet')} ${total === 1 ? 'was' : 'were'} not TCP (${kinds.join(', ')})`);
    }
    for (const [linkType, n] of this.#unsupported) {
      notes.push(`${count(n, 'packet')} of link type ${linkType} ${n === 1 ? 'was' : 'were'} skipped: this reader decodes Ethernet, Linux cooked (SLL, SLL2), BSD null and loopback, and raw IP`);
    }
    if (this.#fragments > 0) notes.push(`${count(this.#fragments, 'IP fragment')} ${this.#fragments === 1 ? 'was' : 'were'} not reassembled`);
    if (this.#headerCut > 0) notes.push(`${count(this.#headerCut, 'packet')} ${this.#headerCut === 1 ? 'was' : 'were'} cut before the end of their headers`);
    const tls = this.#followers.filter((f) => f.tls).length;
    if (tls > 0) notes.push(`${count(tls, 'TCP connection')} carried TLS (https:// or wss://): encrypted, so its frames cannot be shown; capture ws:// traffic to see them`);
    if (this.#noSyn > 0) notes.push(`${count(this.#noSyn, 'TCP connection')} began before the capture did (no SYN captured): a WebSocket handshake before the capture cannot be found`);
    return notes;
  }
}

/** The whole file at once. */
export function importCapture(bytes: Uint8Array, options: ImportOptions = {}): CaptureReport {
  const importer = new CaptureImporter(options);
  importer.push(bytes);
  return importer.finish();
}
