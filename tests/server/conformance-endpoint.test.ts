/**
 * `/conformance` (server/endpoints/conformance.ts): a page asks the server to grade a target; the
 * server checks it with the upstream policy `/proxy` follows (loopback by default,
 * --allow-upstream / FRAMESCOPE_ALLOW_UPSTREAM), runs the grader in its own process and streams
 * `started`, one `case` per case, and `done` (docs/conformance.md). Bad requests, refused targets,
 * too many runs and a page that leaves all get an answer or a stop, never a hang. Every server
 * here listens on 127.0.0.1; a refused target gets no connection at all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { conformanceEndpoint } from '../../server/endpoints/conformance';
import { allowedTarget } from '../../server/endpoints/conformance-target';
import { createFramescopeServer, type FramescopeServer } from '../../server/index';
import { upstreamPolicy } from '../../server/upstream/policy';
import { framescopeDevPlugin, optionsFromEnv } from '../../server/vite-plugin';
import { parseTarget, type Target } from '../../conformance/index.ts';
import type { ConformanceEvent } from '../../src/wire/conformance.ts';

let server: FramescopeServer;
let base = '';

beforeAll(async () => {
  server = createFramescopeServer({ quiet: true });
  base = `ws://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
});
afterAll(async () => {
  await server?.close({ timeout: 300 });
});

/** Open /conformance (or `path`), send `requests`, collect events until `until` says stop. */
async function talk(requests: unknown[], until: (e: ConformanceEvent, all: ConformanceEvent[]) => boolean, url = `${base}/conformance`): Promise<ConformanceEvent[]> {
  const ws = new WebSocket(url);
  const events: ConformanceEvent[] = [];
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const done = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const e = JSON.parse(String(data)) as ConformanceEvent;
      events.push(e);
      if (until(e, events)) resolve();
    });
    ws.on('close', () => resolve());
  });
  for (const r of requests) ws.send(typeof r === 'string' ? r : JSON.stringify(r));
  await done;
  ws.close();
  return events;
}

describe('/conformance on the built-in server (the default policy: loopback targets only)', () => {
  it('grades our own /echo: started, one case message per case, done with the summary', { timeout: 60_000 }, async () => {
    const events = await talk([{ type: 'run', target: `${base}/echo`, cases: 'x.0.1,1.1.1,2.1,5.19' }], (e) => e.type === 'done');
    expect(events[0]).toMatchObject({ type: 'started', target: `${base}/echo`, total: 4, ids: ['x.0.1', '1.1.1', '2.1', '5.19'] });
    const cases = events.filter((e) => e.type === 'case');
    expect(cases.map((e) => e.type === 'case' && e.case.id).sort()).toEqual(['1.1.1', '2.1', '5.19', 'x.0.1']);
    expect(cases.map((e) => e.type === 'case' && e.index)).toEqual([0, 1, 2, 3]);
    for (const e of cases) if (e.type === 'case') expect([e.case.behavior, e.total, e.case.wire.length > 3]).toEqual(['OK', 4, true]);
    expect(events.at(-1)).toMatchObject({ type: 'done', summary: { OK: 4, FAILED: 0 }, stopped: null });
  });

  it('refuses a target that is not on this machine, with the reason', async () => {
    const events = await talk([{ type: 'run', target: 'ws://192.0.2.1:9001/' }], () => true);
    // Refused from the address alone: nothing is sent to it.
    expect(events).toEqual([{ type: 'refused', target: 'ws://192.0.2.1:9001/', reason: expect.stringMatching(/^192\.0\.2\.1 port 9001 is not an allowed target\. This Framescope server only connects to its own machine/) }]);
  });

  it.each([
    ['not JSON', 'hello', /is one JSON object/],
    ['an unknown type', { type: 'grade' }, /Unknown message type "grade"/],
    ['no target', { type: 'run' }, /needs "target"/],
    ['a bad URL', { type: 'run', target: 'http://127.0.0.1/' }, /must be a ws:\/\/ URL/],
    ['cases that match nothing', { type: 'run', target: 'ws://127.0.0.1:1/', cases: '42.*' }, /matches no case/],
    ['a bad timeout', { type: 'run', target: 'ws://127.0.0.1:1/', timeout: -5 }, /"timeout" is a whole number/],
  ])('answers %s with a refusal that says why', async (_what, request, reason) => {
    const [event] = await talk([request], () => true);
    expect(event).toMatchObject({ type: 'refused', reason: expect.stringMatching(reason) });
  });

  it('one run per connection; cancel stops it and every case is still accounted for', { timeout: 30_000 }, async () => {
    const run = { type: 'run', target: `${base}/echo`, cases: '6.4.*' };
    const events = await talk([run, run], (e) => e.type === 'refused');
    expect(events.find((e) => e.type === 'refused')).toMatchObject({ reason: 'A run is already going on this connection: cancel it first.' });
    const cancelled = await talk([run, { type: 'cancel' }], (e) => e.type === 'done');
    const done = cancelled.at(-1)!;
    expect(done).toMatchObject({ type: 'done', stopped: 'the run was stopped' });
    if (done.type === 'done') expect(Object.values(done.summary).reduce((a, b) => a + b, 0)).toBe(4);
  });
});

/** A loopback TCP server that counts the connections it gets and answers none of them. */
async function listener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return {
    port: (tcp.address() as net.AddressInfo).port,
    connections: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => tcp.close(() => resolve()));
    },
  };
}

/** A `ws` echo server on 127.0.0.1 (a peer that passes). */
async function wsEcho(): Promise<{ port: number; hosts: string[]; close: () => Promise<void> }> {
  const hosts: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (socket, request) => {
    hosts.push(request.headers.host ?? '');
    socket.on('message', (data, binary) => socket.send(data, { binary }));
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return {
    port: (wss.address() as net.AddressInfo).port,
    hosts,
    close: () => {
      for (const c of wss.clients) c.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}

const target = (url: string): Target => {
  const parsed = parseTarget(url);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.target;
};

describe('the grader and /proxy share one allow list (--allow-upstream)', () => {
  it('grades a listed target; another loopback port is refused with the policy\'s reason and never contacted', { timeout: 30_000 }, async () => {
    const listed = await wsEcho();
    const other = await listener();
    const own = createFramescopeServer({ quiet: true, allowUpstream: `127.0.0.1:${listed.port}` });
    const url = `ws://127.0.0.1:${(await own.listen(0, '127.0.0.1')).port}/conformance`;
    try {
      const graded = await talk([{ type: 'run', target: `ws://127.0.0.1:${listed.port}/`, cases: '1.1.1,2.1' }], (e) => e.type === 'done' || e.type === 'refused', url);
      expect(graded.at(-1)).toMatchObject({ type: 'done', summary: { OK: 2, FAILED: 0 } });
      const refused = await talk([{ type: 'run', target: `ws://127.0.0.1:${other.port}/` }], () => true, url);
      expect(refused).toEqual([
        {
          type: 'refused',
          target: `ws://127.0.0.1:${other.port}/`,
          reason: `127.0.0.1 port ${other.port} is not an allowed target. This Framescope server connects only to: 127.0.0.1:${listed.port} (--allow-upstream).`,
        },
      ]);
      // The proxy answers the same question the same way.
      expect(await own.proxy.policy.check('127.0.0.1', other.port)).toEqual({ ok: false, reason: refused[0]!.type === 'refused' ? refused[0]!.reason : '' });
      expect(other.connections()).toBe(0);
    } finally {
      await own.close({ timeout: 300 });
      await listed.close();
      await other.close();
    }
  });

  it('a name on the list is graded at the address it resolved to (Host keeps the name); a name not on it is refused', { timeout: 30_000 }, async () => {
    const echo = await wsEcho();
    // Two names for this machine, resolved by the test, never by DNS: only teacher-pc is listed.
    const resolve = async (host: string): Promise<{ address: string; family: number }[]> => {
      if (host === 'teacher-pc' || host === 'student-pc') return [{ address: '127.0.0.1', family: 4 }];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    const policy = upstreamPolicy(`teacher-pc:${echo.port}`, { resolve });
    const own = createFramescopeServer({ quiet: true, upstreamPolicy: policy });
    const url = `ws://127.0.0.1:${(await own.listen(0, '127.0.0.1')).port}/conformance`;
    try {
      const graded = await talk([{ type: 'run', target: `ws://teacher-pc:${echo.port}/`, cases: '1.1.1' }], (e) => e.type === 'done' || e.type === 'refused', url);
      expect(graded.at(-1)).toMatchObject({ type: 'done', target: `ws://teacher-pc:${echo.port}/`, summary: { OK: 1 } });
      expect(echo.hosts.filter((h) => h !== `teacher-pc:${echo.port}`)).toEqual([]);
      expect(echo.hosts.length).toBeGreaterThan(0);
      const before = echo.hosts.length;
      const [refused] = await talk([{ type: 'run', target: `ws://student-pc:${echo.port}/` }], () => true, url);
      expect(refused).toEqual({
        type: 'refused',
        target: `ws://student-pc:${echo.port}/`,
        reason: `student-pc (127.0.0.1) port ${echo.port} is not an allowed target. This Framescope server connects only to: teacher-pc:${echo.port} (--allow-upstream).`,
      });
      expect(echo.hosts.length).toBe(before);
    } finally {
      await own.close({ timeout: 300 });
      await echo.close();
    }
  });

  it('allowedTarget: by default a page from another machine may not grade this one; of ::1 and 127.0.0.1 the one that accepts TCP is taken', async () => {
    const byDefault = upstreamPolicy();
    expect(await allowedTarget(byDefault, target('ws://127.0.0.1:9001/'), '127.0.0.1:50000')).toMatchObject({ ok: true, target: { host: '127.0.0.1', port: 9001 } });
    expect(await allowedTarget(byDefault, target('ws://127.0.0.1:9001/'), '192.0.2.7:50000')).toEqual({
      ok: false,
      reason: expect.stringMatching(/^127\.0\.0\.1 would be this server's own machine, and this browser \(192\.0\.2\.7\) is on another one\./),
    });
    expect(await allowedTarget(byDefault, target('ws://192.0.2.1:9001/'), '127.0.0.1:50000')).toMatchObject({ ok: false, reason: expect.stringMatching(/^192\.0\.2\.1 port 9001 is not an allowed target/) });
    // localhost as ::1 first, then 127.0.0.1, where the server listens.
    const v4 = await listener();
    try {
      const both = upstreamPolicy(undefined, { resolve: async () => [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }] });
      const t = target(`ws://localhost:${v4.port}/chat`);
      expect(await allowedTarget(both, t, '127.0.0.1:50000')).toEqual({ ok: true, target: { ...t, host: '127.0.0.1' } });
    } finally {
      await v4.close();
    }
  });

  it('a server with its own policy and a run limit: a second page is told the server is busy', { timeout: 30_000 }, async () => {
    const own = createFramescopeServer({
      quiet: true,
      endpoints: { '/conformance': conformanceEndpoint({ policy: upstreamPolicy(), maxRuns: 1 }) },
    });
    const port = (await own.listen(0, '127.0.0.1')).port;
    const url = `ws://127.0.0.1:${port}/conformance`;
    // While one run plays, a second page is told the server is busy.
    const long = talk([{ type: 'run', target: `ws://127.0.0.1:${port}/echo`, cases: '5.19' }], (e) => e.type === 'done', url);
    await new Promise((r) => setTimeout(r, 300));
    const [busy] = await talk([{ type: 'run', target: `ws://127.0.0.1:${port}/echo`, cases: '1.1.1' }], () => true, url);
    expect(busy).toMatchObject({ type: 'refused', reason: '1 runs are going on this server already; try again when one has finished.' });
    expect((await long).at(-1)).toMatchObject({ type: 'done', summary: { OK: 1 } });
    await own.close({ timeout: 300 });
  });
});

describe('npm run dev: FRAMESCOPE_ALLOW_UPSTREAM is the grader\'s list too', () => {
  it('the page\'s run against a listed target plays; another loopback port is refused and never contacted', { timeout: 60_000 }, async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'framescope-grader-vite-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>dev</title>');
    const listed = await wsEcho();
    const other = await listener();
    const vite = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [framescopeDevPlugin({ quiet: true, ...optionsFromEnv({ FRAMESCOPE_ALLOW_UPSTREAM: `127.0.0.1:${listed.port}` }) })],
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    try {
      await vite.listen();
      const url = `ws://127.0.0.1:${(vite.httpServer!.address() as net.AddressInfo).port}/conformance`;
      const graded = await talk([{ type: 'run', target: `ws://127.0.0.1:${listed.port}/`, cases: 'x.0.1' }], (e) => e.type === 'done' || e.type === 'refused', url);
      expect(graded.at(-1)).toMatchObject({ type: 'done', summary: { OK: 1 } });
      const [refused] = await talk([{ type: 'run', target: `ws://127.0.0.1:${other.port}/` }], () => true, url);
      expect(refused).toMatchObject({ type: 'refused', reason: expect.stringContaining(`127.0.0.1 port ${other.port} is not an allowed target`) });
      expect(other.connections()).toBe(0);
    } finally {
      await vite.close();
      await listed.close();
      await other.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
