import { describe, expect, it } from 'vitest';
import { emptyWireCounts, type TransportMeasurement } from '../wire/compare';
import { classCost, formatBitRate, formatBytes, perMessage } from './cost';

function measurement(messages: number, requests: number, overhead: number, payload: number): TransportMeasurement {
  const wire = emptyWireCounts();
  wire.requests = requests;
  wire.up = { headers: overhead / 2, framing: 0, payload: payload / 2 };
  wire.down = { headers: 0, framing: overhead / 2, payload: payload / 2 };
  return { name: 'short-polling', messages, delivered: messages, lost: 0, late: 0, wire, latencyMs: { p50: 1, p99: 2 }, durationMs: 1000, errors: [] };
}

describe('cost', () => {
  it('divides what was measured by the messages delivered', () => {
    expect(perMessage(measurement(100, 150, 60_000, 4000))).toEqual({ bytes: 640, overhead: 600, requests: 1.5 });
    // A transport that could not keep up: 40 of 100 came back, and its bytes went to those 40.
    expect(perMessage({ ...measurement(100, 60, 24_000, 1600), delivered: 40, lost: 60 })).toEqual({ bytes: 640, overhead: 600, requests: 1.5 });
  });

  it('scales one student to a class: requests in all, bits a second while it runs', () => {
    // 640 B a message, 20 messages a second, 1000 students: 640 * 8 * 20 * 1000 = 102.4 Mbit/s.
    expect(classCost(measurement(100, 150, 60_000, 4000), 1000, 20)).toEqual({
      students: 1000,
      requests: 150_000,
      bitsPerSecond: 102_400_000,
      overheadBitsPerSecond: 96_000_000,
      totalBytes: 64_000_000,
    });
  });

  it('formats sizes and rates in decimal units', () => {
    expect([formatBytes(999), formatBytes(1000), formatBytes(123_456), formatBytes(64_000_000)]).toEqual(['999 B', '1.0 kB', '123 kB', '64.0 MB']);
    expect([formatBitRate(500), formatBitRate(102_400_000), formatBitRate(2e9)]).toEqual(['500 bit/s', '102 Mbit/s', '2.0 Gbit/s']);
  });
});
