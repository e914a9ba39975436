/**
 * The examples gallery: one click loads bytes and the sender they need. The first five are RFC 6455
 * §5.7's own examples; the broken ones each break one rule, and the unit tests check that the
 * parser finds exactly that rule.
 */
import { closePayload, encodeFrame, type FaultRule, type FrameSender, Opcode, toHex } from '../../protocol';
import * as m from '../../paraglide/messages.js';
import { spaced } from './link';

export interface Example {
  id: string;
  group: 'rfc' | 'deflate' | 'more' | 'broken';
  /** Its name in the gallery (a message: it follows the language switch). */
  title: () => string;
  /** One line on what to look at. */
  description: () => string;
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

export const EXAMPLE_GROUPS: readonly { id: Example['group']; title: () => string }[] = [
  { id: 'rfc', title: m.decoder_examples_rfc6455 },
  { id: 'deflate', title: m.decoder_examples_rfc7692 },
  { id: 'more', title: m.decoder_examples_more },
  { id: 'broken', title: m.decoder_examples_broken },
];

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

function counting(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i & 0xff;
  return out;
}

/** Frames written as compact hex ('810548656c6c6f') to input text: spaced hex, one frame a line. */
function frameLines(...frames: string[]): string {
  return frames.map((frame) => spaced(frame)).join('\n');
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
    title: m.decoder_example_rfc_unmasked_text_title,
    description: m.decoder_example_rfc_unmasked_text_description,
    sender: 'server',
    text: () => frameLines('810548656c6c6f'),
    expect: { frames: 1, messages: ['message:Hello'] },
  },
  {
    id: 'rfc-masked-text',
    group: 'rfc',
    title: m.decoder_example_rfc_masked_text_title,
    description: m.decoder_example_rfc_masked_text_description,
    sender: 'client',
    text: () => frameLines('818537fa213d7f9f4d5158'),
    expect: { frames: 1, messages: ['message:Hello'] },
  },
  {
    id: 'rfc-fragmented',
    group: 'rfc',
    title: m.decoder_example_rfc_fragmented_title,
    description: m.decoder_example_rfc_fragmented_description,
    sender: 'server',
    text: () => frameLines('010348656c', '80026c6f'),
    expect: { frames: 2, messages: ['message:Hello'] },
  },
  {
    id: 'rfc-ping-pong',
    group: 'rfc',
    title: m.decoder_example_rfc_ping_pong_title,
    description: m.decoder_example_rfc_ping_pong_description,
    sender: 'any',
    text: () => frameLines('890548656c6c6f', '8a8537fa213d7f9f4d5158'),
    expect: { frames: 2, messages: ['ping:Hello', 'pong:Hello'] },
  },
  {
    id: 'rfc-256-binary',
    group: 'rfc',
    title: m.decoder_example_rfc_256_binary_title,
    description: m.decoder_example_rfc_256_binary_description,
    sender: 'server',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Binary, payload: counting(256) })),
    expect: { frames: 1, messages: ['message:256 bytes'] },
  },
  {
    id: 'rfc-64k-binary',
    group: 'rfc',
    title: m.decoder_example_rfc_64k_binary_title,
    description: m.decoder_example_rfc_64k_binary_description,
    sender: 'server',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Binary, payload: counting(65536) })),
    expect: { frames: 1, messages: ['message:65536 bytes'] },
  },
  {
    id: 'close-with-reason',
    group: 'more',
    title: m.decoder_example_close_with_reason_title,
    description: m.decoder_example_close_with_reason_description,
    sender: 'server',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Close, payload: closePayload(1000, 'Goodbye') })),
    expect: { frames: 1, messages: ['close:1000 Goodbye'] },
  },
  {
    id: 'fragmented-with-ping',
    group: 'more',
    title: m.decoder_example_fragmented_with_ping_title,
    description: m.decoder_example_fragmented_with_ping_description,
    sender: 'client',
    text: () =>
      hexOf(
        encodeFrame({ opcode: Opcode.Text, fin: false, payload: text('Hel'), maskingKey: KEY }),
        encodeFrame({ opcode: Opcode.Ping, payload: text('Hello?'), maskingKey: new Uint8Array([0x12, 0x34, 0x56, 0x78]) }),
        encodeFrame({ opcode: Opcode.Continuation, payload: text('lo'), maskingKey: new Uint8Array([0xa1, 0xb2, 0xc3, 0xd4]) }),
      ),
    expect: { frames: 3, messages: ['message:Hello', 'ping:Hello?'] },
  },
  {
    id: 'length-16',
    group: 'more',
    title: m.decoder_example_length_16_title,
    description: m.decoder_example_length_16_description,
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
    title: m.decoder_example_length_64_title,
    description: m.decoder_example_length_64_description,
    sender: 'client',
    text: () => hexOf(encodeFrame({ opcode: Opcode.Binary, payload: counting(100_000), maskingKey: KEY })),
    expect: { frames: 1, messages: ['message:100000 bytes'] },
  },
  {
    id: 'two-directions-xxd',
    group: 'more',
    title: m.decoder_example_two_directions_xxd_title,
    description: m.decoder_example_two_directions_xxd_description,
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
    title: m.decoder_example_truncated_title,
    description: m.decoder_example_truncated_description,
    sender: 'client',
    text: () => frameLines('818537fa'),
    expect: { frames: 0, incomplete: true },
  },
  {
    id: 'broken-reserved-opcode',
    group: 'broken',
    title: m.decoder_example_broken_reserved_opcode_title,
    description: m.decoder_example_broken_reserved_opcode_description,
    sender: 'server',
    text: () => frameLines('830548656c6c6f'),
    expect: { frames: 0, fault: 'reserved-opcode', faultOffset: 0 },
  },
  {
    id: 'deflate-hello-twice',
    group: 'deflate',
    title: m.decoder_example_deflate_hello_twice_title,
    description: m.decoder_example_deflate_hello_twice_description,
    sender: 'server',
    deflate: true,
    text: () => frameLines('c107f248cdc9c90700', 'c105f200110000'),
    expect: { frames: 2 },
  },
  {
    id: 'deflate-fragmented',
    group: 'deflate',
    title: m.decoder_example_deflate_fragmented_title,
    description: m.decoder_example_deflate_fragmented_description,
    sender: 'server',
    deflate: true,
    text: () => frameLines('4103f248cd', '8004c9c90700'),
    expect: { frames: 2 },
  },
  {
    id: 'deflate-stored',
    group: 'deflate',
    title: m.decoder_example_deflate_stored_title,
    description: m.decoder_example_deflate_stored_description,
    sender: 'server',
    deflate: true,
    text: () => frameLines('c10b000500faff48656c6c6f00'),
    expect: { frames: 1 },
  },
  {
    id: 'broken-rsv1-continuation',
    group: 'broken',
    title: m.decoder_example_broken_rsv1_continuation_title,
    description: m.decoder_example_broken_rsv1_continuation_description,
    sender: 'server',
    deflate: true,
    text: () => frameLines('4103f248cd', 'c004c9c90700'),
    expect: { frames: 1, fault: 'rsv1-not-first-frame', faultOffset: 5 },
  },
  {
    id: 'broken-rsv1',
    group: 'broken',
    title: m.decoder_example_broken_rsv1_title,
    description: m.decoder_example_broken_rsv1_description,
    sender: 'server',
    text: () => frameLines('c10548656c6c6f'),
    expect: { frames: 0, fault: 'rsv-without-extension', faultOffset: 0 },
  },
  {
    id: 'broken-unmasked-client',
    group: 'broken',
    title: m.decoder_example_broken_unmasked_client_title,
    description: m.decoder_example_broken_unmasked_client_description,
    sender: 'client',
    text: () => frameLines('810548656c6c6f'),
    expect: { frames: 0, fault: 'mask-required', faultOffset: 1 },
  },
  {
    id: 'broken-utf8',
    group: 'broken',
    title: m.decoder_example_broken_utf8_title,
    description: m.decoder_example_broken_utf8_description,
    sender: 'server',
    text: () => frameLines('81054869ff2121'),
    expect: { frames: 0, fault: 'invalid-utf8', faultOffset: 4 },
  },
  {
    id: 'broken-fragmented-control',
    group: 'broken',
    title: m.decoder_example_broken_fragmented_control_title,
    description: m.decoder_example_broken_fragmented_control_description,
    sender: 'server',
    text: () => frameLines('010348656c', '090470696e67', '80026c6f'),
    expect: { frames: 1, fault: 'fragmented-control-frame', faultOffset: 5 },
  },
  {
    id: 'broken-masked-server',
    group: 'broken',
    title: m.decoder_example_broken_masked_server_title,
    description: m.decoder_example_broken_masked_server_description,
    sender: 'server',
    text: () => frameLines('818537fa213d7f9f4d5158'),
    expect: { frames: 0, fault: 'mask-forbidden', faultOffset: 1 },
  },
  {
    id: 'broken-close-code',
    group: 'broken',
    title: m.decoder_example_broken_close_code_title,
    description: m.decoder_example_broken_close_code_description,
    sender: 'server',
    text: () => frameLines('880203ed'),
    expect: { frames: 0, fault: 'invalid-close-code', faultOffset: 2 },
  },
];

export function exampleById(id: string): Example | undefined {
  return EXAMPLES.find((example) => example.id === id);
}
