/**
 * The codec's WebAssembly kernels: masking (mask.wat) and UTF-8 validation (utf8.wat), SIMD128,
 * instantiated synchronously from the bytes shipped as TypeScript modules (no fetch: the page and
 * the server load them the same way). Chosen once, when this module loads: where WebAssembly or
 * its SIMD is missing (`WebAssembly.validate` refuses the bytes), or compiling is not allowed (a
 * Content-Security-Policy without 'wasm-unsafe-eval'), each kernel is null and the codec runs its
 * JavaScript paths, which stay, unchanged, for every size below the kernels' thresholds too.
 *
 * A kernel works only on its own memory: the callers in mask.ts and utf8.ts copy bytes in (and,
 * for masking, back out) in blocks of at most `KERNEL_BLOCK` bytes.
 */
import { base64Decode } from '../handshake/base64.ts';
import { MASK_WASM } from './mask-bytes.ts';
import { UTF8_WASM } from './utf8-bytes.ts';

/** The largest block a kernel is given at once (its memory holds this much and some padding). */
export const KERNEL_BLOCK = 64 * 1024;

export interface MaskKernel {
  /** The kernel's memory (fixed size: it never grows, so this view stays valid). */
  readonly memory: Uint8Array;
  /** XOR memory [at, at + length) with `key`: the 4 key bytes little-endian, rotated to the phase of byte `at`. */
  mask(at: number, length: number, key: number): void;
}

export interface Utf8Kernel {
  readonly memory: Uint8Array;
  /**
   * Is memory [0, length) whole, well-formed UTF-8? It must be followed by zeros up to the next
   * multiple of 16 and 16 more. -1 if so, else the offset of the group where the first error shows.
   */
  validate(length: number): number;
}

export type KernelName = 'webassembly' | 'javascript';

function instantiate(base64: string): WebAssembly.Exports | null {
  if (typeof WebAssembly !== 'object' || WebAssembly === null) return null;
  try {
    const decoded = base64Decode(base64);
    if (decoded === null) return null;
    const bytes = new Uint8Array(decoded); // over a plain ArrayBuffer, as WebAssembly's types ask
    // Refused where SIMD128 (or WebAssembly itself) is not supported.
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
  } catch {
    // Compiling is not allowed here (a CSP without 'wasm-unsafe-eval'): the JavaScript paths run.
    return null;
  }
}

function maskKernel(): MaskKernel | null {
  const exports = instantiate(MASK_WASM);
  if (exports === null) return null;
  const memory = exports.memory as WebAssembly.Memory;
  return { memory: new Uint8Array(memory.buffer), mask: exports.mask as MaskKernel['mask'] };
}

function utf8Kernel(): Utf8Kernel | null {
  const exports = instantiate(UTF8_WASM);
  if (exports === null) return null;
  const memory = exports.memory as WebAssembly.Memory;
  return { memory: new Uint8Array(memory.buffer), validate: exports.validate as Utf8Kernel['validate'] };
}

const MASK_KERNEL = maskKernel();
const UTF8_KERNEL = utf8Kernel();

/** The kernels in use: each null where its JavaScript path runs. Read on every long call, set once here (or by `useKernels`). */
export const activeKernels: { mask: MaskKernel | null; utf8: Utf8Kernel | null } = { mask: MASK_KERNEL, utf8: UTF8_KERNEL };

/** Which path each kernel takes on long data in this runtime: 'webassembly' where it loaded, else 'javascript'. */
export function kernelsInUse(): { mask: KernelName; utf8: KernelName } {
  return {
    mask: activeKernels.mask === null ? 'javascript' : 'webassembly',
    utf8: activeKernels.utf8 === null ? 'javascript' : 'webassembly',
  };
}

/**
 * Run the JavaScript paths alone ('javascript'), or the WebAssembly kernels where they loaded
 * ('webassembly', the default). For tests that compare the two, and for benchmarks; returns what
 * is in use afterwards.
 */
export function useKernels(name: KernelName): { mask: KernelName; utf8: KernelName } {
  activeKernels.mask = name === 'webassembly' ? MASK_KERNEL : null;
  activeKernels.utf8 = name === 'webassembly' ? UTF8_KERNEL : null;
  return kernelsInUse();
}
