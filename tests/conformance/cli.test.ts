/**
 * `npm run --silent conformance -- URL ...`, spawned for real against servers on 127.0.0.1: the
 * JSON it prints (exactly the documented shape), the table, the HTML report file, and the exit
 * statuses (0 no case FAILED, 1 some did or the server went away, 2 bad usage).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFramescopeServer, type FramescopeServer } from '../../server/index';
import { parseCli } from '../../conformance/cli-args.ts';
import { BEHAVIORS } from '../../src/wire/conformance.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'framescope-conformance-'));

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The command, asynchronously (the servers it grades run in this process). */
function conformance(args: string[], viaNpm = false): Promise<Ran> {
  const env = { ...process.env };
  delete env['NO_COLOR'];
  const [cmd, pre] = viaNpm ? ['npm', ['run', '--silent', 'conformance', '--']] : ['npx', ['tsx', 'conformance/cli.ts']];
  const child = spawn(cmd, [...pre, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

let ours: FramescopeServer;
let oursUrl = '';
/** Completes the handshake, then never sends a frame: every case that needs an answer fails. */
let silent: net.Server;
let silentUrl = '';

beforeAll(async () => {
  ours = createFramescopeServer({ quiet: true });
  oursUrl = `ws://127.0.0.1:${(await ours.listen(0, '127.0.0.1')).port}/echo`;
  silent = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (head: Buffer) => {
      const key = /Sec-WebSocket-Key: (\S+)/i.exec(head.toString('latin1'))?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `ws://127.0.0.1:${(silent.address() as net.AddressInfo).port}/`;
});

afterAll(async () => {
  await ours?.close({ timeout: 200 });
  silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run conformance, for real', { timeout: 60_000 }, () => {
  it('--json prints exactly { target, startedAt, durationMs, cases, summary }, and exits 0 when nothing FAILED', async () => {
    const out = await conformance([oursUrl, '--cases', 'x.0.1,x.0.6,1.1.1,2.2', '--json'], true);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['target', 'startedAt', 'durationMs', 'cases', 'summary']);
    expect(report['target']).toBe(oursUrl);
    expect(new Date(report['startedAt'] as string).toISOString()).toBe(report['startedAt']);
    expect(report['summary']).toEqual({ OK: 4, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 0, 'NOT PLAYED': 0 });
    const cases = report['cases'] as Record<string, unknown>[];
    expect(cases.map((c) => c['id'])).toEqual(['x.0.1', 'x.0.6', '1.1.1', '2.2']);
    for (const c of cases) {
      expect(Object.keys(c)).toEqual(['id', 'description', 'expectation', 'behavior', 'behaviorClose', 'result', 'durationMs', 'wire']);
      expect(BEHAVIORS).toContain(c['behavior']);
    }
    // The wire of 2.2: the handshake both ways, the ping, the pong with its payload, the closing handshake.
    const wire = cases[3]!['wire'] as { kind: string; direction?: string; opcode?: number; bytes?: string }[];
    const frames = wire.filter((e) => e.kind === 'frame').map((e) => `${e.direction} ${e.opcode}`);
    expect(frames).toEqual(['client-to-server 9', 'server-to-client 10', 'client-to-server 8', 'server-to-client 8']);
    expect(wire.filter((e) => e.kind === 'http').map((e) => e.direction)).toEqual(['client-to-server', 'server-to-client']);
    expect(wire.find((e) => e.opcode === 10)!.bytes).toBe(`8a0d${Buffer.from('Hello, world!').toString('hex')}`);
  });

  it('prints a table by section, no colour into a pipe, and writes a self-contained HTML report', async () => {
    const file = join(dir, 'report.html');
    const out = await conformance([oursUrl, '--cases', '3.1,4.*', '--report', file]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Framescope conformance: ws:\/\/127\.0\.0\.1:\d+\/echo, 11 cases in [\d.]+ s\n\n3 Reserved bits\n {2}3\.1 +OK /);
    expect(out.stdout).toMatch(/\n4 Opcodes\n {2}4\.1\.1 +OK/);
    expect(out.stdout).toMatch(/summary: OK 11, NON-STRICT 0, INFORMATIONAL 0, UNIMPLEMENTED 0, FAILED 0\n$/);
    expect(out.stdout).not.toContain('\x1b[');
    expect(out.stderr).toBe(`conformance: report written to ${file}\n`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('id="case-4.2.5"');
  });

  it('exits 1 when a case FAILED, with the result under it in the table', async () => {
    const out = await conformance([silentUrl, '--cases', '2.2', '--timeout', '3000']);
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/ {2}2\.2 +FAILED .*\n {12}Expected: a pong of 13 bytes/);
    expect(out.stdout).toMatch(/FAILED 1\n$/);
  });

  it('exits 1 and says so when the server is not there at all', async () => {
    // Port 1 on loopback: nothing listens there (a port freed by this test could be taken by another file's server meanwhile).
    const port = 1;
    const out = await conformance([`ws://127.0.0.1:${port}/`, '--cases', '1.1.1,1.1.2', '--json']);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe('conformance: server unreachable from case 1.1.1 on\n');
    const report = JSON.parse(out.stdout) as { cases: { behavior: string; result: string }[]; summary: Record<string, number> };
    // Not played is its own verdict, not the server's failure; the exit status still says the run did not pass.
    expect(report.summary['FAILED']).toBe(0);
    expect(report.summary['NOT PLAYED']).toBe(2);
    expect(report.cases.map((c) => c.behavior)).toEqual(['NOT PLAYED', 'NOT PLAYED']);
    expect(report.cases[0]!.result).toBe('Not played: the server refused TCP when this case began (it had stopped, or crashed).');
    expect(report.cases[1]!.result).toBe('Not played: server unreachable from case 1.1.1 on.');
  });

  it('bad usage: exit 2, the reason and the usage on stderr, nothing on stdout', async () => {
    const out = await conformance(['ws://127.0.0.1:9001/', '--cases', '99.*']);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^conformance: --cases: "99\.\*" matches no case/);
    expect(out.stderr).toContain('usage: npm run --silent conformance -- ws://HOST:PORT/PATH [options]');
  });

  it('--help: the usage on stdout, exit 0', async () => {
    const out = await conformance(['--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/--cases LIST/);
  });
});

describe('the command line, read (conformance/cli-args.ts)', () => {
  it.each([
    [[], /which server\? give its URL/],
    [['ws://127.0.0.1:1/', 'ws://127.0.0.1:2/'], /one server at a time/],
    [['http://127.0.0.1:9001/'], /must be a ws:\/\/ URL, not http:/],
    [['wss://127.0.0.1:9001/'], /wss:\/\/ targets are not supported/],
    [['ws://127.0.0.1:9001/', '--cases', '99.*'], /--cases: "99\.\*" matches no case/],
    [['ws://127.0.0.1:9001/', '--timeout', 'soon'], /--timeout takes a whole number/],
    [['ws://127.0.0.1:9001/', '--timeout', '50'], /--timeout must be between 100 and 3600000/],
    [['ws://127.0.0.1:9001/', '--concurrency', '0'], /--concurrency must be between 1 and 16/],
    [['ws://127.0.0.1:9001/', '--report', ' '], /--report needs a file name/],
    [['ws://127.0.0.1:9001/', '--bogus'], /Unknown option '--bogus'/],
  ])('%j is bad usage', (args, message) => {
    const parsed = parseCli(args);
    expect(parsed.kind).toBe('error');
    expect(parsed.kind === 'error' && parsed.message).toMatch(message);
  });

  it('reads every option, with the defaults', () => {
    const parsed = parseCli(['ws://127.0.0.1:9001/x', '--cases', '1.1.*', '--json', '--report', 'r.html', '--timeout', '2000', '--concurrency', '2']);
    expect(parsed.kind === 'run' && { ...parsed.options, cases: parsed.options.cases.map((c) => c.id) }).toEqual({
      target: expect.objectContaining({ url: 'ws://127.0.0.1:9001/x' }),
      cases: ['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8'],
      json: true,
      report: 'r.html',
      timeout: 2000,
      concurrency: 2,
    });
    const plain = parseCli(['ws://127.0.0.1:9001/']);
    expect(plain.kind === 'run' && [plain.options.timeout, plain.options.concurrency, plain.options.json, plain.options.report]).toEqual([10_000, 'auto', false, null]);
    expect(parseCli(['--help']).kind).toBe('help');
  });
});
