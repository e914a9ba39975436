/**
 * Benchmark children: each implementation runs in its own Node process (its own heap, JIT and
 * event loop), driven over IPC one request at a time, so rounds of ours and ws's alternate and
 * never overlap.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildOptions {
  /** Extra environment (e.g. WS_NO_BUFFER_UTIL=1). */
  env?: Record<string, string>;
  /** Arguments after the script. */
  args?: string[];
  /** A name for error messages. */
  name: string;
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']. */
  execArgv?: string[];
  /** Load the script through tsx (default); false for plain JavaScript. */
  tsx?: boolean;
}

/** A child process that answers `{ id, ... }` requests with `{ id, result }` or `{ id, error }`. */
export class Child {
  readonly name: string;
  readonly process: ChildProcess;
  #nextId = 1;
  #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #exited: Error | null = null;
  /** Messages the child sent on its own (not answers), e.g. 'ready'. */
  #notices: Array<(message: Record<string, unknown>) => void> = [];

  constructor(script: string | URL, options: ChildOptions) {
    this.name = options.name;
    const path = typeof script === 'string' ? script : fileURLToPath(script);
    this.process = fork(path, options.args ?? [], {
      execArgv: [...(options.tsx === false ? [] : ['--import', 'tsx']), ...(options.execArgv ?? [])],
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.process.on('message', (raw) => {
      const message = raw as Record<string, unknown>;
      const id = message.id as number | undefined;
      if (id === undefined) {
        for (const listener of this.#notices) listener(message);
        return;
      }
      const pending = this.#pending.get(id);
      if (!pending) return;
      this.#pending.delete(id);
      if (message.error !== undefined) pending.reject(new Error(`${this.name}: ${String(message.error)}`));
      else pending.resolve(message.result);
    });
    this.process.on('exit', (code, signal) => {
      this.#exited = new Error(`${this.name} exited (${signal ?? code})`);
      for (const pending of this.#pending.values()) pending.reject(this.#exited);
      this.#pending.clear();
    });
  }

  /** Resolves with the first notice the child sends without an id whose `type` is `type`. */
  notice(type: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const listener = (message: Record<string, unknown>): void => {
        if (message.type !== type) return;
        clearTimeout(timer);
        this.#notices = this.#notices.filter((l) => l !== listener);
        resolve(message);
      };
      this.#notices.push(listener);
    });
  }

  request<T>(message: Record<string, unknown>): Promise<T> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ ...message, id });
    });
  }

  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.disconnect();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/** In a child: answer requests with `handler`; errors go back as messages. */
export function serve(handler: (message: Record<string, unknown>) => unknown): void {
  process.on('message', (raw) => {
    const message = raw as Record<string, unknown>;
    const id = message.id;
    void (async () => {
      try {
        const result = await handler(message);
        process.send!({ id, result });
      } catch (error) {
        process.send!({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
  process.on('disconnect', () => process.exit(0));
}
