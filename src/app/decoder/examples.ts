/**
 * The examples gallery: one click loads bytes and the sender they need. The first five are RFC 6455
 * §5.7's own examples; the broken ones each break one rule, and the unit tests check that the
 * parser finds exactly that rule.
 */
import { closePayload, encodeFrame, type FaultRule, type FrameSender, Opcode, toHex } from '../../protocol';
import { spaced } from './link';

export interface Example {
  id: string;
  group: 'rfc' | 'deflate' | 'more' | 'broken';
  title: string;
  /** One line on what to look at. */
  description: string;
  sender: FrameSender;
  /** Decode with the "deflate negotiated" switch on (RFC 7692's examples). */
  deflate?: boolean;
  /** The input text (built on demand: some are large). */
  text: () => string;
  /** What the bytes decode to, checked by the tests. */
  expect: {
    frames: number;
    fault?: FaultRule;
    /** Stream offset of the byte at fault. */
    faultOffset?: number;
    incomplete?: boolean;
    /** The assembled messages, in order, as `kind:summary` (text as is, binary as its length). */
    messages?: string[];
  };
}

/**
 * Bytes as `xxd` prints them (its default: 16 bytes a line in 2-byte groups, then the text):
 *   00000000: 8111 7b22 6865 6c6c 6f22 3a22 776f 726c  ..{"hello":"worl
 */
export function xxd(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += 16) {
    const row = bytes.subarray(start, start + 16);
    let hex = '';
    for (let i = 0; i < row.length; i++) hex += row[i]!.toString(16).padStart(2, '0') + (i % 2 === 1 ? ' ' : '');
    const textColumn = Array.from(row, (b) => (b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${start.toString(16).padStart(8, '0')}: ${hex.padEnd(40)} ${textColumn}`);
  }
  return lines.join('\n');
}

export const EXAMPLE_GROUPS: readonly { id: Example['group']; title: string }[] = [
  { id: 'rfc', title: 'RFC 6455 §5.7' },
  { id: 'deflate', title: 'RFC 7692 §7.2.3 (permessage-deflate)' },
  { id: 'more', title: 'More frames' },
  { id: 'broken', title: 'Broken frames' },
];

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

function counting(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i & 0xff;
  return out;
}

/** Frames to input text: spaced hex, 16 bytes a line. */
function hexOf(...frames: Uint8Array[]): string {
  const total = frames.reduce((n, f) => n + f.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const f of frames) {
    all.set(f, at);
    at += f.length;
  }
  return spaced(toHex(all));
}

export const EXAMPLES: readonly Example[] = [
  {
    id: 'rfc-unmasked-text',
    group: 'rfc',
    title: 'Unmasked text "Hello"',
    description: 'A single-frame unmasked text message, as a server sends it.',
    sender: 'server',
    text: () => '81 05 48 65 6c 6c 6f',
    expect: { frames: 1, messages: ['message:Hello'] },
  },
  {
    id: 'rfc-masked-text',
    group: 'rfc',
    title: 'Masked text "Hello"',
    description: 'The same message from a client: masked with the key 37 fa 21 3d.',
    sender: 'client',
    text: () => '81 85 37 fa 21 3d 7f 9f 4d 51 58',
    expect: { frames: 1, messages: ['message:Hello'] },
  },
  {
    id: 'rfc-fragmented',
    group: 'rfc',
    title: 'Fragmented "Hel" + "lo"',
    description: 'One text message in two frames: FIN=0 then a continuation with FIN=1.',
    sender: 'server',
    text: () => '01 03 48 65 6c\n80 02 6c 6f',
    expect: { frames: 2, messages: ['message:Hello'] },
  },
  {
    id: 'rfc-ping-pong',
    group: 'rfc',
    title: 'Ping and masked pong',
    description: 'An unmasked ping "Hello" and the masked pong that answers it (two directions: sender unknown).',
    sender: 'any',
    text: () => '89 05 48 65 6c 6c 6f\n8a 85 37 fa 21 3d 7f 9f 4d 51 58',
    expect: { frames: 2, messages: ['ping:Hello', 'pong:Hello'] },
  },
  {
    id: 'rfc-256-binary',
    group: 'rfc',
    title: '256-byte binary (16-bit length)',
    description: 'Payload length 126 says: the length is in the next 16 bits (0x0100 = 256).',
    sender: 'server',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Binary, payload: counting(256) })),
    expect: { frames: 1, messages: ['message:256 bytes'] },
  },
  {
    id: 'rfc-64k-binary',
    group: 'rfc',
    title: '64 KiB binary (64-bit length)',
    description: 'Payload length 127 says: the length is in the next 64 bits (65,536 bytes).',
    sender: 'server',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Binary, payload: counting(65536) })),
    expect: { frames: 1, messages: ['message:65536 bytes'] },
  },
  {
    id: 'close-with-reason',
    group: 'more',
    title: 'Close 1000 "Goodbye"',
    description: 'A close frame: a 2-byte status code, then a UTF-8 reason.',
    sender: 'server',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Close, payload: closePayload(1000, 'Goodbye') })),
    expect: { frames: 1, messages: ['close:1000 Goodbye'] },
  },
  {
    id: 'fragmented-with-ping',
    group: 'more',
    title: 'Ping between fragments',
    description: 'A control frame may arrive between the fragments of a message (§5.4); it is not part of it.',
    sender: 'client',
    text: () =>
      hexOf(
        encodeFrame({ opcode: Opcode.Text, fin: false, payload: text('Hel'), maskingKey: KEY }),
        encodeFrame({ opcode: Opcode.Ping, payload: text('are you there?'), maskingKey: new Uint8Array([0x12, 0x34, 0x56, 0x78]) }),
        encodeFrame({ opcode: Opcode.Continuation, payload: text('lo'), maskingKey: new Uint8Array([0xa1, 0xb2, 0xc3, 0xd4]) }),
      ),
    expect: { frames: 3, messages: ['message:Hello', 'ping:are you there?'] },
  },
  {
    id: 'length-16',
    group: 'more',
    title: '16-bit length: 300 bytes of JSON',
    description: 'A masked client text frame of 300 bytes: 126, then 0x012c in the extended payload length.',
    sender: 'client',
    text: () => {
      const head = '{"type":"chat","from":"ada","text":"';
      const json = `${head}${'la'.repeat(150).slice(0, 300 - head.length - 2)}"}`;
      return hexOf(encodeFrame({ opcode: Opcode.Text, payload: text(json), maskingKey: KEY }));
    },
    expect: { frames: 1 },
  },
  {
    id: 'length-64',
    group: 'more',
    title: '64-bit length: 100,000 bytes',
    description: 'A masked client binary frame too big for 16 bits: 127, then 8 bytes of length.',
    sender: 'client',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Binary, payload: counting(100_000), maskingKey: KEY })),
    expect: { frames: 1, messages: ['message:100000 bytes'] },
  },
  {
    id: 'two-directions-xxd',
    group: 'more',
    title: 'An xxd dump',
    description: 'Dumps from xxd, hexdump -C and Wireshark are read by their byte columns.',
    sender: 'server',
    text: () =>
      xxd(
        Uint8Array.from([
          ...encodeFrame({ opcode: Opcode.Text, payload: text('{"hello":"world"}') }),
          ...encodeFrame({ opcode: Opcode.Pong, payload: text('tick') }),
        ]),
      ),
    expect: { frames: 2, messages: ['message:{"hello":"world"}', 'pong:tick'] },
  },
  {
    id: 'truncated',
    group: 'more',
    title: 'Cut off mid-frame',
    description: 'The bytes end inside the masking key: the fields so far, and what is still needed.',
    sender: 'client',
    text: () => '81 85 37 fa',
    expect: { frames: 0, incomplete: true },
  },
  {
    id: 'broken-reserved-opcode',
    group: 'broken',
    title: 'Reserved opcode 0x3',
    description: 'Opcodes 0x3-0x7 and 0xB-0xF are reserved: the receiver fails the connection (1002).',
    sender: 'server',
    text: () => '83 05 48 65 6c 6c 6f',
    expect: { frames: 0, fault: 'reserved-opcode', faultOffset: 0 },
  },
  {
    id: 'deflate-hello-twice',
    group: 'deflate',
    title: '"Hello" twice, the window shared',
    description: 'RSV1 = 1: compressed. The second "Hello" is 5 bytes, not 7: it points back into the window, which holds the first (§7.2.3.2).',
    sender: 'server',
    deflate: true,
    text: () => 'c1 07 f2 48 cd c9 c9 07 00\nc1 05 f2 00 11 00 00',
    expect: { frames: 2 },
  },
  {
    id: 'deflate-fragmented',
    group: 'deflate',
    title: 'A compressed message in two fragments',
    description: 'RSV1 on the first fragment only; the compressed bytes are split across the frames (§7.2.3.1).',
    sender: 'server',
    deflate: true,
    text: () => '41 03 f2 48 cd\n80 04 c9 c9 07 00',
    expect: { frames: 2 },
  },
  {
    id: 'deflate-stored',
    group: 'deflate',
    title: 'A DEFLATE block with no compression',
    description: 'A stored block (BTYPE 00): header 00, length 05 00, its complement fa ff, then "Hello" as is (§7.2.3.3).',
    sender: 'server',
    deflate: true,
    text: () => 'c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00',
    expect: { frames: 1 },
  },
  {
    id: 'broken-rsv1-continuation',
    group: 'broken',
    title: 'RSV1 on a continuation (deflate)',
    description: 'Even with permessage-deflate, RSV1 belongs on a message\u2019s first frame only (RFC 7692 §6.1, 1002).',
    sender: 'server',
    deflate: true,
    text: () => '41 03 f2 48 cd\nc0 04 c9 c9 07 00',
    expect: { frames: 1, fault: 'rsv1-not-first-frame', faultOffset: 5 },
  },
  {
    id: 'broken-rsv1',
    group: 'broken',
    title: 'RSV1 without an extension',
    description: 'RSV1 is set but no extension (such as permessage-deflate) was negotiated (1002).',
    sender: 'server',
    text: () => 'c1 05 48 65 6c 6c 6f',
    expect: { frames: 0, fault: 'rsv-without-extension', faultOffset: 0 },
  },
  {
    id: 'broken-unmasked-client',
    group: 'broken',
    title: 'Unmasked client frame',
    description: 'A client must mask every frame; a server closes on MASK=0 (1002).',
    sender: 'client',
    text: () => '81 05 48 65 6c 6c 6f',
    expect: { frames: 0, fault: 'mask-required', faultOffset: 1 },
  },
  {
    id: 'broken-utf8',
    group: 'broken',
    title: 'Invalid UTF-8 in text',
    description: 'Byte 0xff can never appear in UTF-8: the text message fails with 1007.',
    sender: 'server',
    text: () => '81 05 48 69 ff 21 21',
    expect: { frames: 0, fault: 'invalid-utf8', faultOffset: 4 },
  },
  {
    id: 'broken-fragmented-control',
    group: 'broken',
    title: 'Fragmented ping',
    description: 'A ping with FIN=0 between two fragments: control frames must not be fragmented (1002).',
    sender: 'server',
    text: () => '01 03 48 65 6c\n09 04 70 69 6e 67\n80 02 6c 6f',
    expect: { frames: 1, fault: 'fragmented-control-frame', faultOffset: 5 },
  },
  {
    id: 'broken-masked-server',
    group: 'broken',
    title: 'Masked server frame',
    description: 'A server must not mask its frames; a client closes on MASK=1 (1002).',
    sender: 'server',
    text: () => '81 85 37 fa 21 3d 7f 9f 4d 51 58',
    expect: { frames: 0, fault: 'mask-forbidden', faultOffset: 1 },
  },
  {
    id: 'broken-close-code',
    group: 'broken',
    title: 'Close code 1005 on the wire',
    description: '1005 is for reporting locally; it must never be sent in a close frame (1002).',
    sender: 'server',
    text: () => '88 02 03 ed',
    expect: { frames: 0, fault: 'invalid-close-code', faultOffset: 2 },
  },
];

export function exampleById(id: string): Example | undefined {
  return EXAMPLES.find((example) => example.id === id);
}
