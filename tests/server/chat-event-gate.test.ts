/** EventGate (server/chat/event-gate.ts): each event once, in order; held while catching up. */
import { describe, expect, it } from 'vitest';
import { EventGate } from '../../server/chat/event-gate';
import type { StoreEvent } from '../../server/chat/store';

const message = (seq: number): StoreEvent => ({
  kind: 'message',
  seq,
  message: { type: 'message', id: seq, from: 'a', colour: '#000000', text: `m${seq}`, time: 't' },
});
const join = (seq: number): StoreEvent => ({ kind: 'join', seq, user: { name: `u${seq}`, colour: '#000000' }, time: 't', users: [] });

function gate() {
  const seen: string[] = [];
  const events = new EventGate((event) => seen.push(`${event.kind}${event.seq}`));
  return { events, seen };
}

describe('EventGate', () => {
  it('holds until opened, then delivers what came after the start, in order, each once', () => {
    const { events, seen } = gate();
    for (const seq of [5, 3, 4, 4, 2]) events.receive(message(seq));
    expect(seen).toEqual([]);
    events.openAfter(2);
    expect(seen).toEqual(['message3', 'message4', 'message5']);
    events.receive(message(5));
    events.receive(message(6));
    expect(seen).toEqual(['message3', 'message4', 'message5', 'message6']);
  });

  it('catches up: missed messages up to the snapshot, then the resync, then what was held after it', () => {
    const { events, seen } = gate();
    events.openAfter(0);
    events.receive(message(1));
    events.hold();
    // Held while cut off: a message the history also has, a join (the resync covers it), a later one.
    events.receive(message(4));
    events.receive(join(5));
    events.receive(message(8));
    events.receive(join(9));
    const history = [message(1), message(2), message(4), message(6)];
    events.catchUp(history, 7, () => seen.push('resync'));
    expect(seen).toEqual(['message1', 'message2', 'message4', 'message6', 'resync', 'message8', 'join9']);
    expect(events.highWater).toBe(9);
  });
});
