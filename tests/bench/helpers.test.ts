/**
 * The benchmark's own helpers: statistics, the table, and the fixtures both implementations are
 * fed (real frames, valid UTF-8). No timing here: benchmarks print ratios, tests check correctness.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { frameStream, maskedFrame, randomBytes, textBytes } from '../../bench/codec/fixtures';
import { compare, judge, matches, renderTable } from '../../bench/lib/report';
import { startFlags } from '../../bench/lib/start-flags';
import { quantile, summarize } from '../../bench/lib/stats';
import { decodeFrames, FrameParser, Opcode } from '../../src/protocol';

describe('stats', () => {
  it('median, min and max of rounds', () => {
    expect(summarize([5, 1, 4, 2, 3])).toEqual({ median: 3, min: 1, max: 5, rounds: [5, 1, 4, 2, 3] });
    expect(summarize([1, 2, 3, 4]).median).toBe(2.5);
    expect(Number.isNaN(summarize([]).median)).toBe(true);
  });

  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([7], 0.99)).toBe(7);
  });
});

describe('the command line', () => {
  it('--match picks the rows whose name contains one of its names (none given: every row)', () => {
    expect(matches('decode 64 KiB text', ['64 KiB', '16 MiB'])).toBe(true);
    expect(matches('decode 16 B text', ['64 KiB', '16 MiB'])).toBe(false);
    expect(matches('1 client × 32 B ping-pong, watched', ['watched'])).toBe(true);
    expect(matches('anything', [])).toBe(true);
    expect(matches('anything', undefined)).toBe(true);
  });

  it('our servers get the node flags of `npm start` (package.json), and only those', () => {
    expect(startFlags()).toContain('--initial-old-space-size=64');
    const dir = mkdtempSync(join(tmpdir(), 'start-flags-'));
    try {
      const file = join(dir, 'package.json');
      const flagsOf = (start: string | undefined): string[] => {
        writeFileSync(file, JSON.stringify({ scripts: start === undefined ? {} : { start } }));
        return startFlags(pathToFileURL(file));
      };
      expect(flagsOf('node --a=1 --b bin/x.js --not-a-node-flag')).toEqual(['--a=1', '--b']);
      expect(flagsOf('node bin/x.js')).toEqual([]);
      expect(flagsOf('tsx server/main.ts')).toEqual([]);
      expect(flagsOf(undefined)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('report', () => {
  it('judges a ratio target against every comparison and prints ✓ or ✗', () => {
    const ours = summarize([3, 3, 3]);
    const target = { value: 1.5, kind: 'ratio-min' as const, text: '≥1.5× ws' };
    const row = judge({
      section: 'decode',
      name: '16 B text',
      format: String,
      unit: 'msg/s',
      higherIsBetter: true,
      ours,
      against: [compare('ws', ours, summarize([1, 1, 1]), true, target), compare('ws+bufferutil', ours, summarize([2.5, 2.5, 2.5]), true, target)],
      target,
    });
    expect(row.against.map((c) => c.met)).toEqual([true, false]);
    expect(row.met).toBe(false);
    const table = renderTable([row], ['ws', 'ws+bufferutil']);
    expect(table).toContain('3.00× ✓');
    expect(table).toContain('1.20× ✗');
    expect(table).toContain('≥1.5× ws ✗');
  });

  it('for latency, a lower figure is the better one', () => {
    const c = compare('ws', summarize([10]), summarize([20]), false, null);
    expect(c.ratio).toBe(2);
    expect(c.met).toBeNull();
  });
});

describe('fixtures', () => {
  it('text payloads are valid UTF-8 of exactly the size asked for', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (let n = 0; n < 400; n++) {
      const bytes = textBytes(n);
      expect(bytes.length).toBe(n);
      expect(() => decoder.decode(bytes)).not.toThrow();
    }
  });

  it('masked frames decode to the payload, at every length form', () => {
    for (const size of [0, 16, 125, 126, 65535, 65536]) {
      const payload = randomBytes(size, size + 1);
      const frame = maskedFrame(Opcode.Binary, payload, Uint8Array.of(1, 2, 3, 4));
      const { frames, fault } = decodeFrames(frame, { sender: 'client' });
      expect(fault).toBeNull();
      expect(frames).toHaveLength(1);
      expect(Buffer.from(frames[0]!.payload).equals(Buffer.from(payload))).toBe(true);
    }
  });

  it('a stream cut into reads holds whole frames, every one of them valid', () => {
    const stream = frameStream({ name: '', size: 125, kind: 'text' }, 200_000);
    const parser = new FrameParser({ sender: 'client' });
    let frames = 0;
    for (const chunk of stream.chunks) {
      parser.push(chunk.slice());
      for (let item = parser.next(); item !== null; item = parser.next()) {
        expect(item.kind).toBe('frame');
        frames++;
      }
    }
    expect(frames).toBe(stream.frames);
    expect(parser.incomplete).toBeNull();
  });
});
