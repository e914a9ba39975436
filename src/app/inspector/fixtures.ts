/** Inspector messages as the server sends them (docs/inspector.md), for the app's tests. */
import type { ClosedMessage, FrameMessage, HelloMessage, OpenMessage, ReadMessage } from './messages';

export const REQUEST_HEADERS = [
  'Host: 127.0.0.1:8008',
  'Connection: Upgrade',
  'Upgrade: websocket',
  'Sec-WebSocket-Version: 13',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
];

export const RESPONSE_HEAD =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

export function hello(overrides: Partial<HelloMessage> = {}): HelloMessage {
  return {
    type: 'hello',
    t: 1,
    wall: 1_700_000_000_001,
    session: 'TOKEN',
    all: false,
    classMode: false,
    limits: { queueCount: 10_000, queueBytes: 8 << 20, maxFrameBytes: 65_536, maxPayload: 16 << 20, maxMessage: 16 << 20 },
    connections: [],
    ...overrides,
  };
}

export function open(connection: number, conn: number | null = connection, t = 100): OpenMessage {
  return {
    type: 'open',
    t,
    wall: 1_700_000_000_000 + t,
    connection,
    path: '/echo',
    session: 'TOKEN',
    peer: '127.0.0.1:50000',
    request: {
      method: 'GET',
      url: conn === null ? '/echo?session=TOKEN' : `/echo?session=TOKEN&conn=${conn}`,
      httpVersion: '1.1',
      headers: REQUEST_HEADERS,
    },
    response: { status: 101, head: RESPONSE_HEAD },
  };
}

/** "Hello" from the client, masked with the key of RFC 6455 §5.7. */
export function clientHello(connection: number, offset = 0, t = 110): FrameMessage {
  return {
    type: 'frame',
    t,
    wall: 1_700_000_000_000 + t,
    connection,
    direction: 'in',
    offset,
    size: 11,
    opcode: 1,
    fin: true,
    masked: true,
    payloadLength: 5,
    headerLength: 6,
    bytes: '818537fa213d7f9f4d5158',
    truncated: false,
  };
}

export function serverHello(connection: number, offset = 0, t = 111): FrameMessage {
  return {
    type: 'frame',
    t,
    wall: 1_700_000_000_000 + t,
    connection,
    direction: 'out',
    offset,
    size: 7,
    opcode: 1,
    fin: true,
    masked: false,
    payloadLength: 5,
    headerLength: 2,
    bytes: '810548656c6c6f',
    truncated: false,
  };
}

export function read(connection: number, offset: number, size: number, boundaries: number[], t = 110): ReadMessage {
  return { type: 'read', t, wall: 1_700_000_000_000 + t, connection, offset, size, boundaries };
}

export function closed(connection: number, code = 1000, t = 200): ClosedMessage {
  return {
    type: 'closed',
    t,
    wall: 1_700_000_000_000 + t,
    connection,
    code,
    reason: '',
    wasClean: code !== 1006,
    initiator: 'client',
    cause: null,
    duration: t - 100,
    framesIn: 2,
    framesOut: 2,
    bytesIn: 19,
    bytesOut: 11,
  };
}
