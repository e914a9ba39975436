/**
 * Where a large decode runs: in a Web Worker when the browser lets the page start one, otherwise on
 * the main thread in time slices (a few milliseconds of work, then a yield to the page), so the
 * page stays responsive either way and progress can be shown.
 */
import type { FrameSender } from '../../protocol';
import { decodeTextSteps, type DecodeOutcome, type DecodeProgress } from './analyze';
import type { WorkerReply, WorkerRequest } from './worker-messages';
// The worker's URL, resolved when the app script first runs (the build is one classic script, so
// `import.meta.url` is not there at run time; Vite resolves this import against the script's own
// address instead).
import workerUrl from './decode.worker.ts?worker&url';
import { startWorker } from './start-worker';

export interface DecodeJob {
  promise: Promise<DecodeOutcome>;
  cancel(): void;
}

export interface DecodeBackend {
  /** Start decoding; progress is reported as it goes. A cancelled job's promise never settles. */
  run(text: string, sender: FrameSender, onprogress: (progress: DecodeProgress) => void, deflate?: boolean): DecodeJob;
  /** Where the work runs, for the page to say. */
  readonly where: 'worker' | 'main-thread';
  dispose(): void;
}

/** Work for this long, then let the page paint and handle input. */
const SLICE_MS = 12;

/** Main-thread decoding in time slices. */
export class SlicedBackend implements DecodeBackend {
  readonly where = 'main-thread' as const;

  run(text: string, sender: FrameSender, onprogress: (progress: DecodeProgress) => void, deflate = false): DecodeJob {
    let cancelled = false;
    const steps = decodeTextSteps(text, sender, undefined, deflate);
    const promise = new Promise<DecodeOutcome>((resolve, reject) => {
      const tick = (): void => {
        if (cancelled) return;
        try {
          const until = performance.now() + SLICE_MS;
          for (;;) {
            const step = steps.next();
            if (step.done) {
              resolve(step.value);
              return;
            }
            if (performance.now() >= until) {
              onprogress(step.value);
              setTimeout(tick, 0);
              return;
            }
          }
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      setTimeout(tick, 0);
    });
    return { promise, cancel: () => (cancelled = true) };
  }

  dispose(): void {}
}

type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () => startWorker(workerUrl, 'framescope-decoder');

/**
 * Decoding in a Web Worker. One job at a time: a new job while one runs ends the old worker (the
 * quickest way to stop a decode in progress). If the worker cannot start (a page opened from
 * file://, a browser without module workers), this job and every later one run in slices instead.
 */
export class WorkerBackend implements DecodeBackend {
  #worker: Worker | null = null;
  #busy = false;
  #broken = false;
  #nextId = 1;
  readonly #fallback = new SlicedBackend();
  readonly #factory: WorkerFactory;

  constructor(factory: WorkerFactory = defaultFactory) {
    this.#factory = factory;
  }

  get where(): 'worker' | 'main-thread' {
    return this.#broken ? 'main-thread' : 'worker';
  }

  run(text: string, sender: FrameSender, onprogress: (progress: DecodeProgress) => void, deflate = false): DecodeJob {
    if (this.#broken) return this.#fallback.run(text, sender, onprogress, deflate);
    if (this.#busy) this.#stop();
    let worker: Worker;
    try {
      worker = this.#worker ??= this.#factory();
    } catch {
      this.#broken = true;
      return this.#fallback.run(text, sender, onprogress, deflate);
    }
    const id = this.#nextId++;
    let cancelled = false;
    let fallbackJob: DecodeJob | null = null;
    this.#busy = true;
    const promise = new Promise<DecodeOutcome>((resolve, reject) => {
      let heard = false;
      const cleanup = (): void => {
        worker.removeEventListener('message', onmessage);
        worker.removeEventListener('error', onerror);
      };
      const onmessage = (event: MessageEvent<WorkerReply>): void => {
        const reply = event.data;
        if (reply.id !== id) return;
        heard = true;
        if (cancelled) return;
        if (reply.type === 'progress') {
          onprogress(reply.progress);
          return;
        }
        cleanup();
        this.#busy = false;
        if (reply.type === 'result') resolve(reply.outcome);
        else reject(new Error(reply.message));
      };
      const onerror = (event: Event): void => {
        event.preventDefault();
        cleanup();
        this.#busy = false;
        this.#stop();
        if (cancelled) return;
        if (!heard) {
          // The worker never started: decode here instead, from now on.
          this.#broken = true;
          fallbackJob = this.#fallback.run(text, sender, onprogress, deflate);
          fallbackJob.promise.then(resolve, reject);
        } else {
          reject(new Error('the decoder worker stopped'));
        }
      };
      worker.addEventListener('message', onmessage);
      worker.addEventListener('error', onerror);
      const request: WorkerRequest = { id, text, sender, deflate };
      worker.postMessage(request);
    });
    return {
      promise,
      cancel: () => {
        cancelled = true;
        fallbackJob?.cancel();
      },
    };
  }

  #stop(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#busy = false;
  }

  dispose(): void {
    this.#stop();
  }
}

/** The backend for this browser: a worker if the API exists, slices otherwise. */
export function createBackend(): DecodeBackend {
  return typeof Worker === 'function' ? new WorkerBackend() : new SlicedBackend();
}
