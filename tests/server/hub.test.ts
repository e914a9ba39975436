/**
 * The inspector hub and a subscriber's queue, without sockets: the hub with fake subscribers
 * (`HubSubscriber`), a real `Subscriber` on a fake `/inspect` connection (`SubscriberSocket`).
 * What is checked: who gets what (sessions, class mode), that a message is built at most once and
 * only when someone takes it, and that every message offered is either delivered or counted:
 * delivered + dropped = produced, exactly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReadyState } from '../../src/protocol';
import { InspectorHub } from '../../server/inspector/hub';
import type { ConnectionInfo, InspectorMessage } from '../../server/inspector/messages';
import { BATCH_CHARS, FLUSH_MS, Subscriber, TRUNCATED_FRAME_BYTES } from '../../server/inspector/subscriber';
import type { HubSubscriber, SubscriberScope, SubscriberSocket, WatchedConnection } from '../../server/inspector/types';
import { DEFAULTS } from '../../server/options';
import type { InspectorOptions } from '../../server/options';

const limits = (over: InspectorOptions = {}): Required<InspectorOptions> => ({ ...DEFAULTS.inspector, ...over });

/** A subscriber that takes what it is offered while `room` allows, and counts the rest. */
class FakeSubscriber implements HubSubscriber {
  readonly scope: SubscriberScope;
  room = Infinity;
  received: string[] = [];
  caps: number[] = [];
  skipped = 0;
  refilled: number[] = [];
  discarded = false;

  constructor(scope: SubscriberScope) {
    this.scope = scope;
  }

  watches(session: string | null): boolean {
    return this.scope.all || (session !== null && session === this.scope.session);
  }

  get wants(): boolean {
    return this.received.length < this.room;
  }

  offer(json: () => string): void {
    if (this.wants) this.received.push(json());
    else this.skipped++;
  }

  offerTraffic(_bytes: number, json: (cap: number) => string): void {
    if (!this.wants) {
      this.skipped++;
      return;
    }
    const cap = this.caps.length % 2 === 0 ? 64 * 1024 : TRUNCATED_FRAME_BYTES;
    this.caps.push(cap);
    this.received.push(json(cap));
  }

  skip(count: number): void {
    this.skipped += count;
  }

  refill(ms: number): void {
    this.refilled.push(ms);
  }

  discard(): void {
    this.discarded = true;
  }
}

const session = (name: string): SubscriberScope => ({ session: name, all: false });
const everyone: SubscriberScope = { session: null, all: true };
const ack = (detail: string): InspectorMessage => ({ type: 'ack', t: 0, wall: 0, id: null, connection: 1, action: 'ping', detail });
const types = (s: FakeSubscriber): string[] => s.received.map((json) => (JSON.parse(json) as { detail: string }).detail);

describe('InspectorHub (fake subscribers)', () => {
  afterEach(() => vi.useRealTimers());

  it('sends a session its own connections, a class-mode watcher all of them, nobody else anything', () => {
    const hub = new InspectorHub<FakeSubscriber>({ classMode: true, limits: limits({ rateMessages: 0, rateBytes: 0 }) });
    const a = new FakeSubscriber(session('a'));
    const a2 = new FakeSubscriber(session('a'));
    const b = new FakeSubscriber(session('b'));
    const teacher = new FakeSubscriber(everyone);
    for (const s of [a, a2, b, teacher]) hub.subscribe(s);
    hub.publish('a', () => ack('to a'));
    hub.publish('b', () => ack('to b'));
    hub.publish(null, () => ack('no session'));
    hub.publish('c', () => ack('to c'));
    expect(types(a)).toEqual(['to a']);
    expect(types(a2)).toEqual(['to a']);
    expect(types(b)).toEqual(['to b']);
    expect(types(teacher)).toEqual(['to a', 'to b', 'no session', 'to c']);
    expect(hub.watching('a')).toBe(true);
    expect(hub.watching('zzz')).toBe(true); // the teacher watches every session
    hub.unsubscribe(teacher);
    expect(teacher.discarded).toBe(true);
    expect(hub.watching('zzz')).toBe(false);
    expect(hub.watching(null)).toBe(false);
  });

  it('builds a message once for all its subscribers, and not at all when nobody watches or has room', () => {
    const hub = new InspectorHub<FakeSubscriber>({ classMode: false, limits: limits() });
    const build = vi.fn(() => ack('x'));
    hub.publish('a', build);
    expect(build).not.toHaveBeenCalled();
    const a = new FakeSubscriber(session('a'));
    const a2 = new FakeSubscriber(session('a'));
    hub.subscribe(a);
    hub.subscribe(a2);
    hub.subscribe(a); // twice is once
    expect(hub.subscriberCount).toBe(2);
    hub.publish('a', build);
    expect(build).toHaveBeenCalledTimes(1);
    expect(a.received).toEqual(a2.received);
    a.room = a2.room = 1;
    hub.publish('a', build);
    expect(build).toHaveBeenCalledTimes(1);
    expect([a.skipped, a2.skipped]).toEqual([1, 1]);
  });

  it('traffic: built once per cap (whole, or cut short for a subscriber low on byte budget)', () => {
    const hub = new InspectorHub<FakeSubscriber>({ classMode: false, limits: limits() });
    const a = new FakeSubscriber(session('a'));
    const a2 = new FakeSubscriber(session('a'));
    const a3 = new FakeSubscriber(session('a'));
    a2.caps.push(0); // a2 takes its first message cut short (see FakeSubscriber.offerTraffic)
    for (const s of [a, a2, a3]) hub.subscribe(s);
    const build = vi.fn((cap: number) => ack(`cap ${cap}`));
    hub.publishTraffic('a', 100_000, build);
    expect(build.mock.calls.map(([cap]) => cap)).toEqual([64 * 1024, TRUNCATED_FRAME_BYTES]);
    expect([types(a), types(a2), types(a3)]).toEqual([[`cap ${64 * 1024}`], [`cap ${TRUNCATED_FRAME_BYTES}`], [`cap ${64 * 1024}`]]);
  });

  it('wanted() says whether a subscriber of that session would take traffic; skip() counts for each watcher', () => {
    const hub = new InspectorHub<FakeSubscriber>({ classMode: false, limits: limits() });
    const a = new FakeSubscriber(session('a'));
    const b = new FakeSubscriber(session('b'));
    hub.subscribe(a);
    hub.subscribe(b);
    expect([hub.wanted('a'), hub.wanted('b'), hub.wanted('c'), hub.wanted(null)]).toEqual([true, true, false, false]);
    a.room = 0;
    expect(hub.wanted('a')).toBe(false);
    hub.skip('a', 7);
    expect([a.skipped, b.skipped]).toEqual([7, 0]);
  });

  it('refills every watcher on a timer while there are subscribers and budgets, and stops after the last', () => {
    vi.useFakeTimers();
    const hub = new InspectorHub<FakeSubscriber>({ classMode: false, limits: limits({ rateMessages: 100 }) });
    const a = new FakeSubscriber(session('a'));
    hub.subscribe(a);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(200);
    expect(a.refilled.length).toBe(4);
    hub.unsubscribe(a);
    expect(vi.getTimerCount()).toBe(0);
    const unlimited = new InspectorHub<FakeSubscriber>({ classMode: false, limits: limits({ rateMessages: 0, rateBytes: 0 }) });
    unlimited.subscribe(new FakeSubscriber(session('a')));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('knows the watched connections: a command may name one, a new subscriber gets those it may watch', () => {
    const hub = new InspectorHub<FakeSubscriber>({ classMode: true, limits: limits() });
    const conn = (id: number, s: string | null): WatchedConnection => ({
      id,
      session: s,
      info: { connection: id, session: s } as ConnectionInfo,
      state: 'OPEN',
      ping: () => true,
      fragmentNext: () => {},
      close: () => true,
      misbehave: () => 'rule',
      flood: () => {},
    });
    const one = conn(1, 'a');
    hub.addConnection(one);
    hub.addConnection(conn(2, 'b'));
    hub.addConnection(conn(3, null));
    expect(hub.connection(1)).toBe(one);
    expect(hub.snapshot(new FakeSubscriber(session('a'))).map((c) => c.connection)).toEqual([1]);
    expect(hub.snapshot(new FakeSubscriber(everyone)).map((c) => c.connection)).toEqual([1, 2, 3]);
    hub.removeConnection(one);
    expect(hub.connection(1)).toBeUndefined();
  });
});

/** An `/inspect` connection that sends into an array; `blocked` makes it look full (bufferedAmount over the high water). */
class FakeSocket implements SubscriberSocket {
  state: ReadyState = 'OPEN';
  sent: string[] = [];
  blocked = false;
  aborted: { code: number; reason: string } | null = null;
  corks = 0;

  get bufferedAmount(): number {
    return this.blocked ? Infinity : 0;
  }

  corked(write: () => void): void {
    this.corks++;
    write();
  }

  sendText(text: string): boolean {
    this.sent.push(text);
    return true;
  }

  abort(code: number, reason: string): void {
    this.aborted = { code, reason };
    this.state = 'CLOSED';
  }

  messages(): Record<string, unknown>[] {
    return this.sent.map((json) => JSON.parse(json) as Record<string, unknown>);
  }
}

/** Messages delivered that are not `dropped` notices, and the counts those notices announce. */
function tally(socket: FakeSocket): { delivered: number; dropped: number; byReason: Record<string, number> } {
  const byReason: Record<string, number> = {};
  let delivered = 0;
  for (const m of socket.messages()) {
    if (m.type === 'dropped') byReason[m.reason as string] = (byReason[m.reason as string] ?? 0) + (m.count as number);
    else delivered++;
  }
  return { delivered, dropped: Object.values(byReason).reduce((n, c) => n + c, 0), byReason };
}

const traffic = (i: number): string => JSON.stringify({ type: 'read', i });

describe('Subscriber (a fake socket)', () => {
  it('a full queue: what does not fit is counted and announced; delivered + dropped = produced', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ queueCount: 10, rateMessages: 0, rateBytes: 0 }));
    socket.blocked = true; // the peer is not reading: nothing leaves the queue
    const produced = 250;
    for (let i = 0; i < produced; i++) {
      if (i % 2 === 0) sub.offer(() => traffic(i));
      else sub.offerTraffic(10, () => traffic(i));
    }
    sub.pump();
    expect(socket.sent).toEqual([]);
    expect(sub.queued).toBe(10);
    expect(sub.totalDropped).toBe(produced - 10);
    socket.blocked = false;
    sub.pump();
    const { delivered, dropped, byReason } = tally(socket);
    expect(delivered).toBe(10);
    expect(byReason).toEqual({ queue: produced - 10 });
    expect(delivered + dropped).toBe(produced);
    // The first ten, in order, then the notice.
    expect(socket.messages().slice(0, 10).map((m) => m.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(socket.corks).toBeGreaterThanOrEqual(1);
  });

  it('drops while full are announced before what is queued after them, so the page sees the gap where it was', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ queueCount: 2, rateMessages: 0, rateBytes: 0 }));
    socket.blocked = true;
    for (let i = 0; i < 5; i++) sub.offer(() => traffic(i)); // 0, 1 queued; 2, 3, 4 dropped
    socket.blocked = false;
    sub.pump();
    sub.offer(() => traffic(5));
    sub.pump();
    expect(socket.messages().map((m) => (m.type === 'dropped' ? `dropped ${m.count}` : m.i))).toEqual([0, 1, 'dropped 3', 5]);
  });

  it('over the message budget: skipped before being built, announced as "rate"; delivered + dropped = produced', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ rateMessages: 20, rateBytes: 0 }));
    const build = vi.fn((i: number) => traffic(i));
    const produced = 100;
    for (let i = 0; i < produced; i++) sub.offerTraffic(10, () => build(i));
    expect(build).toHaveBeenCalledTimes(20); // a burst of one second's worth
    expect(sub.wants).toBe(false);
    sub.skip(5); // five more the tap did not even build (hub.skip)
    sub.pump();
    const { delivered, byReason } = tally(socket);
    expect(delivered).toBe(20);
    expect(byReason).toEqual({ rate: produced - 20 + 5 });
    sub.refill(500); // half a second: ten more
    for (let i = 0; i < 15; i++) sub.offerTraffic(10, () => build(i));
    sub.pump();
    expect(tally(socket).delivered).toBe(30);
    expect(tally(socket).dropped).toBe(produced - 20 + 5 + 5);
  });

  it('over the byte budget: a frame is reported cut to its first bytes, then skipped', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ rateMessages: 0, rateBytes: 1000, maxFrameBytes: 64 * 1024 }));
    const caps: number[] = [];
    for (let i = 0; i < 6; i++) {
      sub.offerTraffic(60_000, (cap) => {
        caps.push(cap);
        return traffic(i);
      });
    }
    // 1000 bytes of budget: three frames cut to 256 bytes, then none.
    expect(caps).toEqual([TRUNCATED_FRAME_BYTES, TRUNCATED_FRAME_BYTES, TRUNCATED_FRAME_BYTES]);
    sub.pump();
    expect(tally(socket)).toEqual({ delivered: 3, dropped: 3, byReason: { rate: 3 } });
  });

  it('replies go out whatever the budget, but one that never reads its answers is failed with 1008', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ queueCount: 5, rateMessages: 1 }));
    sub.offerTraffic(1, () => traffic(0)); // the budget is spent
    socket.blocked = true;
    for (let i = 0; i < 9; i++) sub.reply(ack(`reply ${i}`));
    expect(socket.aborted).toBeNull();
    sub.reply(ack('one too many')); // 10 queued: twice the limit
    expect(socket.aborted).toEqual({ code: 1008, reason: 'commands sent faster than their answers are read' });
    expect(sub.queued).toBe(0);
  });

  it('a subscriber whose connection is not open takes nothing and counts nothing', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits());
    socket.state = 'CLOSING';
    sub.offer(() => traffic(0));
    sub.offerTraffic(1, () => traffic(1));
    sub.skip(3);
    sub.pump();
    expect([sub.queued, sub.totalDropped, socket.sent.length]).toEqual([0, 0, 0]);
  });
});

describe('Subscriber in batches (/inspect?batch)', () => {
  it('sends what is queued as JSON arrays, in order, each within its limits, the drop notice included', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ queueCount: 3_000, rateMessages: 0, rateBytes: 0 }), { batch: true });
    socket.blocked = true;
    for (let i = 0; i < 2_500; i++) sub.offer(() => traffic(i));
    for (let i = 0; i < 600; i++) sub.offer(() => traffic(-1)); // 100 of these do not fit: dropped
    socket.blocked = false;
    sub.pump();
    const batches = socket.sent.map((text) => JSON.parse(text) as Record<string, unknown>[]);
    expect(batches.every(Array.isArray)).toBe(true);
    expect(batches.map((b) => b.length)).toEqual([1_000, 1_000, 1_000, 1]);
    expect(socket.sent.every((text) => text.length <= BATCH_CHARS + 2)).toBe(true);
    const all = batches.flat();
    expect(all.slice(0, 2_500).map((m) => m.i)).toEqual(Array.from({ length: 2_500 }, (_, i) => i));
    expect(all.at(-1)).toMatchObject({ type: 'dropped', count: 100, reason: 'queue' });
  });

  it('cuts a batch by size: a few big messages each go out in fewer per batch', () => {
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ rateMessages: 0, rateBytes: 0 }), { batch: true });
    const big = (i: number): string => JSON.stringify({ type: 'frame', i, bytes: 'ab'.repeat(60_000) });
    socket.blocked = true;
    for (let i = 0; i < 5; i++) sub.offer(() => big(i));
    socket.blocked = false;
    sub.pump();
    const sizes = socket.sent.map((text) => (JSON.parse(text) as unknown[]).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(sizes.length).toBeGreaterThan(1);
    expect(socket.sent.every((text) => text.length <= BATCH_CHARS + 121_000)).toBe(true);
  });
});

describe('Subscriber: when it writes', () => {
  afterEach(() => vi.useRealTimers());

  it('on the next turn after a quiet spell; while messages keep coming, every FLUSH_MS, all that was queued in one write', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    const socket = new FakeSocket();
    const sub = new Subscriber(socket, session('a'), limits({ rateMessages: 0, rateBytes: 0 }), { batch: true });
    sub.offer(() => traffic(0));
    expect(socket.sent).toHaveLength(0);
    vi.advanceTimersToNextTimer(); // the next turn of the event loop
    expect(socket.sent).toHaveLength(1);
    // A busy connection: a message every millisecond. Nothing goes out before FLUSH_MS have passed
    // since the last write; then everything queued meanwhile, in one batch.
    for (let i = 1; i < FLUSH_MS; i++) {
      sub.offer(() => traffic(i));
      vi.advanceTimersByTime(1);
      expect(socket.sent).toHaveLength(1);
    }
    vi.advanceTimersByTime(1);
    expect(socket.sent).toHaveLength(2);
    expect((JSON.parse(socket.sent[1]!) as Array<{ i: number }>).map((m) => m.i)).toEqual(Array.from({ length: FLUSH_MS - 1 }, (_, i) => i + 1));
    // Quiet for longer than FLUSH_MS: the next message goes out on the next turn again.
    vi.advanceTimersByTime(FLUSH_MS * 3);
    sub.offer(() => traffic(99));
    vi.advanceTimersToNextTimer();
    expect(socket.sent).toHaveLength(3);
    expect(JSON.parse(socket.sent[2]!)).toEqual([{ type: 'read', i: 99 }]);
  });
});
