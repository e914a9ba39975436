/**
 * The real command, spawned: arguments, stdin through a pipe, --file, exit statuses, and a reader
 * that goes away early (`| head -1`). decode.test.ts covers the output itself through runDecode.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'framescope-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npx tsx src/cli/decode.ts ...args`, with `input` piped to stdin (stdin is never a terminal here). */
function decode(args: string[], input = ''): SpawnSyncReturns<string> {
  const env = { ...process.env };
  delete env.NO_COLOR;
  return spawnSync('npx', ['tsx', 'src/cli/decode.ts', ...args], { cwd: ROOT, input, encoding: 'utf8', env, timeout: TIMEOUT });
}

describe('npm run decode, for real', { timeout: TIMEOUT }, () => {
  test('hex as several arguments: the issue\'s example, no colour into a pipe', () => {
    const out = decode(['81', '85', '37', 'fa', '21', '3d', '7f', '9f', '4d', '51', '58']);
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout.split('\n')[0]).toBe('frame 1 at byte 0: text, final, masked, 5-byte payload');
    expect(out.stdout).toMatch(/Masking key +00110111 11111010 00100001 00111101 +37 fa 21 3d/);
    expect(out.stdout).toMatch(/Payload +5 bytes: "Hello"/);
    expect(out.stdout).not.toContain('\x1b[');
  });

  test('hex on stdin, with no HEX argument: --json prints one array', () => {
    const out = decode(['--json'], '81 85 37 fa 21 3d\n7f 9f 4d 51 58\n');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([
      {
        offset: 0, fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, masked: true,
        payloadLength: 5, maskingKey: '37fa213d', payload: '48656c6c6f',
      },
    ]);
  });

  test('- reads stdin; a fault is exit 1', () => {
    const out = decode(['--role', 'client', '-'], '0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f');
    expect(out.status).toBe(1);
    expect(out.stdout).toContain('fault at byte 1 (frame at byte 0): 1002 Protocol Error');
  });

  test('--file reads raw bytes; an incomplete frame is exit 1', () => {
    const file = join(dir, 'frames.bin');
    writeFileSync(file, Uint8Array.from([0x82, 0x02, 0x00, 0xff, 0x81, 0x85, 0x37]));
    const out = decode(['--json', '--file', file]);
    expect(out.status).toBe(1);
    expect(JSON.parse(out.stdout)).toEqual([
      expect.objectContaining({ offset: 0, opcode: 2, payload: '00ff' }),
      { incomplete: { offset: 4, needed: 8 } },
    ]);
  });

  test('exit 2: a missing file, bad hex, an unknown option', () => {
    const missing = decode(['--file', join(dir, 'nope.bin')]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(`decode: cannot read ${join(dir, 'nope.bin')}: no such file\n`);

    const bad = decode(['81', '0g']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/line 1, column 5/);

    const unknown = decode(['--verbose', '8100']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^decode: unknown option --verbose\n\nUsage: /);
  });

  test('--help: usage on stdout, exit 0', () => {
    const out = decode(['--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Usage: npm run --silent decode -- /);
  });

  test('a reader that goes away early (| head -1): no stack trace', () => {
    const file = join(dir, 'many.hex');
    writeFileSync(file, '81 05 48 65 6c 6c 6f\n'.repeat(20_000));
    const out = spawnSync(
      'bash',
      ['-c', 'npx tsx src/cli/decode.ts - < "$1" | head -1; echo "status ${PIPESTATUS[0]}"', 'bash', file],
      { cwd: ROOT, encoding: 'utf8', timeout: TIMEOUT },
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('frame 1 at byte 0: text, final, unmasked, 5-byte payload\nstatus 0\n');
  });

  test('npm run --silent decode -- runs the same command', () => {
    const out = spawnSync('npm', ['run', '--silent', 'decode', '--', '--json', '818537fa213d7f9f4d5158'], {
      cwd: ROOT, encoding: 'utf8', timeout: TIMEOUT,
    });
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([expect.objectContaining({ maskingKey: '37fa213d', payload: '48656c6c6f' })]);
  });
});
