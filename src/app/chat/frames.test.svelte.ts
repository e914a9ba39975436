/** ChatFrames: opens the inspector tap once, again after it closed, and shows the newest or the picked frame. */
import { describe, expect, it } from 'vitest';
import type { InspectorClient } from '../inspector/client.svelte';
import type { CapturedFrame } from '../inspector/capture';
import { ChatFrames } from './frames.svelte';

function frame(seq: number): CapturedFrame {
  return {
    seq,
    connection: 1,
    label: null,
    direction: 'server-to-client',
    t: 0,
    since: 0,
    offset: 0,
    size: 2,
    opcode: 1,
    fin: true,
    masked: false,
    payloadLength: 0,
    headerLength: 2,
    bytes: new Uint8Array([0x81, 0x00]),
    truncated: false,
    misbehave: null,
    fault: null,
  };
}

function fakeClient(list: CapturedFrame[], ready: Promise<boolean>) {
  const state = { status: 'connecting' as InspectorClient['status'], closed: 0 };
  const frames = {
    length: list.length,
    capacity: 100,
    total: list.length,
    evicted: 0,
    at: (i: number) => list[i],
    bySeq: (seq: number) => list.find((f) => f.seq === seq),
    indexOfSeq: (seq: number) => list.findIndex((f) => f.seq === seq),
  };
  const client = {
    get status() {
      return state.status;
    },
    capture: { frames },
    ready: () => ready,
    close: () => {
      state.closed += 1;
    },
  } as unknown as InspectorClient;
  return { client, state };
}

describe('ChatFrames', () => {
  it('has nothing to show without a server', async () => {
    const frames = new ChatFrames(null, 't');
    expect(await frames.ensure()).toBe(false);
    expect(frames.shown).toBeNull();
  });

  it('opens the tap with the session, reuses it while open, and opens a new one after it closed', async () => {
    const opened: [string, string][] = [];
    const made: ReturnType<typeof fakeClient>[] = [];
    const frames = new ChatFrames('ws://h/inspect', 'tok', {
      open: (url, session) => {
        opened.push([url, session]);
        const fake = fakeClient([frame(1), frame(2), frame(3)], Promise.resolve(true));
        made.push(fake);
        return fake.client;
      },
    });
    expect(await frames.ensure()).toBe(true);
    made[0]!.state.status = 'open';
    expect(await frames.ensure()).toBe(true);
    expect(opened).toEqual([['ws://h/inspect', 'tok']]);
    made[0]!.state.status = 'closed';
    await frames.ensure();
    expect(opened).toHaveLength(2);
  });

  it('shows the newest frame until one is picked, and follows again after', async () => {
    const fake = fakeClient([frame(1), frame(2), frame(3)], Promise.resolve(true));
    const frames = new ChatFrames('ws://h/inspect', 'tok', { open: () => fake.client });
    await frames.ensure();
    expect(frames.shown).toMatchObject({ frame: { seq: 3 }, pinned: false });
    frames.select(frame(2));
    expect(frames.shown).toMatchObject({ frame: { seq: 2 }, pinned: true });
    frames.select(null);
    expect(frames.shown?.frame.seq).toBe(3);
  });

  it('gives up waiting for a tap that never answers', async () => {
    const fake = fakeClient([], new Promise<boolean>(() => {}));
    const frames = new ChatFrames('ws://h/inspect', 'tok', { open: () => fake.client, wait: 10 });
    expect(await frames.ensure()).toBe(false);
    expect(frames.shown).toBeNull();
    frames.close();
    expect(fake.state.closed).toBe(1);
  });
});
