import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { withEffectRoot } from '../../../tests/helpers/effect-root.svelte';
import { CaptureStore } from './capture.svelte';
import { clientHello, open, serverHello } from './fixtures';

function manualStore(capacity?: number) {
  const queue: (() => void)[] = [];
  const store = new CaptureStore({ capacity, schedule: (flush) => queue.push(flush) });
  return { store, run: () => queue.splice(0).forEach((flush) => flush()), queue };
}

describe('CaptureStore', () => {
  it('publishes a burst of messages in one flush', () => {
    const { store, run, queue } = manualStore();
    store.ingest(open(1));
    for (let i = 0; i < 1000; i++) store.ingest(clientHello(1, i * 11));
    expect(queue.length).toBe(1);
    expect(store.frames.length).toBe(0);
    run();
    expect(store.frames.length).toBe(1000);
    expect(store.connections.get(1)?.framesIn).toBe(1000);
  });

  it('reruns effects that read the frames once per flush', () => {
    const { store, run } = manualStore();
    const lengths: number[] = [];
    withEffectRoot(() => {
      $effect(() => {
        lengths.push(store.frames.length);
      });
      flushSync();
      store.ingest(open(1));
      store.ingest(clientHello(1));
      store.ingest(serverHello(1));
      run();
      flushSync();
      store.ingest(serverHello(1, 7));
      run();
      flushSync();
    });
    expect(lengths).toEqual([0, 2, 3]);
  });

  it('finds frames by sequence number in the current view', () => {
    const { store, run } = manualStore(2);
    store.ingest(open(1));
    for (let i = 0; i < 3; i++) store.ingest(clientHello(1, i * 11));
    run();
    expect(store.frames.indexOfSeq(0)).toBe(-1);
    expect(store.frames.indexOfSeq(2)).toBe(1);
    expect(store.frames.bySeq(1)?.offset).toBe(11);
    expect(store.frames.evicted).toBe(1);
  });

  it('turns a malformed message into a notice, and ignores unknown types', () => {
    const { store, run } = manualStore();
    expect(store.ingestText('{"type":"frame"}')).toBeNull();
    expect(store.ingestText('{"type":"from-the-future","t":1}')).toBeNull();
    expect(store.ingestText(JSON.stringify(open(3)))?.type).toBe('open');
    run();
    expect(store.notices.map((n) => n.kind)).toEqual(['invalid']);
    expect(store.connections.has(3)).toBe(true);
  });

  it('clears at once', () => {
    const { store, run } = manualStore();
    store.ingest(open(1));
    store.ingest(clientHello(1));
    run();
    store.clear();
    expect(store.frames.length).toBe(0);
  });

  it('holds 100,000 frames and drops the oldest beyond capacity', () => {
    const { store, run } = manualStore(100_000);
    store.ingest(open(1));
    for (let i = 0; i < 120_000; i++) store.ingest(serverHello(1, i * 7));
    run();
    expect(store.frames.length).toBe(100_000);
    expect(store.frames.evicted).toBe(20_000);
    expect(store.frames.at(0)?.offset).toBe(20_000 * 7);
    expect(store.frames.at(99_999)?.offset).toBe(119_999 * 7);
  });
});

describe('CaptureStore connections', () => {
  it('publishes a new record object when a connection changes, so derived views recompute', () => {
    const queue: (() => void)[] = [];
    const store = new CaptureStore({ schedule: (flush) => queue.push(flush) });
    const run = () => queue.splice(0).forEach((flush) => flush());
    store.ingest(open(1, 5));
    run();
    const before = store.connectionByLabel(5);
    expect(before?.reads.length).toBe(0);
    store.ingest({ type: 'read', t: 1, wall: 1, connection: 1, offset: 0, size: 11, boundaries: [11] });
    run();
    const after = store.connectionByLabel(5);
    expect(after).not.toBe(before);
    expect(after?.reads.length).toBe(1);
  });
});

describe('CaptureStore paused', () => {
  it('keeps the view of its moment while the ring moves on: frames let go read as undefined, never as newer ones', () => {
    const { store, run } = manualStore(3);
    store.ingest(open(1));
    for (let i = 0; i < 3; i++) store.ingest(clientHello(1, i * 11));
    run();
    store.paused = true;
    const view = store.frames;
    for (let i = 3; i < 5; i++) store.ingest(clientHello(1, i * 11));
    run();
    expect(store.frames).toBe(view);
    expect(store.arrived).toBe(2);
    // Seqs 0 and 1 were let go for 3 and 4: the paused view does not show 3 and 4 in their place.
    expect(view.at(0)).toBeUndefined();
    expect(view.at(1)).toBeUndefined();
    expect(view.at(2)?.seq).toBe(2);
    store.paused = false;
    expect(store.frames.length).toBe(3);
    expect(store.frames.at(0)?.seq).toBe(2);
    expect(store.arrived).toBe(0);
  });
});
