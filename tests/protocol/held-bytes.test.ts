/**
 * What the codec holds for a peer (`heldBytes`, which a server adds up over its connections,
 * server/connection/memory-budget.ts): unread input, a frame's payload so far, a fragmented
 * message so far; and the message buffer never grows past maxMessage.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, MessageAssembler, WebSocketConnection, type Frame } from '../../src/protocol';

const key = new Uint8Array([1, 2, 3, 4]);
const masked = (opcode: number, payload: Uint8Array, fin = true): Uint8Array => encodeFrame({ opcode, payload, fin, maskingKey: key });

function drain(ws: WebSocketConnection): void {
  while (ws.nextEvent() !== null);
}

describe('heldBytes', () => {
  it('counts a frame arriving, a fragmented message so far, and nothing once the message is out', () => {
    const ws = new WebSocketConnection({ role: 'server', maxMessage: 1 << 20 });
    const first = masked(0x2, new Uint8Array(1000), false);
    ws.receive(first.subarray(0, 500));
    drain(ws);
    // The header and the payload so far (in the decoder, waiting for the rest).
    expect(ws.heldBytes).toBeGreaterThanOrEqual(500 - 8);
    ws.receive(first.subarray(500));
    drain(ws);
    expect(ws.heldBytes).toBe(1000);
    ws.receive(masked(0x0, new Uint8Array(3000), false));
    drain(ws);
    expect(ws.heldBytes).toBeGreaterThanOrEqual(4000);
    ws.receive(masked(0x0, new Uint8Array(10), true));
    let message = null;
    for (let event = ws.nextEvent(); event !== null; event = ws.nextEvent()) if (event.kind === 'message') message = event;
    expect(message?.data.length).toBe(4010);
    expect(ws.heldBytes).toBe(0);
  });

  it('the message buffer doubles as fragments come, but never past maxMessage', () => {
    const max = 10_000;
    const assembler = new MessageAssembler(undefined, max);
    const frame = (opcode: number, n: number, fin: boolean): Frame => ({ fin, rsv1: false, rsv2: false, rsv3: false, opcode, masked: false, payload: new Uint8Array(n) }) as unknown as Frame;
    assembler.accept(frame(0x2, 3000, false));
    assembler.accept(frame(0x0, 3000, false));
    expect(assembler.heldBytes).toBe(6000);
    assembler.accept(frame(0x0, 3000, false));
    // 9,000 needed: doubling 6,000 would make 12,000; the limit makes it 10,000.
    expect(assembler.heldBytes).toBe(max);
    const done = assembler.accept(frame(0x0, 1000, true));
    expect(done).toMatchObject({ kind: 'message', binary: true });
    expect(assembler.heldBytes).toBe(0);
  });
});
