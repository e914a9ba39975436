/**
 * `npm start`: the flags (parsed without a process), and the real command: it prints its URL,
 * serves the endpoints, says so clearly when the port is taken (exit 1), prints the usage for an
 * unknown flag (exit 2), and on SIGINT closes every WebSocket with 1001 and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCli, parseDuration, parseSize } from '../../server/args';
import { nextMessage, openWs, wsClosed } from './helpers';

const ROOT = path.resolve(__dirname, '../..');

describe('parseCli', () => {
  it('has the documented defaults', () => {
    const r = parseCli([]);
    expect(r).toEqual({
      kind: 'run',
      options: {
        port: 8008,
        host: '127.0.0.1',
        dist: 'dist',
        maxPayload: 16 * 1024 * 1024,
        maxMessage: 16 * 1024 * 1024,
        maxConnections: 1024,
        pingInterval: 30_000,
        idleTimeout: 120_000,
        handshakeTimeout: 10_000,
        closeTimeout: 5_000,
        classMode: false,
        quiet: false,
        redis: null,
      },
    });
  });

  it('takes the chat room’s Redis from --redis, else REDIS_URL, and checks the URL', () => {
    expect(parseCli(['--redis', 'redis://127.0.0.1:6379/2'])).toMatchObject({ kind: 'run', options: { redis: 'redis://127.0.0.1:6379/2' } });
    expect(parseCli([], { REDIS_URL: 'redis://10.0.0.5:6379' })).toMatchObject({ kind: 'run', options: { redis: 'redis://10.0.0.5:6379' } });
    expect(parseCli(['--redis', 'rediss://h:6380/0'], { REDIS_URL: 'redis://other' })).toMatchObject({ options: { redis: 'rediss://h:6380/0' } });
    expect(parseCli([], { REDIS_URL: '' })).toMatchObject({ options: { redis: null } });
    const bad = (argv: string[], env = {}): string => {
      const r = parseCli(argv, env);
      return r.kind === 'error' ? r.message : '(accepted)';
    };
    expect(bad(['--redis', 'localhost:6379'])).toMatch(/--redis takes a redis:\/\/ .*URL/);
    expect(bad(['--redis', 'http://127.0.0.1:6379'])).toMatch(/redis:\/\//);
    expect(bad(['--redis', 'redis://127.0.0.1:6379/chat'])).toMatch(/database number/);
    expect(bad(['--redis', ''])).toMatch(/--redis needs a URL/);
    expect(bad([], { REDIS_URL: 'nonsense' })).toMatch(/^REDIS_URL: /);
    expect(bad(['--redis', 'redis://:secret@/0'])).not.toContain('secret');
  });

  it('reads every flag, with units', () => {
    const r = parseCli([
      '--port', '9000', '--host', '0.0.0.0', '--max-payload', '64KiB', '--max-message', '1MiB',
      '--max-connections', '10', '--ping-interval', '5s', '--idle-timeout', '0', '--handshake-timeout', '500ms',
      '--close-timeout', '1000', '--class', '--quiet', '--dist', 'build',
    ]);
    expect(r.kind).toBe('run');
    if (r.kind !== 'run') return;
    expect(r.options).toMatchObject({
      port: 9000, host: '0.0.0.0', maxPayload: 65536, maxMessage: 1048576, maxConnections: 10, pingInterval: 5000,
      idleTimeout: 0, handshakeTimeout: 500, closeTimeout: 1000, classMode: true, quiet: true, dist: 'build',
    });
  });

  it('refuses unknown flags and bad values', () => {
    expect(parseCli(['--nope']).kind).toBe('error');
    expect(parseCli(['--port', 'eighty']).kind).toBe('error');
    expect(parseCli(['--port', '70000']).kind).toBe('error');
    expect(parseCli(['--max-payload', '10']).kind).toBe('error');
    expect(parseCli(['--ping-interval', 'soon']).kind).toBe('error');
    expect(parseCli(['extra']).kind).toBe('error');
    expect(parseCli(['--help']).kind).toBe('help');
  });

  it('parses sizes and durations', () => {
    expect(parseSize('16MiB')).toBe(16 * 1024 * 1024);
    expect(parseSize('16m')).toBe(16 * 1024 * 1024);
    expect(parseSize('1024')).toBe(1024);
    expect(parseSize('1.5MiB')).toBeNull();
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('250')).toBe(250);
  });
});

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  // REDIS_URL of the machine running the tests must not move these servers' chat room to Redis.
  const env = { ...process.env, REDIS_URL: '' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function until(check: () => boolean, timeout = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeout) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('npm start (server/main.ts)', () => {
  it('prints its URL, echoes, and on SIGINT closes WebSockets with 1001 and exits 0', async () => {
    const p = start(['--port', '0', '--quiet', '--dist', 'tests/server/no-such-dist']);
    await until(() => /http:\/\/127\.0\.0\.1:\d+\//.test(p.out()) && /build first/.test(p.out()));
    expect(p.out()).toMatch(/run npm run build first/);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(p.out())![1]);
    const ws = await openWs(`ws://127.0.0.1:${port}/echo`);
    ws.send('hi');
    expect((await nextMessage(ws)).data.toString()).toBe('hi');
    const closed = wsClosed(ws, 10_000);
    p.child.kill('SIGINT');
    expect((await closed).code).toBe(1001);
    expect(await p.exit).toBe(0);
  }, 30_000);

  it('a port in use: one clear line and exit code 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const p = start(['--port', String(port), '--quiet']);
      expect(await p.exit).toBe(1);
      expect(p.err()).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      expect(p.err()).not.toMatch(/\n\s+at /); // no stack trace
      expect(p.err().trim().split('\n')).toHaveLength(1);
    } finally {
      blocker.close();
    }
  }, 30_000);

  it('an unknown flag: the usage and exit code 2; --help: the usage and exit 0', async () => {
    const bad = start(['--frobnicate']);
    const help = start(['--help']);
    expect(await bad.exit).toBe(2);
    expect(bad.err()).toMatch(/Usage: npm start/);
    expect(await help.exit).toBe(0);
    expect(help.out()).toMatch(/--max-payload/);
  }, 30_000);
});
