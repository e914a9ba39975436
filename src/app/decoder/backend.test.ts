import { describe, expect, it } from 'vitest';
import { decodeTextSteps, type DecodeProgress } from './analyze';
import { SlicedBackend, WorkerBackend } from './backend';
import type { WorkerReply, WorkerRequest } from './worker-messages';

/** A stand-in for a Web Worker running decode.worker.ts's loop, or one that fails to start. */
class FakeWorker extends EventTarget {
  terminated = false;
  constructor(private readonly fails = false) {
    super();
  }
  postMessage(request: WorkerRequest): void {
    setTimeout(() => {
      if (this.terminated) return;
      if (this.fails) {
        this.dispatchEvent(new Event('error', { cancelable: true }));
        return;
      }
      const steps = decodeTextSteps(request.text, request.sender, 4);
      for (;;) {
        const step = steps.next();
        const reply: WorkerReply = step.done
          ? { id: request.id, type: 'result', outcome: step.value }
          : { id: request.id, type: 'progress', progress: step.value };
        this.dispatchEvent(new MessageEvent('message', { data: reply }));
        if (step.done) return;
      }
    }, 0);
  }
  terminate(): void {
    this.terminated = true;
  }
}

const asWorker = (fake: FakeWorker): Worker => fake as unknown as Worker;

describe('WorkerBackend', () => {
  it('decodes in the worker and reports progress', async () => {
    const backend = new WorkerBackend(() => asWorker(new FakeWorker()));
    const seen: DecodeProgress[] = [];
    const outcome = await backend.run('81 05 48 65 6c 6c 6f 8a 00', 'server', (p) => seen.push(p)).promise;
    expect(outcome.kind === 'decoded' && outcome.analysis.frames.count).toBe(2);
    expect(seen[0]?.phase).toBe('hex');
    expect(seen.some((p) => p.phase === 'frames')).toBe(true);
    expect(backend.where).toBe('worker');
  });

  it('falls back to the main thread when the worker cannot be made', async () => {
    const backend = new WorkerBackend(() => {
      throw new DOMException('file:// pages may not start workers', 'SecurityError');
    });
    const outcome = await backend.run('81 00', 'any', () => {}).promise;
    expect(outcome.kind).toBe('decoded');
    expect(backend.where).toBe('main-thread');
  });

  it('falls back when the worker script fails to load', async () => {
    const backend = new WorkerBackend(() => asWorker(new FakeWorker(true)));
    const outcome = await backend.run('81 00', 'any', () => {}).promise;
    expect(outcome.kind).toBe('decoded');
    expect(backend.where).toBe('main-thread');
  });

  it('ends a busy worker when a new job starts', async () => {
    const workers: FakeWorker[] = [];
    const backend = new WorkerBackend(() => {
      const worker = new FakeWorker();
      workers.push(worker);
      return asWorker(worker);
    });
    const first = backend.run('81 00', 'any', () => {});
    first.cancel();
    const second = await backend.run('82 00 82 00', 'any', () => {}).promise;
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    expect(second.kind === 'decoded' && second.analysis.frames.count).toBe(2);
    backend.dispose();
    expect(workers[1]!.terminated).toBe(true);
  });
});

describe('SlicedBackend', () => {
  it('decodes in time slices on the main thread', async () => {
    const outcome = await new SlicedBackend().run('81 00 '.repeat(1000), 'any', () => {}).promise;
    expect(outcome.kind === 'decoded' && outcome.analysis.frames.count).toBe(1000);
  });

  it('never settles once cancelled', async () => {
    const job = new SlicedBackend().run('81 00', 'any', () => {});
    job.cancel();
    const result = await Promise.race([job.promise.then(() => 'settled'), new Promise((done) => setTimeout(() => done('pending'), 30))]);
    expect(result).toBe('pending');
  });
});
