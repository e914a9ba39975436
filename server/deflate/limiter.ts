/**
 * At most `concurrency` zlib jobs at once across the whole server, the rest waiting in order (as
 * ws's zlib limiter does): node:zlib's asynchronous calls run on libuv's threadpool (4 threads by
 * default), which file system and DNS work share; an unbounded number of queued compressions would
 * hold a buffer each and starve them.
 */
export class Limiter {
  readonly #concurrency: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(concurrency: number) {
    this.#concurrency = Math.max(1, concurrency);
  }

  /** Run `job` when a place is free; its promise settles with the job's. */
  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#running++;
        job().then(resolve, reject).finally(() => {
          this.#running--;
          this.#waiting.shift()?.();
        });
      };
      if (this.#running < this.#concurrency) start();
      else this.#waiting.push(start);
    });
  }
}

/** One limiter for the process, ws's number. */
export const zlibLimiter = new Limiter(10);
