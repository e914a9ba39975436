/**
 * `npm run compare`, spawned for real: the JSON's exact shape from a real run (a server in the
 * process, every transport from Node), the human table, and bad usage (exit 2).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCompareArgs } from '../../src/cli/compare/args';
import { DEFAULT_SETTINGS, TRANSPORT_NAMES } from '../../src/wire/compare';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT = 90_000;

/** `npx tsx src/cli/compare.ts ...args` (what `npm run --silent compare -- ...args` runs). */
function compare(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', 'src/cli/compare.ts', ...args], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const QUICK = ['--messages', '8', '--size', '20', '--large', '2', '--large-size', '4KiB', '--rate', '100', '--poll-interval', '50'];

describe('npm run compare, for real', { timeout: TIMEOUT }, () => {
  it('--json prints exactly { transports: [...], settings }, every message delivered', async () => {
    const out = await compare(['--json', ...QUICK]);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['settings', 'transports']);
    expect(report['settings']).toEqual({ ...DEFAULT_SETTINGS, messages: 8, size: 20, largeMessages: 2, largeSize: 4096, rate: 100, pollIntervalMs: 50 });
    const transports = report['transports'] as Record<string, unknown>[];
    expect(transports.map((t) => t['name'])).toEqual([...TRANSPORT_NAMES]);
    const payload = 8 * 20 + 2 * 4096;
    for (const t of transports) {
      expect(Object.keys(t).sort()).toEqual(['bytes', 'delivered', 'latencyMs', 'lost', 'messages', 'name', 'requests']);
      expect(t).toMatchObject({ messages: 10, delivered: 10, lost: 0 });
      expect(t['bytes']).toEqual({
        up: { overhead: expect.any(Number), payload },
        down: { overhead: expect.any(Number), payload },
      });
      const bytes = t['bytes'] as { up: { overhead: number }; down: { overhead: number } };
      expect(bytes.up.overhead).toBeGreaterThan(0);
      expect(bytes.down.overhead).toBeGreaterThan(0);
      const latency = t['latencyMs'] as { p50: number; p99: number };
      expect(Object.keys(latency).sort()).toEqual(['p50', 'p99']);
      expect(latency.p50).toBeGreaterThanOrEqual(0);
      expect(latency.p99).toBeGreaterThanOrEqual(latency.p50);
    }
    const [shortPolling, , , webSocket] = transports as { requests: number }[];
    expect(webSocket!.requests).toBe(1);
    expect(shortPolling!.requests).toBeGreaterThanOrEqual(10);
  });

  it('prints a table, the per-message ratio and the class of 1,000 by default', async () => {
    const out = await compare(QUICK);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Why WebSocket: 8 messages of 20 B, then 2 of 4,096 B, 100 a second/);
    for (const label of ['Short polling', 'Long polling', 'Server-Sent Events', 'WebSocket']) expect(out.stdout).toMatch(new RegExp(`^${label} +\\d`, 'm'));
    expect(out.stdout).toMatch(/Not counted: TCP\/IP headers/);
    expect(out.stdout).toMatch(/short polling spends [\d.]+ times the overhead bytes of WebSocket/);
    expect(out.stdout).toMatch(/1,000 students each holding this conversation/);
  });

  it('exits 2 with the usage on bad usage', async () => {
    for (const args of [['--rate', '0'], ['--bogus'], ['--size', 'big'], ['--only', 'pigeons'], ['extra']]) {
      const out = await compare(args);
      expect({ args, status: out.status }).toEqual({ args, status: 2 });
      expect(out.stderr).toMatch(/^compare: .+\n\nUsage: npm run --silent compare/);
      expect(out.stdout).toBe('');
    }
  });
});

describe('parseCompareArgs', () => {
  it('reads every flag, sizes with units, and a subset of transports', () => {
    const parsed = parseCompareArgs(['--json', '--messages', '5', '--size', '1KiB', '--rate', '2.5', '--only', 'websocket,short-polling', '--late', '100', '--wait', '0']);
    expect(parsed).toEqual({
      ok: true,
      args: {
        json: true,
        help: false,
        settings: { ...DEFAULT_SETTINGS, messages: 5, size: 1024, rate: 2.5, lateMs: 100, drainMs: 0 },
        transports: ['short-polling', 'websocket'],
      },
    });
  });

  it('says what is wrong', () => {
    expect(parseCompareArgs(['--rate', '5KiB'])).toEqual({ ok: false, error: '--rate takes a plain number, not "5KiB"' });
    expect(parseCompareArgs(['--size', '2GiB'])).toEqual({ ok: false, error: '--size: unknown unit "GiB" (use KiB or MiB)' });
    expect(parseCompareArgs(['--messages', '1.5'])).toMatchObject({ ok: false, error: expect.stringMatching(/small messages must be a whole number/) });
    expect(parseCompareArgs(['--size', '2MiB'])).toMatchObject({ ok: false, error: expect.stringMatching(/bytes per small message must be a whole number from 1 to 1048576/) });
  });
});
