/**
 * How each student's browser reacted to the teacher's last demonstration, read from the frames the
 * tap reported after it: a ping answered with a pong (and how fast), an echo that went out in
 * fragments and a connection still open (the browser reassembled it), a violation and the browser
 * failing the connection (close 1006, or its own close frame). Plain TypeScript.
 */
import type { CapturedFrame, ConnectionRecord } from '../inspector/capture';
import type { FrameSource } from '../inspector/capture.svelte';
import type { CommandAction } from '../inspector/messages';
import { formatMs } from '../socket/timeline';
import { CLASS_TEXT } from './strings';

/** A demonstration the teacher sent to the class. */
export interface SentDemo {
  action: CommandAction;
  /** The first sequence number in the capture that can hold its frames (the capture's total when sent). */
  fromSeq: number;
  /** The connections the server acted on. */
  connections: ReadonlySet<number>;
}

/** A demonstration sent at `fromSeq` that the server carried out on `connections`. */
export function sentDemo(action: CommandAction, fromSeq: number, connections: readonly number[]): SentDemo {
  return { action, fromSeq, connections: new Set(connections) };
}

export type ReactionState = 'none' | 'waiting' | 'reacted' | 'failed';

export interface Reaction {
  state: ReactionState;
  text: string;
}

const NONE: Reaction = { state: 'none', text: '' };

/** Frames of `connection` from sequence `fromSeq` on, oldest first (scanning back from the newest). */
export function framesSince(frames: FrameSource<CapturedFrame>, connection: number, fromSeq: number): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames.at(i);
    if (!frame || frame.seq < fromSeq) break;
    if (frame.connection === connection) out.push(frame);
  }
  return out.reverse();
}

/** The reaction of one connection to `demo`. */
export function reactionOf(demo: SentDemo, record: ConnectionRecord, frames: FrameSource<CapturedFrame>): Reaction {
  if (!demo.connections.has(record.connection)) return NONE;
  const after = framesSince(frames, record.connection, demo.fromSeq);
  const out = (f: CapturedFrame): boolean => f.direction === 'server-to-client';
  const closedText = (): Reaction | null => {
    const closed = record.closed;
    if (!closed) return null;
    const own = after.find((f) => !out(f) && f.opcode === 0x8);
    if (own) return { state: 'failed', text: CLASS_TEXT.reaction.closeFrame(closeCodeOf(own)) };
    return { state: 'failed', text: CLASS_TEXT.reaction.failed(closed.code, closed.wasClean) };
  };
  switch (demo.action.action) {
    case 'ping': {
      const ping = after.find((f) => out(f) && f.opcode === 0x9);
      const pong = ping ? after.find((f) => !out(f) && f.opcode === 0xa && f.seq > ping.seq) : undefined;
      // Both stamps are the server's clock: the ping when the server wrote it to this connection,
      // the pong when the server's event loop read it. The server reads the pongs that are waiting
      // together (one turn of its loop), so under load every row shows about the same time: the
      // server's own delay, not the browser's. The text says so (class_demo_ping_timing).
      if (ping && pong) return { state: 'reacted', text: CLASS_TEXT.reaction.pong(formatMs(pong.t - ping.t)) };
      return closedText() ?? { state: 'waiting', text: ping ? CLASS_TEXT.reaction.pingSent() : CLASS_TEXT.reaction.waiting() };
    }
    case 'fragment-next': {
      const first = after.findIndex((f) => out(f) && (f.opcode === 0x1 || f.opcode === 0x2) && !f.fin);
      if (first < 0) return closedText() ?? { state: 'waiting', text: CLASS_TEXT.reaction.fragmentWaiting() };
      let count = 0;
      let ping = false;
      for (const f of after.slice(first)) {
        if (!out(f)) continue;
        if (f.opcode === 0x9) ping = true;
        else if (f.opcode <= 0x2) {
          count++;
          if (f.fin) break;
        }
      }
      return closedText() ?? { state: 'reacted', text: CLASS_TEXT.reaction.fragments(count, ping) };
    }
    case 'misbehave':
    case 'close':
      return closedText() ?? { state: 'waiting', text: CLASS_TEXT.reaction.violationSent() };
    case 'flood':
      // Never broadcast (one page's demonstration).
      return NONE;
  }
}

/** The status code of a close frame from its reported bytes (masked, as a client sends it), or null. */
export function closeCodeOf(frame: CapturedFrame): number | null {
  const start = frame.headerLength;
  if (frame.payloadLength < 2 || frame.bytes.length < start + 2) return null;
  let b0 = frame.bytes[start]!;
  let b1 = frame.bytes[start + 1]!;
  if (frame.masked) {
    const key = frame.bytes.subarray(start - 4, start);
    b0 ^= key[0]!;
    b1 ^= key[1]!;
  }
  return (b0 << 8) | b1;
}
