/**
 * A 20 MB pcapng, imported a megabyte at a time in a process of its own (memory-child.ts), keeps
 * memory near what the report must hold: the WebSocket payloads once, not the file, not copies of
 * it; and a file that is mostly other traffic (a large HTTP download) costs almost nothing. No
 * timing is asserted: the machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'framescope-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;

interface Measured {
  fileBytes: number;
  wsPayload: number;
  frames: number;
  connections: number;
  other: number;
  error: unknown;
  /** Bytes held (heap + array buffers, after a forced GC) above the baseline, at most while importing and at the end. */
  peak: number;
  retained: number;
}

function child(...args: string[]): Record<string, unknown> {
  const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(here, 'memory-child.ts'), ...args], { encoding: 'utf8', timeout: 120_000 });
  if (out.status !== 0) throw new Error(`memory-child.ts ${args.join(' ')} failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

function measure(kind: 'websocket' | 'other'): Measured {
  const file = path.join(dir, `${kind}.pcapng`);
  const written = child('write', kind, '20', file);
  const measured = { ...written, ...child('import', file) } as unknown as Measured;
  console.log(`capture import, ${kind}: ${(measured.fileBytes / MiB).toFixed(1)} MiB file, peak ${(measured.peak / MiB).toFixed(1)} MiB held, ${(measured.retained / MiB).toFixed(1)} MiB retained with the report`);
  return measured;
}

describe('memory while importing a 20 MB pcapng', { timeout: 180_000 }, () => {
  test('WebSocket traffic: the payloads are held once (the report needs them), the file is not', () => {
    const m = measure('websocket');
    expect(m.error).toBeNull();
    expect(m.fileBytes).toBeGreaterThan(20 * MiB);
    expect(m.connections).toBeGreaterThanOrEqual(10);
    expect(m.frames).toBeGreaterThan(1000);
    // The report holds every frame's payload: about the file's size. Twice that would mean a copy too many.
    expect(m.retained).toBeLessThan(1.5 * m.wsPayload + 8 * MiB);
    expect(m.peak).toBeLessThan(1.5 * m.wsPayload + 16 * MiB);
  });

  test('other traffic: a 20 MB download that is not WebSocket is let go as it passes', () => {
    const m = measure('other');
    expect(m.error).toBeNull();
    expect(m.other).toBe(1);
    expect(m.connections).toBe(1);
    expect(m.peak).toBeLessThan(8 * MiB);
    expect(m.retained).toBeLessThan(4 * MiB);
  });
});
