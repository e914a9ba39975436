/**
 * The opcode table of RFC 6455 §5.2 / §11.8, with a line a student can read for each value.
 */

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;
export type KnownOpcode = (typeof Opcode)[keyof typeof Opcode];

export interface OpcodeInfo {
  value: number;
  /** Short name: "text", "ping", "reserved (0x3)". */
  name: string;
  kind: 'data' | 'control' | 'reserved-data' | 'reserved-control';
  explanation: string;
  rfc: string;
}

const KNOWN: Record<number, Omit<OpcodeInfo, 'value'>> = {
  0x0: {
    name: 'continuation',
    kind: 'data',
    explanation: 'Carries the next fragment of a message started by a text or binary frame with FIN=0.',
    rfc: '5.4',
  },
  0x1: {
    name: 'text',
    kind: 'data',
    explanation: 'Starts a text message: the payload, once all fragments are joined, must be valid UTF-8.',
    rfc: '5.6',
  },
  0x2: {
    name: 'binary',
    kind: 'data',
    explanation: 'Starts a binary message: the payload is arbitrary bytes for the application.',
    rfc: '5.6',
  },
  0x8: {
    name: 'close',
    kind: 'control',
    explanation: 'Starts the closing handshake; the payload may hold a 2-byte status code and a UTF-8 reason.',
    rfc: '5.5.1',
  },
  0x9: {
    name: 'ping',
    kind: 'control',
    explanation: 'Asks the peer to answer with a pong carrying the same payload (a keepalive or a check).',
    rfc: '5.5.2',
  },
  0xa: {
    name: 'pong',
    kind: 'control',
    explanation: 'Answers a ping with its payload; an unsolicited pong is a one-way heartbeat and needs no reply.',
    rfc: '5.5.3',
  },
};

export const OPCODES: readonly OpcodeInfo[] = Array.from({ length: 16 }, (_, value) => {
  const known = KNOWN[value];
  if (known) return { value, ...known };
  const control = (value & 0b1000) !== 0;
  return {
    value,
    name: `reserved (0x${value.toString(16).toUpperCase()})`,
    kind: control ? 'reserved-control' : 'reserved-data',
    explanation: control
      ? 'Reserved for future control frames; a receiver with no extension defining it must fail the connection.'
      : 'Reserved for future data frames; a receiver with no extension defining it must fail the connection.',
    rfc: '5.2',
  } satisfies OpcodeInfo;
});

export function opcodeInfo(opcode: number): OpcodeInfo {
  const info = OPCODES[opcode & 0x0f];
  if (info === undefined) throw new RangeError(`opcode ${opcode} is not a 4-bit value`);
  return info;
}

/** RFC 6455 §5.5: "Control frames are identified by opcodes where the most significant bit of the opcode is 1." */
export function isControl(opcode: number): boolean {
  return (opcode & 0b1000) !== 0;
}

export function isKnownOpcode(opcode: number): opcode is KnownOpcode {
  return KNOWN[opcode] !== undefined;
}
