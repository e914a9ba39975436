/**
 * The WebAssembly kernels (src/protocol/wasm/): they load in Node 20, the shipped bytes are what
 * their sources assemble to, and the WebAssembly and JavaScript paths agree (fast-check) on every
 * input, key, key offset, alignment and split for masking, and on every input and split for UTF-8,
 * with invalid UTF-8 at every position, failing at the same byte.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { applyMask, applyMaskKept, FrameParser, isValidUtf8, kernelsInUse, maskCopy, maskInto, NOT_KEPT, useKernels, Utf8Validator, type Frame, type KernelName } from '../../src/protocol';
import { MASK_KERNEL_THRESHOLD } from '../../src/protocol/mask';
import { activeKernels, KERNEL_BLOCK } from '../../src/protocol/wasm/kernels';
import { UTF8_KERNEL_THRESHOLD } from '../../src/protocol/utf8';
import { assemble, KERNELS, moduleText, shipped } from '../../scripts/build-wasm';

afterEach(() => {
  useKernels('webassembly');
});

/** `work` run once with each path: [JavaScript's result, WebAssembly's]. */
function both<T>(work: () => T): [T, T] {
  useKernels('javascript');
  const js = work();
  useKernels('webassembly');
  return [js, work()];
}

describe('the kernels', () => {
  test('load in Node 20 (WebAssembly with SIMD128), and can be turned off', () => {
    expect(kernelsInUse()).toEqual({ mask: 'webassembly', utf8: 'webassembly' });
    expect(useKernels('javascript')).toEqual({ mask: 'javascript', utf8: 'javascript' });
    expect(useKernels('webassembly')).toEqual({ mask: 'webassembly', utf8: 'webassembly' });
  });

  test('share one fixed memory of two pages: long payloads through both kernels leave it as it was (never grown, never detached)', () => {
    const mask = activeKernels.mask!;
    const utf8 = activeKernels.utf8!;
    expect(utf8.memory.buffer).toBe(mask.memory.buffer);
    const buffer = mask.memory.buffer;
    expect(buffer.byteLength).toBe(2 * 65536);
    // 5 MiB of text in one masked frame, read in pieces of every size, unmasked into its own array
    // (as the server reads) and in place.
    const text = encode('aé✓🦊 '.repeat(400_000)).subarray(0, 5 << 20);
    const key = Uint8Array.of(9, 8, 7, 6);
    const frame = new Uint8Array(14 + text.length);
    frame.set([0x81, 0xff, 0, 0, 0, 0, (text.length >>> 24) & 0xff, (text.length >>> 16) & 0xff, (text.length >>> 8) & 0xff, text.length & 0xff, ...key]);
    frame.set(maskCopy(text, key), 14);
    for (const unmaskInPlace of [true, false]) {
      const parser = new FrameParser({ sender: 'client', unmaskInPlace });
      for (let at = 0, size = 1; at < frame.length; at += size, size = (size * 7) % 200_003) parser.push(frame.slice(at, at + size));
      const decoded = parser.next() as Frame;
      expect(decoded.kind).toBe('frame');
      expect(same(decoded.payload, text)).toBe(true);
    }
    expect(mask.memory.buffer).toBe(buffer);
    expect(buffer.byteLength).toBe(2 * 65536);
  });

  test.each(KERNELS.map((k) => [k.source, k] as const))('the shipped bytes of %s are what the source assembles to', async (_, kernel) => {
    const bytes = await assemble(kernel);
    expect(WebAssembly.validate(new Uint8Array(bytes))).toBe(true);
    expect(shipped(kernel)).toBe(moduleText(kernel, bytes));
  });
});

// ---- masking ----------------------------------------------------------------------------------

const keyArb = fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.constant(new Uint8Array(4)));
/** Lengths around the kernel's threshold, long ones, and ones past a kernel block. */
const maskLengthArb = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.integer({ min: MASK_KERNEL_THRESHOLD - 8, max: MASK_KERNEL_THRESHOLD + 70 }),
  fc.integer({ min: 0, max: 5000 }),
  fc.integer({ min: KERNEL_BLOCK - 5, max: KERNEL_BLOCK * 2 + 5 }),
);

function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;
const naive = (data: Uint8Array, key: Uint8Array, keyOffset: number): Uint8Array => data.map((byte, i) => byte ^ key[(keyOffset + i) % 4]!);

describe('masking: WebAssembly and JavaScript agree', () => {
  test('in place, for any data, key (all zeros too), key offset, alignment and split', () => {
    fc.assert(
      fc.property(maskLengthArb, fc.integer(), keyArb, fc.nat(1 << 20), fc.nat(15), fc.nat(), (length, seed, key, keyOffset, align, splitAt) => {
        const data = bytesOf(length, seed);
        const split = splitAt % (length + 1);
        const [js, wasm] = both(() => {
          const buffer = new Uint8Array(length + 32).fill(0xa5);
          const view = buffer.subarray(align, align + length);
          view.set(data);
          // In two pieces with running key offsets, as the decoder unmasks a payload as it arrives.
          applyMask(view.subarray(0, split), key, keyOffset);
          applyMask(view.subarray(split), key, keyOffset + split);
          return buffer;
        });
        expect(same(wasm, js)).toBe(true);
        expect(same(js.subarray(align, align + length), naive(data, key, keyOffset))).toBe(true);
        expect(js.subarray(0, align).every((b) => b === 0xa5) && js.subarray(align + length).every((b) => b === 0xa5)).toBe(true);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  test('copying (maskInto, maskCopy): the source untouched, nothing outside the target range written', () => {
    fc.assert(
      fc.property(maskLengthArb, fc.integer(), keyArb, fc.nat(1 << 20), fc.nat(15), fc.nat(15), (length, seed, key, keyOffset, sourceAlign, targetAt) => {
        const data = bytesOf(length, seed);
        const [js, wasm] = both(() => {
          const source = new Uint8Array(length + 16);
          const view = source.subarray(sourceAlign, sourceAlign + length);
          view.set(data);
          const target = new Uint8Array(length + 32).fill(0x5a);
          maskInto(view, key, keyOffset, target, targetAt);
          expect(same(view, data)).toBe(true);
          return [target, maskCopy(view, key, keyOffset)] as const;
        });
        expect(same(wasm[0], js[0]) && same(wasm[1], js[1])).toBe(true);
        const expected = naive(data, key, keyOffset);
        expect(same(js[0].subarray(targetAt, targetAt + length), expected)).toBe(true);
        expect(js[0].subarray(0, targetAt).every((b) => b === 0x5a) && js[0].subarray(targetAt + length).every((b) => b === 0x5a)).toBe(true);
        expect(same(js[1], expected)).toBe(true);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  test('an all-zero key leaves the bytes as they are', () => {
    for (const kernels of ['javascript', 'webassembly'] as KernelName[]) {
      useKernels(kernels);
      const data = bytesOf(100_000, 3);
      const before = data.slice();
      applyMask(data, new Uint8Array(4), 1);
      expect(same(data, before)).toBe(true);
    }
  });
});

// ---- UTF-8 ------------------------------------------------------------------------------------

const fatal = (): TextDecoder => new TextDecoder('utf-8', { fatal: true });
/** Can `bytes` still be the start of valid UTF-8 (the WHATWG decoder in streaming mode)? */
function prefixOk(bytes: Uint8Array): boolean {
  try {
    fatal().decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
/** Text of every width: ASCII runs (the kernel's 64-byte skip), 2-, 3- and 4-byte characters. */
const SAMPLES = ['plain ASCII text, long enough to fill a group of sixty-four bytes or more. ', 'Zoë’s café — ½ price ✓ ', '你好，世界 ', 'привет ', '🦊🎉 ', 'x'];
const textArb = fc
  .array(fc.oneof(fc.constantFrom(...SAMPLES), fc.string({ unit: 'binary', maxLength: 20 })), { minLength: 1, maxLength: 60 })
  .map((parts) => encode(parts.join('')));

type Edit = { kind: 'set' | 'insert' | 'delete'; at: number; value: number };
const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('set', 'insert', 'delete'),
  at: fc.nat(),
  value: fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0xff })),
});

/** Long, mostly valid UTF-8 with a few bytes set, inserted or deleted; or long random bytes. */
const longBytesArb = fc.oneof(
  fc.tuple(textArb, fc.array(editArb, { maxLength: 3 })).map(([text, edits]) => {
    const bytes = [...text];
    for (const { kind, at, value } of edits) {
      const i = at % (bytes.length + 1);
      if (kind === 'insert') bytes.splice(i, 0, value);
      else if (bytes.length > 0 && kind === 'set') bytes[i % bytes.length] = value;
      else if (bytes.length > 0) bytes.splice(i % bytes.length, 1);
    }
    return Uint8Array.from(bytes);
  }),
  fc.uint8Array({ minLength: UTF8_KERNEL_THRESHOLD, maxLength: 700 }),
);

interface Outcome {
  bad: number;
  complete: boolean;
  pending: number;
}

/**
 * Feed `bytes` cut at `cuts`; where it failed (index into `bytes`) or how it ended. With `key`, each
 * piece arrives masked and is unmasked first, as the decoder does, and validated where the masking
 * kernel left it (`applyMaskKept`); `kept` counts the pieces that were.
 */
function validate(bytes: Uint8Array, cuts: number[], check: ((b: Uint8Array) => boolean) | null = null, key: Uint8Array | null = null, kept = { count: 0 }): Outcome {
  const v = new Utf8Validator(check);
  let start = 0;
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const masked = key === null ? bytes : maskCopy(bytes, key);
  for (const end of [...points, bytes.length]) {
    if (end < start) continue;
    let at = NOT_KEPT;
    if (key !== null) {
      // The piece as it arrives, unmasked (the kernel leaves a copy in its memory), then checked.
      const piece = masked.slice(start, end);
      at = applyMaskKept(piece, key, start);
      expect(same(piece, bytes.subarray(start, end))).toBe(true);
      if (at !== NOT_KEPT) kept.count++;
    }
    const r = v.update(bytes, start, end, at);
    if (r !== -1) return { bad: r, complete: false, pending: 0 };
    start = end;
  }
  return { bad: -1, complete: v.complete, pending: v.pendingBytes };
}

function expectFailFast(bytes: Uint8Array, outcome: Outcome): void {
  if (outcome.bad === -1) {
    expect(prefixOk(bytes)).toBe(true);
  } else {
    expect(prefixOk(bytes.subarray(0, outcome.bad))).toBe(true);
    expect(prefixOk(bytes.subarray(0, outcome.bad + 1))).toBe(false);
  }
}

describe('UTF-8: WebAssembly and JavaScript agree', () => {
  test('on any long input, whole or cut anywhere: the same byte at fault, or the same state at the end', () => {
    fc.assert(
      fc.property(longBytesArb, fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
        const [jsWhole, wasmWhole] = both(() => validate(bytes, []));
        const [jsCut, wasmCut] = both(() => validate(bytes, cuts));
        expect(wasmWhole).toEqual(jsWhole);
        expect(wasmCut).toEqual(jsCut);
        expect(jsCut.bad).toBe(jsWhole.bad);
        expectFailFast(bytes, wasmWhole);
        const [jsValid, wasmValid] = both(() => isValidUtf8(bytes));
        expect(wasmValid).toBe(jsValid);
      }),
      { numRuns: 400 },
    );
  });

  test('invalid UTF-8 at every position of a long text: found at that byte, by both paths', () => {
    const text = encode(SAMPLES.join('').repeat(3));
    // A byte that can never appear, a stray continuation, a lead cut short by ASCII, an overlong
    // 2-byte lead, a surrogate's second byte after ED, a 4-byte lead past U+10FFFF.
    const breakers: Array<(bytes: number[], at: number) => void> = [
      (b, at) => b.splice(at, 0, 0xff),
      (b, at) => b.splice(at, 0, 0x80),
      (b, at) => b.splice(at, 0, 0xe2, 0x41),
      (b, at) => b.splice(at, 0, 0xc0, 0xaf),
      (b, at) => b.splice(at, 0, 0xed, 0xa0, 0x80),
      (b, at) => b.splice(at, 0, 0xf4, 0x90, 0x80, 0x80),
    ];
    // Inserted at each character boundary, the fault is at or right after `at`.
    const boundaries: number[] = [];
    for (let i = 0; i <= text.length; i++) if (i === text.length || (text[i]! & 0xc0) !== 0x80) boundaries.push(i);
    let checked = 0;
    for (const breaker of breakers) {
      for (const at of boundaries) {
        const bytes = [...text];
        breaker(bytes, at);
        const broken = Uint8Array.from(bytes);
        const [js, wasm] = both(() => validate(broken, []));
        expect(wasm.bad, `breaker ${breakers.indexOf(breaker)} at ${at}`).toBe(js.bad);
        expect(js.bad).toBeGreaterThanOrEqual(at);
        expect(js.bad).toBeLessThanOrEqual(at + 3);
        checked++;
      }
    }
    expect(checked).toBe(breakers.length * boundaries.length);
    // Any byte replaced at any position (not only at boundaries): the same answer as the WHATWG decoder.
    for (let at = 0; at < text.length; at += 1) {
      for (const value of [0x80, 0xbf, 0xc2, 0xe0, 0xf0, 0xf8]) {
        const broken = text.slice();
        broken[at] = value;
        const [js, wasm] = both(() => validate(broken, []));
        expect(wasm).toEqual(js);
        expectFailFast(broken, wasm);
      }
    }
  });

  test('past a kernel block (64 KiB): characters across the cut, a fault right after it', () => {
    const unit = encode('ab€🦊');
    const count = Math.ceil((3 * KERNEL_BLOCK) / unit.length);
    const whole = new Uint8Array(count * unit.length);
    for (let i = 0; i < count; i++) whole.set(unit, i * unit.length);
    const [js, wasm] = both(() => validate(whole, []));
    expect(wasm).toEqual(js);
    for (const at of [KERNEL_BLOCK - 1, KERNEL_BLOCK, KERNEL_BLOCK + 1, KERNEL_BLOCK + 2, 2 * KERNEL_BLOCK + 3]) {
      const broken = whole.slice();
      broken[at] = 0xff;
      const [jsBad, wasmBad] = both(() => validate(broken, []));
      expect(wasmBad).toEqual(jsBad);
      expect(jsBad.bad).toBe(at);
    }
  });

  test('on the bytes where the masking kernel left them (a masked text payload, piece by piece): the same answer', () => {
    // Long text, mostly valid, a few bytes changed: pieces past the masking kernel's threshold.
    const longTextArb = fc.tuple(fc.array(fc.constantFrom(...SAMPLES), { minLength: 40, maxLength: 200 }), fc.array(editArb, { maxLength: 2 })).map(([parts, edits]) => {
      const bytes = encode(parts.join(''));
      for (const { at, value } of edits) bytes[at % bytes.length] = value;
      return bytes;
    });
    const kept = { count: 0 };
    fc.assert(
      fc.property(longTextArb, fc.array(fc.nat(), { maxLength: 3 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes, cuts, key) => {
        const [js] = both(() => validate(bytes, cuts));
        // Whatever the memory held before, past the bytes: garbage there must not count.
        activeKernels.utf8?.memory.fill(0xc3);
        const [jsMasked, wasmKept] = both(() => validate(bytes, cuts, null, key, kept));
        expect(jsMasked).toEqual(js);
        expect(wasmKept).toEqual(js);
        expectFailFast(bytes, wasmKept);
      }),
      { numRuns: 300 },
    );
    // Most pieces were long enough to go through the kernels.
    expect(kept.count).toBeGreaterThan(200);
    expect(MASK_KERNEL_THRESHOLD).toBeLessThan(2000);
  });

  test('the kernel reads nothing past the end: any bytes at any offset, whatever follows them in memory', () => {
    const kernel = activeKernels.utf8!;
    fc.assert(
      fc.property(longBytesArb, fc.nat(4096), fc.constantFrom(0x00, 0x80, 0xc3, 0xe2, 0xf0, 0xff), (bytes, start, after) => {
        kernel.memory.fill(after);
        kernel.memory.set(bytes, start);
        const group = kernel.validate(start, bytes.length);
        expect(group === -1).toBe(isUtf8(bytes));
        if (group !== -1) expect(group).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 400 },
    );
  });

  test('with a lent native check (the server passes buffer.isUtf8): the same byte at fault', () => {
    fc.assert(
      fc.property(longBytesArb, fc.array(fc.nat(), { maxLength: 3 }), (bytes, cuts) => {
        const [js, wasm] = both(() => validate(bytes, cuts, (b) => isUtf8(b)));
        const [plain] = both(() => validate(bytes, cuts));
        expect(wasm).toEqual(js);
        expect(js).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });
});
