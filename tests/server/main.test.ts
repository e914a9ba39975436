/**
 * `npm start`: the flags (parsed without a process), and the real command as a user runs it: the
 * server compiled to JavaScript (tsconfig.server.json, what `npm run build` does) run by plain
 * `node bin/framescope.js`, no TypeScript loader. It prints its URL, serves the endpoints, says so
 * clearly when the port is taken (exit 1), prints the usage for an unknown flag (exit 2), and on
 * SIGINT closes every WebSocket with 1001 and exits 0. A copy of the built tree runs after
 * `npm ci --omit=dev` alone: the compiled server imports nothing but Node's own modules.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, parseDuration, parseSize } from '../../server/args';
import { nextMessage, openWs, wsClosed } from './helpers';

const ROOT = path.resolve(__dirname, '../..');
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
        pingInterval: 30_000,
        idleTimeout: 120_000,
        handshakeTimeout: 10_000,
        closeTimeout: 5_000,
        classMode: false,
        quiet: false,
        inspectFrameBytes: 64 * 1024,
      },
    });
  });

  it('reads every flag, with units', () => {
    const r = parseCli([
      '--port', '9000', '--host', '0.0.0.0', '--max-payload', '64KiB', '--max-message', '1MiB',
      '--max-connections', '10', '--ping-interval', '5s', '--idle-timeout', '0', '--handshake-timeout', '500ms',
      '--close-timeout', '1000', '--class', '--quiet', '--dist', 'build', '--inspect-frame-bytes', '1MiB',
    ]);
    expect(r.kind).toBe('run');
    if (r.kind !== 'run') return;
    expect(r.options).toMatchObject({
      port: 9000, host: '0.0.0.0', maxPayload: 65536, maxMessage: 1048576, maxConnections: 10, pingInterval: 5000,
      idleTimeout: 0, handshakeTimeout: 500, closeTimeout: 1000, classMode: true, quiet: true, dist: 'build',
      inspectFrameBytes: 1024 * 1024,
    });
  });

  it('refuses unknown flags and bad values', () => {
    expect(parseCli(['--nope']).kind).toBe('error');
    expect(parseCli(['--port', 'eighty']).kind).toBe('error');
    expect(parseCli(['--port', '70000']).kind).toBe('error');
    expect(parseCli(['--max-payload', '10']).kind).toBe('error');
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
let built = '';
beforeAll(async () => {
  built = mkdtempSync(path.join(tmpdir(), 'framescope-start-'));
  await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json', '--outDir', path.join(built, 'dist-server')], { cwd: ROOT });
  cpSync(path.join(ROOT, 'bin'), path.join(built, 'bin'), { recursive: true });
}, 120_000);
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (built !== '') rmSync(built, { recursive: true, force: true });
});

/** Node with no loader: NODE_OPTIONS dropped, so nothing can slip tsx in. */
function plainEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

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
    // Every endpoint is named, the chat room too.
    expect(help.out()).toMatch(/endpoints \/echo, \/chat, \/inspect/);
    expect(help.out()).toMatch(/--inspect-frame-bytes SIZE/);
  }, 30_000);

  it('the compiled server needs no package at run time: it imports only Node\'s own modules', () => {
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
    const copy = mkdtempSync(path.join(tmpdir(), 'framescope-serve-'));
    try {
      for (const name of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, name), path.join(copy, name));
      cpSync(path.join(built, 'bin'), path.join(copy, 'bin'), { recursive: true });
      cpSync(path.join(built, 'dist-server'), path.join(copy, 'dist-server'), { recursive: true });
      mkdirSync(path.join(copy, 'dist'));
      writeFileSync(path.join(copy, 'dist', 'index.html'), '<!doctype html><title>Framescope</title>\n');
      // Nothing to install: the server has no runtime dependencies (so this works offline too).
      await run('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: copy, env: plainEnv() });
      const p = watch(spawn('npm', ['start', '--', '--port', '0', '--quiet'], { cwd: copy, env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
      let port = 0;
      try {
        await until(() => /http:\/\/127\.0\.0\.1:\d+\//.test(p.out()));
        port = Number(/127\.0\.0\.1:(\d+)/.exec(p.out())![1]);
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
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});
