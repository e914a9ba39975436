/**
 * The comparison's byte accounting (server/transports/accounting.ts) against a known exchange
 * whose bytes are counted here by hand: one message over short polling, over SSE and over
 * WebSocket, each byte of each line accounted for in the comments. The server's own
 * measurements are checked against the socket in compare-wire-bytes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode } from '../../src/protocol';
import {
  chunkFramingLength,
  frameHeaderLength,
  LAST_CHUNK_LENGTH,
  requestHeadLength,
  TrafficLedger,
  utf8Length,
  webSocketCounts,
  type RequestHead,
} from '../../server/transports/accounting';
import { sseEvent, sseRetry } from '../../server/transports/sse-format';
import { messageText } from '../../src/wire/compare';

const TEXT = messageText(1, 20); // "#1 abcdefghijklmnopq": 20 bytes of payload

/** The raw text of a head, as it crosses the socket. */
function raw(head: RequestHead): string {
  return `${head.method} ${head.url} HTTP/${head.httpVersion}\r\n${head.headers.map((line) => `${line}\r\n`).join('')}\r\n`;
}

describe('a short-polling exchange, counted by hand', () => {
  // POST /compare/short-polling/send?run=abcdefgh&seq=1 HTTP/1.1\r\n
  //   "POST " 5 + target 46 (/compare/ 9, short-polling 13, /send 5, ?run=abcdefgh 13, &seq=1 6) + " HTTP/1.1\r\n" 11 = 62
  // Host: 127.0.0.1:8008\r\n                     6 + 14 + 2 = 22
  // Content-Type: text/plain;charset=UTF-8\r\n   14 + 24 + 2 = 40
  // Content-Length: 20\r\n                       16 + 2 + 2 = 20
  // \r\n                                          2
  //                                               = 146 bytes of head, then 20 of body
  const post: RequestHead = {
    method: 'POST',
    url: '/compare/short-polling/send?run=abcdefgh&seq=1',
    httpVersion: '1.1',
    headers: ['Host: 127.0.0.1:8008', 'Content-Type: text/plain;charset=UTF-8', 'Content-Length: 20'],
  };
  // HTTP/1.1 204 No Content\r\n                 8 + 1 + 3 + 1 + 10 + 2 = 25
  // Cache-Control: no-store\r\n                 15 + 8 + 2 = 25
  // Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n     6 + 29 + 2 = 37
  // Connection: keep-alive\r\n                  12 + 10 + 2 = 24
  // Keep-Alive: timeout=5\r\n                   12 + 9 + 2 = 23
  // \r\n                                         2
  //                                              = 136, no body
  const noContent =
    'HTTP/1.1 204 No Content\r\nCache-Control: no-store\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n';
  // GET /compare/short-polling/poll?run=abcdefgh&after=0 HTTP/1.1\r\n
  //   "GET " 4 + target 48 (/compare/short-polling/poll 27, ?run=abcdefgh 13, &after=0 8) + 11 = 63
  // Host: 127.0.0.1:8008\r\n                     22
  // \r\n                                          2
  //                                               = 87
  const poll: RequestHead = { method: 'GET', url: '/compare/short-polling/poll?run=abcdefgh&after=0', httpVersion: '1.1', headers: ['Host: 127.0.0.1:8008'] };
  // {"messages":[{"seq":1,"text":"#1 abcdefghijklmnopq"}]}
  //   {"messages":[ 13 + {"seq":1, 9 + "text":" 8 + the text 20 + "} 2 + ]} 2 = 54: 20 payload, 34 framing
  const json = `{"messages":[{"seq":1,"text":"${TEXT}"}]}`;
  // HTTP/1.1 200 OK\r\n                          17
  // Content-Type: application/json\r\n          14 + 16 + 2 = 32
  // Cache-Control: no-store\r\n                 25
  // Content-Length: 54\r\n                      16 + 2 + 2 = 20
  // Date: ...\r\n  37, Connection: keep-alive\r\n  24, Keep-Alive: timeout=5\r\n  23, \r\n  2
  //                                              = 180 of head, then the 54 of body
  const okHead =
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nContent-Length: 54\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n';

  it('measures each head as its bytes on the wire', () => {
    expect(requestHeadLength(post)).toBe(146);
    expect(raw(post).length).toBe(146);
    expect(requestHeadLength(poll)).toBe(87);
    expect(noContent.length).toBe(136);
    expect(json.length).toBe(54);
    expect(okHead.length).toBe(180);
  });

  it('adds the exchange up: heads are headers, the JSON around the text framing, the text payload', () => {
    const ledger = new TrafficLedger();
    ledger.request(post);
    ledger.requestBody(20);
    ledger.response(noContent.length, noContent.length, 0);
    ledger.request(poll);
    ledger.response(okHead.length + json.length, okHead.length, utf8Length(TEXT));
    expect(ledger.snapshot()).toEqual({
      requests: 2,
      up: { headers: 146 + 87, framing: 0, payload: 20 },
      down: { headers: 136 + 180, framing: 34, payload: 20 },
    });
  });

  it('refuses a response that cannot hold what it is said to hold', () => {
    expect(() => new TrafficLedger().response(100, 90, 20)).toThrow(RangeError);
  });
});

describe('an SSE exchange, counted by hand', () => {
  it('counts chunk sizes and SSE fields as framing', () => {
    // retry: 1000\n\n is 13 bytes: chunk "d\r\n" + 13 + "\r\n": 18 bytes, all framing.
    const retry = sseRetry(1000);
    expect(retry).toBe('retry: 1000\n\n');
    expect(chunkFramingLength(retry.length)).toBe(5);
    // id: 1\n (6) data: #1 abcdefghijklmnopq\n (6 + 20 + 1) \n (1) = 34 bytes: chunk "22\r\n" + 34 + "\r\n" = 40.
    const { event, payload } = sseEvent(1, TEXT);
    expect(event).toBe(`id: 1\ndata: ${TEXT}\n\n`);
    expect(event.length).toBe(34);
    expect(payload).toBe(20);
    expect(chunkFramingLength(event.length)).toBe(6);
    expect(LAST_CHUNK_LENGTH).toBe('0\r\n\r\n'.length);

    const ledger = new TrafficLedger();
    // HTTP/1.1 200 OK (17) Content-Type: text/event-stream (14+17+2=33) Cache-Control: no-store (25)
    // Date (37) Connection: keep-alive (24) Keep-Alive: timeout=5 (23) Transfer-Encoding: chunked (19+7+2=28) \r\n (2) = 189
    ledger.response(189, 189, 0);
    ledger.response(18, 0, 0);
    ledger.response(40, 0, 20);
    ledger.response(5, 0, 0);
    expect(ledger.snapshot().down).toEqual({ headers: 189, framing: 18 + 20 + 5, payload: 20 });
  });

  it('sends a text with line breaks as several data lines, the breaks as LF', () => {
    expect(sseEvent(7, 'a\r\nb\rc\nd')).toEqual({ event: 'id: 7\ndata: a\ndata: b\ndata: c\ndata: d\n\n', payload: 7 });
  });
});

describe('a WebSocket exchange, counted by hand', () => {
  it('sizes frame headers as RFC 6455 §5.2 lays them out, as our encoder writes them', () => {
    const key = new Uint8Array([1, 2, 3, 4]);
    for (const length of [0, 20, 125, 126, 10_240, 65_535, 65_536]) {
      const payload = new Uint8Array(length);
      expect(frameHeaderLength(length, true)).toBe(encodeFrame({ opcode: Opcode.Text, payload, maskingKey: key }).length - length);
      expect(frameHeaderLength(length, false)).toBe(encodeFrame({ opcode: Opcode.Text, payload }).length - length);
    }
    expect([frameHeaderLength(20, false), frameHeaderLength(20, true), frameHeaderLength(10_240, true), frameHeaderLength(70_000, true)]).toEqual([2, 6, 8, 14]);
  });

  it('counts the handshake as headers and every frame byte that is not message as framing', () => {
    // GET /compare/websocket?run=abcdefgh HTTP/1.1\r\n   "GET " 4 + target 31 (/compare/ 9, websocket 9, ?run=abcdefgh 13) + 11 = 46
    // Host: 127.0.0.1:8008\r\n (22) Upgrade: websocket\r\n (20) Connection: Upgrade\r\n (21)
    // Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n (19 + 24 + 2 = 45) Sec-WebSocket-Version: 13\r\n (23 + 2 + 2 = 27) \r\n (2)
    //                                                   = 183
    const upgrade: RequestHead = {
      method: 'GET',
      url: '/compare/websocket?run=abcdefgh',
      httpVersion: '1.1',
      headers: ['Host: 127.0.0.1:8008', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'],
    };
    expect(requestHeadLength(upgrade)).toBe(183);
    expect(raw(upgrade).length).toBe(183);
    // HTTP/1.1 101 Switching Protocols\r\n (34) Upgrade: websocket\r\n (20) Connection: Upgrade\r\n (21)
    // Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n (22 + 28 + 2 = 52) \r\n (2) = 129
    const response = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
    expect(utf8Length(response)).toBe(129);
    // Up: a 20-byte text (6 + 20), a 10 KiB text (8 + 10240), a close with 1000 (6 + 2) = 10282 bytes, 10260 of them payload.
    // Down: the echoes (2 + 20, 4 + 10240), the close with 1000 (2 + 2) = 10270 bytes.
    const counts = webSocketCounts({ requestHead: 183, responseHead: 129, bytesIn: 26 + 10_248 + 8, bytesOut: 22 + 10_244 + 4, payloadIn: 10_260, payloadOut: 10_260 });
    expect(counts).toEqual({
      requests: 1,
      up: { headers: 183, framing: 6 + 8 + 8, payload: 10_260 },
      down: { headers: 129, framing: 2 + 4 + 4, payload: 10_260 },
    });
    expect(() => webSocketCounts({ requestHead: 0, responseHead: 0, bytesIn: 5, bytesOut: 0, payloadIn: 6, payloadOut: 0 })).toThrow(RangeError);
  });

  it('reads an open connection live and keeps its last counts once it closes', () => {
    const ledger = new TrafficLedger();
    let bytesIn = 0;
    const live = { counts: () => webSocketCounts({ requestHead: 187, responseHead: 129, bytesIn, bytesOut: 0, payloadIn: 0, payloadOut: 0 }) };
    ledger.watch(live);
    expect(ledger.snapshot().up.framing).toBe(0);
    bytesIn = 8;
    expect(ledger.snapshot().up).toEqual({ headers: 187, framing: 8, payload: 0 });
    ledger.settle(live);
    bytesIn = 1000; // no longer read
    expect(ledger.snapshot()).toMatchObject({ requests: 1, up: { framing: 8 } });
  });
});

describe('UTF-8 lengths', () => {
  it('counts the bytes the server writes', () => {
    expect(['a', 'é', '€', '😀', '\ud800'].map(utf8Length)).toEqual([1, 2, 3, 4, 3]);
    expect(utf8Length('héllo €😀')).toBe(new TextEncoder().encode('héllo €😀').length);
  });
});
