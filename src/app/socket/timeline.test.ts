import { describe, expect, it } from 'vitest';
import {
  createTimeline,
  describeEntry,
  stepNote,
  formatMs,
  MAX_ENTRIES,
  reduceTimeline,
  type Timeline,
  type TimelineInput,
} from './timeline';

function run(inputs: TimelineInput[]): Timeline {
  return inputs.reduce(reduceTimeline, createTimeline(1, 'ws://127.0.0.1/echo', 0));
}

const states = (t: Timeline) => t.steps.map((s) => s.state);

describe('readyState timeline', () => {
  it('starts CONNECTING at 0 ms', () => {
    const t = createTimeline(2, 'ws://x/echo', 123);
    expect(t.state).toBe('CONNECTING');
    expect(t.steps).toEqual([expect.objectContaining({ state: 'CONNECTING', t: 0 })]);
    expect(t.id).toBe(2);
  });

  it('goes CONNECTING → OPEN → CLOSING → CLOSED when the page closes', () => {
    const t = run([
      { type: 'open', t: 3.2, protocol: '', extensions: '' },
      { type: 'send', t: 10, kind: 'text', size: 5, bufferedAmount: 0 },
      { type: 'message', t: 11, kind: 'text', size: 5 },
      { type: 'close-called', t: 20, code: 1000, reason: 'done' },
      { type: 'close', t: 21.5, code: 1000, reason: 'done', wasClean: true },
    ]);
    expect(states(t)).toEqual(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']);
    expect(t.steps.map((s) => s.t)).toEqual([0, 3.2, 20, 21.5]);
    expect(t.close).toEqual({ code: 1000, reason: 'done', wasClean: true });
    expect(t.messagesSent).toBe(1);
    expect(t.messagesReceived).toBe(1);
    expect(t.entries.map((e) => e.type)).toEqual(['open', 'send', 'message', 'close-called', 'close']);
  });

  it('fills in CLOSING without a time when the server closed cleanly first', () => {
    const t = run([
      { type: 'open', t: 1, protocol: '', extensions: '' },
      { type: 'close', t: 9, code: 4000, reason: 'bye', wasClean: true },
    ]);
    expect(states(t)).toEqual(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']);
    expect(t.steps[2]?.t).toBeNull();
  });

  it('records CLOSING when polling saw it', () => {
    const t = run([
      { type: 'open', t: 1, protocol: '', extensions: '' },
      { type: 'closing-seen', t: 5 },
      { type: 'closing-seen', t: 6 },
      { type: 'close', t: 9, code: 1000, reason: '', wasClean: true },
    ]);
    expect(t.steps.map((s) => [s.state, s.t])).toEqual([
      ['CONNECTING', 0],
      ['OPEN', 1],
      ['CLOSING', 5],
      ['CLOSED', 9],
    ]);
  });

  it('goes straight from OPEN to CLOSED on a failed connection (error, 1006)', () => {
    const t = run([
      { type: 'open', t: 1, protocol: '', extensions: '' },
      { type: 'error', t: 4 },
      { type: 'close', t: 4.1, code: 1006, reason: '', wasClean: false },
    ]);
    expect(states(t)).toEqual(['CONNECTING', 'OPEN', 'CLOSED']);
    expect(t.failed).toBe(true);
    expect(t.close?.wasClean).toBe(false);
    expect(stepNote(t.steps.at(-1)!.note)).toMatch(/without a closing handshake/);
  });

  it('goes CONNECTING → CLOSED when the handshake fails', () => {
    const t = run([
      { type: 'error', t: 2 },
      { type: 'close', t: 2, code: 1006, reason: '', wasClean: false },
    ]);
    expect(states(t)).toEqual(['CONNECTING', 'CLOSED']);
  });

  it('close() while CONNECTING goes to CLOSING', () => {
    const t = run([{ type: 'close-called', t: 1, code: 1000, reason: '' }]);
    expect(t.state).toBe('CLOSING');
    expect(stepNote(t.steps.at(-1)!.note)).toMatch(/before the handshake/);
  });

  it('tracks bufferedAmount and its peak', () => {
    const t = run([
      { type: 'open', t: 1, protocol: '', extensions: '' },
      { type: 'send', t: 2, kind: 'binary', size: 1_000_000, bufferedAmount: 900_000 },
      { type: 'buffered', t: 3, bufferedAmount: 100 },
    ]);
    expect(t.bufferedAmount).toBe(100);
    expect(t.maxBufferedAmount).toBe(900_000);
  });

  it('keeps the newest entries and counts the others', () => {
    const inputs: TimelineInput[] = [{ type: 'open', t: 1, protocol: '', extensions: '' }];
    for (let i = 0; i < MAX_ENTRIES + 50; i++) inputs.push({ type: 'message', t: i, kind: 'text', size: i });
    const t = run(inputs);
    expect(t.entries.length).toBe(MAX_ENTRIES);
    expect(t.omitted).toBe(51);
    expect(t.messagesReceived).toBe(MAX_ENTRIES + 50);
    expect(t.entries.at(-1)).toEqual({ type: 'message', t: MAX_ENTRIES + 49, kind: 'text', size: MAX_ENTRIES + 49 });
  });

  it('describes entries and times in words', () => {
    expect(describeEntry({ type: 'close', t: 1, code: 1000, reason: 'bye', wasClean: true })).toBe(
      'close: code 1000, reason "bye", wasClean true',
    );
    expect(describeEntry({ type: 'message', t: 1, kind: 'binary', size: 1 })).toBe('message: binary, 1 byte');
    expect(formatMs(3.25)).toBe('3.3 ms');
    expect(formatMs(1234.4)).toBe('1,234 ms');
    expect(formatMs(null)).toBe('\u2014');
  });
});
