/** Framescope's RFC 6455 codec: sans-I/O, pure TypeScript over Uint8Array. */
export * from './opcodes.ts';
export * from './close-codes.ts';
export * from './fault.ts';
export * from './frame.ts';
export * from './mask.ts';
export * from './utf8.ts';
export { kernelsInUse, useKernels, type KernelName } from './wasm/kernels.ts';
export * from './frame-checks.ts';
export * from './frame-decoder.ts';
export * from './message-rules.ts';
export * from './parser.ts';
export * from './message.ts';
export * from './encoder.ts';
export * from './states.ts';
export * from './connection.ts';
export * from './layout.ts';
export * from './hex/index.ts';
export * from './handshake/index.ts';
