import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame, Opcode } from '../../protocol';
import {
  decodeSteps,
  decodeText,
  decodeTextSteps,
  framePayload,
  frameRow,
  listLength,
  messageBytes,
  runToEnd,
  tailOffset,
  type DecodeAnalysis,
} from './analyze';
import { frameIndexAt, frameToMessage } from './lookup';

function decoded(text: string, sender: 'client' | 'server' | 'any' = 'any'): DecodeAnalysis {
  const outcome = decodeText(text, sender);
  if (outcome.kind !== 'decoded') throw new Error(`expected a decode, got ${outcome.kind}`);
  return outcome.analysis;
}

const utf8 = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('decodeText: parse states', () => {
  it('is empty for blank input', () => {
    expect(decodeText('', 'any')).toEqual({ kind: 'empty' });
    expect(decodeText('  \n\t ', 'any')).toEqual({ kind: 'empty' });
  });

  it('reports a hex error with line and column', () => {
    const outcome = decodeText('81 05\n48 6g 6c', 'any');
    expect(outcome.kind).toBe('hex-error');
    if (outcome.kind !== 'hex-error') return;
    // "81 05\n48 6g": the g is the 5th character of line 2, the 11th of the input.
    expect(outcome.error).toMatchObject({ line: 2, column: 5, index: 10, length: 1 });
  });

  it('decodes the masked "Hello" of RFC 6455 §5.7, keeping the wire bytes and unmasking a copy', () => {
    const analysis = decoded('81 85 37 fa 21 3d 7f 9f 4d 51 58', 'client');
    expect(analysis.frames.count).toBe(1);
    expect(analysis.fault).toBeNull();
    expect(analysis.incomplete).toBeNull();
    const row = frameRow(analysis, 0);
    expect(row).toMatchObject({ offset: 0, headerLength: 6, payloadLength: 5, length: 11, fin: true, opcode: 1, masked: true });
    expect(utf8(framePayload(analysis, 0))).toBe('Hello');
    expect(analysis.bytes[6]).toBe(0x7f); // still masked
    expect(listLength(analysis)).toBe(1);
  });

  it('says where the bytes end mid-frame and lists the unfinished frame last', () => {
    const analysis = decoded('81 05 48 65 6c 6c 6f 81 85 37 fa', 'client');
    // The first frame is unmasked from a client: a fault, not an unfinished frame.
    expect(analysis.fault?.rule).toBe('mask-required');
    const partial = decoded('81 05 48 65 6c 6c 6f 81 85 37 fa', 'any');
    expect(partial.frames.count).toBe(1);
    expect(partial.incomplete).toEqual({ offset: 7, have: 4, needed: 2 });
    expect(tailOffset(partial)).toBe(7);
    expect(listLength(partial)).toBe(2);
  });

  it('stops at a fault, listing the broken frame after the good ones', () => {
    const analysis = decoded('01 03 48 65 6c 09 04 70 69 6e 67 80 02 6c 6f', 'server');
    expect(analysis.frames.count).toBe(1);
    expect(analysis.fault).toMatchObject({ rule: 'fragmented-control-frame', closeCode: 1002, offset: 5, frameOffset: 5 });
    expect(analysis.incomplete).toBeNull();
    expect(listLength(analysis)).toBe(2);
    expect(frameIndexAt(analysis, 2)).toBe(0);
    expect(frameIndexAt(analysis, 9)).toBe(1);
  });
});

describe('messages', () => {
  it('assembles fragments, with a control frame between them listed after the message it interrupted', () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    const bytes = [
      encodeFrame({ opcode: Opcode.Text, fin: false, payload: new TextEncoder().encode('Hel'), maskingKey: key }),
      encodeFrame({ opcode: Opcode.Ping, payload: new TextEncoder().encode('hi'), maskingKey: key }),
      encodeFrame({ opcode: Opcode.Continuation, payload: new TextEncoder().encode('lo'), maskingKey: key }),
      encodeFrame({ opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65), maskingKey: key }),
    ];
    const text = bytes.map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ')).join('\n');
    const analysis = decoded(text, 'client');
    expect(analysis.frames.count).toBe(4);
    const [message, ping, close] = analysis.messages;
    expect(analysis.messages).toHaveLength(3);
    expect(message).toMatchObject({ kind: 'message', binary: false, frames: [0, 2], length: 5, unfinished: false, between: null });
    expect(utf8(messageBytes(analysis, message!))).toBe('Hello');
    expect(utf8(messageBytes(analysis, message!, 4))).toBe('Hell');
    expect(ping).toMatchObject({ kind: 'ping', frames: [1], between: 0 });
    expect(close).toMatchObject({ kind: 'close', code: 1000, reason: 'bye', between: null });
    expect(Array.from(frameToMessage(analysis))).toEqual([0, 1, 0, 2]);
  });

  it('marks a message whose final fragment never came as unfinished', () => {
    const analysis = decoded('01 03 48 65 6c', 'server');
    expect(analysis.messages).toHaveLength(1);
    expect(analysis.messages[0]).toMatchObject({ kind: 'message', unfinished: true, frames: [0] });
  });
});

describe('decodeSteps', () => {
  it('yields progress between slices and agrees with decodeFrames, whatever the slice size', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            opcode: fc.constantFrom(Opcode.Binary, Opcode.Ping, Opcode.Text),
            size: fc.integer({ min: 0, max: 300 }),
            masked: fc.boolean(),
          }),
          { maxLength: 12 },
        ),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 20 }),
        (specs, slice, cut) => {
          const frames = specs.map(({ opcode, size, masked }) =>
            encodeFrame({
              opcode,
              payload: new Uint8Array(opcode === Opcode.Ping ? Math.min(size, 125) : size).fill(0x61),
              maskingKey: masked ? Uint8Array.of(9, 8, 7, 6) : null,
            }),
          );
          const total = frames.reduce((n, f) => n + f.length, 0);
          const all = new Uint8Array(total);
          let at = 0;
          for (const f of frames) {
            all.set(f, at);
            at += f.length;
          }
          const bytes = all.subarray(0, Math.max(0, total - cut));
          const steps = decodeSteps(bytes, 'any', slice);
          let yields = 0;
          let result: DecodeAnalysis;
          for (;;) {
            const step = steps.next();
            if (step.done) {
              result = step.value;
              break;
            }
            yields++;
            expect(step.value.phase).toBe('frames');
            expect(step.value.done).toBeLessThanOrEqual(step.value.total);
          }
          const reference = decodeFrames(bytes, { sender: 'any' });
          expect(result.frames.count).toBe(reference.frames.length);
          expect(result.incomplete).toEqual(reference.incomplete);
          expect(result.fault).toEqual(reference.fault);
          reference.frames.forEach((frame, i) => {
            expect(result.frames.offsets[i]).toBe(frame.offset);
            expect(Array.from(framePayload(result, i))).toEqual(Array.from(frame.payload));
          });
          // Well-formed frames (cut short at worst): one progress report between each two slices.
          expect(result.fault).toBeNull();
          expect(yields).toBe(Math.max(0, Math.ceil(bytes.length / slice) - 1));
          // The input is untouched.
          expect(Array.from(bytes)).toEqual(Array.from(all.subarray(0, bytes.length)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reports the hex phase first', () => {
    const steps = decodeTextSteps('81 00', 'any');
    expect(steps.next().value).toEqual({ phase: 'hex', done: 0, total: 5 });
    const outcome = runToEnd(steps);
    expect(outcome.kind).toBe('decoded');
  });

  it('decodes tens of thousands of frames in a 1 MiB input', () => {
    const one = encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(58), maskingKey: Uint8Array.of(1, 2, 3, 4) });
    const count = Math.floor((1 << 20) / one.length);
    const bytes = new Uint8Array(count * one.length);
    for (let i = 0; i < count; i++) bytes.set(one, i * one.length);
    const analysis = runToEnd(decodeSteps(bytes, 'client'));
    expect(analysis.frames.count).toBe(count);
    expect(analysis.messages).toHaveLength(count);
    expect(count).toBeGreaterThan(15_000);
  });
});
