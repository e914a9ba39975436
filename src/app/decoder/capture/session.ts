/**
 * One capture file read for the decoder page: the importer (src/capture) fed chunk by chunk, then
 * what the page shows, asked for piece by piece so a capture of a million frames never crosses to
 * the page whole: a summary (format, problems, each WebSocket connection and its handshake), each
 * connection's frame table in typed arrays (the header fields and the first bytes of each frame,
 * for the list), and one frame's whole bytes when it is selected. Plain TypeScript, no DOM: the
 * Web Worker runs it (import.worker.ts), and so does the main thread where no worker can start.
 */
import { CaptureImporter, type CaptureReport, type Handshake, type ImportedConnection, type ImportProgress, type StreamEnd } from '../../../capture';
import { encodeHeader, type Fault, type Frame } from '../../../protocol';

/** Payload bytes of each frame kept for the list's preview column (frame-row.ts reads 48). */
export const PREVIEW_PAYLOAD = 48;

export interface ConnectionSummary {
  index: number;
  client: string;
  server: string;
  /** Unix epoch ms of its first packet. */
  start: number;
  handshake: Handshake;
  frames: number;
  messages: number;
  /** Where each direction broke a rule (the codec's fault: the page says it in its language). */
  faults: { dir: 'c2s' | 's2c'; fault: Fault }[];
  c2s: StreamEnd;
  s2c: StreamEnd;
}

export interface CaptureSummary {
  name: string;
  size: number;
  format: CaptureReport['format'];
  linkType: string | null;
  packets: number;
  nonWebSocketStreams: number;
  problems: CaptureReport['problems'];
  error: CaptureReport['error'];
  notes: string[];
  connections: ConnectionSummary[];
}

/** A connection's rows (its frames and faults, in time order) as columns. */
export interface FrameTable {
  count: number;
  /** 0: client to server, 1: server to client. */
  dir: Uint8Array;
  opcode: Uint8Array;
  /** Bit 0 FIN, bit 1 MASK, bit 2 a fault row. */
  flags: Uint8Array;
  headerLength: Uint8Array;
  payloadLength: Float64Array;
  /** Stream offset of the frame's first byte, in its direction (after the HTTP head). */
  offset: Float64Array;
  time: Float64Array;
  /** Row i's first bytes (header, then the first PREVIEW_PAYLOAD payload bytes, masked as on the wire) are preview[previewStart[i] .. previewStart[i + 1]]. */
  previewStart: Uint32Array;
  preview: Uint8Array;
  /** Fault rows: the codec's fault, by row index. */
  faults: Record<number, Fault>;
}

export const FIN = 1;
export const MASK = 2;
export const FAULT = 4;

type Row = { kind: 'frame'; time: number; dir: 'c2s' | 's2c'; frame: Frame } | { kind: 'fault'; time: number; dir: 'c2s' | 's2c'; fault: Fault; bytes: Uint8Array };

export class CaptureSession {
  readonly #importer = new CaptureImporter();
  readonly #name: string;
  readonly #size: number;
  #report: CaptureReport | null = null;
  readonly #rows = new Map<number, Row[]>();

  constructor(name: string, size: number) {
    this.#name = name;
    this.#size = size;
  }

  push(chunk: Uint8Array): void {
    this.#importer.push(chunk);
  }

  get progress(): ImportProgress {
    return this.#importer.progress;
  }

  finish(): CaptureSummary {
    const report = (this.#report ??= this.#importer.finish());
    return {
      name: this.#name,
      size: this.#size,
      format: report.format,
      linkType: report.linkType,
      packets: report.packets,
      nonWebSocketStreams: report.nonWebSocketStreams,
      problems: report.problems,
      error: report.error,
      notes: report.notes,
      connections: report.connections.map(summaryOf),
    };
  }

  /** Connection `index`'s rows as a table (null for an index that is not there). */
  table(index: number): FrameTable | null {
    const rows = this.#rowsOf(index);
    if (rows === null) return null;
    const n = rows.length;
    const table: FrameTable = {
      count: n,
      dir: new Uint8Array(n),
      opcode: new Uint8Array(n),
      flags: new Uint8Array(n),
      headerLength: new Uint8Array(n),
      payloadLength: new Float64Array(n),
      offset: new Float64Array(n),
      time: new Float64Array(n),
      previewStart: new Uint32Array(n + 1),
      preview: new Uint8Array(0),
      faults: {},
    };
    const previews: Uint8Array[] = [];
    let bytes = 0;
    rows.forEach((row, i) => {
      table.dir[i] = row.dir === 'c2s' ? 0 : 1;
      table.time[i] = row.time;
      let head: Uint8Array;
      if (row.kind === 'frame') {
        const f = row.frame;
        table.opcode[i] = f.opcode;
        table.flags[i] = (f.fin ? FIN : 0) | (f.masked ? MASK : 0);
        table.headerLength[i] = f.headerLength;
        table.payloadLength[i] = f.payloadLength;
        table.offset[i] = f.offset;
        head = firstBytes(f, PREVIEW_PAYLOAD);
      } else {
        const b = row.bytes;
        const { headerLength, payloadLength } = declared(b);
        table.opcode[i] = (b[0] ?? 0) & 0x0f;
        table.flags[i] = ((b[0] ?? 0) & 0x80 ? FIN : 0) | ((b[1] ?? 0) & 0x80 ? MASK : 0) | FAULT;
        table.headerLength[i] = headerLength;
        table.payloadLength[i] = payloadLength;
        table.offset[i] = row.fault.frameOffset;
        table.faults[i] = row.fault;
        head = b.subarray(0, Math.min(b.length, headerLength + PREVIEW_PAYLOAD));
      }
      previews.push(head);
      table.previewStart[i] = bytes;
      bytes += head.length;
    });
    table.previewStart[n] = bytes;
    table.preview = new Uint8Array(bytes);
    let at = 0;
    for (const p of previews) {
      table.preview.set(p, at);
      at += p.length;
    }
    return table;
  }

  /** Row `row` of connection `index`, whole as on the wire (masked as sent); null when not there. */
  frameBytes(index: number, row: number): Uint8Array | null {
    const r = this.#rowsOf(index)?.[row];
    if (!r) return null;
    return r.kind === 'frame' ? firstBytes(r.frame, Infinity) : r.bytes.slice();
  }

  #rowsOf(index: number): Row[] | null {
    const conn = this.#report?.connections[index];
    if (!conn) return null;
    let rows = this.#rows.get(index);
    if (rows === undefined) {
      rows = rowsOf(conn);
      this.#rows.set(index, rows);
    }
    return rows;
  }
}

function rowsOf(conn: ImportedConnection): Row[] {
  const rows: Row[] = conn.frames.map((f) => ({ kind: 'frame', time: f.time, dir: f.dir, frame: f.frame }));
  for (const f of conn.faults) rows.push({ kind: 'fault', time: f.time, dir: f.dir, fault: f.fault, bytes: f.bytes });
  // Time order (stable: a fault found in the packet of a frame comes after it).
  return rows.sort((a, b) => a.time - b.time);
}

function summaryOf(conn: ImportedConnection, index: number): ConnectionSummary {
  return {
    index,
    client: conn.client,
    server: conn.server,
    start: conn.start,
    handshake: conn.handshake,
    frames: conn.frames.length,
    messages: conn.messages.length,
    faults: conn.faults.map((f) => ({ dir: f.dir, fault: f.fault })),
    c2s: conn.c2s,
    s2c: conn.s2c,
  };
}

/** A frame's header and first `max` payload bytes as they were on the wire (masked again with its key). */
function firstBytes(frame: Frame, max: number): Uint8Array {
  const header = encodeHeader(
    { fin: frame.fin, rsv1: frame.rsv1, rsv2: frame.rsv2, rsv3: frame.rsv3, opcode: frame.opcode, maskingKey: frame.maskingKey, lengthForm: frame.lengthForm },
    frame.payloadLength,
    (size) => new Uint8Array(size),
  );
  const n = Math.min(max, frame.payload.length);
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(frame.payload.subarray(0, n), header.length);
  const key = frame.maskingKey;
  if (key) for (let i = 0; i < n; i++) out[header.length + i]! ^= key[i & 3]!;
  return out;
}

/** The header length and payload length a frame's first bytes declare (RFC 6455 §5.2), as far as they are there. */
function declared(bytes: Uint8Array): { headerLength: number; payloadLength: number } {
  const b1 = bytes[1] ?? 0;
  const len7 = b1 & 0x7f;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const headerLength = 2 + extended + (b1 & 0x80 ? 4 : 0);
  let payloadLength = len7;
  if (extended > 0) {
    payloadLength = 0;
    for (let i = 0; i < extended; i++) payloadLength = payloadLength * 256 + (bytes[2 + i] ?? 0);
  }
  return { headerLength, payloadLength };
}
