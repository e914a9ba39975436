/**
 * wss:// targets: /proxy opens TLS to the target (the certificate checked against the target's
 * name or address) and relays the WebSocket bytes inside it as it does over plain TCP. The target
 * here is a raw `node:tls` server with a self-signed certificate made for these tests only
 * (127.0.0.1, valid 2000-2100); trusting it is an option of the server (`upstreamTls.ca`), as
 * NODE_EXTRA_CA_CERTS is for `npm start`.
 */
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAccept, encodeFrame, Opcode } from '../../src/protocol';
import { startServer, type Running } from './helpers';
import { Browser, until, watch } from './proxy-helpers';

// A throwaway key and certificate for 127.0.0.1, for these tests only.
const CERT = `-----BEGIN CERTIFICATE-----
MIIBjzCCATSgAwIBAgIBATAKBggqhkjOPQQDAjAhMR8wHQYDVQQDDBZmcmFtZXNj
b3BlIHRlc3QgdGFyZ2V0MCAXDTAwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAwMDAw
WjAhMR8wHQYDVQQDDBZmcmFtZXNjb3BlIHRlc3QgdGFyZ2V0MFkwEwYHKoZIzj0C
AQYIKoZIzj0DAQcDQgAEuW9IqERpybTqi3sC5UQ9PUCuiHYUogvvTGMszSwRYcfw
EL/5ixxdcuScmEoo5D5eRLQJkOyXvZOkc3ulcqKI46NbMFkwGgYDVR0RBBMwEYcE
fwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wCwYDVR0PBAQDAgKEMB0G
A1UdDgQWBBTQTWivPo55jQCPzVL4TiVvN3MzCTAKBggqhkjOPQQDAgNJADBGAiEA
hoSHClz1y8k5F1d1naKgK6D+ebtKyea2FClG5yz4GGwCIQDomMWWCgmVLeUI5/CU
25FBhbZ7mvQee97M2Qh3GkJmjA==
-----END CERTIFICATE-----
`;
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcXMc9KkXPlEQHpUt
3FIFeQ6Q/PTCh15JKft5PX3Q66ChRANCAAS5b0ioRGnJtOqLewLlRD09QK6IdhSi
C+9MYyzNLBFhx/AQv/mLHF1y5JyYSijkPl5EtAmQ7Je9k6Rze6Vyoojj
-----END PRIVATE KEY-----
`;

let target: tls.Server;
let port = 0;
beforeAll(async () => {
  target = tls.createServer({ cert: CERT, key: KEY }, (socket) => {
    socket.on('error', () => {});
    socket.once('data', (request: Buffer) => {
      const key = /sec-websocket-key:\s*(\S+)/i.exec(request.toString('latin1'))?.[1] ?? '';
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeAccept(key)}\r\n\r\n`);
      socket.write(encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('over TLS') }));
    });
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  port = (target.address() as { port: number }).port;
});
afterAll(() => {
  target.close();
});

describe('wss:// targets', () => {
  let s: Running;
  afterAll(() => s?.stop());

  it('relays a wss:// target whose certificate the server trusts, decoding its frames', async () => {
    s = await startServer({ upstreamTls: { ca: CERT } });
    const w = await watch(s.port, 'wss');
    const b = await Browser.open(s.port, `wss://127.0.0.1:${port}/`, 'wss');
    expect((await b.head()).status).toBe(101);
    const frame = Buffer.from(encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('over TLS') }));
    await until(() => b.after().length === frame.length, 3000, 'the frame');
    expect(Buffer.compare(b.after(), frame)).toBe(0);
    const open = await w.find((m) => m.type === 'open');
    expect(open.proxy).toMatchObject({ target: `wss://127.0.0.1:${port}/`, ok: true });
    await w.find((m) => m.type === 'frame' && m.direction === 'out' && m.bytes === frame.toString('hex'));
    w.close();
    b.destroy();
    await s.stop();
  });

  it('an untrusted certificate: 502 with the TLS reason and how to trust it', async () => {
    s = await startServer();
    const b = await Browser.open(s.port, `wss://127.0.0.1:${port}/`, 'wss2');
    const { status } = await b.head();
    expect(status).toBe(502);
    await until(() => b.closed || b.ended);
    expect(b.received.toString()).toMatch(/TLS connection to 127\.0\.0\.1:\d+ failed: self[- ]signed certificate.*NODE_EXTRA_CA_CERTS/);
  });
});
