/**
 * Where a capture file is read: in a Web Worker (import.worker.ts) when the page can start one, so
 * a 100 MB file never blocks the page; else on the main thread in slices (a page opened from
 * file://). One file at a time: opening another, or cancelling, ends the work on the last one.
 */
import type { ImportReply, ImportRequest } from './messages';
import { readCapture, type ReadProgress } from './read';
import type { CaptureSession, CaptureSummary, FrameTable } from './session';
// The worker's URL, resolved as the decoder's own worker is (see ../backend.ts).
import workerUrl from './import.worker.ts?worker&url';
import { startWorker } from '../start-worker';

/** The error a read ends with when the worker stopped halfway (out of memory, most likely). */
export const WORKER_STOPPED = 'worker-stopped';

export interface CaptureBackend {
  readonly where: 'worker' | 'main-thread';
  /** Reads `file`; progress as it goes. Rejects with "cancelled" if another file is opened or `cancel()` is called. */
  open(file: Blob, name: string, onprogress: (progress: ReadProgress) => void): Promise<CaptureSummary>;
  /** Connection `index`'s frame table, of the file opened last. */
  table(index: number): Promise<FrameTable | null>;
  /** One row's whole bytes. */
  frame(index: number, row: number): Promise<Uint8Array | null>;
  cancel(): void;
  dispose(): void;
}

/** On the main thread: the same reading, yielding to the page every 12 ms. */
export class SlicedCaptureBackend implements CaptureBackend {
  readonly where = 'main-thread' as const;
  #session: CaptureSession | null = null;
  #signal = { cancelled: false };

  async open(file: Blob, name: string, onprogress: (progress: ReadProgress) => void): Promise<CaptureSummary> {
    this.cancel();
    const signal = (this.#signal = { cancelled: false });
    const { session, summary } = await readCapture(file, name, onprogress, { slice: 12, signal });
    if (signal.cancelled) throw new Error('cancelled');
    this.#session = session;
    return summary;
  }

  async table(index: number): Promise<FrameTable | null> {
    return this.#session?.table(index) ?? null;
  }

  async frame(index: number, row: number): Promise<Uint8Array | null> {
    return this.#session?.frameBytes(index, row) ?? null;
  }

  cancel(): void {
    this.#signal.cancelled = true;
    this.#session = null;
  }

  dispose(): void {
    this.cancel();
  }
}

type Pending = { resolve: (reply: ImportReply) => void; reject: (error: Error) => void; onprogress?: (progress: ReadProgress) => void };

export class WorkerCaptureBackend implements CaptureBackend {
  #worker: Worker | null = null;
  #broken = false;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #fallback = new SlicedCaptureBackend();
  readonly #factory: () => Worker;
  /** Did the current worker ever answer? (If it fails before, workers do not work here.) */
  #heard = false;

  constructor(factory: () => Worker = () => startWorker(workerUrl, 'framescope-capture')) {
    this.#factory = factory;
  }

  get where(): 'worker' | 'main-thread' {
    return this.#broken ? 'main-thread' : 'worker';
  }

  async open(file: Blob, name: string, onprogress: (progress: ReadProgress) => void): Promise<CaptureSummary> {
    this.cancel();
    if (this.#broken) return this.#fallback.open(file, name, onprogress);
    try {
      const reply = await this.#ask({ type: 'open', file, name }, onprogress);
      if (reply.type !== 'summary') throw new Error('the capture worker answered out of turn');
      return reply.summary;
    } catch (error) {
      if (error instanceof WorkerUnavailable) return this.#fallback.open(file, name, onprogress);
      throw error;
    }
  }

  async table(index: number): Promise<FrameTable | null> {
    if (this.#broken) return this.#fallback.table(index);
    const reply = await this.#ask({ type: 'table', connection: index });
    return reply.type === 'table' ? reply.table : null;
  }

  async frame(index: number, row: number): Promise<Uint8Array | null> {
    if (this.#broken) return this.#fallback.frame(index, row);
    const reply = await this.#ask({ type: 'frame', connection: index, row });
    return reply.type === 'frame' ? reply.bytes : null;
  }

  /** Ends the work on the current file (the worker is stopped: the quickest way to stop a read). */
  cancel(): void {
    this.#fallback.cancel();
    this.#worker?.terminate();
    this.#worker = null;
    for (const pending of this.#pending.values()) pending.reject(new Error('cancelled'));
    this.#pending.clear();
  }

  dispose(): void {
    this.cancel();
  }

  #ask(body: DistributiveOmit<ImportRequest, 'id'>, onprogress?: (progress: ReadProgress) => void): Promise<ImportReply> {
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise<ImportReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onprogress });
      worker.postMessage({ ...body, id } as ImportRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    let worker: Worker;
    try {
      worker = this.#factory();
    } catch {
      this.#broken = true;
      throw new WorkerUnavailable();
    }
    this.#heard = false;
    worker.addEventListener('message', (event: MessageEvent<ImportReply>) => {
      this.#heard = true;
      const reply = event.data;
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      if (reply.type === 'progress') {
        pending.onprogress?.(reply.progress);
        return;
      }
      this.#pending.delete(reply.id);
      if (reply.type === 'error') pending.reject(new Error(reply.message));
      else pending.resolve(reply);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      const never = !this.#heard;
      worker.terminate();
      if (this.#worker === worker) this.#worker = null;
      const failed = [...this.#pending.values()];
      this.#pending.clear();
      if (never) this.#broken = true;
      for (const pending of failed) pending.reject(never ? new WorkerUnavailable() : new Error(WORKER_STOPPED));
    });
    this.#worker = worker;
    return worker;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

class WorkerUnavailable extends Error {
  constructor() {
    super('worker-unavailable');
  }
}

export function createCaptureBackend(): CaptureBackend {
  return typeof Worker === 'function' ? new WorkerCaptureBackend() : new SlicedCaptureBackend();
}
