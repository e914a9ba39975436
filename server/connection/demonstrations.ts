/**
 * The demonstrations a page asks of a connection over `/inspect` (docs/inspector.md), as far as
 * the connection is concerned: its next message in N fragments (`queueMessage`), and the
 * deliberate protocol violations ("misbehave"), so a class can watch how a browser fails the
 * connection. Each violation is a list of frames for the codec's `sendFrame`, which encodes any
 * frame as given; the rule each one breaks is cited beside it. The connection writes them and
 * the tap marks them.
 */
import { Opcode, randomMaskingKey, type FrameSpec, type WebSocketConnection } from '../../src/protocol/index.ts';
import type { MisbehaveKind } from '../inspector/messages.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export interface Misbehaviour {
  frames: FrameSpec[];
  /** The rule broken, for the ack and the log. */
  rule: string;
}

export function misbehaviour(kind: MisbehaveKind): Misbehaviour {
  switch (kind) {
    case 'masked-frame':
      return {
        // RFC 6455 §5.1: "A server MUST NOT mask any frames that it sends to the client."
        frames: [{ opcode: Opcode.Text, payload: text('masked by the server'), maskingKey: randomMaskingKey() }],
        rule: 'RFC 6455 §5.1: a server must not mask the frames it sends',
      };
    case 'rsv1':
      return {
        // RFC 6455 §5.2: RSV1 set with no extension negotiated that defines it.
        frames: [{ opcode: Opcode.Text, rsv1: true, payload: text('RSV1 is set') }],
        rule: 'RFC 6455 §5.2: RSV1 must be 0 unless an extension defines it',
      };
    case 'reserved-opcode':
      return {
        // RFC 6455 §5.2: opcodes 0x3-0x7 are "reserved for further non-control frames".
        frames: [{ opcode: 0x3, payload: text('opcode 0x3') }],
        rule: 'RFC 6455 §5.2: opcode 0x3 is reserved',
      };
    case 'invalid-utf8':
      return {
        // RFC 6455 §8.1: a text message must be UTF-8; 0xC3 0x28 is a lead byte followed by a non-continuation byte.
        frames: [{ opcode: Opcode.Text, payload: new Uint8Array([0x48, 0x69, 0x20, 0xc3, 0x28]) }],
        rule: 'RFC 6455 §8.1: a text message must be valid UTF-8',
      };
    case 'long-control':
      return {
        // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less";
        // 126 bytes need the 16-bit extended payload length.
        frames: [{ opcode: Opcode.Ping, payload: new Uint8Array(126).fill(0x2a), lengthForm: 16 }],
        rule: 'RFC 6455 §5.5: a control frame carries at most 125 bytes',
      };
    case 'fragmented-ping':
      return {
        // RFC 6455 §5.5: "Control frames themselves MUST NOT be fragmented."
        frames: [
          { opcode: Opcode.Ping, fin: false, payload: text('frag') },
          { opcode: Opcode.Continuation, fin: true, payload: text('mented') },
        ],
        rule: 'RFC 6455 §5.5: control frames must not be fragmented',
      };
  }
}

/** The payload of the ping sent between fragments. */
export const PING_BETWEEN = 'between fragments';

/**
 * Queue a message with the codec: text (`binary` false; `data` is UTF-8) or binary, as one frame,
 * or in `fragments` fragments when a page asked for that ("fragment-next"; 0: one frame). With
 * permessage-deflate the codec compresses it (and fragments the compressed bytes). With `ping` (two
 * fragments or more, and a connection that does not compress: the caller checks) a ping goes out
 * right after the first fragment.
 */
export function queueMessage(codec: WebSocketConnection, data: Uint8Array, binary: boolean, fragments: number, ping = false): boolean {
  if (!(ping && fragments > 1 && data.length > 1)) return codec.sendMessage(data, binary, Math.max(1, fragments));
  const opcode = binary ? Opcode.Binary : Opcode.Text;
  // RFC 6455 §5.4: "Control frames (see Section 5.5) MAY be injected in the middle of a fragmented
  // message." The same cuts as the codec's: at least one byte in each fragment.
  const n = Math.min(fragments, data.length);
  const size = Math.ceil(data.length / n);
  for (let i = 0, start = 0; start < data.length; i++, start += size) {
    const end = Math.min(data.length, start + size);
    if (!codec.sendFrame({ opcode: i === 0 ? opcode : Opcode.Continuation, fin: end === data.length, payload: data.subarray(start, end) })) return false;
    if (i === 0) codec.ping(text(PING_BETWEEN));
  }
  return true;
}
