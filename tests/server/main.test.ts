/**
 * `npm start`: the flags (parsed without a process), and the real command as a user runs it: the
 * server compiled to JavaScript (tsconfig.server.json, what `npm run build` does) run by plain
 * `node bin/framescope.js`, no TypeScript loader. It prints its URL, serves the endpoints, says so
 * clearly when the port is taken (exit 1), prints the usage for an unknown flag (exit 2), and on
 * SIGINT closes every WebSocket with 1001 and exits 0. A copy of the built tree runs after
 * `npm ci --omit=dev` alone: the compiled server imports nothing but Node's own modules and the
 * declared runtime dependencies (`redis`, for `--redis`); with a redis-server, two such copies serve
 * one chat room. The machine's REDIS_URL never reaches these servers.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { builtinModules } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, parseDuration, parseSize } from '../../server/args';
import { buildServer, ROOT, serverEnv, type ServerBuild } from '../helpers/built-server';
import { describeRedis, TestRedis } from '../helpers/redis';
import { ChatClient } from './chat-client';
import { nextMessage, openWs, wsClosed } from './helpers';

const run = promisify(execFile);

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
        memoryBudget: 256 * 1024 * 1024,
        pingInterval: 30_000,
        idleTimeout: 120_000,
        handshakeTimeout: 10_000,
        closeTimeout: 5_000,
        classMode: false,
        teacherToken: null,
        deflate: false,
        deflateThreshold: 0,
        quiet: false,
        inspectFrameBytes: 64 * 1024,
        redis: null,
        allowUpstream: [],
        record: null,
        subprotocols: ['echo.v2', 'echo.v1'],
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
      '--close-timeout', '1000', '--class', '--quiet', '--dist', 'build', '--inspect-frame-bytes', '1MiB', '--memory-budget', '1GiB',
    ]);
    expect(r.kind).toBe('run');
    if (r.kind !== 'run') return;
    expect(r.options).toMatchObject({
      port: 9000, host: '0.0.0.0', maxPayload: 65536, maxMessage: 1048576, maxConnections: 10, pingInterval: 5000,
      idleTimeout: 0, handshakeTimeout: 500, closeTimeout: 1000, classMode: true, quiet: true, dist: 'build',
      inspectFrameBytes: 1024 * 1024, memoryBudget: 1024 * 1024 * 1024,
    });
  });

  it('refuses unknown flags and bad values', () => {
    expect(parseCli(['--nope']).kind).toBe('error');
    expect(parseCli(['--port', 'eighty']).kind).toBe('error');
    expect(parseCli(['--port', '70000']).kind).toBe('error');
    expect(parseCli(['--max-payload', '10']).kind).toBe('error');
    expect(parseCli(['--memory-budget', 'lots']).kind).toBe('error');
    expect(parseCli(['--ping-interval', 'soon']).kind).toBe('error');
    // The inspector's frame bytes: 256 bytes to 1 MiB (a page's queue and budget hold a few such frames).
    expect(parseCli(['--inspect-frame-bytes', '2MiB']).kind).toBe('error');
    expect(parseCli(['--inspect-frame-bytes', '100']).kind).toBe('error');
    expect(parseCli(['--inspect-frame-bytes', '256KiB'])).toMatchObject({ kind: 'run', options: { inspectFrameBytes: 256 * 1024 } });
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
/** A built tree: bin/framescope.js and dist-server/, as `npm run build` leaves them. */
let build: ServerBuild | null = null;
let built = '';
beforeAll(async () => {
  build = await buildServer();
  built = build.dir;
}, 120_000);
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  build?.remove();
});

/** Node with no loader (nothing can slip tsx in) and without the machine's REDIS_URL. */
const plainEnv = (): NodeJS.ProcessEnv => serverEnv();

function watch(child: ChildProcess): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

/** `npm start -- ARGS` without npm: the built server under plain node, from the repository root. */
function start(args: string[]): ReturnType<typeof watch> {
  return watch(spawn(process.execPath, [path.join(built, 'bin/framescope.js'), ...args], { cwd: ROOT, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
}

async function until(check: () => boolean, timeout = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeout) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? jsFiles(full) : name.endsWith('.js') ? [full] : [];
  });
}

describe('npm start (the compiled server, plain node)', () => {
  it('--deflate: the compiled server negotiates permessage-deflate and echoes compressed', async () => {
    const p = start(['--port', '0', '--quiet', '--deflate', '--dist', 'tests/server/no-such-dist']);
    await until(() => /permessage-deflate: on/.test(p.out()) && /127\.0\.0\.1:\d+/.test(p.out()));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(p.out())![1]);
    let agreed = '';
    const ws = await openWs(`ws://127.0.0.1:${port}/echo`, { perMessageDeflate: { threshold: 0 } }, (socket) =>
      socket.on('upgrade', (res) => (agreed = String(res.headers['sec-websocket-extensions']))),
    );
    expect(agreed).toBe('permessage-deflate');
    ws.send('Hello, compressed');
    expect(String((await nextMessage(ws)).data)).toBe('Hello, compressed');
    ws.close();
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
  });

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

  it('grades a server for a page through /conformance (the grader compiled with it)', async () => {
    const p = start(['--port', '0', '--quiet', '--dist', 'tests/server/no-such-dist']);
    try {
      await until(() => /http:\/\/127\.0\.0\.1:\d+\//.test(p.out()));
      expect(p.out()).toMatch(/WebSocket endpoints: \/chat, \/compare\/websocket, \/conformance, \/echo, \/inspect, \/proxy/);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(p.out())![1]);
      const ws = await openWs(`ws://127.0.0.1:${port}/conformance`);
      ws.send(JSON.stringify({ type: 'run', target: `ws://127.0.0.1:${port}/echo`, cases: 'x.0.1,2.1' }));
      const last = await new Promise<{ type: string; summary?: Record<string, number> }>((resolve) =>
        ws.on('message', (data) => {
          const event = JSON.parse(String(data)) as { type: string };
          if (event.type === 'done' || event.type === 'refused') resolve(event);
        }),
      );
      expect(last.summary).toEqual({ OK: 2, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 0, 'NOT PLAYED': 0 });
      ws.close();
    } finally {
      p.child.kill('SIGINT');
      await p.exit;
    }
  }, 60_000);

  it('--allow-upstream: /proxy watches a listed target and refuses another loopback port (403); the grader refuses it too', async () => {
    const targets = await Promise.all([0, 1].map(() => new Promise<net.Server>((resolve) => {
      const server = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')));
      server.listen(0, '127.0.0.1', () => resolve(server));
    })));
    const [listed, other] = targets.map((t) => (t.address() as net.AddressInfo).port) as [number, number];
    try {
      const p = start(['--port', '0', '--dist', 'tests/server/no-such-dist', '--allow-upstream', `127.0.0.1:${listed}`]);
      await until(() => /\/proxy may watch, and the grader \(\/conformance\) may grade: 127\.0\.0\.1:\d+/.test(p.out()));
      const port = Number(/127\.0\.0\.1:(\d+)\//.exec(p.out())![1]);
      const status = (target: number): Promise<number> =>
        new Promise((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, agent: false, path: `/proxy?target=${encodeURIComponent(`ws://127.0.0.1:${target}/`)}`, headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
          req.on('response', (res) => {
            res.resume();
            resolve(res.statusCode!);
          });
          req.on('upgrade', (res, socket) => {
            socket.destroy();
            resolve(res.statusCode!);
          });
          req.on('error', reject);
        });
      expect(await status(listed)).toBe(404); // the target's own answer, relayed
      expect(await status(other)).toBe(403);
      expect(p.out()).toMatch(new RegExp(`refuse 403 /proxy .*127\\.0\\.0\\.1 port ${other} is not an allowed target`));
      // The grader's runs from the page follow the same list.
      const grader = await openWs(`ws://127.0.0.1:${port}/conformance`);
      grader.send(JSON.stringify({ type: 'run', target: `ws://127.0.0.1:${other}/` }));
      expect(JSON.parse(String((await nextMessage(grader)).data))).toEqual({
        type: 'refused',
        target: `ws://127.0.0.1:${other}/`,
        reason: `127.0.0.1 port ${other} is not an allowed target. This Framescope server connects only to: 127.0.0.1:${listed} (--allow-upstream).`,
      });
      grader.close();
      await wsClosed(grader);
      p.child.kill('SIGINT');
      expect(await p.exit).toBe(0);
    } finally {
      for (const t of targets) t.close();
    }
  }, 30_000);

  it('--class prints the teacher link with a random token and the join address; the token opens /inspect?all and GET /class', async () => {
    const p = start(['--port', '0', '--dist', 'tests/server/no-such-dist', '--class']);
    await until(() => /Students join at/.test(p.out()) && /may watch/.test(p.out()));
    const link = /http:\/\/127\.0\.0\.1:(\d+)\/#\/class\?teacher=([A-Za-z0-9_-]{24})\n/.exec(p.out());
    expect(link, p.out()).not.toBeNull();
    const [, port, token] = link!;
    expect(p.out()).toMatch(/keep this link to yourself/);
    expect(p.out()).toContain(`Students join at:\n  http://127.0.0.1:${port}/\n`);
    // Listening on 127.0.0.1 only: the banner says how to reach the class.
    expect(p.out()).toMatch(/--host 0\.0\.0\.0/);
    expect((await fetch(`http://127.0.0.1:${port}/class?teacher=${token}`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/class?teacher=guess-guess`)).status).toBe(403);
    await expect(openWs(`ws://127.0.0.1:${port}/inspect?all`)).rejects.toThrow(/HTTP 403/);
    const teacher = await openWs(`ws://127.0.0.1:${port}/inspect?all&teacher=${token}`);
    teacher.close();
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
  }, 30_000);

  it('--teacher-token keeps the teacher link the same', async () => {
    const p = start(['--port', '0', '--dist', 'tests/server/no-such-dist', '--teacher-token', 'room-101-monday']);
    await until(() => /Students join at/.test(p.out()) && /may watch/.test(p.out()));
    expect(p.out()).toMatch(/http:\/\/127\.0\.0\.1:\d+\/#\/class\?teacher=room-101-monday\n/);
    p.child.kill('SIGINT');
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
    // Every endpoint is named, the chat room too.
    expect(help.out()).toMatch(/endpoints \/echo, \/chat, \/inspect/);
    expect(help.out()).toMatch(/--inspect-frame-bytes SIZE/);
  }, 30_000);

  it('the compiled server imports only Node\'s own modules and the declared runtime dependencies', () => {
    const files = jsFiles(path.join(built, 'dist-server'));
    expect(files.map((f) => path.relative(built, f))).toContain(path.join('dist-server', 'server', 'main.js'));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const allowed = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies ?? {})]);
    const outside: string[] = [];
    for (const file of files) {
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (fileName.startsWith('.')) {
          // Relative imports point at emitted JavaScript, not at .ts sources.
          expect(fileName, `${path.relative(built, file)} imports ${fileName}`).toMatch(/\.js$/);
        } else if (!allowed.has(fileName)) {
          outside.push(`${path.relative(built, file)}: ${fileName}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('without a build, npm start says to run npm run build (exit 1, no stack trace)', async () => {
    const bare = mkdtempSync(path.join(tmpdir(), 'framescope-nobuild-'));
    try {
      cpSync(path.join(ROOT, 'bin'), path.join(bare, 'bin'), { recursive: true });
      const p = watch(spawn(process.execPath, [path.join(bare, 'bin/framescope.js')], { cwd: bare, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
      expect(await p.exit).toBe(1);
      expect(p.err()).toMatch(/not built yet[\s\S]*npm run build/);
      expect(p.err()).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  }, 30_000);

  it('a serving-only machine: a copy of the built tree, npm ci --omit=dev, npm start, an echo', async () => {
    const copy = await servingCopy();
    try {
      const p = npmStart(copy, ['--port', '0', '--quiet']);
      let port = 0;
      try {
        port = await listening(p);
        expect(p.out()).not.toMatch(/build first/);
        const page = await fetch(`http://127.0.0.1:${port}/`);
        expect(await page.text()).toMatch(/<title>Framescope<\/title>/);
        const ws = await openWs(`ws://127.0.0.1:${port}/echo`);
        ws.send('from a serving-only copy');
        expect((await nextMessage(ws)).data.toString()).toBe('from a serving-only copy');
        ws.close();
      } finally {
        process.kill(-p.child.pid!, 'SIGINT'); // npm and the server under it
      }
      await p.exit;
      // The server stopped with npm: its port closes.
      await expectClosed(port);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});

describeRedis('npm start -- --redis (the compiled server, a serving-only copy)', () => {
  let redis: TestRedis | null = null;
  afterAll(() => redis?.remove());

  it('two npm start processes with --redis serve one chat room; SIGINT: both close with 1001 and stop', async () => {
    redis = await TestRedis.start();
    const copy = await servingCopy();
    const clients: ChatClient[] = [];
    try {
      const one = npmStart(copy, ['--port', '0', '--quiet', '--redis', redis.url]);
      const two = npmStart(copy, ['--port', '0', '--quiet', '--redis', redis.url]);
      let ports: number[] = [];
      try {
        ports = await Promise.all([listening(one), listening(two)]);
        // The lines after the first may come in a later read of the pipe.
        await until(() => /Chat room: in Redis/.test(one.out()) || one.child.exitCode !== null);
        expect(one.out()).toMatch(/Chat room: in Redis at redis:\/\/127\.0\.0\.1:\d+\/0/);
        const alice = await ChatClient.open(`ws://127.0.0.1:${ports[0]}/chat`);
        const bob = await ChatClient.open(`ws://127.0.0.1:${ports[1]}/chat`);
        clients.push(alice, bob);
        await alice.next('hello', 5000);
        alice.send({ type: 'join', name: 'Alice' });
        await alice.next('welcome', 5000);
        await bob.next('hello', 5000);
        bob.send({ type: 'join', name: 'Bob' });
        // Bob, on the other process, finds Alice in the room; Alice hears him join through Redis.
        expect(((await bob.next('welcome', 5000)).users as { name: string }[]).map((u) => u.name)).toEqual(['Alice', 'Bob']);
        await alice.usersAre(['Alice', 'Bob'], 5000);
      } finally {
        for (const p of [one, two]) process.kill(-p.child.pid!, 'SIGINT'); // npm and the server under it
      }
      for (const client of clients) expect((await client.waitClosed(10_000)).code).toBe(1001);
      await Promise.all([one.exit, two.exit]);
      for (const port of ports) await expectClosed(port);
    } finally {
      for (const client of clients) client.ws.terminate();
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * A serving-only machine: the built tree copied with package.json and package-lock.json, and only
 * the runtime dependencies installed (`npm ci --omit=dev`, from npm's cache when it has them).
 */
async function servingCopy(): Promise<string> {
  const copy = mkdtempSync(path.join(tmpdir(), 'framescope-serve-'));
  for (const name of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, name), path.join(copy, name));
  cpSync(path.join(built, 'bin'), path.join(copy, 'bin'), { recursive: true });
  cpSync(path.join(built, 'dist-server'), path.join(copy, 'dist-server'), { recursive: true });
  mkdirSync(path.join(copy, 'dist'));
  writeFileSync(path.join(copy, 'dist', 'index.html'), '<!doctype html><title>Framescope</title>\n');
  await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: copy, env: plainEnv() });
  return copy;
}

/** `npm start -- ARGS` in `copy`, in a process group of its own (npm and the server under it). */
function npmStart(copy: string, args: string[]): ReturnType<typeof watch> {
  return watch(spawn('npm', ['start', '--', ...args], { cwd: copy, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
}

/** The port the server printed once it listens. */
async function listening(p: ReturnType<typeof watch>): Promise<number> {
  await until(() => /http:\/\/127\.0\.0\.1:\d+\//.test(p.out()) || p.child.exitCode !== null);
  const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(p.out())?.[1];
  if (port === undefined) throw new Error(`npm start exited (${p.child.exitCode}): ${p.err()}`);
  return Number(port);
}

async function expectClosed(port: number): Promise<void> {
  const refused = (): Promise<boolean> =>
    new Promise((resolve) => {
      const probe = net.connect({ port, host: '127.0.0.1' }, () => {
        probe.destroy();
        resolve(false);
      });
      probe.on('error', () => resolve(true));
    });
  const t0 = Date.now();
  while (!(await refused()) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  expect(await refused()).toBe(true);
}
