/**
 * `npm start` in a child process, as a user runs it: the compiled server (a `ServerBuild` from
 * tests/helpers/built-server.ts) under plain node with npm start's flags, on 127.0.0.1 and a free
 * port: for tests that need several real server processes, or to kill one. The machine's REDIS_URL
 * is not passed on (see `serverEnv`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, serverEnv, type ServerBuild } from './built-server';

/** What `npm start` gives node before bin/framescope.js (package.json, "start"). */
const NODE_FLAGS = ['--initial-old-space-size=64'];

export class ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  #out: string;
  #err = '';

  private constructor(child: ChildProcess, port: number, out: string) {
    this.child = child;
    this.port = port;
    this.#out = out;
    child.stdout?.on('data', (chunk: Buffer) => (this.#out += String(chunk)));
    child.stderr?.on('data', (chunk: Buffer) => (this.#err += String(chunk)));
  }

  /** Starts `npm start -- --port 0 --host 127.0.0.1 ...args` from `build`; resolves once it listens. */
  static start(build: ServerBuild, args: string[], env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
    const child = spawn(process.execPath, [...NODE_FLAGS, build.bin, '--port', '0', '--host', '127.0.0.1', ...args], {
      cwd: ROOT,
      env: serverEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      const onOut = (chunk: Buffer): void => {
        out += String(chunk);
        const port = /Framescope on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1];
        if (port === undefined) return;
        child.stdout?.off('data', onOut);
        child.stderr?.off('data', onErr);
        child.off('exit', onExit);
        resolve(new ServerProcess(child, Number(port), out));
      };
      const onErr = (chunk: Buffer): void => {
        err += String(chunk);
      };
      const onExit = (code: number | null): void => reject(new Error(`server exited (${code}) before listening: ${err || out}`));
      child.stdout?.on('data', onOut);
      child.stderr?.on('data', onErr);
      child.once('exit', onExit);
    });
  }

  /** Runs `npm start -- ...args` from `build` to its end: exit code and output. */
  static run(build: ServerBuild, args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; out: string; err: string }> {
    const child = spawn(process.execPath, [...NODE_FLAGS, build.bin, ...args], { cwd: ROOT, env: serverEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (err += String(chunk)));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get output(): string {
    return `${this.#out}${this.#err}`;
  }

  url(pathname: string): string {
    return `ws://127.0.0.1:${this.port}${pathname}`;
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill(signal);
    return exited;
  }
}
