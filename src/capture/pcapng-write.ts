/**
 * Writing pcapng (draft-ietf-opsawg-pcapng), little-endian: one Section Header Block, one
 * Interface Description Block (Ethernet, microsecond timestamps), then one Enhanced Packet Block
 * per packet. Incremental, so a server can append a connection's packets as they happen:
 *
 *   const writer = new PcapngWriter();
 *   out.write(writer.header());
 *   out.write(writer.packet({ time, data, originalLength }));
 */
import { LinkType } from './packet.ts';

export interface PcapngPacket {
  /** Unix epoch ms (written in microseconds). */
  time: number;
  /** The bytes captured, from the link-layer header on. */
  data: Uint8Array;
  /** Its length on the wire, when more than `data.length` (bytes not known are not written). */
  originalLength?: number;
  /** A packet comment (opt_comment), which Wireshark shows. */
  comment?: string;
}

export interface PcapngWriterOptions {
  linkType?: number;
  /** shb_userappl: the application that wrote the file. */
  application?: string;
  /** if_name of the one interface. */
  interfaceName?: string;
  /** if_description. */
  interfaceDescription?: string;
}

const SHB = 0x0a0d0d0a;
const IDB = 1;
const EPB = 6;
const encoder = new TextEncoder();

export class PcapngWriter {
  readonly #options: PcapngWriterOptions;

  constructor(options: PcapngWriterOptions = {}) {
    this.#options = options;
  }

  /** The section header and the interface description: the file's first bytes. */
  header(): Uint8Array {
    const o = this.#options;
    const shbBody = new Uint8Array(16);
    const shb = new DataView(shbBody.buffer);
    shb.setUint32(0, 0x1a2b3c4d, true); // byte-order magic
    shb.setUint16(4, 1, true); // version 1.0
    shb.setUint16(6, 0, true);
    shb.setInt32(8, -1, true); // section length: not given (-1, 64 bits)
    shb.setInt32(12, -1, true);
    const shbOptions = optionList([[4, o.application ?? 'Framescope']]);
    const idbBody = new Uint8Array(8);
    const idb = new DataView(idbBody.buffer);
    idb.setUint16(0, o.linkType ?? LinkType.Ethernet, true);
    idb.setUint32(4, 0, true); // snaplen: no limit
    const idbOptions = optionList([
      [2, o.interfaceName ?? 'framescope'],
      [3, o.interfaceDescription],
      [9, Uint8Array.of(6)], // if_tsresol: 10^-6 s
    ]);
    return concat([block(SHB, [shbBody, shbOptions]), block(IDB, [idbBody, idbOptions])]);
  }

  /** One Enhanced Packet Block. */
  packet(p: PcapngPacket): Uint8Array {
    const fixed = new Uint8Array(20);
    const view = new DataView(fixed.buffer);
    const micros = Number.isFinite(p.time) && p.time > 0 ? Math.round(p.time * 1000) : 0;
    view.setUint32(0, 0, true); // interface 0
    view.setUint32(4, Math.floor(micros / 0x1_0000_0000), true);
    view.setUint32(8, micros % 0x1_0000_0000, true);
    view.setUint32(12, p.data.length, true);
    view.setUint32(16, Math.max(p.originalLength ?? p.data.length, p.data.length), true);
    const options = p.comment !== undefined ? optionList([[1, p.comment]]) : new Uint8Array(0);
    return block(EPB, [fixed, padded(p.data), options]);
  }
}

/** A whole pcapng file: the header, then every packet, in one array. */
export function writePcapng(packets: readonly PcapngPacket[], options: PcapngWriterOptions = {}): Uint8Array {
  const writer = new PcapngWriter(options);
  return concat([writer.header(), ...packets.map((p) => writer.packet(p))]);
}

/** type, total length, body, total length (the body padded to 4 bytes by its parts). */
function block(type: number, parts: readonly Uint8Array[]): Uint8Array {
  const body = parts.reduce((n, p) => n + p.length, 0);
  const length = 12 + body;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, length, true);
  let at = 8;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  view.setUint32(at, length, true);
  return out;
}

/** Options (code, length, value padded to 4), then opt_endofopt; empty when there are none. */
function optionList(options: readonly [number, string | Uint8Array | undefined][]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [code, value] of options) {
    if (value === undefined) continue;
    const bytes = typeof value === 'string' ? encoder.encode(value) : value;
    const head = new Uint8Array(4);
    const view = new DataView(head.buffer);
    view.setUint16(0, code, true);
    view.setUint16(2, bytes.length, true);
    parts.push(head, padded(bytes));
  }
  if (parts.length === 0) return new Uint8Array(0);
  parts.push(new Uint8Array(4)); // opt_endofopt
  return concat(parts);
}

function padded(bytes: Uint8Array): Uint8Array {
  const pad = (4 - (bytes.length % 4)) % 4;
  if (pad === 0) return bytes;
  const out = new Uint8Array(bytes.length + pad);
  out.set(bytes);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
