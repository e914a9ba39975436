/**
 * The tap's accounting when nobody watching has budget left (server/inspector/tap.ts): each event
 * skipped is counted once, handed to the hub in one count per turn of the event loop rather than
 * one call per event, and before anything else the tap publishes in that turn (so the page's
 * `dropped` notice still comes where the messages are missing).
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameParser, Opcode, type Frame } from '../../src/protocol';
import type { InspectorMessage } from '../../server/inspector/messages';
import { ConnectionTap } from '../../server/inspector/tap';
import type { InspectorSink, TrafficBuilder } from '../../server/inspector/types';

/** A hub with one watcher whose budget is `budget` traffic messages; it logs what it is told. */
class FakeSink implements InspectorSink {
  readonly limits = { maxFrameBytes: 64 * 1024 };
  budget: number;
  /** What happened, in order: 'skip N', 'traffic <type>', 'publish <type>'. */
  log: string[] = [];
  wantedCalls = 0;

  constructor(budget: number) {
    this.budget = budget;
  }

  watching(): boolean {
    return true;
  }

  wanted(): boolean {
    this.wantedCalls++;
    return this.budget > 0;
  }

  skip(_session: string | null, count: number): void {
    this.log.push(`skip ${count}`);
  }

  publish(_session: string | null, build: () => InspectorMessage): void {
    this.log.push(`publish ${build().type}`);
  }

  publishTraffic(_session: string | null, _bytes: number, build: TrafficBuilder): void {
    if (this.budget <= 0) {
      this.log.push('skip 1');
      return;
    }
    this.budget--;
    this.log.push(`traffic ${build(this.limits.maxFrameBytes).type}`);
  }

  addConnection(): void {}
  removeConnection(): void {}
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A read of `count` masked frames, and the frames the codec finds in it. */
function readOf(count: number): { read: Uint8Array; frames: Frame[] } {
  const one = encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('hi'), maskingKey: Uint8Array.of(1, 2, 3, 4) });
  const read = new Uint8Array(one.length * count);
  for (let i = 0; i < count; i++) read.set(one, i * one.length);
  const parser = new FrameParser({ sender: 'client' });
  parser.push(read.slice());
  const frames: Frame[] = [];
  for (let item = parser.next(); item !== null; item = parser.next()) frames.push(item as Frame);
  return { read, frames };
}

describe('the tap with no budget left', () => {
  it('counts every event skipped, once, in one count per turn of the event loop', async () => {
    const sink = new FakeSink(2);
    const tap = new ConnectionTap(sink, 1, 's', true);
    for (let turn = 0; turn < 3; turn++) {
      const { read, frames } = readOf(50);
      tap.read(read);
      for (const frame of frames) tap.frameIn(frame);
      tap.skipped(5); // five frames written, not described
      tap.readDone();
      await nextTurn();
    }
    const delivered = sink.log.filter((l) => l.startsWith('traffic')).length;
    const skipped = sink.log.filter((l) => l.startsWith('skip')).reduce((n, l) => n + Number(l.split(' ')[1]), 0);
    // Each turn: a read message and 50 frames offered, 5 written frames not described.
    expect(delivered + skipped).toBe(3 * (1 + 50 + 5));
    expect(delivered).toBe(2);
    // Once out of budget, the hub was asked once per turn, not once per event.
    expect(sink.wantedCalls).toBeLessThanOrEqual(2 + 3 + 3);
    expect(sink.log.filter((l) => l.startsWith('skip')).length).toBeLessThanOrEqual(4);
  });

  it('hands the count over before anything else it publishes in that turn', () => {
    const sink = new FakeSink(0);
    const tap = new ConnectionTap(sink, 1, 's', true);
    const { read, frames } = readOf(10);
    tap.read(read);
    for (const frame of frames) tap.frameIn(frame);
    tap.socketError('ECONNRESET', 'reset');
    expect(sink.log).toEqual(['skip 11', 'publish socket-error']);
  });

  it('asks again in the next turn: budget refilled meanwhile is used', async () => {
    const sink = new FakeSink(0);
    const tap = new ConnectionTap(sink, 1, 's', true);
    const first = readOf(3);
    tap.read(first.read);
    for (const frame of first.frames) tap.frameIn(frame);
    tap.readDone();
    await nextTurn();
    sink.budget = 100;
    const second = readOf(3);
    tap.read(second.read);
    for (const frame of second.frames) tap.frameIn(frame);
    tap.readDone();
    expect(sink.log).toEqual(['skip 4', 'traffic frame', 'traffic frame', 'traffic frame', 'traffic read']);
  });
});
