/**
 * `npm run decode -- --capture FILE [--json]`: the JSON object the issue specifies (exactly those
 * keys), the human-readable listing, and the exit statuses: 0 read whole, 1 cut short or bytes
 * missing, 2 bad usage or not a capture. Most cases through runDecode (pure); a few spawned for
 * real, one through npm from another folder (a relative file name is the user's).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { CAPTURE_USAGE, parseCaptureArgs, readsStdin, runDecode, USAGE } from '../../src/cli/decode-core';
import { serializeCapture } from '../../src/capture';
import { Opcode } from '../../src/protocol';
import { captureArb } from '../capture/arbitrary';
import { conversation, masked, pcapFile, records, upgradeRequest, upgradeResponse } from '../capture/build';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'captures');
const dir = mkdtempSync(path.join(tmpdir(), 'framescope-capture-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (file: string): Uint8Array => new Uint8Array(readFileSync(path.isAbsolute(file) ? file : path.join(FIXTURES, file)));
const run = (...argv: string[]): ReturnType<typeof runDecode> => runDecode(argv, undefined, read);

describe('--json: exactly the object the issue specifies', () => {
  test('a real loopback capture: format, linkType, packets, connections with handshake, frames, messages; nonWebSocketStreams', () => {
    const out = run('--capture', 'echo-lo.pcapng', '--json');
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toBe('');
    const json = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['format', 'linkType', 'packets', 'connections', 'nonWebSocketStreams']);
    expect(json).toMatchObject({ format: 'pcapng', linkType: 'ethernet', packets: 26, nonWebSocketStreams: 0 });
    const [conn] = json.connections as Record<string, unknown>[];
    expect(Object.keys(conn!)).toEqual(['client', 'server', 'handshake', 'frames', 'messages']);
    expect(conn!.client).toMatch(/^127\.0\.0\.1:\d+$/);
    const handshake = conn!.handshake as Record<string, unknown>;
    expect(Object.keys(handshake)).toEqual(['request', 'status', 'secWebSocketKey', 'secWebSocketAccept']);
    expect(handshake).toMatchObject({ status: 101, secWebSocketKey: 'dGhlIHNhbXBsZSBub25jZQ==', secWebSocketAccept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' });
    expect(handshake.request).toMatch(/^GET \/echo HTTP\/1\.1\r\n/);
    const frames = conn!.frames as Record<string, unknown>[];
    for (const f of frames) expect(Object.keys(f)).toEqual(['dir', 'fin', 'rsv1', 'rsv2', 'rsv3', 'opcode', 'masked', 'payloadLength', 'maskingKey', 'payload']);
    expect(frames[0]).toEqual({ dir: 'c2s', fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, masked: true, payloadLength: 5, maskingKey: '11223444', payload: '48656c6c6f' });
    expect(frames[1]).toMatchObject({ dir: 's2c', masked: false, maskingKey: null, payload: '48656c6c6f' });
    const messages = conn!.messages as Record<string, unknown>[];
    expect(messages[0]).toEqual({ dir: 'c2s', opcode: 1, text: 'Hello', payload: '48656c6c6f' });
    // A binary message has no text; the fragmented one is joined.
    expect(messages.find((m) => m.opcode === 2)).not.toHaveProperty('text');
    expect(messages.filter((m) => m.text === 'fragment')).toHaveLength(2);
  });

  test('IPv6 addresses in brackets; permessage-deflate messages inflated, frames still compressed', () => {
    const v6 = JSON.parse(run('--capture', 'echo-ipv6.pcapng', '--json').stdout) as { connections: { client: string; server: string }[] };
    expect(v6.connections[0]!.client).toMatch(/^\[::1\]:\d+$/);
    expect(v6.connections[0]!.server).toMatch(/^\[::1\]:\d+$/);
    const out = run('--capture', 'deflate-chromium.pcapng', '--json');
    expect(out.exitCode).toBe(0);
    const json = JSON.parse(out.stdout) as { connections: { frames: { rsv1: boolean; opcode: number }[]; messages: { dir: string; opcode: number; text?: string }[] }[] };
    const conn = json.connections[0]!;
    expect(conn.frames.filter((f) => f.opcode === 1).every((f) => f.rsv1)).toBe(true);
    expect(conn.messages.filter((m) => m.opcode === 1).map((m) => m.text)).toContain('{"json":true,"n":42}');
  });

  test('a file cut mid-record: exit 1, error "truncated" at the record\'s byte, what came before still shown', () => {
    const whole = read('echo-lo.pcapng');
    const file = path.join(dir, 'cut.pcapng');
    writeFileSync(file, whole.subarray(0, whole.length - 30));
    const out = run('--capture', file, '--json');
    expect(out.exitCode).toBe(1);
    const json = JSON.parse(out.stdout) as { error: { code: string; atByte: number; message: string }; connections: { frames: unknown[] }[] };
    expect(json.error.code).toBe('truncated');
    expect(json.error.atByte).toBeGreaterThan(whole.length - 200);
    expect(json.error.message).toMatch(/ends inside block/);
    expect(json.connections[0]!.frames.length).toBeGreaterThan(10);
    expect(out.stderr).toMatch(/truncated|ends inside/);
  });

  test('packets cut by the snapshot length: exit 1, error "payload-missing", the missing bytes not made up', () => {
    const segs = conversation([
      { from: 'client', bytes: upgradeRequest(8080) },
      { from: 'server', bytes: upgradeResponse() },
      { from: 'client', bytes: masked({ opcode: Opcode.Binary, payload: new Uint8Array(1000).fill(1) }) },
    ]);
    const recs = records(segs).map((r, i) => (i === 5 ? { ...r, data: r.data.subarray(0, 96), orig: r.data.length } : r));
    const file = path.join(dir, 'snaplen.pcap');
    writeFileSync(file, pcapFile({ linkType: 1, snaplen: 96 }, recs));
    const out = run('--capture', file, '--json');
    expect(out.exitCode).toBe(1);
    const json = JSON.parse(out.stdout) as { error: { code: string; atByte: number }; connections: { frames: unknown[] }[] };
    expect(json.error).toMatchObject({ code: 'payload-missing' });
    expect(json.error.atByte).toBeGreaterThan(0);
    expect(json.connections[0]!.frames).toEqual([]);
  });

  test('our own JSON capture reads too (format "json")', () => {
    const capture = fc.sample(captureArb, { numRuns: 1, seed: 3 })[0]!;
    const file = path.join(dir, 'lesson.json');
    writeFileSync(file, serializeCapture(capture));
    const json = JSON.parse(run('--capture', file, '--json').stdout) as { format: string; linkType: null; connections: unknown[] };
    expect(json).toMatchObject({ format: 'json', linkType: null });
    expect(json.connections).toHaveLength(capture.connections.length);
  });
});

describe('exit 2: bad usage, unreadable file, not a capture', () => {
  test('not a capture: exit 2, said on stderr; --json still prints the object with the error', () => {
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'these are my notes');
    const human = run('--capture', file);
    expect(human.exitCode).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/not a capture file this reader knows/);
    const json = run('--capture', file, '--json');
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ format: null, packets: 0, connections: [], error: { code: 'unrecognized', atByte: 0 } });
  });

  test('no such file, no file name, options that do not go with --capture', () => {
    expect(run('--capture', path.join(dir, 'nope.pcapng'))).toMatchObject({ exitCode: 2, stdout: '', stderr: expect.stringMatching(/cannot read .*nope\.pcapng: no such file/) });
    expect(run('--capture')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/--capture needs a file name/) });
    expect(run('--capture', 'a', '--role', 'client')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/--role does not go with --capture/) });
    expect(run('--capture', 'a', 'b')).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/one argument too many/) });
    expect(run('--capture', '--help')).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^Usage: npm run --silent decode -- --capture FILE/) });
  });
});

describe('the command line (args.ts, node:util parseArgs)', () => {
  test('--capture F and --capture=F, with --json and --help in any order', () => {
    expect(parseCaptureArgs(['--capture', 'a.pcapng'])).toEqual({ ok: true, args: { file: 'a.pcapng', json: false, help: false } });
    expect(parseCaptureArgs(['--json', '--capture=a.pcap'])).toEqual({ ok: true, args: { file: 'a.pcap', json: true, help: false } });
    expect(parseCaptureArgs(['--capture', 'a', '-h'])).toMatchObject({ ok: true, args: { help: true } });
    // parseArgs gives a string option the next argument whatever it is: --capture --help is the capture's help.
    expect(parseCaptureArgs(['--capture', '--help'])).toEqual({ ok: true, args: { file: null, json: false, help: true } });
  });

  test('not a capture command: no --capture, or --capture only after -- (where it is hex) or as another option\'s value', () => {
    expect(parseCaptureArgs(['81', '00'])).toBeNull();
    expect(parseCaptureArgs(['--', '--capture', 'x'])).toBeNull();
    expect(parseCaptureArgs(['--file', '--capture'])).toBeNull();
  });

  test.each([
    [['--capture'], '--capture needs a file name'],
    [['--capture='], '--capture needs a file name'],
    [['--capture', 'a', '--capture', 'b'], 'give --capture once'],
    [['--capture', 'a', '--role=client'], '--role does not go with --capture (only --json does)'],
    [['--capture', 'a', '--file', 'b'], '--file does not go with --capture'],
    [['--capture', 'a', '--bogus'], '--bogus does not go with --capture'],
    [['--capture', 'a', '--json=yes'], '--json takes no value'],
    [['--capture', 'a', '-'], '- (stdin) does not go with --capture'],
    [['--capture', 'a', 'b'], '"b" is one argument too many'],
  ])('%j is refused: %s', (argv, message) => {
    const parsed = parseCaptureArgs(argv);
    expect(parsed?.ok).toBe(false);
    if (parsed && !parsed.ok) expect(parsed.error).toContain(message);
    // Through the command: exit 2, the message, then the capture's usage (not the frame command's).
    const out = runDecode(argv, undefined, read);
    expect(out).toMatchObject({ exitCode: 2, stdout: '' });
    expect(out.stderr).toBe(`decode: ${(parsed as { error: string }).error}\n\n${CAPTURE_USAGE}`);
  });

  test('a capture never reads stdin; the frame command\'s usage names --capture', () => {
    expect(readsStdin(['--capture', 'a.pcapng'], false)).toBe(false);
    expect(readsStdin(['--capture'], false)).toBe(false);
    expect(USAGE).toContain('npm run --silent decode -- --capture FILE [--json]');
    expect(runDecode(['--capture', '-h'])).toEqual({ stdout: CAPTURE_USAGE, stderr: '', exitCode: 0 });
  });
});

describe('human-readable output', () => {
  test('a summary, the handshake, every frame with its time and direction, the messages, how each direction ended', () => {
    const out = run('--capture', 'echo-any-sll2.pcapng');
    expect(out.exitCode).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^echo-any-sll2\.pcapng: pcapng \(linux_sll2\), 26 packets, 1 WebSocket connection, 0 other TCP streams$/);
    expect(out.stdout).toMatch(/connection 1: 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ {2}GET \/echo → 101 Switching Protocols/);
    expect(out.stdout).toMatch(/Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo= \(matches the key/);
    expect(out.stdout).toMatch(/\+\d+\.\d{3} ms {2}c2s → {2}text, final, masked \(key 11223444\): 5 bytes: "Hello"/);
    expect(out.stdout).toMatch(/c2s → {2}close, final, masked \(key [0-9a-f]{8}\): 5 bytes: code 1000 \(Normal Closure\), reason "bye"/);
    expect(out.stdout).toMatch(/s2c ← {2}close, final, unmasked: 2 bytes: code 1000 \(Normal Closure\)/);
    expect(out.stdout).toMatch(/c2s → {2}text message from 2 frames: 8 bytes: "fragment"/);
    expect(out.stdout).toMatch(/client→server: [\d,]+ bytes after the handshake, ended with FIN/);
  });
});

describe('the real command', { timeout: 60_000 }, () => {
  test('npm run --silent decode -- --capture NAME, NAME relative to where it was run', () => {
    const out = spawnSync('npm', ['run', '--silent', 'decode', '--', '--capture', 'echo-lo.pcap', '--json'], { cwd: FIXTURES, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ format: 'pcap', linkType: 'ethernet', packets: 26 });
  });

  test('exit statuses from the process: 1 for a cut file, 2 for a missing one', () => {
    const whole = read('echo-lo.pcap');
    const file = path.join(dir, 'cut.pcap');
    writeFileSync(file, whole.subarray(0, whole.length - 5));
    const cut = spawnSync('npx', ['tsx', 'src/cli/decode.ts', '--capture', file], { cwd: ROOT, encoding: 'utf8' });
    expect(cut.status).toBe(1);
    expect(cut.stdout).toMatch(/truncated at byte \d+: the file ends inside packet record 26/);
    const missing = spawnSync('npx', ['tsx', 'src/cli/decode.ts', '--capture', path.join(dir, 'missing.pcap')], { cwd: ROOT, encoding: 'utf8' });
    expect(missing.status).toBe(2);
  });
});
