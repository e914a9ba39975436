/**
 * `npm run decode`, through its pure core (`runDecode`): arguments, input, human-readable and JSON
 * output, exit status. decode-command.test.ts runs the real command for the wiring.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  formatHuman,
  parseDecodeArgs,
  readsStdin,
  runDecode,
  USAGE,
  type DecodeOutput,
  type ReadFile,
} from '../../src/cli/decode-core';
import { decodeFrames, encodeFrame, Opcode } from '../../src/protocol';
import { toHex } from '../../src/protocol/hex';
import { FAULT_CASES } from '../protocol/fault-fixtures';
import { hex, pattern } from '../protocol/helpers';

const HELLO_MASKED = '818537fa213d7f9f4d5158';
const FRAME_KEYS = ['offset', 'fin', 'rsv1', 'rsv2', 'rsv3', 'opcode', 'masked', 'payloadLength', 'maskingKey', 'payload'];

const run = (argv: string[], stdinText?: string, readFile?: ReadFile): DecodeOutput => runDecode(argv, stdinText, readFile);

/** Run with --json and parse what it printed (which must be exactly one JSON array). */
function runJson(argv: string[], stdinText?: string): { elements: Record<string, unknown>[]; exitCode: number; stderr: string } {
  const out = runDecode(['--json', ...argv], stdinText);
  const elements = JSON.parse(out.stdout) as unknown;
  expect(Array.isArray(elements)).toBe(true);
  return { elements: elements as Record<string, unknown>[], exitCode: out.exitCode, stderr: out.stderr };
}

const ENOENT: ReadFile = (path) => {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
};

describe('arguments', () => {
  test('HEX arguments are joined with spaces', () => {
    expect(parseDecodeArgs(['81', '85', '37', 'fa'])).toEqual({
      ok: true, args: { role: 'any', json: false, help: false, input: { kind: 'hex', text: '81 85 37 fa' } },
    });
  });

  test('options, in any order and in both spellings', () => {
    expect(parseDecodeArgs(['--json', '--role', 'client', 'ff'])).toMatchObject({ ok: true, args: { role: 'client', json: true } });
    expect(parseDecodeArgs(['ff', '--role=server'])).toMatchObject({ ok: true, args: { role: 'server', input: { kind: 'hex', text: 'ff' } } });
    expect(parseDecodeArgs(['--file', 'a.bin'])).toMatchObject({ ok: true, args: { input: { kind: 'file', path: 'a.bin' } } });
    expect(parseDecodeArgs(['--file=a.bin', '--json'])).toMatchObject({ ok: true, args: { json: true, input: { kind: 'file', path: 'a.bin' } } });
    expect(parseDecodeArgs(['-'])).toMatchObject({ ok: true, args: { input: { kind: 'stdin' } } });
    expect(parseDecodeArgs([])).toMatchObject({ ok: true, args: { input: { kind: 'none' } } });
    expect(parseDecodeArgs(['-h'])).toMatchObject({ ok: true, args: { help: true } });
    expect(parseDecodeArgs(['--', '--json'])).toMatchObject({ ok: true, args: { json: false, input: { kind: 'hex', text: '--json' } } });
    // After --, a lone - is an argument like any other, not stdin.
    expect(parseDecodeArgs(['--', '-', '81'])).toMatchObject({ ok: true, args: { input: { kind: 'hex', text: '- 81' } } });
    expect(parseDecodeArgs(['-h', '--role', 'server'])).toMatchObject({ ok: true, args: { help: true, role: 'server' } });
  });

  test.each([
    [['--bogus'], 'unknown option --bogus'],
    [['-x', 'ff'], 'unknown option -x'],
    [['--role'], '--role needs a value'],
    [['--role', 'browser', 'ff'], '--role is client, server or any, not "browser"'],
    [['--file'], '--file needs a file name'],
    [['--file', 'a', '--file', 'b'], 'give --file once'],
    [['--file', 'a', 'ff'], 'give the bytes one way'],
    [['-', 'ff'], 'give the bytes one way'],
    [['--json=yes'], '--json takes no value'],
    [['--file='], '--file needs a file name'],
    [['--bogus=1', 'ff'], 'unknown option --bogus'],
    [['-hx'], 'unknown option -x'],
  ])('%j is refused: %s', (argv, message) => {
    const parsed = parseDecodeArgs(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  test('stdin is read for -, or when nothing is named and stdin is not a terminal', () => {
    expect(readsStdin(['-'], true)).toBe(true);
    expect(readsStdin(['-'], false)).toBe(true);
    expect(readsStdin([], false)).toBe(true);
    expect(readsStdin(['--json', '--role', 'client'], false)).toBe(true);
    expect(readsStdin([], true)).toBe(false);
    expect(readsStdin(['ff'], false)).toBe(false);
    expect(readsStdin(['--file', 'x'], false)).toBe(false);
    expect(readsStdin(['--help'], false)).toBe(false);
    expect(readsStdin(['--bogus'], false)).toBe(false);
  });
});

describe('usage and exit status 2', () => {
  test('--help prints the usage on stdout, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      expect(run([flag])).toEqual({ stdout: USAGE, stderr: '', exitCode: 0 });
    }
    expect(USAGE).toMatch(/--role client\|server\|any/);
    expect(USAGE).toMatch(/Exit status/);
  });

  test('an unknown option: the usage on stderr, exit 2, nothing on stdout', () => {
    const out = run(['--bogus', HELLO_MASKED]);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('decode: unknown option --bogus');
    expect(out.stderr).toContain(USAGE);
  });

  test('no input at all (stdin a terminal): usage, exit 2', () => {
    const out = run([]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain('no bytes given');
    expect(out.stderr).toContain('Usage:');
  });

  test('bad hex names the line and column, on stderr, with a caret under the spot', () => {
    const out = run(['81', '8g']);
    expect(out).toEqual({
      stdout: '',
      stderr:
        "decode: bad hex in the arguments: line 1, column 5: unexpected character 'g': hex bytes are written with the digits 0-9 and a-f\n" +
        '  81 8g\n' +
        '      ^\n',
      exitCode: 2,
    });
  });

  test('bad hex on stdin, on line 2', () => {
    const out = run(['--json'], '81 05 48\n65 6c 6c 6\n');
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^decode: bad hex in stdin: .*line 2, column 10/);
    expect(out.stderr).toContain('\n  65 6c 6c 6\n           ^\n');
  });

  test('bad hex far along a long line: the part around the spot, with the caret under it', () => {
    const text = `${'81 00 '.repeat(50)}zz ${'81 00 '.repeat(50)}`;
    const out = run([text]);
    expect(out.exitCode).toBe(2);
    const [message, shown, caret] = out.stderr.trimEnd().split('\n');
    expect(message).toMatch(/line 1, column 301/);
    expect(shown).toMatch(/^ {2}… .* …$/);
    expect(shown!.length).toBeLessThan(120);
    expect(shown![caret!.indexOf('^')]).toBe('z');
  });

  test('an odd number of digits is bad hex', () => {
    const out = run(['818']);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(/line 1, column \d+/);
  });

  test('a file that is not there: a clear message, exit 2', () => {
    expect(run(['--file', 'missing.bin'], undefined, ENOENT)).toEqual({
      stdout: '', stderr: 'decode: cannot read missing.bin: no such file\n', exitCode: 2,
    });
    const isDir: ReadFile = () => {
      throw Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR' });
    };
    expect(run(['--file', 'src'], undefined, isDir).stderr).toBe('decode: cannot read src: it is a directory\n');
  });

  test('no bytes to decode: exit 2', () => {
    expect(run(['-'], '').stderr).toBe('decode: no bytes to decode (stdin held no hex digits)\n');
    expect(run([], '  \n').exitCode).toBe(2);
    expect(run(['// nothing']).stderr).toContain('the arguments hold no hex digits');
    expect(run(['--file', 'empty'], undefined, () => new Uint8Array(0))).toMatchObject({
      exitCode: 2, stderr: 'decode: no bytes to decode (the file is empty)\n',
    });
  });
});

describe('human-readable output', () => {
  test('the issue\'s example: one final, masked text frame, key 37fa213d, payload "Hello"', () => {
    const out = run([HELLO_MASKED]);
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toBe('');
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe('frame 1 at byte 0: text, final, masked, 5-byte payload');
    const rows = lines.slice(1, 10).map((line) => line.split(/\s{2,}/).filter(Boolean));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['FIN', '1', '1'],
      ['RSV1', '0', '0'],
      ['RSV2', '0', '0'],
      ['RSV3', '0', '0'],
      ['Opcode', '0001', '0x1 text'],
      ['MASK', '1', '1'],
      ['Payload length', '0000101', '5'],
      ['Masking key', '00110111 11111010 00100001 00111101', '37 fa 21 3d'],
      ['Payload', '5 bytes: "Hello"', 'Application data: UTF-8 text. Shown unmasked (masked bytes XOR key).'],
    ]);
    expect(rows[0]![3]).toBe('This is the final fragment of its message (or the only one).');
    expect(lines.slice(10)).toEqual(['']);
    // Columns line up: every value starts at the same place.
    const column = lines[5]!.indexOf('0x1 text');
    const values = ['1', '0', '0', '0', '0x1 text', '1', '5', '37 fa 21 3d', '5 bytes: "Hello"'];
    lines.slice(1, 10).forEach((line, i) => expect(line.slice(column).startsWith(`${values[i]} `)).toBe(true));
    expect(lines[1]!.slice(0, column)).toBe(`  FIN${' '.repeat(13)}1${' '.repeat(column - 19)}`);
  });

  test('no colour unless asked; with colour, ANSI sequences that strip back to the same text', () => {
    const plainOut = runDecode([HELLO_MASKED], undefined, undefined, { color: false }).stdout;
    expect(plainOut).not.toContain('\x1b[');
    const coloured = runDecode([HELLO_MASKED], undefined, undefined, { color: true }).stdout;
    expect(coloured).toContain('\x1b[1mframe 1 at byte 0');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(plainOut);
    const faultOut = runDecode(['--role', 'client', '8100'], undefined, undefined, { color: true }).stdout;
    expect(faultOut).toContain('\x1b[31mfault at byte 1');
  });

  test('a fault: the frame as far as it goes, the field marked, then the fault line', () => {
    const out = run(['--role', 'client', '81 05 48 65 6c 6c 6f']);
    expect(out.exitCode).toBe(1);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('frame 1 at byte 0: text, final, unmasked, 5-byte payload (refused: see the fault below)');
    expect(lines.find((l) => l.startsWith('  MASK'))).toMatch(/◀ fault$/);
    expect(lines.filter((l) => l.includes('◀ fault'))).toHaveLength(1);
    expect(lines.at(-1)).toBe(
      'fault at byte 1 (frame at byte 0): 1002 Protocol Error \u2014 The frame is not masked (MASK=0), but a client must mask every frame it sends to a server (RFC 6455 §5.1).',
    );
  });

  test('frames before a fault are shown, numbered, and the fault names its frame', () => {
    // A good unmasked text frame, then a close frame with code 1005 (never sent on the wire).
    const out = run(['81 02 68 69 88 02 03 ed']);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toMatch(/^frame 1 at byte 0: text, final, unmasked, 2-byte payload\n/);
    expect(out.stdout).toContain('\n\nframe 2 at byte 4: close, final, unmasked, 2-byte payload (refused: see the fault below)\n');
    expect(out.stdout).toMatch(/Payload +2 bytes: code 1005 \(No Status Received\) .*◀ fault\n/);
    expect(out.stdout).toMatch(/\n\nfault at byte 6 \(frame at byte 4\): 1002 Protocol Error — The close frame carries status code 1005 \(No Status Received\), .*\(RFC 6455 §7\.4\)\.\n$/);
  });

  test('a 64-bit length with the most significant bit set', () => {
    const out = run(['82 7f 80 00 00 00 00 00 00 00']);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('Extended payload length  10000000 00000000 00000000 00000000');
    expect(out.stdout).toMatch(/\n {27}00000000 00000000 00000000 00000000\n/);
    expect(out.stdout).toContain('9,223,372,036,854,775,808-byte payload');
    expect(out.stdout).toMatch(/The most significant bit must be 0.*◀ fault/);
    expect(out.stdout).toContain('fault at byte 2 (frame at byte 0): 1002 Protocol Error');
  });

  test('incomplete: what arrived, what is missing, how many more bytes', () => {
    const out = run(['81 85 37 fa']);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('frame 1 at byte 0: text, final, masked, 5-byte payload (incomplete: 4 bytes so far)\n');
    expect(out.stdout).toMatch(/ {2}Masking key +not received +The 4-byte masking key needs 2 more bytes\.\n/);
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('incomplete: the frame at byte 0 needs 7 more bytes (the bytes end at byte 4)');
  });

  test('incomplete before the length is known: "at least"', () => {
    const out = run(['81 02 68 69 81']);
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('frame 2 at byte 4: text, final (incomplete: 1 byte so far)');
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('incomplete: the frame at byte 4 needs at least 1 more byte (the bytes end at byte 5)');
  });

  test('several frames: the messages they add up to', () => {
    // RFC 6455 §5.7: "Hel" + "lo" in two fragments, with a ping between them, then a close.
    const out = run(['01 03 48 65 6c 89 02 68 69 80 02 6c 6f 88 05 03 e8 62 79 65']);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('frame 3 at byte 9: continuation, final, unmasked, 2-byte payload\n');
    expect(out.stdout).toMatch(/\n\nmessages:\n {2}ping: 2 bytes: "hi"\n {2}text message from 2 frames: 5 bytes: "Hello"\n {2}close: 1000 Normal Closure, reason "bye"\n$/);
  });

  test('the bytes end inside a fragmented message: decoded, exit 0, and said', () => {
    const out = run(['01 03 48 65 6c 00 01 6c']);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/messages:\n {2}unfinished text message: 2 fragments \(4 bytes\) so far, and no final fragment\n$/);
  });

  test('a 256-byte binary payload is summarised, not dumped', () => {
    const bytes = encodeFrame({ opcode: Opcode.Binary, payload: pattern(256) });
    const out = run([toHex(bytes)]);
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('frame 1 at byte 0: binary, final, unmasked, 256-byte payload');
    expect(out.stdout).toMatch(/Extended payload length +00000001 00000000 +256 +The payload is 256 bytes long\./);
    expect(out.stdout).toMatch(/Payload +256 bytes: ([0-9a-f]{2} ){24}…/);
  });

  test('formatHuman ends with one newline and separates frames with a blank line', () => {
    const bytes = hex('81 00 82 00');
    const text = formatHuman(bytes, decodeFrames(bytes), { color: false });
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('\n\n')).toHaveLength(3); // two frames and the messages
  });
});

describe('--json', () => {
  test('the issue\'s example: exactly one array, one frame, the keys in order', () => {
    const { elements, exitCode, stderr } = runJson([HELLO_MASKED]);
    expect(exitCode).toBe(0);
    expect(stderr).toBe('');
    expect(elements).toHaveLength(1);
    expect(Object.keys(elements[0]!)).toEqual(FRAME_KEYS);
    expect(elements[0]).toEqual({
      offset: 0, fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, masked: true,
      payloadLength: 5, maskingKey: '37fa213d', payload: '48656c6c6f',
    });
  });

  test('every RFC 6455 §5.7 example', () => {
    const cases: [string, Partial<Record<string, unknown>>[]][] = [
      ['81 05 48 65 6c 6c 6f', [{ opcode: 1, masked: false, maskingKey: null, payload: '48656c6c6f' }]],
      ['01 03 48 65 6c 80 02 6c 6f', [{ offset: 0, fin: false, opcode: 1, payload: '48656c' }, { offset: 5, fin: true, opcode: 0, payload: '6c6f' }]],
      ['89 05 48 65 6c 6c 6f', [{ opcode: 9, payload: '48656c6c6f' }]],
      ['8a 85 37 fa 21 3d 7f 9f 4d 51 58', [{ opcode: 10, masked: true, maskingKey: '37fa213d', payload: '48656c6c6f' }]],
    ];
    for (const [input, expected] of cases) {
      const { elements, exitCode } = runJson([input]);
      expect(exitCode).toBe(0);
      expect(elements).toMatchObject(expected);
      for (const e of elements) expect(Object.keys(e)).toEqual(FRAME_KEYS);
    }
    const payload256 = pattern(256, 256);
    const big = runJson([toHex(encodeFrame({ opcode: Opcode.Binary, payload: payload256 }))]);
    expect(big.elements).toEqual([expect.objectContaining({ opcode: 2, payloadLength: 256, payload: toHex(payload256) })]);
    const payload64k = pattern(65536, 65536);
    const huge = runJson([toHex(encodeFrame({ opcode: Opcode.Binary, payload: payload64k }))]);
    expect(huge.elements).toEqual([expect.objectContaining({ opcode: 2, payloadLength: 65536, payload: toHex(payload64k) })]);
  });

  test('a fault is the last element, after the frames before it', () => {
    const { elements, exitCode } = runJson(['--role', 'server', '81 02 68 69 81 80 00 00 00 00']);
    expect(exitCode).toBe(1);
    expect(elements).toHaveLength(2);
    expect(elements[0]).toMatchObject({ offset: 0, payload: '6869' });
    expect(elements[1]).toEqual({
      fault: {
        rule: 'mask-forbidden', code: 1002, offset: 5, length: 1, rfc: '5.1', detail: {},
        message: 'The frame is masked (MASK=1), but a server must not mask the frames it sends to a client (RFC 6455 §5.1).',
      },
    });
    expect(Object.keys(elements[1]!.fault as object)).toEqual(['rule', 'code', 'offset', 'length', 'rfc', 'detail', 'message']);
  });

  test('faults with other close codes: 1007 for bad UTF-8', () => {
    const { elements, exitCode } = runJson(['81 02 c3 28']);
    expect(exitCode).toBe(1);
    expect(elements).toEqual([{
      fault: {
        rule: 'invalid-utf8', code: 1007, offset: 3, length: 1, rfc: '8.1', detail: { in: 'text', byte: 0x28, payloadOffset: 1 },
        message: expect.stringContaining('UTF-8'),
      },
    }]);
  });

  test('an incomplete frame is the last element', () => {
    expect(runJson(['81 85 37 fa'])).toEqual({ elements: [{ incomplete: { offset: 0, needed: 7 } }], exitCode: 1, stderr: '' });
    expect(runJson(['81 00 81']).elements).toEqual([expect.objectContaining({ offset: 0 }), { incomplete: { offset: 2, needed: 1 } }]);
    expect(runJson(['81 7e 01']).elements).toEqual([{ incomplete: { offset: 0, needed: 1 } }]);
    expect(runJson(['81 7e 01 00 61']).elements).toEqual([{ incomplete: { offset: 0, needed: 255 } }]);
  });

  test('--role client: masked frames pass, unmasked ones are a fault', () => {
    expect(runJson(['--role', 'client', HELLO_MASKED]).exitCode).toBe(0);
    expect(runJson(['--role=client', '81 00']).elements).toEqual([{ fault: expect.objectContaining({ code: 1002, offset: 1 }) }]);
    expect(runJson(['--role', 'any', '81 00']).exitCode).toBe(0);
  });

  test('hex in other notations: 0x lists, \\x escapes, an xxd dump on stdin', () => {
    const expected = runJson([HELLO_MASKED]).elements;
    expect(runJson(['0x81,', '0x85,', '0x37,', '0xfa,', '0x21,', '0x3d,', '0x7f,', '0x9f,', '0x4d,', '0x51,', '0x58']).elements).toEqual(expected);
    expect(runJson(['\\x81\\x85\\x37\\xfa\\x21\\x3d\\x7f\\x9f\\x4d\\x51\\x58']).elements).toEqual(expected);
    expect(runJson(['-'], '00000000: 8185 37fa 213d 7f9f 4d51 58    ..7.!=..MQX\n').elements).toEqual(expected);
    expect(runJson([], 'unsigned char f[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };').elements).toEqual(expected);
  });

  test('a dump whose offsets do not follow on: decoded, with a warning on stderr', () => {
    const { elements, exitCode, stderr } = runJson(['-'], '00000000: 8105 4865 6c6c 6f  ..Hello\n00000010: 8100  ..\n');
    expect(exitCode).toBe(0);
    expect(elements).toHaveLength(2);
    expect(stderr).toMatch(/^decode: warning: stdin: line 2, column 1: the offset 00000010 should be 00000007 after the line above/);
  });

  test('--file reads raw bytes, not hex', () => {
    const readFile: ReadFile = (path) => {
      expect(path).toBe('frame.bin');
      return hex(HELLO_MASKED);
    };
    const out = runDecode(['--json', '--file', 'frame.bin'], undefined, readFile);
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([expect.objectContaining({ maskingKey: '37fa213d', payload: '48656c6c6f' })]);
  });

  test('any bytes: one JSON array, frames then at most one fault or incomplete, exit 0 or 1, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 48 }), fc.constantFrom('client', 'server', 'any'), (bytes, role) => {
        const out = runDecode(['--json', '--role', role, toHex(bytes, ' ')]);
        expect(out.stderr).toBe('');
        const elements = JSON.parse(out.stdout) as Record<string, unknown>[];
        const result = decodeFrames(bytes, { sender: role });
        const tail = result.fault !== null || result.incomplete !== null ? 1 : 0;
        expect(out.exitCode).toBe(tail);
        expect(elements).toHaveLength(result.frames.length + tail);
        for (const e of elements.slice(0, result.frames.length)) expect(Object.keys(e)).toEqual(FRAME_KEYS);
        if (result.fault) {
          const { rule, closeCode: code, offset, length, rfc, detail, message } = result.fault;
          expect(elements.at(-1)).toEqual({ fault: { rule, code, offset, length, rfc, detail, message } });
        }
        if (result.incomplete) {
          const last = elements.at(-1) as { incomplete: { offset: number; needed: number } };
          expect(last.incomplete.offset).toBe(result.incomplete.offset);
          expect(last.incomplete.needed).toBeGreaterThanOrEqual(result.incomplete.needed);
        }
        // The human-readable form never throws either, and agrees on the exit status.
        expect(runDecode(['--role', role, toHex(bytes)]).exitCode).toBe(tail);
      }),
      { numRuns: 500 },
    );
  });
});

describe('every fault of the shared fixtures (tests/protocol/fault-fixtures.ts)', () => {
  const roleOf = (sender: string | undefined): string => sender ?? 'any';
  test.each(FAULT_CASES.filter((c) => c.options === undefined || Object.keys(c.options).every((k) => k === 'sender')).map((c) => [c.name, c] as const))(
    '%s',
    (_name, c) => {
      const argv = ['--role', roleOf(c.options?.sender), toHex(c.bytes, ' ')];
      const { elements, exitCode } = runJson(argv);
      expect(exitCode).toBe(1);
      expect(elements).toHaveLength((c.framesBefore ?? 0) + 1);
      expect(elements.at(-1)).toEqual({
        fault: expect.objectContaining({ rule: c.fault.rule, code: c.fault.closeCode, offset: c.fault.offset, length: c.fault.length, rfc: c.rfc }),
      });
      const human = run(argv);
      expect(human.exitCode).toBe(1);
      const lines = human.stdout.trimEnd().split('\n');
      const faultLines = lines.filter((l) => l.startsWith('fault at byte'));
      expect(faultLines).toHaveLength(1);
      expect(faultLines[0]).toMatch(new RegExp(`^fault at byte ${c.fault.offset} \\(frame at byte \\d+\\): ${c.fault.closeCode} `));
      expect(faultLines[0]).toContain(`(RFC 6455 §${c.rfc}).`);
      expect(lines.filter((l) => l.endsWith('\u25c0 fault')).length).toBeGreaterThan(0);
    },
  );
});
