/**
 * A real redis-server for the tests: on 127.0.0.1 and a free port, in a temporary directory, with
 * its append-only file on (so a restart keeps what it had) and no RDB snapshots; stopped by the
 * test. `describeRedis` is `describe` for suites that need one: with no redis-server, a loud
 * warning and a skipped suite on a developer's machine, a failing test under CI=true (the pattern
 * of tests/e2e/browser.ts).
 *
 *   describeRedis('the room on two processes', () => {
 *     let redis: TestRedis;
 *     beforeAll(async () => { redis = await TestRedis.start(); });
 *     afterAll(() => redis.stop());
 *   });
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { describe, it } from 'vitest';

export const REDIS_MISSING = 'no redis-server found; set REDIS_SERVER or apt-get install redis-server';

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server'];

/** `REDIS_SERVER` if it names a file, else a redis-server on the usual paths or the PATH, else null. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | null {
  const found = [env['REDIS_SERVER'], ...CANDIDATES].find((file): file is string => !!file && existsSync(file));
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  return which.status === 0 && onPath !== '' ? onPath : null;
}

export function describeRedis(name: string, fn: () => void): void {
  if (findRedisServer()) {
    describe(name, fn);
  } else if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('has a redis-server to run against', () => {
        throw new Error(`REDIS TESTS CANNOT RUN under CI: ${REDIS_MISSING}`);
      });
    });
  } else {
    const lines = [`REDIS TESTS SKIPPED: ${REDIS_MISSING}`, `suite: ${name}`];
    const width = Math.max(...lines.map((line) => line.length)) + 4;
    const bar = '#'.repeat(width);
    process.stderr.write(`\n${[bar, ...lines.map((line) => `# ${line.padEnd(width - 4)} #`), bar].join('\n')}\n\n`);
    describe.skip(name, fn);
  }
}

/** A free TCP port on 127.0.0.1 (free a moment ago: redis-server takes a port number, not 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class TestRedis {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | null = null;
  #log = '';

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  static async start(): Promise<TestRedis> {
    const dir = mkdtempSync(path.join(tmpdir(), 'framescope-redis-'));
    const redis = new TestRedis(await freePort(), dir);
    await redis.#launch();
    return redis;
  }

  /** Empties every database (between tests that share this server). */
  async flush(): Promise<void> {
    const client = createClient({ url: this.url });
    await client.connect();
    try {
      await client.flushAll();
    } finally {
      client.destroy();
    }
  }

  /** Stops it as a shutdown would (the AOF is flushed), keeps its files. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** Kills it at once (no flush). */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  /** Starts it again on the same port from the same directory (its append-only file). */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.#launch();
  }

  /** Stops it and removes its directory. */
  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #launch(): Promise<void> {
    const executable = findRedisServer();
    if (!executable) throw new Error(REDIS_MISSING);
    const args = [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning',
    ];
    const child = spawn(executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#log = '';
    child.stdout?.on('data', (chunk: Buffer) => (this.#log += String(chunk)));
    child.stderr?.on('data', (chunk: Buffer) => (this.#log += String(chunk)));
    const deadline = Date.now() + 10_000;
    while (!(await this.#ping())) {
      if (!this.running) throw new Error(`redis-server exited: ${this.#log.slice(-500)}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${this.port}: ${this.#log.slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A readiness probe: PING answered with PONG (not a client: the tests use the `redis` package). */
  #ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      let reply = '';
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('error', () => done(false));
      socket.on('data', (chunk) => {
        reply += String(chunk);
        if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
      });
      socket.once('connect', () => socket.write('PING\r\n'));
    });
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}
