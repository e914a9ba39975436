/**
 * The fan-out benchmark's reading side (bench/fanout/frames.ts): frames split right at every chunk
 * boundary, and the probe read from a chat message exactly as the server sends it. No timing here.
 */
import { describe, expect, it } from 'vitest';
import { FrameSplitter, readProbe } from '../../bench/fanout/frames';
import { encodeFrame, Opcode } from '../../src/protocol';

const text = (value: unknown): Buffer => Buffer.from(encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode(JSON.stringify(value)) }));

describe('fan-out load generator', () => {
  const message = { type: 'message', id: 7, from: 'r0c16-1', colour: '#b42318', text: 's3:1234.567', time: '2025-01-01T00:00:00.000Z' };
  const frames = [
    text({ type: 'hello', suggestion: 'guest-1' }),
    text(message),
    text({ type: 'message', id: 8, from: 'x', colour: '#000000', text: 'x'.repeat(70_000), time: 't' }),
    text({ type: 'join', name: 'a' }),
  ];
  const stream = Buffer.concat(frames);

  it('splits the server’s frames at any chunk boundary (7-, 16- and 64-bit lengths)', () => {
    for (const size of [1, 2, 3, 7, 100, 65_536, stream.length]) {
      const splitter = new FrameSplitter();
      const payloads: string[] = [];
      for (let i = 0; i < stream.length; i += size) {
        splitter.push(stream.subarray(i, i + size), (opcode, payload) => {
          expect(opcode).toBe(Opcode.Text);
          payloads.push(payload.toString('utf8'));
        });
      }
      expect(payloads.map((p) => (JSON.parse(p) as { type: string }).type)).toEqual(['hello', 'message', 'message', 'join']);
    }
  });

  it('reads the probe (sender, send time) from a chat message, and nothing from anything else', () => {
    const payload = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
    expect(readProbe(payload(message))).toEqual({ sender: 3, sentAt: 1234.567 });
    expect(readProbe(payload({ ...message, text: 'hello' }))).toBeNull();
    expect(readProbe(payload({ ...message, type: 'private', text: 's1:2' }))).toBeNull();
    expect(readProbe(payload({ type: 'join', name: 's1:2' }))).toBeNull();
  });
});
