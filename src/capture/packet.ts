/**
 * What the file readers hand on: one record per captured packet, its link type, its time, its
 * captured bytes and how long it was on the wire; and the problems a file can have, each with the
 * byte where it was found.
 */

/** One packet as a pcap or pcapng file holds it. */
export interface PacketRecord {
  /** 0-based, in file order. */
  index: number;
  /** Byte offset in the file of the record (pcap) or block (pcapng). */
  fileOffset: number;
  /** Unix epoch milliseconds (fractional: microseconds and finer kept as far as a double does). */
  time: number;
  /** LINKTYPE_* value (tcpdump.org/linktypes.html) of the interface it was captured on. */
  linkType: number;
  /** The bytes captured, from the start of the link-layer header. */
  data: Uint8Array;
  /** How long the packet was on the wire; more than `data.length` when the snapshot length cut it. */
  originalLength: number;
}

/**
 * - `truncated`: the file ends inside a record (it was cut, or is still being written);
 * - `payload-missing`: bytes that were on the wire are not in the file (a packet cut by the
 *   snapshot length, a TCP segment never captured);
 * - `corrupt`: the file's structure is broken at that byte;
 * - `unrecognized`: not a capture file this reader knows (nothing of it is read).
 */
export type ProblemCode = 'truncated' | 'payload-missing' | 'corrupt' | 'unrecognized';

export interface CaptureProblem {
  code: ProblemCode;
  message: string;
  /** Byte offset in the file where it was found, when it is about a place in the file. */
  atByte?: number;
}

/** The link types the reader decodes, by their LINKTYPE_* value. */
export const LinkType = {
  Null: 0,
  Ethernet: 1,
  Raw: 101,
  Loop: 108,
  LinuxSll: 113,
  Ipv4: 228,
  Ipv6: 229,
  LinuxSll2: 276,
} as const;

const LINK_TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'null'],
  [1, 'ethernet'],
  [12, 'raw'],
  [14, 'raw'],
  [101, 'raw'],
  [108, 'loop'],
  [113, 'linux_sll'],
  [228, 'ipv4'],
  [229, 'ipv6'],
  [276, 'linux_sll2'],
]);

/**
 * The LINKTYPE_ name in lower case without its prefix ("ethernet", "linux_sll", "linux_sll2",
 * "null", "loop", "raw"), or "linktype-N" for one this reader does not decode.
 */
export function linkTypeName(linkType: number): string {
  return LINK_TYPE_NAMES.get(linkType) ?? `linktype-${linkType}`;
}

/** Does the reader decode packets of this link type? */
export function isSupportedLinkType(linkType: number): boolean {
  return LINK_TYPE_NAMES.has(linkType);
}
