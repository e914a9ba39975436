/**
 * The server between its own Close frame and the peer's (the codec's CLOSE_SENT), over a real
 * socket with a raw TCP client that does what a test says, when it says:
 *
 * RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response,
 * unless it already received a Close frame." Having *sent* one is no excuse, so a ping that comes
 * while the server waits for the peer's Close is answered; a ping after the peer's Close is not.
 * §5.5.1: "The application MUST NOT send any more data frames after sending a Close frame", so a
 * message that comes meanwhile is read but not echoed. The readyState is CLOSING from the Close
 * frame until TCP is closed (§7.1.4), and one close timer bounds the whole close: a peer that only
 * keeps pinging is dropped when it runs out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Opcode, type Frame } from '../../src/protocol';
import type { ServerConnection } from '../../server/connection';
import { memoryLogger } from '../../server/log';
import { clientFrame, closeCode, closeFrame, eventually, RawClient, sleep, startServer, type Running } from './helpers';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const textOf = (frame: Frame): string => new TextDecoder().decode(frame.payload);
const ping = (text: string): Uint8Array => clientFrame({ opcode: Opcode.Ping, payload: utf8(text) });

let s: Running;
const log = memoryLogger();
beforeAll(async () => {
  s = await startServer({ logger: log, closeTimeout: 2000 });
});
afterAll(() => s.stop());

/** A raw client on /echo, and the server's side of it. */
async function connect(): Promise<{ raw: RawClient; conn: ServerConnection }> {
  const before = new Set(s.server.connections);
  const raw = await RawClient.open(s.port);
  let conn: ServerConnection | undefined;
  await eventually(() => (conn = [...s.server.connections].find((c) => !before.has(c))) !== undefined);
  return { raw, conn: conn! };
}

describe('the server has sent its Close frame and waits for the peer\'s', () => {
  it('answers a ping with a pong carrying the same payload (§5.5.2), echoes no message (§5.5.1), then closes TCP', async () => {
    const { raw, conn } = await connect();
    expect(conn.close(4000, 'lesson over')).toBe(true);
    expect(conn.state).toBe('CLOSING');
    const close = await raw.nextFrame();
    expect([close.opcode, closeCode(close)]).toEqual([Opcode.Close, 4000]);

    raw.write(ping('still there?'));
    const pong = await raw.nextFrame();
    expect(pong.opcode).toBe(Opcode.Pong);
    expect(textOf(pong)).toBe('still there?');

    // Read, not echoed: no data frame after the server's Close frame. The ping after it shows the
    // message was read (the pong comes after it, alone).
    raw.write(Buffer.concat([clientFrame({ opcode: Opcode.Text, payload: utf8('late message') }), ping('second')]));
    const second = await raw.nextFrame();
    expect([second.opcode, textOf(second)]).toEqual([Opcode.Pong, 'second']);
    expect(conn.state).toBe('CLOSING');
    expect(raw.ended).toBe(false); // the server waits for the peer's Close frame

    raw.write(closeFrame(4000, 'done'));
    await raw.waitClosed(); // the server's FIN first (§7.1.1)
    expect(raw.frames).toHaveLength(0);
    // TCP is half closed: the WebSocket connection is not CLOSED until the peer ends its side too.
    expect(conn.state).toBe('CLOSING');
    raw.socket.end();
    await eventually(() => conn.state === 'CLOSED' && !s.server.connections.has(conn));
    const line = log.lines.find((l) => l.startsWith(`close #${conn.id} `));
    // §7.1.5, §7.1.6: the code and reason are those of the Close frame received.
    expect(line).toContain('4000 "done" clean, closed by server');
  });

  it('answers a ping written in the same TCP write as the peer\'s Close, before ending TCP', async () => {
    const { raw, conn } = await connect();
    conn.close(1000);
    await raw.closeFrame();
    raw.write(Buffer.concat([ping('last words'), closeFrame(1000)]));
    const pong = await raw.nextFrame();
    expect([pong.opcode, textOf(pong)]).toEqual([Opcode.Pong, 'last words']);
    await raw.waitClosed();
    expect(raw.frames).toHaveLength(0);
    raw.destroy();
  });

  it('answers pings written a byte at a time', async () => {
    const { raw, conn } = await connect();
    conn.close(1001, 'going away');
    await raw.closeFrame();
    await raw.writeBytewise(ping('slow'));
    const pong = await raw.nextFrame();
    expect([pong.opcode, textOf(pong)]).toEqual([Opcode.Pong, 'slow']);
    raw.write(closeFrame(1001));
    await raw.waitClosed();
    raw.destroy();
  });
});

describe('the server has received the peer\'s Close frame', () => {
  it('answers no ping that comes after it, in a later write, and ends TCP (§5.5.2)', async () => {
    const { raw, conn } = await connect();
    raw.write(closeFrame(1000, 'bye'));
    const close = await raw.nextFrame();
    expect([close.opcode, closeCode(close)]).toEqual([Opcode.Close, 1000]);
    raw.write(ping('too late'));
    await raw.waitClosed();
    await sleep(50);
    expect(raw.frames).toHaveLength(0);
    expect(raw.fault).toBeNull();
    raw.socket.end();
    await eventually(() => conn.state === 'CLOSED');
  });
});

describe('one close timer bounds the close', () => {
  it('drops a peer that answers the server\'s Close only with pings, once the close timeout runs out', async () => {
    const tlog = memoryLogger();
    const t = await startServer({ logger: tlog, closeTimeout: 300 });
    try {
      const raw = await RawClient.open(t.port);
      await eventually(() => t.server.connections.size === 1);
      const [conn] = [...t.server.connections];
      conn!.close(1000);
      await raw.closeFrame();
      let pongs = 0;
      const pinging = setInterval(() => {
        if (!raw.closed && !raw.ended) raw.write(ping(`p${pongs}`));
      }, 40);
      try {
        await raw.waitFor(() => {
          pongs += raw.frames.splice(0).filter((f) => f.opcode === Opcode.Pong).length;
          return raw.ended || raw.closed;
        }, 3000, 'the server to drop the pinging peer');
      } finally {
        clearInterval(pinging);
      }
      expect(pongs).toBeGreaterThan(0); // answered while it waited
      await eventually(() => t.server.connections.size === 0);
      const line = tlog.lines.find((l) => l.startsWith(`close #${conn!.id} /echo 127.0.0.1:`));
      expect(line).toMatch(/ 1006 not clean, closed by server \(close timeout\)/);
      raw.destroy();
    } finally {
      await t.stop();
    }
  });
});
