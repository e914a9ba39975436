/**
 * Headers written around real bytes so that Wireshark can read them as it reads a capture:
 * Ethernet II, then IPv4 (RFC 791) or IPv6 (RFC 8200), then TCP (RFC 9293), with the checksums
 * of RFC 1071 (IPv4 header; TCP over the pseudo-header, header and payload), so a tool that
 * checks them finds them good.
 */
import type { Endpoint } from './decode-packet.ts';

export interface TcpPacketSpec {
  src: Endpoint;
  dst: Endpoint;
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  /** TCP options, already padded to a multiple of 4 bytes. */
  options?: Uint8Array;
  /** IPv4 identification field. */
  id: number;
  /** The payload bytes known; `payloadLength` may be more (the rest is not known, so not written). */
  payload: Uint8Array;
  payloadLength: number;
}

export interface BuiltPacket {
  /** The bytes written: headers and the known payload. */
  data: Uint8Array;
  /** Its length on the wire, were the whole payload known. */
  originalLength: number;
}

const ETHERNET = 14;
const IPV4 = 20;
const IPV6 = 40;

export function buildTcpPacket(spec: TcpPacketSpec): BuiltPacket {
  const v6 = spec.src.address.includes(':');
  const ipHeader = v6 ? IPV6 : IPV4;
  const options = spec.options ?? new Uint8Array(0);
  const tcpHeader = 20 + options.length;
  const headers = ETHERNET + ipHeader + tcpHeader;
  const out = new Uint8Array(headers + spec.payload.length);
  const view = new DataView(out.buffer);

  out.set(spec.dstMac, 0);
  out.set(spec.srcMac, 6);
  view.setUint16(12, v6 ? 0x86dd : 0x0800);

  const ip = ETHERNET;
  const tcpLength = tcpHeader + spec.payloadLength;
  const src = v6 ? ipv6Bytes(spec.src.address) : ipv4Bytes(spec.src.address);
  const dst = v6 ? ipv6Bytes(spec.dst.address) : ipv4Bytes(spec.dst.address);
  if (v6) {
    view.setUint32(ip, 0x6000_0000); // version 6, traffic class 0, flow label 0
    view.setUint16(ip + 4, tcpLength);
    out[ip + 6] = 6; // next header: TCP
    out[ip + 7] = 64; // hop limit
    out.set(src, ip + 8);
    out.set(dst, ip + 24);
  } else {
    out[ip] = 0x45; // version 4, 5 words of header
    view.setUint16(ip + 2, IPV4 + tcpLength);
    view.setUint16(ip + 4, spec.id & 0xffff);
    view.setUint16(ip + 6, 0x4000); // don't fragment
    out[ip + 8] = 64; // time to live
    out[ip + 9] = 6; // protocol: TCP
    out.set(src, ip + 12);
    out.set(dst, ip + 16);
    view.setUint16(ip + 10, checksum([out.subarray(ip, ip + IPV4)]));
  }

  const tcp = ip + ipHeader;
  view.setUint16(tcp, spec.src.port);
  view.setUint16(tcp + 2, spec.dst.port);
  view.setUint32(tcp + 4, spec.seq >>> 0);
  view.setUint32(tcp + 8, spec.ack >>> 0);
  out[tcp + 12] = (tcpHeader / 4) << 4;
  out[tcp + 13] = spec.flags;
  view.setUint16(tcp + 14, spec.window);
  out.set(options, tcp + 20);
  out.set(spec.payload, tcp + tcpHeader);
  // RFC 9293 §3.1: the checksum covers a pseudo-header (addresses, protocol, TCP length), the header and the data.
  const pseudo = new Uint8Array(v6 ? 40 : 12);
  const pv = new DataView(pseudo.buffer);
  pseudo.set(src, 0);
  pseudo.set(dst, src.length);
  if (v6) {
    pv.setUint32(32, tcpLength);
    pseudo[39] = 6;
  } else {
    pseudo[9] = 6;
    pv.setUint16(10, tcpLength);
  }
  view.setUint16(tcp + 16, checksum([pseudo, out.subarray(tcp)]));
  return { data: out, originalLength: headers + spec.payloadLength };
}

/** RFC 1071: the ones' complement of the ones' complement sum of 16-bit words (the last odd byte padded with zero). */
export function checksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd = false;
  for (const part of parts) {
    let i = 0;
    if (odd && part.length > 0) {
      sum += part[0]!;
      i = 1;
      odd = false;
    }
    for (; i + 1 < part.length; i += 2) sum += (part[i]! << 8) | part[i + 1]!;
    if (i < part.length) {
      sum += part[i]! << 8;
      odd = true;
    }
    // Fold now and then so the sum stays an exact small integer.
    if (sum > 0x7fff_ffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  const result = ~sum & 0xffff;
  return result;
}

export function ipv4Bytes(address: string): Uint8Array {
  const parts = address.split('.').map(Number);
  return Uint8Array.from([0, 1, 2, 3].map((i) => parts[i]! & 0xff));
}

/** The 16 bytes of an IPv6 address in text form ("::1", "fe80::1", "::ffff:127.0.0.1"). */
export function ipv6Bytes(address: string): Uint8Array {
  const out = new Uint8Array(16);
  let text = address;
  // A trailing dotted quad (IPv4-mapped) is two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  groups.slice(0, 8).forEach((g, i) => {
    const n = parseInt(g, 16) || 0;
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 0xff;
  });
  return out;
}
