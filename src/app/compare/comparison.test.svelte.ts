import { describe, expect, it } from 'vitest';
import type { RunEnvironment } from '../../compare/environment';
import type { RunOptions } from '../../compare/run';
import { DEFAULT_SETTINGS, emptyWireCounts, type TransportMeasurement } from '../../wire/compare';
import { Comparison, type RunFunction } from './comparison.svelte';

const env = { origin: 'http://127.0.0.1:1' } as RunEnvironment;

function measurement(name: TransportMeasurement['name']): TransportMeasurement {
  return { name, messages: 1, delivered: 1, lost: 0, late: 0, wire: emptyWireCounts(), latencyMs: { p50: 1, p99: 1 }, durationMs: 1, errors: [] };
}

describe('Comparison', () => {
  it('runs with the checked settings and collects each transport as it finishes', async () => {
    let seen: RunOptions | null = null;
    const run: RunFunction = async (_env, options) => {
      seen = options;
      options.onProgress?.({ transport: 'sse', phase: 'sending', sent: 1, delivered: 0, total: 2 });
      options.onMeasured?.(measurement('short-polling'));
      options.onMeasured?.(measurement('websocket'));
      return [];
    };
    const comparison = new Comparison(env, run);
    comparison.form.messages = 7;
    const done = comparison.start();
    expect(comparison.running).toBe(true);
    expect(comparison.progress).toMatchObject({ transport: 'sse', sent: 1 });
    await done;
    expect(seen!.settings).toEqual({ ...DEFAULT_SETTINGS, messages: 7 });
    expect(comparison.results.map((m) => m.name)).toEqual(['short-polling', 'websocket']);
    expect(comparison.running).toBe(false);
    expect(comparison.problem).toBeNull();
  });

  it('says what is wrong with the settings, and runs nothing', async () => {
    let calls = 0;
    const comparison = new Comparison(env, async () => {
      calls++;
      return [];
    });
    comparison.form.rate = null;
    comparison.form.size = 0;
    await comparison.start();
    expect(calls).toBe(0);
    expect(comparison.problem).toMatch(/^Check the settings: bytes per small message must be a whole number from 1 to 1048576 \(got 0\); messages per second must be a number/);
    comparison.reset();
    expect(comparison.form.rate).toBe(DEFAULT_SETTINGS.rate);
  });

  it('stops when asked, keeping what was measured', async () => {
    const run: RunFunction = (_env, options) =>
      new Promise((_, reject) => {
        options.onMeasured?.(measurement('short-polling'));
        options.signal?.addEventListener('abort', () => reject(new DOMException('stopped', 'AbortError')));
      });
    const comparison = new Comparison(env, run);
    const done = comparison.start();
    comparison.stop();
    await done;
    expect(comparison.problem).toMatch(/^Stopped\./);
    expect(comparison.results).toHaveLength(1);
  });

  it('has nothing to measure without a server', async () => {
    const comparison = new Comparison(null);
    expect(comparison.available).toBe(false);
    await comparison.start();
    expect(comparison.problem).toMatch(/not served by a Framescope server/);
  });
});
