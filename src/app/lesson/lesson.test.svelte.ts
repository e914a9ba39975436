import { describe, expect, it } from 'vitest';
import { withEffectRoot } from '../../../tests/helpers/effect-root.svelte';
import type { CapturedFrame } from '../inspector/capture';
import { RingBuffer } from '../inspector/ring-buffer';
import type { Outgoing } from '../playground/composer';
import type { DemoRequest } from '../playground/demos';
import { runButton, type LessonPlayground } from './actions';
import { LessonState } from './lesson.svelte';
import { readProgress } from './progress';
import { LESSON_STEPS } from './steps';

function frame(seq: number, over: Partial<CapturedFrame>): CapturedFrame {
  return {
    seq,
    connection: 1,
    label: 1,
    direction: 'server-to-client',
    t: seq,
    since: seq,
    offset: 0,
    size: 7,
    opcode: 1,
    fin: true,
    masked: false,
    payloadLength: 5,
    headerLength: 2,
    bytes: new Uint8Array(7),
    truncated: false,
    misbehave: null,
    fault: null,
    ...over,
  };
}

/** A playground that records what the lesson asked, and whose server echoes like ours. */
class FakePlayground implements LessonPlayground {
  state: string | null = null;
  tapped = false;
  compression = false;
  readonly frames = new RingBuffer<CapturedFrame>(1000);
  readonly calls: string[] = [];
  selected: CapturedFrame | null = null;
  #fragments = 0;
  #pingBetween = false;
  get connection() {
    return { current: this.state === null ? null : { state: this.state } };
  }
  get inspector() {
    return { capture: { frames: this.frames, flush: () => {} } };
  }
  #push(over: Partial<CapturedFrame>): void {
    this.frames.push(frame(this.frames.total, over));
  }
  async connect() {
    this.calls.push('connect');
    this.state = 'OPEN';
    this.tapped = true;
    return { ok: true };
  }
  disconnect(code: number) {
    this.calls.push(`close ${code}`);
    this.#push({ direction: 'client-to-server', opcode: 8, masked: true, payloadLength: 2 });
    this.#push({ opcode: 8, payloadLength: 2 });
    this.state = 'CLOSED';
    return { ok: true };
  }
  send(outgoing: Outgoing) {
    this.calls.push(`send ${outgoing.size}`);
    this.#push({ direction: 'client-to-server', masked: true, payloadLength: outgoing.size });
    if (this.#fragments > 1) {
      for (let i = 0; i < this.#fragments; i++) {
        this.#push({ opcode: i === 0 ? 1 : 0, fin: i === this.#fragments - 1, payloadLength: 1 });
        if (i === 0 && this.#pingBetween) this.#push({ opcode: 9 });
      }
      this.#fragments = 0;
    } else this.#push({ payloadLength: outgoing.size });
    return { ok: true };
  }
  async demo(request: DemoRequest) {
    this.calls.push(`demo ${request.demo}`);
    if (request.demo === 'fragment-next') {
      this.#fragments = request.count;
      this.#pingBetween = request.ping === true;
    } else if (request.demo === 'ping') {
      this.#push({ opcode: 9 });
      this.#push({ direction: 'client-to-server', opcode: 10, masked: true });
    } else if (request.demo === 'misbehave') {
      this.#push({ misbehave: request.kind });
      this.state = 'CLOSED';
    }
    return { ok: true, message: 'ok' };
  }
  async setCompression(on: boolean) {
    this.calls.push(`compression ${on}`);
    this.compression = on;
    if (this.state === 'OPEN') await this.connect();
  }
  select(f: CapturedFrame): void {
    this.selected = f;
  }
}

const fast = { timeout: 200, sleep: () => Promise.resolve() };

describe('the lesson steps', () => {
  it('twelve steps, each with something to do, to look at, a question, an answer and an RFC section', () => {
    expect(LESSON_STEPS).toHaveLength(12);
    expect(new Set(LESSON_STEPS.map((s) => s.id)).size).toBe(12);
    for (const step of LESSON_STEPS) {
      expect(step.buttons.length, step.id).toBeGreaterThan(0);
      for (const text of [step.title, step.lookText, step.explain, step.question, step.answer]) expect(text().length, step.id).toBeGreaterThan(10);
      expect(step.rfc.length, step.id).toBeGreaterThan(0);
      for (const ref of step.rfc) expect(ref.section, step.id).toMatch(/^\d+(\.\d+)*$/);
    }
    // The list, in its order.
    expect(LESSON_STEPS.map((s) => s.id)).toEqual([
      'handshake', 'text-frame', 'masking', 'lengths', 'fragmentation', 'control-between',
      'ping-pong', 'closing', 'violation', 'tcp-reads', 'compression', 'summary',
    ]);
  });
});

describe('a step on the playground', () => {
  it('connects once, sends, and selects the frame the step looks at', async () => {
    const page = new FakePlayground();
    const step = LESSON_STEPS.find((s) => s.id === 'masking')!;
    expect(await runButton(page, step.buttons[0]!, fast)).toEqual({ ok: true, message: 'Done.' });
    expect(page.calls).toEqual(['connect', 'send 5']);
    expect(page.selected).toMatchObject({ direction: 'client-to-server', opcode: 1, masked: true });
    await runButton(page, step.buttons[0]!, fast);
    expect(page.calls).toEqual(['connect', 'send 5', 'send 5']);
  });

  it('fragments: the first fragment is shown; with a ping between, the ping', async () => {
    const page = new FakePlayground();
    await runButton(page, LESSON_STEPS.find((s) => s.id === 'fragmentation')!.buttons[0]!, fast);
    expect(page.selected).toMatchObject({ opcode: 1, fin: false });
    await runButton(page, LESSON_STEPS.find((s) => s.id === 'control-between')!.buttons[0]!, fast);
    expect(page.selected).toMatchObject({ opcode: 9 });
    const sel = page.selected!;
    expect(page.frames.bySeq(sel.seq - 1)).toMatchObject({ opcode: 1, fin: false });
  });

  it('after a close or a violation, the next step connects again', async () => {
    const page = new FakePlayground();
    await runButton(page, LESSON_STEPS.find((s) => s.id === 'violation')!.buttons[0]!, fast);
    expect(page.selected?.misbehave).toBe('rsv1');
    await runButton(page, LESSON_STEPS.find((s) => s.id === 'ping-pong')!.buttons[0]!, fast);
    expect(page.calls).toEqual(['connect', 'demo misbehave', 'connect', 'demo ping']);
    expect(page.selected).toMatchObject({ direction: 'client-to-server', opcode: 10 });
  });

  it('compression: the toggle on for its step (reconnecting), off again for the next', async () => {
    const page = new FakePlayground();
    await runButton(page, LESSON_STEPS.find((s) => s.id === 'text-frame')!.buttons[0]!, fast);
    await runButton(page, LESSON_STEPS.find((s) => s.id === 'compression')!.buttons[0]!, fast);
    expect(page.compression).toBe(true);
    await runButton(page, LESSON_STEPS.find((s) => s.id === 'summary')!.buttons[0]!, fast);
    expect(page.compression).toBe(false);
    expect(page.calls).toEqual(['connect', 'send 5', 'compression true', 'connect', 'send 5', 'send 5', 'compression false', 'connect', 'send 9']);
  });

  it('says so when the playground cannot connect, or the frame never comes', async () => {
    const page = new FakePlayground();
    page.connect = async () => ({ ok: false, message: 'no server' });
    expect(await runButton(page, LESSON_STEPS[0]!.buttons[0]!, fast)).toEqual({ ok: false, message: 'no server' });
    const quiet = new FakePlayground();
    quiet.send = () => ({ ok: true });
    expect((await runButton(quiet, LESSON_STEPS[1]!.buttons[0]!, fast)).message).toMatch(/did not arrive in time/);
  });
});

describe('progress', () => {
  it('kept in storage: the step and the steps done; a bad value starts over', async () => {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a fake storage, not state
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
    let lesson!: LessonState;
    withEffectRoot(() => {
      lesson = new LessonState(new FakePlayground(), { storage, run: fast });
    });
    expect(lesson.index).toBe(0);
    await lesson.run(lesson.step.buttons[0]!);
    expect(lesson.isDone(lesson.step)).toBe(true);
    lesson.go(7);
    expect(JSON.parse(kept.get('framescope.lesson')!)).toEqual({ step: 7, done: ['handshake'] });
    let again!: LessonState;
    withEffectRoot(() => {
      again = new LessonState(new FakePlayground(), { storage });
    });
    expect(again.index).toBe(7);
    expect(again.done).toEqual(['handshake']);
    again.go(99);
    expect(again.index).toBe(7);
    expect(readProgress('{"step":40,"done":["nope","masking","masking"]}')).toEqual({ step: 0, done: ['masking'] });
    expect(readProgress('not json')).toEqual({ step: 0, done: [] });
    expect(readProgress(null)).toEqual({ step: 0, done: [] });
  });
});
