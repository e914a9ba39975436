/**
 * Runs: one comparison by one client (`?run=TOKEN`), with a ledger per transport and the echoes
 * waiting for each HTTP transport. A class runs many at once, so runs are bounded: at most
 * `maxRuns`, the least recently used idle one forgotten to make room, and any run idle for
 * `idleMs` swept away. A run with a held poll, an open event stream or an open WebSocket is never
 * forgotten.
 */
import { TRANSPORT_NAMES, type HttpTransportName, type TransportName } from '../../src/wire/compare.ts';
import { TrafficLedger } from './accounting.ts';
import { ByteBudget, EchoQueue, type QueueLimits } from './queue.ts';

export class Run {
  readonly token: string;
  lastUsed: number;
  /** Held polls, open streams and open WebSockets of this run. */
  active = 0;
  readonly ledgers: Record<TransportName, TrafficLedger>;
  readonly queues: Record<HttpTransportName, EchoQueue>;
  /** The highest seq an event stream of this run has written (what a stream without Last-Event-ID starts after). */
  sseWritten = 0;

  constructor(token: string, now: number, limits: QueueLimits, shared: ByteBudget) {
    this.token = token;
    this.lastUsed = now;
    this.ledgers = Object.fromEntries(TRANSPORT_NAMES.map((name) => [name, new TrafficLedger()])) as Record<TransportName, TrafficLedger>;
    this.queues = {
      'short-polling': new EchoQueue(limits, shared),
      'long-polling': new EchoQueue(limits, shared),
      sse: new EchoQueue(limits, shared),
    };
  }

  /** The run is forgotten: give back what its queues held. */
  dispose(): void {
    for (const queue of Object.values(this.queues)) queue.clear();
  }
}

export interface RunLimits {
  maxRuns: number;
  idleMs: number;
  queue: QueueLimits;
  /** Bytes of echoes queued across every run. */
  maxQueuedBytes: number;
}

export class RunRegistry {
  readonly #limits: RunLimits;
  /** In order of last use, least recent first (a use moves a run to the end). */
  readonly #runs = new Map<string, Run>();
  /** What every run's queues hold together. */
  readonly queued: ByteBudget;

  constructor(limits: RunLimits) {
    this.#limits = limits;
    this.queued = new ByteBudget(limits.maxQueuedBytes);
  }

  get size(): number {
    return this.#runs.size;
  }

  /** The run `token`, made if new; null when every slot holds a run that is still active. */
  use(token: string, now: number): Run | null {
    let run = this.#runs.get(token);
    if (run !== undefined) {
      this.#runs.delete(token);
    } else {
      if (this.#runs.size >= this.#limits.maxRuns && !this.#forgetOne()) return null;
      run = new Run(token, now, this.#limits.queue, this.queued);
    }
    run.lastUsed = now;
    this.#runs.set(token, run);
    return run;
  }

  /** The run `token` if it exists (without making it or counting a use). */
  find(token: string): Run | undefined {
    return this.#runs.get(token);
  }

  /** Forget runs idle for longer than `idleMs`. */
  sweep(now: number): void {
    for (const [token, run] of this.#runs) {
      if (run.active === 0 && now - run.lastUsed > this.#limits.idleMs) this.#forget(token, run);
    }
  }

  clear(): void {
    for (const [token, run] of this.#runs) this.#forget(token, run);
  }

  #forgetOne(): boolean {
    for (const [token, run] of this.#runs) {
      if (run.active === 0) {
        this.#forget(token, run);
        return true;
      }
    }
    return false;
  }

  #forget(token: string, run: Run): void {
    this.#runs.delete(token);
    run.dispose();
  }
}
