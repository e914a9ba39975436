/**
 * From a captured packet to a TCP segment: the link-layer header (Ethernet with VLAN tags, Linux
 * cooked SLL and SLL2, BSD null and loopback, raw IP), then IPv4 (RFC 791) or IPv6 (RFC 8200, with
 * its extension headers), then TCP (RFC 9293). Anything else is named and passed over.
 *
 * A packet cut by the snapshot length still gives its segment: `payload` holds the bytes captured
 * and `payloadLength` what the IP header says was sent, so the missing part is known, never made up.
 */
import { readUint16, readUint32 } from './bytes.ts';
import { LinkType, type PacketRecord } from './packet.ts';

export interface Endpoint {
  /** "127.0.0.1" or "::1" (IPv6 in its RFC 5952 text form). */
  address: string;
  port: number;
}

export const TcpFlag = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

export interface TcpSegment {
  src: Endpoint;
  dst: Endpoint;
  seq: number;
  ack: number;
  /** FIN, SYN, RST, PSH, ACK, ... as in the header's flag byte. */
  flags: number;
  /** The payload bytes captured (a view of the packet's bytes). */
  payload: Uint8Array;
  /** The payload's length on the wire: more than `payload.length` when the capture cut it. */
  payloadLength: number;
}

/** Why a packet gave no TCP segment. */
export type NotTcp =
  | { kind: 'not-tcp'; what: string }
  | { kind: 'unsupported-link'; linkType: number }
  | { kind: 'cut'; what: string }
  | { kind: 'fragment' };

export type DecodedPacket = { kind: 'tcp'; segment: TcpSegment } | NotTcp;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

export function decodePacket(packet: PacketRecord): DecodedPacket {
  const { data, linkType } = packet;
  // Bytes cut off the end of the packet: they count against the IP payload, not against headers.
  const missing = packet.originalLength - data.length;
  switch (linkType) {
    case LinkType.Ethernet:
      return ethernet(data, missing);
    case LinkType.LinuxSll:
      if (data.length < 16) return cut('Linux cooked (SLL) header');
      return byEthertype(readUint16(data, 14, false), data.subarray(16), missing);
    case LinkType.LinuxSll2:
      if (data.length < 20) return cut('Linux cooked (SLL2) header');
      return byEthertype(readUint16(data, 0, false), data.subarray(20), missing);
    case LinkType.Null:
    case LinkType.Loop: {
      if (data.length < 4) return cut('loopback header');
      // NULL: the address family in the capturing host's byte order; LOOP: in network order.
      let family = readUint32(data, 0, false);
      if (linkType === LinkType.Null && family > 0xffff) family = readUint32(data, 0, true);
      if (family === 2) return ip(data.subarray(4), missing, 4);
      // AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS) or 10 (Linux).
      if (family === 24 || family === 28 || family === 30 || family === 10) return ip(data.subarray(4), missing, 6);
      return { kind: 'not-tcp', what: `address family ${family}` };
    }
    case LinkType.Raw:
    case 12:
    case 14:
      return ip(data, missing, null);
    case LinkType.Ipv4:
      return ip(data, missing, 4);
    case LinkType.Ipv6:
      return ip(data, missing, 6);
    default:
      return { kind: 'unsupported-link', linkType };
  }
}

function ethernet(data: Uint8Array, missing: number): DecodedPacket {
  if (data.length < 14) return cut('Ethernet header');
  let at = 12;
  let type = readUint16(data, at, false);
  // IEEE 802.1Q and 802.1ad tags: 4 bytes each before the real EtherType.
  while ((type === 0x8100 || type === 0x88a8 || type === 0x9100) && at + 6 <= data.length) {
    at += 4;
    type = readUint16(data, at, false);
  }
  return byEthertype(type, data.subarray(at + 2), missing);
}

function byEthertype(type: number, rest: Uint8Array, missing: number): DecodedPacket {
  if (type === ETHERTYPE_IPV4) return ip(rest, missing, 4);
  if (type === ETHERTYPE_IPV6) return ip(rest, missing, 6);
  return { kind: 'not-tcp', what: type === 0x0806 ? 'ARP' : `EtherType 0x${type.toString(16).padStart(4, '0')}` };
}

function ip(data: Uint8Array, missing: number, version: 4 | 6 | null): DecodedPacket {
  if (data.length < 1) return cut('IP header');
  const v = version ?? data[0]! >> 4;
  if (v === 4) return ipv4(data, missing);
  if (v === 6) return ipv6(data, missing);
  return { kind: 'not-tcp', what: `IP version ${v}` };
}

function ipv4(data: Uint8Array, missing: number): DecodedPacket {
  if (data.length < 20) return cut('IPv4 header');
  const headerLength = (data[0]! & 0x0f) * 4;
  if (headerLength < 20 || data.length < headerLength) return cut('IPv4 header');
  let total = readUint16(data, 2, false);
  // A total length of 0 is what a sender's TCP segmentation offload leaves: the packet's own length counts.
  if (total === 0) total = data.length + missing;
  const fragment = readUint16(data, 6, false);
  const protocol = data[9]!;
  if (protocol !== 6) return { kind: 'not-tcp', what: protocolName(protocol) };
  // More fragments, or a fragment offset: only a whole datagram holds a whole segment.
  if ((fragment & 0x3fff) !== 0) return { kind: 'fragment' };
  const src = `${data[12]}.${data[13]}.${data[14]}.${data[15]}`;
  const dst = `${data[16]}.${data[17]}.${data[18]}.${data[19]}`;
  // Ethernet pads short frames: bytes past the IP total length are not the segment's.
  const end = Math.min(data.length, total);
  return tcp(data.subarray(headerLength, end), Math.max(0, total - headerLength), src, dst);
}

function ipv6(data: Uint8Array, missing: number): DecodedPacket {
  if (data.length < 40) return cut('IPv6 header');
  let payloadLength = readUint16(data, 4, false);
  if (payloadLength === 0) payloadLength = data.length + missing - 40; // a jumbogram or offload
  let next = data[6]!;
  const src = ipv6Text(data.subarray(8, 24));
  const dst = ipv6Text(data.subarray(24, 40));
  let at = 40;
  let left = payloadLength;
  // Extension headers (RFC 8200 §4): hop-by-hop, routing, destination options, authentication.
  for (;;) {
    if (next === 0 || next === 43 || next === 60 || next === 51) {
      if (at + 2 > data.length) return cut('IPv6 extension header');
      const length = next === 51 ? (data[at + 1]! + 2) * 4 : (data[at + 1]! + 1) * 8;
      next = data[at]!;
      at += length;
      left -= length;
      continue;
    }
    if (next === 44) return { kind: 'fragment' };
    break;
  }
  if (next !== 6) return { kind: 'not-tcp', what: protocolName(next) };
  if (at > data.length || left < 0) return cut('IPv6 extension header');
  return tcp(data.subarray(at, Math.min(data.length, at + left)), left, src, dst);
}

function tcp(data: Uint8Array, length: number, src: string, dst: string): DecodedPacket {
  if (data.length < 20) return cut('TCP header');
  const headerLength = (data[12]! >> 4) * 4;
  if (headerLength < 20 || data.length < headerLength) return cut('TCP header');
  const segment: TcpSegment = {
    src: { address: src, port: readUint16(data, 0, false) },
    dst: { address: dst, port: readUint16(data, 2, false) },
    seq: readUint32(data, 4, false),
    ack: readUint32(data, 8, false),
    flags: data[13]!,
    payload: data.subarray(headerLength),
    payloadLength: Math.max(data.length - headerLength, length - headerLength),
  };
  return { kind: 'tcp', segment };
}

function cut(what: string): NotTcp {
  return { kind: 'cut', what };
}

function protocolName(protocol: number): string {
  switch (protocol) {
    case 1: return 'ICMP';
    case 17: return 'UDP';
    case 58: return 'ICMPv6';
    default: return `IP protocol ${protocol}`;
  }
}

/** RFC 5952: lowercase, leading zeros dropped, the longest run of two or more zero groups as "::". */
export function ipv6Text(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // IPv4-mapped (::ffff:a.b.c.d) in its usual form.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** "host:port", with IPv6 hosts in brackets: "127.0.0.1:8008", "[::1]:8008". */
export function endpointText(e: Endpoint): string {
  return e.address.includes(':') ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}
