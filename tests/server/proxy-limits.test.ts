/**
 * /proxy is not an open relay, and the server's limits hold for proxied connections and their
 * upstream sockets: a target the allow list excludes gets 403 and no connection at all; the
 * connection limit counts proxied connections (and those still waiting for their target); the
 * idle timeout ends both sockets; a side that stops reading pauses the other, so what the proxy
 * holds stays bounded both ways; shutdown drops them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'vite';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, Opcode } from '../../src/protocol';
import { upstreamPolicy } from '../../server/upstream/policy';
import { framescopeDevPlugin, optionsFromEnv } from '../../server/vite-plugin';
import { clientFrame, openWs, startServer, wsClosed, type Running } from './helpers';
import { Browser, Target, until, watch } from './proxy-helpers';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<Running> {
  const s = await startServer(options);
  cleanup.push(() => s.stop());
  return s;
}

async function target(answer: ConstructorParameters<typeof Target>[0] = 'websocket'): Promise<Target> {
  const t = await new Target(answer).listen();
  cleanup.push(() => t.close());
  return t;
}

function getJson(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    }).on('error', reject);
  });
}

describe('not an open relay', () => {
  it('a target the allow list excludes: 403 with the reason, and no TCP to it', async () => {
    const allowed = await target();
    const excluded = await target();
    let contacted = false;
    excluded.server.on('connection', () => (contacted = true));
    const s = await server({ allowUpstream: `127.0.0.1:${allowed.port}` });
    const w = await watch(s.port, 'policy');
    cleanup.push(() => w.close());

    const refusedBrowser = await Browser.open(s.port, excluded.url('/'), 'policy');
    const { status } = await refusedBrowser.head();
    expect(status).toBe(403);
    await until(() => refusedBrowser.closed || refusedBrowser.ended);
    expect(refusedBrowser.received.toString()).toMatch(new RegExp(`127\\.0\\.0\\.1 port ${excluded.port} is not an allowed target`));
    const refused = await w.find((m) => m.type === 'refused');
    expect(refused).toMatchObject({ status: 403, proxy: { stage: 'policy', address: null } });
    expect(contacted).toBe(false);

    const ok = await Browser.open(s.port, allowed.url('/'), 'policy');
    expect((await ok.head()).status).toBe(101);
    ok.destroy();
  });

  it('connects to the addresses the one resolution allowed, the next when one refuses TCP (localhost as ::1 and 127.0.0.1)', async () => {
    const t = await target();
    let lookups = 0;
    const policy = upstreamPolicy(undefined, {
      resolve: async (host) => {
        lookups++;
        return host === 'dual.test' ? [{ address: '::1', family: 6 }, { address: '127.0.0.1', family: 4 }] : [];
      },
    });
    const s = await server({ upstreamPolicy: policy });
    const w = await watch(s.port, 'dual');
    cleanup.push(() => w.close());
    const b = await Browser.open(s.port, `ws://dual.test:${t.port}/`, 'dual');
    expect((await b.head()).status).toBe(101);
    const open = await w.find((m) => m.type === 'open');
    expect(open.proxy).toMatchObject({ address: `127.0.0.1:${t.port}` });
    expect((await t.peer('/')).head).toContain(`Host: dual.test:${t.port}`);
    expect(lookups).toBe(1); // resolved once
    b.destroy();
  });

  it('targets that are not ws:// URLs, or no target: 400 with the reason', async () => {
    const s = await server();
    for (const [t, reason] of [
      ['http://127.0.0.1:1/', /must be a ws:\/\/ or wss:\/\/ URL/],
      ['not a url', /is not a URL/],
      ['ws://127.0.0.1:1/proxy', /would be a loop/],
      ['ws://user:pw@127.0.0.1:1/', /user name or password/],
    ] as const) {
      const b = await Browser.open(s.port, t, 'bad');
      expect((await b.head()).status, t).toBe(400);
      await until(() => b.closed || b.ended);
      expect(b.received.toString(), t).toMatch(reason);
    }
  });

  it('GET /proxy?target=URL says whether a target is allowed, as JSON (what the page asks before offering to watch)', async () => {
    const s = await server({ allowUpstream: '127.0.0.1:9001' });
    expect(await getJson(s.port, `/proxy?target=${encodeURIComponent('ws://127.0.0.1:9001/x')}`)).toEqual({
      status: 200,
      body: { target: 'ws://127.0.0.1:9001/x', allowed: true, address: '127.0.0.1:9001' },
    });
    const no = await getJson(s.port, `/proxy?target=${encodeURIComponent('ws://127.0.0.1:9002/')}`);
    expect(no).toMatchObject({ status: 200, body: { allowed: false, reason: expect.stringMatching(/not an allowed target/) } });
    expect(await getJson(s.port, '/proxy')).toMatchObject({ status: 400, body: { allowed: false, reason: expect.stringMatching(/needs \?target=URL/) } });
  });
});

describe('the server\'s limits apply to proxied connections and their upstream sockets', () => {
  it('max connections counts proxied connections, and those still waiting for their target: 503', async () => {
    const silent = await target('silent');
    const t = await target();
    const s = await server({ maxConnections: 3, handshakeTimeout: 2000 });
    const w = await watch(s.port, 'limit'); // 1
    cleanup.push(() => w.close());
    const open = await Browser.open(s.port, t.url('/'), 'limit'); // 2
    expect((await open.head()).status).toBe(101);
    const waiting = await Browser.open(s.port, silent.url('/'), 'limit'); // 3, waiting for an answer
    await silent.peer('/');
    expect(s.server.proxy.size).toBe(2);
    const over = await Browser.open(s.port, t.url('/'), 'limit');
    expect((await over.head()).status).toBe(503);
    const refused = await w.find((m) => m.type === 'refused' && m.status === 503);
    expect(refused).toMatchObject({ proxy: { stage: 'limit' } });
    waiting.destroy();
    // The waiting attempt is given up with its browser: the place is free again.
    await until(() => s.server.proxy.size === 1, 3000, 'the waiting attempt to be dropped');
    const again = await Browser.open(s.port, t.url('/'), 'limit');
    expect((await again.head()).status).toBe(101);
    open.destroy();
    again.destroy();
  });

  it('the idle timeout ends both sockets (cause "idle timeout"), with no frame of the proxy\'s own', async () => {
    const t = await target();
    const s = await server({ idleTimeout: 300 });
    const w = await watch(s.port, 'idle');
    cleanup.push(() => w.close());
    const b = await Browser.open(s.port, t.url('/'), 'idle');
    await b.head();
    const peer = await t.peer('/');
    await until(() => b.closed && peer.socket.destroyed || (b.closed && peer.ended), 3000, 'both sockets to close');
    const closed = await w.find((m) => m.type === 'closed');
    expect(closed).toMatchObject({ cause: 'idle timeout', tcpClosedBy: 'proxy', code: 1006, framesIn: 0, framesOut: 0 });
    expect(b.after().length).toBe(0); // no close frame invented for the target
    expect(peer.received.length).toBe(0);
  });

  it('a browser that stops reading pauses the target: the proxy holds a bounded amount', async () => {
    const t = await target();
    const s = await server();
    const b = await Browser.open(s.port, t.url('/'), 'bp-down');
    await b.head();
    const peer = await t.peer('/');
    b.socket.pause(); // the browser stops reading
    const chunk = encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(60_000) });
    let written = 0;
    // The target writes until its own socket is full (the proxy stopped reading it), up to 32 MiB.
    while (written < 32 * 1024 * 1024) {
      const more = peer.socket.write(chunk);
      written += chunk.length;
      if (!more) await new Promise((resolve) => setTimeout(resolve, 20));
      if (peer.socket.writableLength > 8 * 1024 * 1024) break;
    }
    const relay = [...s.server.proxy.connections][0]!;
    await until(() => peer.socket.writableLength > 4 * 1024 * 1024, 5000, 'the target to be held back');
    const before = relay.bytesRead.fromTarget;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The proxy stopped reading the target, and what it holds for the browser stays small.
    expect(relay.bytesRead.fromTarget).toBe(before);
    expect(relay.buffered.toBrowser).toBeLessThan(1024 * 1024);
    expect(written - relay.bytesRead.fromTarget).toBeGreaterThan(4 * 1024 * 1024);
    // Reading again lets everything through, in order.
    const headLength = b.received.indexOf('\r\n\r\n') + 4;
    b.socket.resume();
    await until(() => b.length === headLength + written, 20_000, 'every byte at the browser');
    b.destroy();
  }, 40_000);

  it('a target that stops reading pauses the browser: the proxy holds a bounded amount', async () => {
    const t = await target();
    const s = await server();
    const b = await Browser.open(s.port, t.url('/'), 'bp-up');
    await b.head();
    const peer = await t.peer('/');
    peer.socket.pause(); // the target stops reading
    const frame = Buffer.from(clientFrame({ opcode: Opcode.Binary, payload: new Uint8Array(60_000) }));
    let written = 0;
    while (b.socket.writableLength < 8 * 1024 * 1024 && written < 64 * 1024 * 1024) {
      b.socket.write(frame);
      written += frame.length;
      if (written % (20 * frame.length) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const relay = [...s.server.proxy.connections][0]!;
    await until(() => b.socket.writableLength > 4 * 1024 * 1024, 5000, 'the browser to be held back');
    const before = relay.bytesRead.fromBrowser;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(relay.bytesRead.fromBrowser).toBe(before);
    expect(relay.buffered.toTarget).toBeLessThan(1024 * 1024);
    peer.socket.resume();
    await until(() => peer.received.length === written, 20_000, 'every byte at the target');
    b.destroy();
  }, 40_000);

  it('shutdown drops proxied connections and attempts under way', async () => {
    const t = await target();
    const silent = await target('silent');
    const s = await startServer();
    const b = await Browser.open(s.port, t.url('/'), 'down');
    await b.head();
    const waiting = await Browser.open(s.port, silent.url('/'), 'down');
    await silent.peer('/');
    const ws = await openWs(s.url('/echo'));
    const closed = wsClosed(ws);
    await s.stop();
    expect((await closed).code).toBe(1001);
    await until(() => b.closed && waiting.closed, 3000, 'both browsers dropped');
    expect(s.server.proxy.size).toBe(0);
  });

  it('a browser that leaves while the target is slow to answer: the attempt is dropped, the target\'s socket closed', async () => {
    const silent = await target('silent');
    const s = await server();
    const b = await Browser.open(s.port, silent.url('/'), 'leave');
    const peer = await silent.peer('/');
    b.destroy();
    await until(() => peer.ended || peer.socket.destroyed, 3000, 'the upstream socket to close');
    expect(s.server.proxy.size).toBe(0);
  });
});

describe('npm run dev: /proxy through the Vite plugin', () => {
  it('relays through Vite\'s port, with FRAMESCOPE_ALLOW_UPSTREAM as the allow list', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'framescope-proxy-vite-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>dev</title>');
    const allowed = await new Target('websocket', (peer) => peer.socket.write(encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('hi from the target') }))).listen();
    cleanup.push(() => allowed.close());
    const other = await target();
    const vite = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [framescopeDevPlugin({ quiet: true, ...optionsFromEnv({ FRAMESCOPE_ALLOW_UPSTREAM: `127.0.0.1:${allowed.port}` }) })],
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await vite.listen();
    cleanup.push(() => vite.close());
    const port = (vite.httpServer!.address() as net.AddressInfo).port;
    let message: Promise<string> = Promise.resolve('');
    const ws = await openWs(`ws://127.0.0.1:${port}/proxy?target=${encodeURIComponent(allowed.url('/'))}&session=dev`, {}, (socket) => {
      message = new Promise((resolve) => socket.once('message', (data) => resolve(String(data))));
    });
    expect(await message).toBe('hi from the target');
    ws.terminate();
    const refused = await Browser.open(port, other.url('/'), 'dev');
    expect((await refused.head()).status).toBe(403);
    refused.destroy();
    expect((await getJson(port, `/proxy?target=${encodeURIComponent(allowed.url('/'))}`)).body).toMatchObject({ allowed: true });
  }, 30_000);
});
