/**
 * /echo's subprotocols: the server's list (`--subprotocols`), its preference over the client's
 * order (RFC 6455 §4.2.2), the inspector's report of the negotiation, and the demonstration that
 * names one the client did not offer (a client must fail the connection, RFC 6455 §4.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import WebSocket from 'ws';
import { parseCli } from '../../server/args';
import { UNOFFERED_SUBPROTOCOL } from '../../server/endpoints/echo';
import { startServer, type Running } from './helpers';

function open(url: string, protocols: string[]): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** The 101's Sec-WebSocket-Protocol for an offer (a browser accepts none; `ws` would refuse it). */
function answer(port: number, path: string, offer: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': offer },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.headers['sec-websocket-protocol']);
    });
    req.on('response', (res) => reject(new Error(`HTTP ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('/echo subprotocols, default list', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.stop();
  });

  it('picks echo.v2 over echo.v1 whatever the client’s order', async () => {
    const ws = await open(s.url('/echo'), ['echo.v1', 'echo.v2']);
    expect(ws.protocol).toBe('echo.v2');
    ws.close();
  });

  it('answers with none when nothing offered is spoken', async () => {
    expect(await answer(s.port, '/echo', 'mqtt')).toBeUndefined();
    expect(await answer(s.port, '/echo', 'mqtt, echo.v1')).toBe('echo.v1');
  });

  it('the demonstration names one not offered, and a client fails the connection', async () => {
    const error = await open(s.url('/echo?demo=wrong-subprotocol'), ['echo.v1']).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/subprotocol/i);
    expect(UNOFFERED_SUBPROTOCOL).not.toBe('echo.v1');
  });
});

describe('/echo subprotocols from the server’s options', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({ subprotocols: 'chat.v1, echo.v1' });
  });
  afterAll(async () => {
    await s.stop();
  });

  it('speaks the configured list in its order', async () => {
    const ws = await open(s.url('/echo'), ['echo.v1', 'chat.v1']);
    expect(ws.protocol).toBe('chat.v1');
    ws.close();
    expect(await answer(s.port, '/echo', 'echo.v2')).toBeUndefined();
  });
});

describe('--subprotocols', () => {
  it('takes a comma-separated list, an empty one for none, and refuses a bad name', () => {
    const run = parseCli(['--subprotocols', 'a.v1,b.v2']);
    expect(run.kind === 'run' && run.options.subprotocols).toEqual(['a.v1', 'b.v2']);
    const none = parseCli(['--subprotocols', '']);
    expect(none.kind === 'run' && none.options.subprotocols).toEqual([]);
    const def = parseCli([]);
    expect(def.kind === 'run' && def.options.subprotocols).toEqual(['echo.v2', 'echo.v1']);
    const bad = parseCli(['--subprotocols', 'a b']);
    expect(bad.kind === 'error' && bad.message).toMatch(/--subprotocols: "a b" is not a subprotocol name/);
  });
});
