import { describe, expect, it } from 'vitest';
import { checkSettings, conversationScript, DEFAULT_SETTINGS, emptyWireCounts, messageText, percentile, toTransportResult } from './compare';

describe('the conversation', () => {
  it('is small messages, then large ones, one every 1/rate seconds, each exactly its size', () => {
    const script = conversationScript({ ...DEFAULT_SETTINGS, messages: 3, size: 20, largeMessages: 2, largeSize: 10_240, rate: 4 });
    expect(script.map((m) => [m.seq, new TextEncoder().encode(m.text).length, m.at])).toEqual([
      [1, 20, 0],
      [2, 20, 250],
      [3, 20, 500],
      [4, 10_240, 750],
      [5, 10_240, 1000],
    ]);
    expect(script[0]!.text).toBe('#1 abcdefghijklmnopq');
  });

  it('cuts a tiny message short rather than overrun its size', () => {
    expect([messageText(123, 1), messageText(123, 5), messageText(123, 6)]).toEqual(['#', '#123 ', '#123 a']);
  });

  it('checks every setting against its bounds', () => {
    expect(checkSettings({}).ok).toBe(true);
    const bad = checkSettings({ messages: -1, size: 0, rate: 0, pollIntervalMs: 1.5 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toHaveLength(4);
    expect(checkSettings({ messages: 0, largeMessages: 0 })).toEqual({ ok: false, errors: ['the conversation needs at least one message'] });
    // Each setting in bounds, all of them together too much to hold: 100,000 messages of 1 MiB.
    expect(checkSettings({ messages: 100_000, size: 1024 * 1024 })).toEqual({
      ok: false,
      errors: ['the conversation would be 100000.1 MiB of text; at most 64 MiB (fewer messages, or smaller ones)'],
    });
    expect(checkSettings({ messages: 0, largeMessages: 64, largeSize: 1024 * 1024 }).ok).toBe(true);
  });
});

describe('statistics', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100), percentile([7], 99), percentile([], 50)]).toEqual([50, 99, 100, 7, null]);
  });

  it('prints exactly the promised fields', () => {
    const wire = emptyWireCounts();
    wire.requests = 3;
    wire.up = { headers: 10, framing: 2, payload: 20 };
    wire.down = { headers: 5, framing: 1, payload: 20 };
    const result = toTransportResult({ name: 'sse', messages: 1, delivered: 1, lost: 0, late: 1, wire, latencyMs: { p50: 1.5, p99: 2 }, durationMs: 9, errors: [] });
    expect(result).toEqual({
      name: 'sse',
      messages: 1,
      delivered: 1,
      lost: 0,
      requests: 3,
      bytes: { up: { overhead: 12, payload: 20 }, down: { overhead: 6, payload: 20 } },
      latencyMs: { p50: 1.5, p99: 2 },
    });
  });
});
