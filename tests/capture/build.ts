/**
 * Capture files built by hand for the reader's tests, independently of src/capture's writer:
 * pcap and pcapng in either byte order, several sections and interfaces, and packets in the link
 * types the reader decodes (Ethernet, Linux SLL and SLL2, BSD null and loopback, raw IP) around
 * IPv4 or IPv6 and TCP. Checksums are left at zero: readers do not check them.
 */
import { encodeFrame, type FrameSpec } from '../../src/protocol';

export interface Seg {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number;
  payload?: Uint8Array;
}

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u16(n: number, le = false): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, n, le);
  return b;
}

function u32(n: number, le = false): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, le);
  return b;
}

export function tcp(s: Seg): Uint8Array {
  return cat(u16(s.sport), u16(s.dport), u32(s.seq), u32(s.ack ?? 0), Uint8Array.of(0x50, s.flags), u16(65535), u16(0), u16(0), s.payload ?? new Uint8Array(0));
}

function v4(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

function v6(address: string): Uint8Array {
  const [head = '', tail = ''] = address.split('::');
  const l = head ? head.split(':') : [];
  const r = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r] : l;
  return cat(...groups.map((g) => u16(parseInt(g, 16))));
}

/** An IP packet holding the segment: IPv4 when the addresses are dotted, IPv6 otherwise (with `ext` extension headers first). */
export function ip(s: Seg, options: { ext?: 'hop-by-hop' | 'dest-options'; fragment?: boolean } = {}): Uint8Array {
  const segment = tcp(s);
  if (!s.src.includes(':')) {
    const header = cat(Uint8Array.of(0x45, 0), u16(20 + segment.length), u16(1), u16(options.fragment ? 0x2000 : 0x4000), Uint8Array.of(64, 6), u16(0), v4(s.src), v4(s.dst));
    return cat(header, segment);
  }
  const ext = options.ext ? Uint8Array.of(6, 0, 1, 4, 0, 0, 0, 0) : new Uint8Array(0); // next: TCP, 8 bytes, a PadN option
  const next = options.ext === 'hop-by-hop' ? 0 : options.ext === 'dest-options' ? 60 : 6;
  return cat(Uint8Array.of(0x60, 0, 0, 0), u16(ext.length + segment.length), Uint8Array.of(next, 64), v6(s.src), v6(s.dst), ext, segment);
}

export type Link = 'ethernet' | 'vlan' | 'sll' | 'sll2' | 'null-le' | 'null-be' | 'loop' | 'raw';

export const LINK_TYPES: Record<Link, number> = { ethernet: 1, vlan: 1, sll: 113, sll2: 276, 'null-le': 0, 'null-be': 0, loop: 108, raw: 101 };

/** The IP packet behind a link-layer header. */
export function link(kind: Link, packet: Uint8Array): Uint8Array {
  const isV6 = packet[0]! >> 4 === 6;
  const ethertype = isV6 ? 0x86dd : 0x0800;
  const mac = Uint8Array.of(0x02, 0, 0, 0, 0, 1);
  switch (kind) {
    case 'ethernet':
      return cat(mac, mac, u16(ethertype), packet);
    case 'vlan':
      return cat(mac, mac, u16(0x8100), u16(42), u16(ethertype), packet);
    case 'sll':
      return cat(u16(0), u16(772), u16(6), new Uint8Array(8), u16(ethertype), packet);
    case 'sll2':
      return cat(u16(ethertype), u16(0), u32(1), u16(772), Uint8Array.of(0, 6), new Uint8Array(8), packet);
    case 'null-le':
      return cat(u32(isV6 ? 30 : 2, true), packet);
    case 'null-be':
      return cat(u32(isV6 ? 24 : 2, false), packet);
    case 'loop':
      return cat(u32(isV6 ? 28 : 2, false), packet);
    case 'raw':
      return packet;
  }
}

export interface Rec {
  /** Unix epoch ms. */
  time: number;
  data: Uint8Array;
  /** Length on the wire; data is cut to `data.length` when less. */
  orig?: number;
  iface?: number;
  block?: 'epb' | 'spb' | 'pb';
}

export function pcapFile(options: { le?: boolean; nano?: boolean; linkType: number; snaplen?: number }, recs: Rec[]): Uint8Array {
  const le = options.le ?? true;
  const magic = options.nano ? 0xa1b23c4d : 0xa1b2c3d4;
  const header = cat(u32(magic, le), u16(2, le), u16(4, le), u32(0, le), u32(0, le), u32(options.snaplen ?? 262144, le), u32(options.linkType, le));
  return cat(header, ...recs.map((r) => {
    const sec = Math.floor(r.time / 1000);
    const frac = options.nano ? Math.round((r.time - sec * 1000) * 1e6) : Math.round((r.time - sec * 1000) * 1e3);
    return cat(u32(sec, le), u32(frac, le), u32(r.data.length, le), u32(r.orig ?? r.data.length, le), r.data);
  }));
}

export interface Section {
  le?: boolean;
  interfaces: { linkType: number; tsresol?: number; snaplen?: number }[];
  packets: Rec[];
}

function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const pad = new Uint8Array((4 - (body.length % 4)) % 4);
  const length = 12 + body.length + pad.length;
  return cat(u32(type, le), u32(length, le), body, pad, u32(length, le));
}

export function pcapngFile(sections: Section[]): Uint8Array {
  const out: Uint8Array[] = [];
  for (const s of sections) {
    const le = s.le ?? true;
    out.push(block(0x0a0d0d0a, cat(u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), u32(0xffffffff, le), u32(0xffffffff, le)), le));
    for (const i of s.interfaces) {
      const opts = i.tsresol !== undefined ? cat(u16(9, le), u16(1, le), Uint8Array.of(i.tsresol, 0, 0, 0), u32(0, le)) : new Uint8Array(0);
      out.push(block(1, cat(u16(i.linkType, le), u16(0, le), u32(i.snaplen ?? 0, le), opts), le));
    }
    // A block of a type the reader does not know, to be skipped (a Name Resolution Block, empty).
    out.push(block(4, u32(0, le), le));
    for (const p of s.packets) {
      const iface = s.interfaces[p.iface ?? 0]!;
      const res = iface.tsresol ?? 6;
      const perSecond = res & 0x80 ? 2n ** BigInt(res & 0x7f) : 10n ** BigInt(res);
      const units = (BigInt(Math.round(p.time * 1000)) * perSecond) / 1_000_000n;
      const hi = Number(units >> 32n);
      const lo = Number(units & 0xffffffffn);
      const orig = p.orig ?? p.data.length;
      if (p.block === 'spb') out.push(block(3, cat(u32(orig, le), p.data), le));
      else if (p.block === 'pb') out.push(block(2, cat(u16(p.iface ?? 0, le), u16(0, le), u32(hi, le), u32(lo, le), u32(p.data.length, le), u32(orig, le), p.data), le));
      else out.push(block(6, cat(u32(p.iface ?? 0, le), u32(hi, le), u32(lo, le), u32(p.data.length, le), u32(orig, le), p.data), le));
    }
  }
  return cat(...out);
}

// ---- a WebSocket conversation as segments ---------------------------------------------------

export interface Conversation {
  client: { address: string; port: number };
  server: { address: string; port: number };
  /** Segments in order, each with the side that sent it. */
  segments: Seg[];
}

const enc = new TextEncoder();

export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

export function upgradeRequest(port: number, extra = ''): Uint8Array {
  return enc.encode(`GET /chat HTTP/1.1\r\nHost: example:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`);
}

export function upgradeResponse(extra = ''): Uint8Array {
  return enc.encode(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n${extra}\r\n`);
}

export function masked(spec: FrameSpec, key = Uint8Array.of(1, 2, 3, 4)): Uint8Array {
  return encodeFrame({ ...spec, maskingKey: key }, (n) => new Uint8Array(n));
}

export function unmasked(spec: FrameSpec): Uint8Array {
  return encodeFrame(spec, (n) => new Uint8Array(n));
}

/**
 * A whole conversation: handshake, then `c2s` and `s2c` byte blocks alternating (each one segment),
 * then FINs. Sequence numbers start at `isn` (near 2^32 by default, so they wrap).
 */
export function conversation(
  blocks: { from: 'client' | 'server'; bytes: Uint8Array }[],
  options: { client?: string; server?: string; cport?: number; sport?: number; isn?: number; fin?: boolean } = {},
): Seg[] {
  const c = { address: options.client ?? '10.0.0.1', port: options.cport ?? 50000 };
  const s = { address: options.server ?? '10.0.0.2', port: options.sport ?? 8080 };
  let cseq = options.isn ?? 0xffff_fff0;
  let sseq = 0x7fff_0000;
  const segs: Seg[] = [];
  const from = (side: 'client' | 'server', flags: number, payload?: Uint8Array): void => {
    const seg: Seg = side === 'client'
      ? { src: c.address, dst: s.address, sport: c.port, dport: s.port, seq: cseq, ack: sseq, flags, payload }
      : { src: s.address, dst: c.address, sport: s.port, dport: c.port, seq: sseq, ack: cseq, flags, payload };
    segs.push(seg);
    const n = (payload?.length ?? 0) + (flags & (SYN | FIN) ? 1 : 0);
    if (side === 'client') cseq = (cseq + n) >>> 0;
    else sseq = (sseq + n) >>> 0;
  };
  from('client', SYN);
  from('server', SYN | ACK);
  from('client', ACK);
  for (const b of blocks) from(b.from, PSH | ACK, b.bytes);
  if (options.fin !== false) {
    from('server', FIN | ACK);
    from('client', FIN | ACK);
    from('server', ACK);
  }
  return segs;
}

/** Segments as records of one link type, 1 ms apart from `start`. */
export function records(segs: Seg[], kind: Link = 'ethernet', start = 1_700_000_000_000): Rec[] {
  return segs.map((s, i) => ({ time: start + i, data: link(kind, ip(s)) }));
}
