/**
 * The test's own subscriber to /inspect for one page's session: what crossed the wire, seen by
 * the server, independent of what the page shows (docs/inspector.md).
 */
import WebSocket from 'ws';

export interface TapFrame {
  type: 'frame';
  connection: number;
  direction: 'in' | 'out';
  opcode: number;
  fin: boolean;
  payloadLength: number;
  bytes: string;
  misbehave?: string;
}

export interface TapOpen {
  type: 'open';
  connection: number;
  request: { url: string; headers: string[] };
}

export interface Tap {
  readonly messages: readonly { type: string; connection?: number }[];
  frames(connection: number): TapFrame[];
  /** The `open` report of the page's connection number `label` (`conn=` in its URL). */
  opened(label: number): TapOpen | undefined;
  close(): void;
}

export async function watchSession(port: number, session: string): Promise<Tap> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/inspect?session=${encodeURIComponent(session)}`);
  const messages: { type: string; connection?: number }[] = [];
  socket.on('message', (data) => {
    const parsed = JSON.parse(String(data)) as unknown;
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) messages.push(message as { type: string });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    messages,
    frames: (connection) => messages.filter((m): m is TapFrame => m.type === 'frame' && m.connection === connection),
    opened: (label) =>
      messages.find((m): m is TapOpen => m.type === 'open' && new URL((m as TapOpen).request.url, 'http://x').searchParams.get('conn') === String(label)),
    close: () => socket.close(),
  };
}

/** A Close frame's code from its hex bytes (a client's frame is masked), or null when it has none. */
export function closeCode(frame: TapFrame): number | null {
  const bytes = Buffer.from(frame.bytes, 'hex');
  const masked = (bytes[1]! & 0x80) !== 0;
  const start = 2 + (masked ? 4 : 0);
  if (frame.payloadLength < 2 || bytes.length < start + 2) return null;
  const b0 = bytes[start]! ^ (masked ? bytes[2]! : 0);
  const b1 = bytes[start + 1]! ^ (masked ? bytes[3]! : 0);
  return (b0 << 8) | b1;
}
