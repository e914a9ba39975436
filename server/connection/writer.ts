/**
 * The connection's write path: the chunks the codec queued go to the socket, and the frames in
 * them (found from the headers written, connection/written.ts) are counted and reported to the
 * tap: described while a subscriber would take them, counted as skipped otherwise.
 */
import type { Socket } from 'node:net';
import type { DeflatedReport } from '../../src/protocol/index.ts';
import type { ConnectionTap } from '../inspector/tap.ts';
import { FrameBoundaries, type WrittenFrame } from './written.ts';

export interface WriteCounts {
  framesOut: number;
  bytesOut: number;
}

export class FrameWriter {
  readonly #socket: Socket;
  readonly #tap: ConnectionTap;
  readonly #counts: WriteCounts;
  readonly #boundaries = new FrameBoundaries();

  /** `counts` is updated in place (the connection's stats). */
  constructor(socket: Socket, tap: ConnectionTap, counts: WriteCounts) {
    this.#socket = socket;
    this.#tap = tap;
    this.#counts = counts;
  }

  /**
   * Write `chunks` (whole frames, as the codec hands them out) unless the socket is destroyed
   * (dropped, or reset by the peer), and report their frames. `misbehave` marks frames broken on
   * purpose: reported to whoever watches, outside the traffic budget. `deflated`: the codec's
   * reports of the compressed messages among them (`takeDeflated()`), in frame order.
   */
  write(chunks: readonly Uint8Array[], misbehave?: string, deflated: readonly DeflatedReport[] = []): void {
    if (chunks.length === 0) return;
    const tap = this.#tap;
    const start = this.#boundaries.offset;
    const describe = misbehave !== undefined ? tap.watched : tap.wantsTraffic;
    const frames: WrittenFrame[] | null = describe ? [] : null;
    const count = this.#boundaries.scan(chunks, frames);
    this.#counts.framesOut += count;
    if (frames !== null) tap.written(start, chunks, frames, misbehave, deflated);
    else if (misbehave === undefined) tap.skipped(count);
    const socket = this.#socket;
    if (socket.destroyed) return;
    for (const chunk of chunks) {
      this.#counts.bytesOut += chunk.length;
      socket.write(chunk);
    }
  }
}
