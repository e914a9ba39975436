import { describe, expect, it } from 'vitest';
import type { FrameSender } from '../../protocol';
import { decodeText, type DecodeOutcome, type DecodeProgress } from './analyze';
import type { DecodeBackend, DecodeJob } from './backend';
import { DecoderState } from './decoder.svelte';
import { exampleById } from './examples';
import { readDecoderQuery } from './link';

/** A backend the test finishes by hand. */
class ManualBackend implements DecodeBackend {
  readonly where = 'worker' as const;
  jobs: { text: string; sender: FrameSender; progress: (p: DecodeProgress) => void; finish: () => void; cancelled: boolean }[] = [];
  disposed = false;

  run(text: string, sender: FrameSender, onprogress: (p: DecodeProgress) => void): DecodeJob {
    let resolve!: (outcome: DecodeOutcome) => void;
    const promise = new Promise<DecodeOutcome>((done) => (resolve = done));
    const job = { text, sender, progress: onprogress, finish: () => resolve(decodeText(text, sender)), cancelled: false };
    this.jobs.push(job);
    return { promise, cancel: () => (job.cancelled = true) };
  }

  dispose(): void {
    this.disposed = true;
  }
}

const tick = (): Promise<void> => new Promise((done) => setTimeout(done, 0));

describe('DecoderState', () => {
  it('starts empty', () => {
    const state = new DecoderState({ debounceMs: 0 });
    expect(state.outcome).toEqual({ kind: 'empty' });
    expect(state.rows).toBe(0);
    expect(state.sender).toBe('any');
  });

  it('decodes small input at once, and the link holds the bytes', () => {
    const state = new DecoderState({ debounceMs: 0 });
    state.setInput('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(state.outcome.kind).toBe('decoded');
    expect(state.rows).toBe(1);
    expect(state.current).toBe(true);
    expect(state.link.bytes?.length).toBe(11);
  });

  it('waits for typing to stop, then decodes', async () => {
    const state = new DecoderState({ debounceMs: 5 });
    state.setInput('81 00');
    expect(state.outcome.kind).toBe('empty');
    expect(state.current).toBe(false);
    await new Promise((done) => setTimeout(done, 20));
    expect(state.outcome.kind).toBe('decoded');
    state.setInput('81 00 89');
    state.flush();
    expect(state.rows).toBe(2);
  });

  it('keeps a hex error, and the link carries the text', () => {
    const state = new DecoderState({ debounceMs: 0 });
    state.setInput('81 zz');
    expect(state.outcome.kind).toBe('hex-error');
    expect(state.link).toEqual({ role: 'any', text: '81 zz', view: 'decode' });
  });

  it('selects the broken frame when there is a fault, and clamps selection', () => {
    const state = new DecoderState({ debounceMs: 0 });
    state.loadExample(exampleById('broken-fragmented-control')!);
    expect(state.sender).toBe('server');
    expect(state.rows).toBe(2);
    expect(state.selected).toBe(1);
    expect(state.offsetOfRow(1)).toBe(5);
    state.select(-4);
    expect(state.selected).toBe(0);
    state.select(99);
    expect(state.selected).toBe(1);
  });

  it('decodes again when the sender changes', () => {
    const state = new DecoderState({ debounceMs: 0 });
    state.setInput('81 05 48 65 6c 6c 6f');
    expect(state.analysis?.fault).toBeNull();
    state.setSender('client');
    expect(state.analysis?.fault?.rule).toBe('mask-required');
  });

  it('opens a link: sender, input and frame', () => {
    const state = new DecoderState({ debounceMs: 0 });
    state.loadLink(readDecoderQuery({ role: 'server', hex: '01036865 6c 80026c6f', frame: '2' }));
    expect(state.sender).toBe('server');
    expect(state.input).toBe('01 03 68 65 6c 80 02 6c 6f');
    expect(state.selected).toBe(1);
    expect(state.link).toMatchObject({ role: 'server', frame: 1 });
    // The same link again changes nothing but can move the selection.
    state.loadLink(readDecoderQuery({ role: 'server', hex: '010368656c80026c6f', frame: '1' }));
    expect(state.selected).toBe(0);
  });

  it('shows notes for a bad link and still decodes what it can', () => {
    const state = new DecoderState({ debounceMs: 0 });
    state.loadLink(readDecoderQuery({ role: 'nobody', hex: '8100', frame: 'x' }));
    expect(state.notes).toHaveLength(2);
    expect(state.rows).toBe(1);
    state.setInput('8100 8100');
    expect(state.notes).toHaveLength(0);
  });

  it('sends large input to the backend with progress, and drops a stale result', async () => {
    const backend = new ManualBackend();
    const state = new DecoderState({ backend, syncLimit: 10, debounceMs: 0 });
    state.setInput('81 05 48 65 6c 6c 6f');
    expect(state.busy).toBe(true);
    expect(state.progress?.phase).toBe('hex');
    backend.jobs[0]!.progress({ phase: 'frames', done: 3, total: 7 });
    expect(state.progress).toEqual({ phase: 'frames', done: 3, total: 7 });

    state.setInput('82 02 01 02 82 00');
    expect(backend.jobs[0]!.cancelled).toBe(true);
    backend.jobs[1]!.finish();
    backend.jobs[0]!.finish();
    await tick();
    expect(state.busy).toBe(false);
    expect(state.current).toBe(true);
    expect(state.rows).toBe(2);
    state.dispose();
    expect(backend.disposed).toBe(true);
  });

  it('reports a backend failure without crashing', async () => {
    const backend: DecodeBackend = {
      where: 'worker',
      run: () => ({ promise: Promise.reject(new Error('boom')), cancel: () => {} }),
      dispose: () => {},
    };
    const state = new DecoderState({ backend, syncLimit: 0, debounceMs: 0 });
    state.setInput('8100');
    await tick();
    expect(state.failure).toBe('boom');
    expect(state.busy).toBe(false);
  });
});
