/**
 * The messages `/inspect` sends (server -> subscriber) and accepts (subscriber -> server): their
 * types live in src/wire/inspector.ts (shared with the page); docs/inspector.md describes each
 * with an example; keep the two in step. Here: the server's clock stamp and hex encoding.
 */

import type { Stamp } from '../../src/wire/inspector.ts';

// The message types and constants are shared with the page (src/wire/inspector.ts).
export type * from '../../src/wire/inspector.ts';
export { MAX_FLOOD_COUNT, MAX_FLOOD_SIZE, MAX_STUDENT_NAME, MISBEHAVE_KINDS } from '../../src/wire/inspector.ts';

export function stamp(): Stamp {
  const t = performance.now();
  return { t: round3(t), wall: round3(performance.timeOrigin + t) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
