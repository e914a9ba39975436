/**
 * The opening handshake (RFC 6455 §4): the §1.3 example key, base64 and SHA-1 without Node, the
 * HTTP head parser, every refusal a server makes with its status and reason, the client's checks
 * of a 101 response, and `ws` on the other end of a real socket both ways.
 */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import {
  acceptSteps,
  base64Decode,
  base64Encode,
  buildRefusalResponse,
  buildUpgradeResponse,
  computeAccept,
  findHeadEnd,
  generateKey,
  headerValue,
  parseHttpHead,
  sha1,
  splitList,
  validateUpgradeRequest,
  validateUpgradeResponse,
  WEBSOCKET_GUID,
  type UpgradeRequest,
} from '../../src/protocol/handshake';

/** RFC 6455 §1.3. */
const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

const crlf = (...lines: string[]): string => lines.map((line) => `${line}\r\n`).join('');

/** The client handshake of RFC 6455 §1.3, as node:http would hand it over. */
function request(headers: Record<string, string | string[] | undefined> = {}, overrides: Partial<UpgradeRequest> = {}): UpgradeRequest {
  return {
    method: 'GET',
    httpVersion: '1.1',
    headers: {
      host: 'server.example.com',
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': RFC_KEY,
      origin: 'http://example.com',
      'sec-websocket-protocol': 'chat, superchat',
      'sec-websocket-version': '13',
      ...headers,
    },
    ...overrides,
  };
}

const RFC_RESPONSE = crlf(
  'HTTP/1.1 101 Switching Protocols',
  'Upgrade: websocket',
  'Connection: Upgrade',
  `Sec-WebSocket-Accept: ${RFC_ACCEPT}`,
  'Sec-WebSocket-Protocol: chat',
  '',
);

describe('Sec-WebSocket-Accept (RFC 6455 §1.3, §4.2.2)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  test("the RFC's example key", () => {
    expect(computeAccept(RFC_KEY)).toBe(RFC_ACCEPT);
    expect(WEBSOCKET_GUID).toBe('258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
  });

  test('the key is used without surrounding whitespace', () => {
    expect(computeAccept(` \t${RFC_KEY} `)).toBe(RFC_ACCEPT);
  });

  test('acceptSteps shows each step', () => {
    expect(acceptSteps(RFC_KEY)).toEqual({
      key: RFC_KEY,
      guid: WEBSOCKET_GUID,
      concatenated: 'dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11',
      // RFC 6455 §1.3 prints these 20 bytes: 0xb3 0x7a 0x4f 0x2c 0xc0 0x62 0x4f 0x16 0x90 0xf6 ...
      sha1Hex: 'b37a4f2cc0624f1690f64606cf385945b2bec4ea',
      accept: RFC_ACCEPT,
    });
  });

  test('synchronous, and with no Web Crypto at all (a page over plain http has no crypto.subtle)', () => {
    vi.stubGlobal('crypto', undefined);
    expect(globalThis.crypto).toBeUndefined();
    const accept: string = computeAccept(RFC_KEY); // a string, not a promise
    expect(accept).toBe(RFC_ACCEPT);
    expect(acceptSteps(RFC_KEY).accept).toBe(RFC_ACCEPT);
  });

  test('any key: the same answer as node:crypto (SHA-1 of key + GUID, base64)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (nonce) => {
        const key = Buffer.from(nonce).toString('base64');
        const expected = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        expect(computeAccept(key)).toBe(expected);
        expect(acceptSteps(key).sha1Hex).toBe(Buffer.from(expected, 'base64').toString('hex'));
      }),
      { numRuns: 300 },
    );
    // Keys that are not 16 bytes of base64 are still hashed as given (a client's validation is not this function's).
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 80 }), (key) => {
        const trimmed = key.replace(/^[ \t]+|[ \t]+$/g, '');
        expect(computeAccept(key)).toBe(createHash('sha1').update(`${trimmed}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'));
      }),
      { numRuns: 200 },
    );
  });

  test('sha1 matches node:crypto on any bytes (lengths around the 64-byte block edges too)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(Buffer.from(sha1(bytes)).toString('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
      }),
      { numRuns: 500 },
    );
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]) {
      const bytes = new Uint8Array(length).map((_, i) => i * 7);
      expect(Buffer.from(sha1(bytes)).toString('hex')).toBe(createHash('sha1').update(bytes).digest('hex'));
    }
  });

  test('generateKey: 16 random bytes in base64, a fresh one each time', () => {
    const keys = new Set(Array.from({ length: 50 }, generateKey));
    expect(keys.size).toBe(50);
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(base64Decode(key)?.length).toBe(16);
    }
  });
});

describe('base64', () => {
  test('encodes and decodes like Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = base64Encode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(Array.from(base64Decode(text) ?? [])).toEqual(Array.from(bytes));
      }),
    );
  });

  test.each([
    ['no padding', 'abc'],
    ['padding in the middle', 'ab=c'],
    ['too much padding', 'a==='],
    ['whitespace', 'dGhl IHNh'],
    ['the URL-safe alphabet', 'dGhl-_Nh'],
    ['non-zero bits before the padding', 'dGhlIHNhbXBsZSBub25jZR=='],
    ['a character outside ASCII', 'dGhl\u00e9A=='],
  ])('strict: refuses %s', (_name, text) => {
    expect(base64Decode(text)).toBeNull();
  });

  test('the empty string is zero bytes', () => {
    expect(base64Decode('')?.length).toBe(0);
    expect(base64Encode(new Uint8Array(0))).toBe('');
  });
});

describe('validateUpgradeRequest (RFC 6455 §4.2.1)', () => {
  test('the RFC §1.3 request is accepted', () => {
    expect(validateUpgradeRequest(request())).toEqual({ ok: true, key: RFC_KEY, protocols: ['chat', 'superchat'], extensions: [] });
  });

  test('tokens are matched case-insensitively inside comma lists', () => {
    const verdict = validateUpgradeRequest(
      request({ upgrade: 'WebSocket', connection: 'keep-alive, UpGrAdE', 'sec-websocket-protocol': undefined }),
    );
    expect(verdict).toEqual({ ok: true, key: RFC_KEY, protocols: [], extensions: [] });
    expect(validateUpgradeRequest(request({ connection: ['keep-alive', 'upgrade'] })).ok).toBe(true);
    expect(validateUpgradeRequest(request({ upgrade: 'h2c, websocket' })).ok).toBe(true);
    expect(validateUpgradeRequest(request({}, { httpVersion: 'HTTP/2.0' })).ok).toBe(true);
  });

  test('the RFC §4.1 example key, whose last digit carries stray bits, is taken as ws and python-websockets take it', () => {
    expect(validateUpgradeRequest(request({ 'sec-websocket-key': 'AQIDBAUGBwgJCgsMDQ4PEC==' }))).toMatchObject({ ok: true, key: 'AQIDBAUGBwgJCgsMDQ4PEC==' });
    // Still 22 digits and "==": one digit fewer is not a key.
    expect(validateUpgradeRequest(request({ 'sec-websocket-key': 'AQIDBAUGBwgJCgsMDQ4PE==' })).ok).toBe(false);
  });

  test('a Content-Length of 0 is no body', () => {
    expect(validateUpgradeRequest(request({ 'content-length': '0' })).ok).toBe(true);
  });

  test('extension offers are returned in order, commas inside quoted parameters kept', () => {
    const verdict = validateUpgradeRequest(
      request({ 'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits, x-test; note="a, b"' }),
    );
    expect(verdict).toMatchObject({ ok: true, extensions: ['permessage-deflate; client_max_window_bits', 'x-test; note="a, b"'] });
  });

  const key15 = Buffer.alloc(15, 1).toString('base64');
  const key17 = Buffer.alloc(17, 1).toString('base64');

  test.each<{ name: string; req: UpgradeRequest; status: 400 | 426; reason: string; headers?: Record<string, string> }>([
    {
      name: 'a POST',
      req: request({}, { method: 'POST' }),
      status: 400,
      reason: "The opening handshake must be a GET request (RFC 6455 §4.2.1); got 'POST'.",
    },
    {
      name: 'HTTP/1.0',
      req: request({}, { httpVersion: '1.0' }),
      status: 400,
      reason: 'The opening handshake needs HTTP/1.1 or higher (RFC 6455 §4.2.1); got HTTP/1.0.',
    },
    {
      name: 'no Host',
      req: request({ host: undefined }),
      status: 400,
      reason: 'The request has no Host header; every WebSocket handshake must send one (RFC 6455 §4.1, §4.2.1).',
    },
    {
      name: 'two Hosts',
      req: request({ host: ['a.example', 'b.example'] }),
      status: 400,
      reason: 'The request has more than one Host header; it must have exactly one (RFC 9112 §3.2).',
    },
    {
      name: 'no Upgrade',
      req: request({ upgrade: undefined }),
      status: 400,
      reason: "The request has no Upgrade header; a WebSocket handshake sends 'Upgrade: websocket' (RFC 6455 §4.2.1).",
    },
    {
      name: 'Upgrade: h2c',
      req: request({ upgrade: 'h2c' }),
      status: 400,
      reason: "The Upgrade header must name websocket (RFC 6455 §4.2.1); got 'h2c'.",
    },
    {
      name: 'no Connection',
      req: request({ connection: undefined }),
      status: 400,
      reason: "The request has no Connection header; a WebSocket handshake sends 'Connection: Upgrade' (RFC 6455 §4.2.1).",
    },
    {
      name: 'Connection: keep-alive',
      req: request({ connection: 'keep-alive' }),
      status: 400,
      reason: "The Connection header must include the token Upgrade (RFC 6455 §4.2.1); got 'keep-alive'.",
    },
    {
      name: 'a token that only contains "upgrade"',
      req: request({ connection: 'keep-alive, upgraded' }),
      status: 400,
      reason: "The Connection header must include the token Upgrade (RFC 6455 §4.2.1); got 'keep-alive, upgraded'.",
    },
    {
      name: 'no Sec-WebSocket-Version',
      req: request({ 'sec-websocket-version': undefined }),
      status: 426,
      reason: 'The request has no Sec-WebSocket-Version header; this server speaks WebSocket version 13 (RFC 6455 §4.2.1, §4.4).',
      headers: { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' },
    },
    {
      name: 'Sec-WebSocket-Version: 8',
      req: request({ 'sec-websocket-version': '8' }),
      status: 426,
      reason: "This server speaks WebSocket version 13; the request asked for version '8' (RFC 6455 §4.4).",
      headers: { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13' },
    },
    {
      name: 'no Sec-WebSocket-Key',
      req: request({ 'sec-websocket-key': undefined }),
      status: 400,
      reason: 'The request has no Sec-WebSocket-Key header; a client sends 16 random bytes in base64 (RFC 6455 §4.1, §4.2.1).',
    },
    {
      name: 'two Sec-WebSocket-Keys',
      req: request({ 'sec-websocket-key': [RFC_KEY, RFC_KEY] }),
      status: 400,
      reason: 'The request has 2 Sec-WebSocket-Key headers; it must have exactly one (RFC 6455 §4.2.1).',
    },
    {
      name: 'a key that is not base64',
      req: request({ 'sec-websocket-key': 'abc' }),
      status: 400,
      reason: "Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters); got 'abc', which is not base64 (RFC 6455 §4.2.1).",
    },
    {
      name: 'two Sec-WebSocket-Version headers',
      req: request({ 'sec-websocket-version': ['13', '13'] }),
      status: 400,
      reason: 'The request has 2 Sec-WebSocket-Version headers; it must have exactly one (RFC 6455 §11.3.5).',
    },
    {
      name: 'a body announced by Content-Length',
      req: request({ 'content-length': '5' }),
      status: 400,
      reason: "The opening handshake is a GET with no body, but this request announces one (Content-Length: '5'); the bytes after its head would be read as WebSocket frames (RFC 6455 §4.1).",
    },
    {
      name: 'a body announced by Transfer-Encoding',
      req: request({ 'transfer-encoding': 'chunked' }),
      status: 400,
      reason: "The opening handshake is a GET with no body, but this request announces one (Transfer-Encoding: 'chunked'); the bytes after its head would be read as WebSocket frames (RFC 6455 §4.1).",
    },
    {
      name: 'a 15-byte key',
      req: request({ 'sec-websocket-key': key15 }),
      status: 400,
      reason: `Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters); got '${key15}', which decodes to 15 bytes (RFC 6455 §4.2.1).`,
    },
    {
      name: 'a 17-byte key',
      req: request({ 'sec-websocket-key': key17 }),
      status: 400,
      reason: `Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters); got '${key17}', which decodes to 17 bytes (RFC 6455 §4.2.1).`,
    },
    {
      name: 'a subprotocol that is not a token',
      req: request({ 'sec-websocket-protocol': 'chat, super chat' }),
      status: 400,
      reason: "Sec-WebSocket-Protocol lists 'super chat', which is not a token: a subprotocol name has no spaces or separators (RFC 6455 §4.1).",
    },
    {
      name: 'a subprotocol offered twice',
      req: request({ 'sec-websocket-protocol': 'chat, chat' }),
      status: 400,
      reason: "Sec-WebSocket-Protocol lists 'chat' twice; each subprotocol may be offered once (RFC 6455 §4.1).",
    },
  ])('refuses $name', ({ req, status, reason, headers }) => {
    expect(validateUpgradeRequest(req)).toEqual(headers === undefined ? { ok: false, status, reason } : { ok: false, status, reason, headers });
  });

  test('a hostile key is quoted safely and cut short in the reason', () => {
    const verdict = validateUpgradeRequest(request({ 'sec-websocket-key': `x\r\n${'A'.repeat(500)}` }));
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.reason).not.toMatch(/[\r\n]/);
    expect(verdict.reason.length).toBeLessThan(200);
  });
});

describe('building responses', () => {
  test('the 101 response of RFC 6455 §1.3', () => {
    expect(buildUpgradeResponse({ accept: RFC_ACCEPT, protocol: 'chat' })).toBe(RFC_RESPONSE);
    expect(buildUpgradeResponse({ accept: RFC_ACCEPT })).toBe(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${RFC_ACCEPT}\r\n\r\n`,
    );
    expect(buildUpgradeResponse({ accept: RFC_ACCEPT, extensions: ['x-a', 'x-b; p=1'] })).toContain('\r\nSec-WebSocket-Extensions: x-a, x-b; p=1\r\n\r\n');
  });

  test('a value with CR or LF is a caller bug, not a header to inject', () => {
    expect(() => buildUpgradeResponse({ accept: RFC_ACCEPT, protocol: 'chat\r\nX-Evil: 1' })).toThrow(TypeError);
    expect(() => buildRefusalResponse(400, 'no', { 'X-A': 'b\nc' })).toThrow(TypeError);
  });

  test('a refusal is a complete response that closes the connection', () => {
    expect(buildRefusalResponse(400, 'The request has no Host header.')).toBe(
      crlf(
        'HTTP/1.1 400 Bad Request',
        'Connection: close',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Length: 32',
        '',
      ) + 'The request has no Host header.\n',
    );
  });

  test('a 426 carries Sec-WebSocket-Version, and Content-Length counts UTF-8 bytes', () => {
    const verdict = validateUpgradeRequest(request({ 'sec-websocket-version': '8' }));
    if (verdict.ok) throw new Error('expected a refusal');
    const response = buildRefusalResponse(verdict.status, verdict.reason, verdict.headers);
    expect(response.startsWith('HTTP/1.1 426 Upgrade Required\r\n')).toBe(true);
    expect(response).toContain('\r\nSec-WebSocket-Version: 13\r\n');
    const body = response.slice(response.indexOf('\r\n\r\n') + 4);
    expect(response).toContain(`\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`);
    expect(Buffer.byteLength(body)).toBeGreaterThan(body.length); // the reason has a '§'
  });

  test('a refusal parses back, and extra headers replace the defaults', () => {
    const parsed = parseHttpHead(buildRefusalResponse(404, 'No such endpoint: /nope', { 'content-type': 'text/html' }));
    expect(parsed).toMatchObject({ ok: true, head: { kind: 'response', status: 404, reason: 'Not Found' } });
    if (!parsed.ok) return;
    expect(parsed.head.headers['content-type']).toBe('text/html');
    expect(() => buildRefusalResponse(200, 'fine')).toThrow(RangeError);
  });
});

describe('validateUpgradeResponse (RFC 6455 §4.1)', () => {
  const offer = { protocols: ['chat', 'superchat'], extensions: ['permessage-deflate; client_max_window_bits'] };
  const head = (...lines: string[]): string => crlf(...lines, '');
  const base = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${RFC_ACCEPT}`];

  test('the RFC §1.3 response', () => {
    expect(validateUpgradeResponse(RFC_RESPONSE, RFC_KEY, offer)).toEqual({ ok: true, protocol: 'chat', extensions: [] });
  });

  test('case and whitespace the RFC allows', () => {
    const response = head('HTTP/1.1 101 Switching Protocols', 'upgrade:   WebSocket  ', 'CONNECTION: keep-alive, upgrade', `sec-websocket-accept:${RFC_ACCEPT}`);
    expect(validateUpgradeResponse(response, RFC_KEY)).toEqual({ ok: true, protocol: null, extensions: [] });
  });

  test('an extension the client offered', () => {
    const response = head(...base, 'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover');
    expect(validateUpgradeResponse(response, RFC_KEY, offer)).toEqual({
      ok: true,
      protocol: null,
      extensions: ['permessage-deflate; server_no_context_takeover'],
    });
  });

  test.each<{ name: string; response: string; reason: string }>([
    {
      name: 'a 403',
      response: head('HTTP/1.1 403 Forbidden', 'Content-Length: 0'),
      reason: 'The server answered 403 Forbidden instead of 101 Switching Protocols (RFC 6455 §4.1).',
    },
    {
      name: 'no Upgrade',
      response: head('HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${RFC_ACCEPT}`),
      reason: 'The response has no Upgrade header; it must say Upgrade: websocket (RFC 6455 §4.1).',
    },
    {
      name: 'Upgrade: websocket2',
      response: head('HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket2', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${RFC_ACCEPT}`),
      reason: "The response's Upgrade header must be websocket (RFC 6455 §4.1); got 'websocket2'.",
    },
    {
      name: 'Connection without Upgrade',
      response: head('HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: keep-alive', `Sec-WebSocket-Accept: ${RFC_ACCEPT}`),
      reason: "The response's Connection header must include Upgrade (RFC 6455 §4.1); got 'keep-alive'.",
    },
    {
      name: 'no accept',
      response: head('HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade'),
      reason: 'The response has no Sec-WebSocket-Accept header (RFC 6455 §4.1).',
    },
    {
      name: 'a wrong accept (the key echoed back)',
      response: head('HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${RFC_KEY}`),
      reason:
        "Sec-WebSocket-Accept is 'dGhlIHNhbXBsZSBub25jZQ==', but the key 'dGhlIHNhbXBsZSBub25jZQ==' gives 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=':" +
        ' base64 of the SHA-1 of the key followed by 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 (RFC 6455 §4.1).',
    },
    {
      name: 'an extension not offered',
      response: head(...base, 'Sec-WebSocket-Extensions: x-webkit-deflate-frame'),
      reason: "The server chose the extension 'x-webkit-deflate-frame', which the client did not offer (RFC 6455 §4.1).",
    },
    {
      name: 'a subprotocol not offered',
      response: head(...base, 'Sec-WebSocket-Protocol: mqtt'),
      reason: "The server chose the subprotocol 'mqtt', which the client did not offer (RFC 6455 §4.1).",
    },
    {
      name: 'two subprotocols',
      response: head(...base, 'Sec-WebSocket-Protocol: chat, superchat'),
      reason: "The server must choose one subprotocol; its Sec-WebSocket-Protocol says 'chat, superchat' (RFC 6455 §4.1).",
    },
    {
      name: 'a request instead of a response',
      response: head('GET /chat HTTP/1.1', 'Host: server.example.com'),
      reason: "Expected a status line such as 'HTTP/1.1 101 Switching Protocols'; got a request (GET '/chat').",
    },
    {
      name: 'not HTTP at all',
      response: 'SSH-2.0-OpenSSH_9.6\r\n\r\n',
      reason:
        "The response is not a valid HTTP head: line 1: an HTTP head starts with a request line such as 'GET /echo HTTP/1.1' or a status line" +
        " such as 'HTTP/1.1 101 Switching Protocols', three parts one space apart; got one part: 'SSH-2.0-OpenSSH_9.6'.",
    },
  ])('fails on $name', ({ response, reason }) => {
    expect(validateUpgradeResponse(response, RFC_KEY, offer)).toEqual({ ok: false, reason });
  });

  test('a subprotocol when the client offered none', () => {
    expect(validateUpgradeResponse(RFC_RESPONSE, RFC_KEY)).toMatchObject({ ok: false });
  });
});

describe('parseHttpHead', () => {
  const RFC_REQUEST = crlf(
    'GET /chat HTTP/1.1',
    'Host: server.example.com',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${RFC_KEY}`,
    'Origin: http://example.com',
    'Sec-WebSocket-Protocol: chat, superchat',
    'Sec-WebSocket-Version: 13',
    '',
  );

  test('the RFC §1.3 request, and from it the whole server side', () => {
    const parsed = parseHttpHead(`${RFC_REQUEST}\x81\x85`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.head.kind !== 'request') throw new Error('expected a request');
    const { head } = parsed;
    expect(head).toMatchObject({ kind: 'request', method: 'GET', target: '/chat', httpVersion: '1.1', complete: true, end: RFC_REQUEST.length });
    expect(head.headerList[0]).toEqual({ name: 'Host', value: 'server.example.com', line: 2 });
    expect(headerValue(head.headers, 'SEC-WEBSOCKET-KEY')).toBe(RFC_KEY);

    const verdict = validateUpgradeRequest(head);
    expect(verdict).toEqual({ ok: true, key: RFC_KEY, protocols: ['chat', 'superchat'], extensions: [] });
    if (!verdict.ok) return;
    const response = buildUpgradeResponse({ accept: computeAccept(verdict.key), protocol: verdict.protocols[0] });
    expect(response).toBe(RFC_RESPONSE);
    expect(validateUpgradeResponse(response, RFC_KEY, { protocols: ['chat', 'superchat'] })).toMatchObject({ ok: true });
  });

  test('a status line, with or without a reason phrase', () => {
    expect(parseHttpHead(RFC_RESPONSE)).toMatchObject({ ok: true, head: { kind: 'response', status: 101, reason: 'Switching Protocols', httpVersion: '1.1' } });
    expect(parseHttpHead('HTTP/1.1 101\r\n\r\n')).toMatchObject({ ok: true, head: { status: 101, reason: '' } });
  });

  test('repeated headers keep their order and combine as a comma list', () => {
    const parsed = parseHttpHead(crlf('GET / HTTP/1.1', 'Host: a', 'Connection: keep-alive', 'X-Note: 1', 'connection: Upgrade', ''));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.head.headers.connection).toEqual(['keep-alive', 'Upgrade']);
    expect(headerValue(parsed.head.headers, 'Connection')).toBe('keep-alive, Upgrade');
    expect(parsed.head.headerList.map((h) => h.name)).toEqual(['Host', 'Connection', 'X-Note', 'connection']);
    expect(headerValue(parsed.head.headers, 'missing')).toBeUndefined();
  });

  test('empty lines before the start line are skipped (RFC 9112 §2.2); an unfinished head says so', () => {
    expect(parseHttpHead('\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n')).toMatchObject({ ok: true, head: { complete: true } });
    expect(parseHttpHead('GET / HTTP/1.1\r\nHost: a\r\n')).toMatchObject({ ok: true, head: { complete: false, end: 25 } });
  });

  test('header names are case-insensitive; __proto__ is just a name', () => {
    const parsed = parseHttpHead(crlf('GET / HTTP/1.1', '__proto__: x', 'constructor: y', ''));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.head.headers['__proto__']).toBe('x');
    expect(headerValue(parsed.head.headers, 'Constructor')).toBe('y');
    expect(headerValue(parsed.head.headers, 'toString')).toBeUndefined();
  });

  test.each<{ name: string; text: string; line: number; column: number; message: string }>([
    {
      name: 'binary',
      text: '\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58',
      line: 1,
      column: 1,
      message:
        "line 1: an HTTP head starts with a request line such as 'GET /echo HTTP/1.1' or a status line such as 'HTTP/1.1 101 Switching Protocols';" +
        ' this line starts with U+0081',
    },
    {
      name: 'LF without CR',
      text: 'GET / HTTP/1.1\nHost: a\n\n',
      line: 1,
      column: 15,
      message: 'line 1 ends with a bare LF (\\n): HTTP/1.1 lines end with CR LF (\\r\\n) (RFC 9112 §2.2)',
    },
    {
      name: 'a CR alone',
      text: 'GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n',
      line: 2,
      column: 8,
      message: 'line 2 has a CR (\\r) that is not followed by LF (\\n): HTTP/1.1 lines end with CR LF (RFC 9112 §2.2)',
    },
    {
      name: 'no CRLF at all, all on one line',
      text: 'GET / HTTP/1.1 Host: a Upgrade: websocket',
      line: 1,
      column: 1,
      message:
        "line 1: an HTTP head starts with a request line such as 'GET /echo HTTP/1.1' or a status line such as 'HTTP/1.1 101 Switching Protocols'," +
        " three parts one space apart; got 7 parts: 'GET / HTTP/1.1 Host: a Upgrade: websocket'",
    },
    {
      name: 'a missing colon',
      text: crlf('GET / HTTP/1.1', 'Host: a', 'Upgrade websocket', ''),
      line: 3,
      column: 1,
      message: "line 3 has no ':': a header line is 'Name: value'; got 'Upgrade websocket'",
    },
    {
      name: 'obs-fold',
      text: crlf('GET / HTTP/1.1', 'Host: a', 'X-Long: one', '  two', ''),
      line: 4,
      column: 1,
      message: 'line 4 starts with whitespace: continuing a header on the next line (obs-fold) is not allowed (RFC 9112 §5.2)',
    },
    {
      name: 'space before the colon',
      text: crlf('GET / HTTP/1.1', 'Host : a', ''),
      line: 2,
      column: 5,
      message: "line 2: no whitespace is allowed between the header name and its ':' (RFC 9112 §5.1)",
    },
    {
      name: 'a bad character in a name',
      text: crlf('GET / HTTP/1.1', 'Ho(st: a', ''),
      line: 2,
      column: 3,
      message: "line 2: the header name 'Ho(st' has a character that is not allowed in a name, '(' (U+0028)",
    },
    {
      name: 'a NUL in a value',
      text: crlf('GET / HTTP/1.1', 'Host: a\x00b', ''),
      line: 2,
      column: 8,
      message: 'line 2: the value of Host has a control character, U+0000, which HTTP does not allow (RFC 9110 §5.5)',
    },
    {
      name: 'a lowercase version',
      text: crlf('GET / http/1.1', ''),
      line: 1,
      column: 7,
      message: "line 1, column 7: the request line must end with the HTTP version, such as HTTP/1.1; got 'http/1.1'",
    },
    {
      name: 'a bad status line',
      text: crlf('HTTP/1.1 OK', ''),
      line: 1,
      column: 1,
      message: "line 1: a status line is 'HTTP/1.1', a space, a three-digit status code, a space and a reason; got 'HTTP/1.1 OK'",
    },
    {
      name: 'nothing',
      text: '\r\n\r\n',
      line: 3,
      column: 1,
      message: 'the head is empty: it should start with a request line or a status line',
    },
  ])('a located error for $name', ({ text, line, column, message }) => {
    const parsed = parseHttpHead(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ line, column, message });
  });

  const httpish = fc.string({
    unit: fc.constantFrom('GET', ' ', '/', 'HTTP/1.1', 'HTTP/', '101', '\r\n', '\r', '\n', ':', 'Host', 'a', '\t', '\x00', '\u00e9', '(', ','),
    maxLength: 40,
  });

  test('never throws; an error names a line of the text and an index inside it', { timeout: 60_000 }, () => {
    for (const arbitrary of [fc.string(), fc.string({ unit: 'binary' }), httpish]) {
      fc.assert(
        fc.property(arbitrary, (text) => {
          const parsed = parseHttpHead(text);
          if (parsed.ok) {
            expect(parsed.head.end).toBeLessThanOrEqual(text.length);
            return;
          }
          const { line, column, index, message } = parsed.error;
          expect(message.length).toBeGreaterThan(0);
          expect(index).toBeGreaterThanOrEqual(0);
          expect(index).toBeLessThanOrEqual(text.length);
          expect(line).toBe(text.slice(0, index).split('\r\n').length);
          const previousBreak = index === 0 ? -1 : text.lastIndexOf('\r\n', index - 1);
          expect(column).toBe(index - (previousBreak === -1 ? 0 : previousBreak + 2) + 1);
        }),
        { numRuns: 1000 },
      );
    }
  });
});

describe('findHeadEnd', () => {
  const bytes = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

  test('finds the end of the head, not of a lone CRLF', () => {
    expect(findHeadEnd(bytes('GET / HTTP/1.1\r\nHost: a\r\n\r\n\x81\x85'))).toBe(27);
    expect(findHeadEnd(bytes('GET / HTTP/1.1\r\nHost: a\r\n'))).toBe(-1);
    expect(findHeadEnd(bytes('\r\n\r'))).toBe(-1);
    expect(findHeadEnd(new Uint8Array(0))).toBe(-1);
  });

  test('agrees with indexOf for any bytes and any resume point before the end', () => {
    const arb = fc.array(fc.constantFrom(0x0d, 0x0a, 0x41), { maxLength: 40 }).chain((list) =>
      fc.tuple(fc.constant(list), fc.integer({ min: 0, max: list.length })),
    );
    fc.assert(
      fc.property(arb, ([list, from]) => {
        const text = String.fromCharCode(...list);
        const at = text.indexOf('\r\n\r\n', from);
        expect(findHeadEnd(Uint8Array.from(list), from)).toBe(at === -1 ? -1 : at + 4);
      }),
    );
  });
});

describe('splitList', () => {
  test('trims, drops empty elements, keeps quoted commas', () => {
    expect(splitList(' a ,, b,"c, d" ;x, ')).toEqual(['a', 'b', '"c, d" ;x']);
    expect(splitList('')).toEqual([]);
  });
});

describe('with ws on the other end of a real socket', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  function listen(server: Server): Promise<number> {
    servers.push(server);
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
  }

  test('a ws client accepts our 101', async () => {
    const server = createServer((socket: Socket) => {
      let received = new Uint8Array(0);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const end = findHeadEnd(received);
        if (end === -1) return;
        const parsed = parseHttpHead(Buffer.from(received.subarray(0, end)).toString('latin1'));
        if (!parsed.ok || parsed.head.kind !== 'request') return socket.destroy();
        const verdict = validateUpgradeRequest(parsed.head);
        if (!verdict.ok) return socket.end(buildRefusalResponse(verdict.status, verdict.reason, verdict.headers));
        socket.write(buildUpgradeResponse({ accept: computeAccept(verdict.key), protocol: verdict.protocols[1] }));
      });
    });
    const port = await listen(server);
    const client = new WebSocket(`ws://127.0.0.1:${port}/echo`, ['chat', 'superchat']);
    const protocol = await new Promise<string>((resolve, reject) => {
      client.on('open', () => resolve(client.protocol));
      client.on('error', reject);
    });
    expect(protocol).toBe('superchat');
    client.terminate();
  });

  test('a ws client is told why it was refused', async () => {
    const server = createServer((socket: Socket) => {
      socket.once('data', () => {
        const verdict = validateUpgradeRequest(request({ 'sec-websocket-version': '8' }));
        if (!verdict.ok) socket.end(buildRefusalResponse(verdict.status, verdict.reason, verdict.headers));
      });
    });
    const port = await listen(server);
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    const status = await new Promise<number>((resolve) => {
      client.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      client.on('error', () => resolve(-1));
    });
    expect(status).toBe(426);
    client.terminate();
  });

  test("our checks accept a ws server's 101, and a key of our own", async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false) });
    await new Promise((resolve) => wss.once('listening', resolve));
    const port = (wss.address() as AddressInfo).port;
    try {
      const key = generateKey();
      const { connect } = await import('node:net');
      const socket = connect(port, '127.0.0.1');
      socket.write(
        crlf('GET / HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Protocol: chat', ''),
      );
      let received = new Uint8Array(0);
      const head = await new Promise<string>((resolve, reject) => {
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          const end = findHeadEnd(received);
          if (end !== -1) resolve(Buffer.from(received.subarray(0, end)).toString('latin1'));
        });
        socket.on('error', reject);
      });
      socket.destroy();
      expect(validateUpgradeResponse(head, key, { protocols: ['chat'] })).toEqual({ ok: true, protocol: 'chat', extensions: [] });
      expect(validateUpgradeResponse(head, generateKey(), { protocols: ['chat'] })).toMatchObject({ ok: false });
    } finally {
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
