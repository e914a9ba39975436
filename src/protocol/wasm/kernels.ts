/**
 * The codec's WebAssembly kernels: masking (mask.wat) and UTF-8 validation (utf8.wat), SIMD128,
 * instantiated synchronously from the bytes shipped as TypeScript modules (no fetch: the page and
 * the server load them the same way). Chosen once, when this module loads: where WebAssembly or
 * its SIMD is missing (`WebAssembly.validate` refuses the bytes), or compiling is not allowed (a
 * Content-Security-Policy without 'wasm-unsafe-eval'), each kernel is null and the codec runs its
 * JavaScript paths, which stay, unchanged, for every size below the kernels' thresholds too.
 *
 * A kernel works only on WebAssembly memory: the callers in mask.ts and utf8.ts copy bytes in
 * (and, for masking, back out) in blocks of at most `KERNEL_BLOCK` bytes. The two kernels share one
 * memory, made here, so a text payload's bytes that the masking kernel has just unmasked are
 * validated where they are, not copied in again.
 */
import { base64Decode } from '../handshake/base64.ts';
import { MASK_WASM } from './mask-bytes.ts';
import { UTF8_WASM } from './utf8-bytes.ts';

/** The largest block a kernel is given at once (the memory holds twice this: room to read past a block's end). */
export const KERNEL_BLOCK = 64 * 1024;

/** The kernels' memory: two 64 KiB pages, never grown (so views of it stay valid). */
const MEMORY_PAGES = 2;

export interface MaskKernel {
  /** The kernels' memory (fixed size: it never grows, so this view stays valid). */
  readonly memory: Uint8Array;
  /** XOR memory [at, at + length) with `key`: the 4 key bytes little-endian, rotated to the phase of byte `at`. */
  mask(at: number, length: number, key: number): void;
}

export interface Utf8Kernel {
  /** The same memory as the masking kernel's. */
  readonly memory: Uint8Array;
  /**
   * Is memory [start, start + length) whole, well-formed UTF-8? -1 if so, else the offset from
   * `start` of the group where the first error shows. Reads up to 16 bytes past the end (which
   * must lie in memory, as they do for a block of at most KERNEL_BLOCK bytes); writes nothing.
   */
  validate(start: number, length: number): number;
}

export type KernelName = 'webassembly' | 'javascript';

/** The kernels' shared memory, or null where WebAssembly is missing. */
function kernelMemory(): WebAssembly.Memory | null {
  if (typeof WebAssembly !== 'object' || WebAssembly === null) return null;
  try {
    return new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
  } catch {
    return null;
  }
}

function instantiate(base64: string, memory: WebAssembly.Memory | null): WebAssembly.Exports | null {
  if (memory === null) return null;
  try {
    const decoded = base64Decode(base64);
    if (decoded === null) return null;
    const bytes = new Uint8Array(decoded); // over a plain ArrayBuffer, as WebAssembly's types ask
    // Refused where SIMD128 (or WebAssembly itself) is not supported.
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { kernels: { memory } }).exports;
  } catch {
    // Compiling is not allowed here (a CSP without 'wasm-unsafe-eval'): the JavaScript paths run.
    return null;
  }
}

const MEMORY = kernelMemory();
const MEMORY_VIEW = MEMORY === null ? new Uint8Array(0) : new Uint8Array(MEMORY.buffer);

function maskKernel(): MaskKernel | null {
  const exports = instantiate(MASK_WASM, MEMORY);
  return exports === null ? null : { memory: MEMORY_VIEW, mask: exports.mask as MaskKernel['mask'] };
}

function utf8Kernel(): Utf8Kernel | null {
  const exports = instantiate(UTF8_WASM, MEMORY);
  return exports === null ? null : { memory: MEMORY_VIEW, validate: exports.validate as Utf8Kernel['validate'] };
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
