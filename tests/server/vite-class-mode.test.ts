/**
 * Class mode in `npm run dev`: `FRAMESCOPE_CLASS=1` (vite.config.ts reads it through
 * optionsFromEnv) lets the teacher's page open /inspect?all&teacher=TOKEN on Vite's port, as
 * `npm start -- --class` does, and prints the teacher's link; without it, /inspect?all is refused
 * with 403. FRAMESCOPE_TEACHER_TOKEN gives the token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framescopeDevPlugin, optionsFromEnv } from '../../server/vite-plugin';
import { eventually, openWs, wsClosed } from './helpers';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'framescope-vite-class-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>dev</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function devServer(env: Record<string, string | undefined>, logged?: string[]): Promise<ViteDevServer> {
  const logger = {
    info: (msg: string) => logged?.push(msg),
    warn: () => {},
    warnOnce: () => {},
    error: () => {},
    clearScreen: () => {},
    hasErrorLogged: () => false,
    hasWarned: false,
  };
  const server = await createServer({
    configFile: false,
    root,
    customLogger: logger,
    plugins: [framescopeDevPlugin({ quiet: logged === undefined, ...optionsFromEnv(env) })],
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  return server;
}

function portOf(server: ViteDevServer): number {
  return (server.httpServer!.address() as AddressInfo).port;
}

/** The status a refused handshake was answered with. */
function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the handshake succeeded')));
    ws.on('error', () => {});
  });
}

describe('optionsFromEnv', () => {
  it('reads FRAMESCOPE_CLASS', () => {
    for (const on of ['1', 'true', 'TRUE', 'yes', ' on ']) expect(optionsFromEnv({ FRAMESCOPE_CLASS: on })).toEqual({ classMode: true });
    for (const off of [undefined, '', '0', 'false', 'no']) expect(optionsFromEnv({ FRAMESCOPE_CLASS: off })).toEqual({});
    expect(optionsFromEnv({})).toEqual({});
    expect(optionsFromEnv({ FRAMESCOPE_TEACHER_TOKEN: ' lesson-token ' })).toEqual({ classMode: true, teacherToken: 'lesson-token' });
    expect(() => optionsFromEnv({ FRAMESCOPE_TEACHER_TOKEN: 'bad token' })).toThrow(/FRAMESCOPE_TEACHER_TOKEN: a teacher token is 8 to 128/);
    expect(optionsFromEnv({ FRAMESCOPE_QUIET: '1', FRAMESCOPE_INSPECT_FRAME_BYTES: '1MiB' })).toEqual({ quiet: true, inspector: { maxFrameBytes: 1024 * 1024 } });
    expect(() => optionsFromEnv({ FRAMESCOPE_INSPECT_FRAME_BYTES: '8MiB' })).toThrow(/FRAMESCOPE_INSPECT_FRAME_BYTES takes a size/);
  });
});

describe('class mode in the dev server', () => {
  it('FRAMESCOPE_CLASS=1: prints the teacher link; with its token /inspect?all says hello and sees an /echo connection', async () => {
    const logged: string[] = [];
    const server = await devServer({ FRAMESCOPE_CLASS: '1' }, logged);
    try {
      const port = portOf(server);
      const banner = logged.join('\n');
      const link = banner.match(/http:\/\/127\.0\.0\.1:(\d+)\/#\/class\?teacher=([A-Za-z0-9_-]+)/);
      expect(link?.[1]).toBe(String(port));
      expect(banner).toContain(`Students join at:\n  http://127.0.0.1:${port}/`);
      const token = link![2]!;
      expect(await refusedStatus(`ws://127.0.0.1:${port}/inspect?all`)).toBe(403);
      const info = await fetch(`http://127.0.0.1:${port}/class?teacher=${token}`);
      expect(info.status).toBe(200);
      expect(await info.json()).toMatchObject({ classMode: true, joinUrls: [`http://127.0.0.1:${port}/`] });
      // Listen before 'open': the hello may arrive in the same read as the 101.
      const seen: { type: string }[] = [];
      const teacher = await openWs(`ws://127.0.0.1:${port}/inspect?all&teacher=${token}`, {}, (ws) =>
        ws.on('message', (data) => seen.push(JSON.parse(String(data)) as { type: string })),
      );
      await eventually(() => seen.length >= 1, 5000, 'the hello');
      expect(seen[0]).toMatchObject({ type: 'hello', all: true, classMode: true });
      const student = await openWs(`ws://127.0.0.1:${port}/echo?session=studentA`);
      await eventually(() => seen.some((m) => m.type === 'open'), 5000, 'the open report');
      expect(seen.find((m) => m.type === 'open')).toMatchObject({ type: 'open', path: '/echo', session: 'studentA' });
      student.close();
      teacher.close();
      await wsClosed(student);
      await wsClosed(teacher);
    } finally {
      await server.close();
    }
  });

  it('without it: /inspect?all is refused with 403', async () => {
    const server = await devServer({});
    try {
      expect(await refusedStatus(`ws://127.0.0.1:${portOf(server)}/inspect?all`)).toBe(403);
      expect((await fetch(`http://127.0.0.1:${portOf(server)}/class?teacher=some-token`)).status).toBe(403);
      expect(await (await fetch(`http://127.0.0.1:${portOf(server)}/class`)).json()).toEqual({ classMode: false });
    } finally {
      await server.close();
    }
  });
});
