/**
 * The opening handshake and HTTP: every refusal is a complete HTTP response with a reason, then
 * the socket is ended; extensions are declined; a slow head is dropped; the connection limit is
 * a 503 before upgrading; the built app is served with the right types and nothing outside it.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside } from '../../server/http/static';
import { openWs, RawClient, startServer, upgradeRequest, wsClosed, type Running } from './helpers';

let s: Running;
let dist: string;
beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'framescope-dist-'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Framescope</title>');
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dist, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(dist, 'icon.svg'), '<svg/>');
  s = await startServer({ staticDir: dist, handshakeTimeout: 400, maxConnections: 50 });
});
afterAll(async () => {
  await s.stop();
  rmSync(dist, { recursive: true, force: true });
});

/** Send a raw request; return the response head and body, and check the server ended the socket. */
async function exchange(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const raw = await RawClient.connect(s.port);
  raw.write(request);
  const head = await raw.readHead();
  await raw.waitClosed(3000);
  return head;
}

function get(urlPath: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: s.port, path: urlPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('bad handshakes get a complete HTTP response and the socket ended', () => {
  it('no Sec-WebSocket-Key: 400 with the reason', async () => {
    const r = await exchange(upgradeRequest('/echo', { 'Sec-WebSocket-Key': '' }));
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/Sec-WebSocket-Key/);
    expect(r.headers['connection']).toBe('close');
  });

  it('a key that is not 16 bytes of base64: 400', async () => {
    const r = await exchange(upgradeRequest('/echo', { 'Sec-WebSocket-Key': 'c2hvcnQ=' }));
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/16/);
  });

  it('version 8: 426 with Sec-WebSocket-Version: 13', async () => {
    const r = await exchange(upgradeRequest('/echo', { 'Sec-WebSocket-Version': '8' }));
    expect(r.status).toBe(426);
    expect(r.headers['sec-websocket-version']).toBe('13');
    expect(r.body).toMatch(/13/);
  });

  it('no version: 426 with Sec-WebSocket-Version: 13', async () => {
    const r = await exchange(upgradeRequest('/echo', { 'Sec-WebSocket-Version': '' }));
    expect(r.status).toBe(426);
    expect(r.headers['sec-websocket-version']).toBe('13');
  });

  it('POST: 400', async () => {
    const r = await exchange(upgradeRequest('/echo').replace(/^GET/, 'POST'));
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/GET/);
  });

  it('HTTP/1.0: 400', async () => {
    const r = await exchange(upgradeRequest('/echo').replace('HTTP/1.1', 'HTTP/1.0'));
    expect(r.status).toBe(400);
  });

  it('Upgrade: h2c to an endpoint: 400', async () => {
    const r = await exchange(upgradeRequest('/echo', { Upgrade: 'h2c' }));
    expect(r.status).toBe(400);
  });

  it('an unknown path: 404 naming the endpoints', async () => {
    const r = await exchange(upgradeRequest('/nope'));
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/\/nope/);
    expect(r.body).toMatch(/\/echo/);
  });

  it('a path that starts with two slashes is a path (RFC 9112 §3.2.1 origin-form), not a host: 404 naming it', async () => {
    const r = await exchange(upgradeRequest('//echo'));
    expect(r.status).toBe(404);
    expect(r.body).toMatch(/^No WebSocket endpoint at \/\/echo\./);
  });

  it('a request body announced: 400, and no 101 (the body would be read as frames)', async () => {
    const r = await exchange(upgradeRequest('/echo', { 'Content-Length': '5' }).replace(/\r\n\r\n$/, '\r\n\r\nhello'));
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/announces one \(Content-Length: '5'\)/);
  });

  it('a wrong version: 426 naming Upgrade: websocket and the version', async () => {
    const r = await exchange(upgradeRequest('/echo', { 'Sec-WebSocket-Version': '8' }));
    expect(r.status).toBe(426);
    expect(r.headers['upgrade']).toBe('websocket');
    expect(r.headers['connection']).toBe('Upgrade, close');
    expect(r.headers['sec-websocket-version']).toBe('13');
  });

  it('a bad session token: 400', async () => {
    const r = await exchange(upgradeRequest('/echo?session=has%20space'));
    expect(r.status).toBe(400);
  });

  it('/inspect without a session: 400; ?all without --class: 403', async () => {
    expect((await exchange(upgradeRequest('/inspect'))).status).toBe(400);
    expect((await exchange(upgradeRequest('/inspect?all'))).status).toBe(403);
    expect((await exchange(upgradeRequest('/inspect?all&teacher=guessed-it'))).status).toBe(403);
  });

  it('a plain GET to an endpoint: 426 with Upgrade and Sec-WebSocket-Version', async () => {
    const r = await get('/echo');
    expect(r.status).toBe(426);
    expect(r.headers['upgrade']).toBe('websocket');
    expect(r.headers['sec-websocket-version']).toBe('13');
    expect(r.body).toMatch(/WebSocket|Upgrade/);
    expect((await get('/inspect?session=x')).status).toBe(426);
  });

  it('garbage instead of HTTP: 400, socket ended', async () => {
    const raw = await RawClient.connect(s.port);
    raw.write('\x16\x03\x01\x02\x00 this is not http\r\n\r\n');
    const head = await raw.readHead();
    expect(head.status).toBe(400);
    await raw.waitClosed(3000);
  });
});

describe('a good handshake', () => {
  it('answers 101 with the right accept and declines every extension', async () => {
    const raw = await RawClient.connect(s.port);
    raw.write(
      upgradeRequest('/echo', {
        'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits, x-webkit-deflate-frame',
        'Sec-WebSocket-Protocol': 'chat, superchat',
      }),
    );
    const head = await raw.readHead();
    expect(head.status).toBe(101);
    // RFC 6455 §1.3's worked example.
    expect(head.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(head.headers['upgrade']?.toLowerCase()).toBe('websocket');
    expect(head.headers['connection']?.toLowerCase()).toBe('upgrade');
    expect(head.headers['sec-websocket-extensions']).toBeUndefined();
    expect(head.headers['sec-websocket-protocol']).toBeUndefined();
    raw.destroy();
  });

  it('a ws client offering permessage-deflate gets none and still echoes', async () => {
    const ws = await openWs(s.url('/echo'), { perMessageDeflate: true });
    expect(ws.extensions).toBe('');
    ws.close();
    await wsClosed(ws);
  });

  it('bytes sent right after the request head, in the same write, are not lost', async () => {
    const raw = await RawClient.connect(s.port);
    const { clientFrame } = await import('./helpers');
    const frame = clientFrame({ opcode: 0x1, payload: Buffer.from('early') });
    raw.write(Buffer.concat([Buffer.from(upgradeRequest('/echo'), 'latin1'), frame]));
    expect((await raw.readHead()).status).toBe(101);
    expect(Buffer.from((await raw.nextFrame()).payload).toString()).toBe('early');
    raw.destroy();
  });
});

describe('slowloris', () => {
  it('drops a client that sends half a request head and waits', async () => {
    const raw = await RawClient.connect(s.port);
    raw.write('GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    const start = Date.now();
    await raw.waitClosed(3000);
    const waited = Date.now() - start;
    expect(waited).toBeGreaterThanOrEqual(300);
    expect(waited).toBeLessThan(2500);
  });

  it('drops a client that connects and sends nothing', async () => {
    const raw = await RawClient.connect(s.port);
    await raw.waitClosed(3000);
  });
});

describe('max connections', () => {
  it('answers 503 over the limit, before upgrading, and accepts again when one closes', async () => {
    const limited = await startServer({ maxConnections: 3 });
    try {
      const clients = await Promise.all([1, 2, 3].map(() => openWs(limited.url('/echo'))));
      const raw = await RawClient.connect(limited.port);
      raw.write(upgradeRequest('/echo'));
      const head = await raw.readHead();
      expect(head.status).toBe(503);
      expect(head.body).toMatch(/limit of 3/);
      await raw.waitClosed();
      clients[0]!.close();
      await wsClosed(clients[0]!);
      await new Promise((r) => setTimeout(r, 50));
      const again = await openWs(limited.url('/echo'));
      again.close();
      await wsClosed(again);
      for (const c of clients.slice(1)) c.close();
    } finally {
      await limited.stop();
    }
  });
});

describe('the built app', () => {
  it('serves index.html at / and files with their MIME types', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toMatch(/Framescope/);
    expect((await get('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/icon.svg')).headers['content-type']).toBe('image/svg+xml');
    const head = await get('/assets/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('404 for a missing file, 405 for POST', async () => {
    expect((await get('/missing.js')).status).toBe(404);
    expect((await get('/', 'POST')).status).toBe(405);
  });

  it('never serves a file outside the build', async () => {
    for (const p of ['/../package.json', '/..%2fpackage.json', '/%2e%2e/package.json', '/assets/..%5c..%5cpackage.json', '/%00index.html']) {
      const r = await exchange(`GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect([400, 404]).toContain(r.status);
    }
    expect(resolveInside('/srv/dist', '/../etc/passwd')).toBeNull();
    expect(resolveInside('/srv/dist', '/a/%2e%2e/%2e%2e/x')).toBeNull();
    expect(resolveInside('/srv/dist', '/')).toBe(path.resolve('/srv/dist/index.html'));
  });

  it('says "run npm run build first" when there is no build', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'framescope-empty-'));
    const bare = await startServer({ staticDir: empty });
    try {
      const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: bare.port, path: '/' }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          })
          .on('error', reject);
      });
      expect(r.status).toBe(503);
      expect(r.body).toMatch(/run npm run build first/);
    } finally {
      await bare.stop();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
