/**
 * Writes each recorded connection into the `--record` folder: `<time>-conn<id>-<path>-<peer>.pcapng`
 * (Wireshark) and `.json` (Framescope's capture, which the page reopens). Never in the way of the
 * connections: files are written one after the other in the background, a disk error is logged
 * (once per kind, then counted) and the server goes on; a queue of files waiting is bounded in
 * bytes, past it a connection's files are skipped and the log says so.
 */
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { captureToPcapng, serializeCapture } from '../../src/capture/index.ts';
import type { Logger } from '../log.ts';
import type { Finished } from './recorder.ts';

export type RecordFormat = 'pcapng' | 'json';

export class RecordDirError extends Error {}

/**
 * Makes `dir` if needed and checks a file can be written in it. Throws a RecordDirError that says
 * what is wrong ("--record /x: cannot write there: EACCES: permission denied").
 */
export function checkRecordDir(dir: string): string {
  const absolute = path.resolve(dir);
  try {
    mkdirSync(absolute, { recursive: true });
    accessSync(absolute, constants.W_OK);
    const probe = path.join(absolute, `.framescope-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new RecordDirError(`--record ${dir}: cannot write there (${e.code ?? 'error'}: ${e.message.replace(/^[A-Z]+: /, '')})`);
  }
  return absolute;
}

export interface WriterOptions {
  dir: string;
  formats: readonly RecordFormat[];
  logger: Logger;
  /** Bytes of files waiting to be written, at most; past it a connection's files are skipped. */
  maxQueued: number;
}

export class RecordWriter {
  readonly #options: WriterOptions;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  readonly #errors = new Map<string, number>();
  /** Files written, and files given up (a disk error or a full queue). */
  written = 0;
  failed = 0;

  constructor(options: WriterOptions) {
    this.#options = options;
  }

  /** Queue a finished connection's files. Never throws. */
  write(done: Finished): void {
    let files: { name: string; bytes: Uint8Array }[];
    try {
      const base = fileBase(done);
      files = this.#options.formats.map((format) => ({
        name: `${base}.${format}`,
        bytes: format === 'pcapng' ? captureToPcapng(done.capture) : Buffer.from(serializeCapture(done.capture), 'utf8'),
      }));
    } catch (error) {
      // A bug of ours: say so, never stop the server for it.
      this.#fail('build', `connection ${done.id}: could not make its capture files: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const size = files.reduce((n, f) => n + f.bytes.length, 0);
    if (this.#queued + size > this.#options.maxQueued) {
      this.#fail('queue', `connection ${done.id}: its files (${size.toLocaleString('en-US')} bytes) were not written: ${this.#queued.toLocaleString('en-US')} bytes are still waiting for the disk`);
      return;
    }
    this.#queued += size;
    this.#queue = this.#queue.then(async () => {
      for (const f of files) await this.#writeOne(f.name, f.bytes);
      this.#queued -= size;
    });
  }

  /** Resolves once every queued file is written (or failed). */
  flush(): Promise<void> {
    return this.#queue;
  }

  async #writeOne(name: string, bytes: Uint8Array): Promise<void> {
    const file = path.join(this.#options.dir, name);
    // Written under a hidden name, then renamed: a reader (Wireshark, a script watching the folder)
    // never sees half a file.
    const partial = path.join(this.#options.dir, `.${name}.partial`);
    try {
      await writeFile(partial, bytes);
      await rename(partial, await freeName(file));
      this.written++;
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      await rm(partial, { force: true }).catch(() => {});
      this.#fail(e.code ?? 'error', `could not write ${file}: ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
    }
  }

  /** Logs the first failure of each kind, then every 100th (a full disk must not flood the log). */
  #fail(kind: string, line: string): void {
    this.failed++;
    const n = (this.#errors.get(kind) ?? 0) + 1;
    this.#errors.set(kind, n);
    if (n === 1 || n % 100 === 0) this.#options.logger.warn(`record: ${line}${n > 1 ? ` (${n} times so far)` : ''}; the server goes on`);
  }
}

/** `file`, or `file` with -2, -3... before its extension when a file of that name is there (never overwrite one). */
async function freeName(file: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? file : file.replace(/(\.\w+)$/, `-${n}$1`);
    try {
      await access(candidate);
    } catch {
      return candidate;
    }
  }
}

/** "20261208-140312-conn12-echo-127.0.0.1-55748": when it closed, which connection, where from. Safe characters only. */
export function fileBase(done: Finished, now = new Date()): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const when = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'x';
  return `${when}-conn${done.id}-${safe(done.path)}-${safe(done.peer)}`;
}
