import { describe, expect, it } from 'vitest';
import { FAULT_RULES, FAULTS, type FaultRule } from '../../protocol';
import { clientHello, closed, hello, open, read } from './fixtures';
import { bytesFromHex, connNumberFromTarget, headerValue, parseInspectorMessage, splitHead } from './messages';

const roundTrip = (value: unknown) => parseInspectorMessage(JSON.stringify(value));

describe('parseInspectorMessage', () => {
  it('accepts every message the server sends', () => {
    for (const message of [hello({ connections: [open(1)] }), open(1), clientHello(1), read(1, 0, 11, [11]), closed(1)]) {
      expect(roundTrip(message)).toEqual({ ok: true, message });
    }
    const more = [
      { type: 'dropped', t: 1, wall: 2, count: 5 },
      { type: 'ack', t: 1, wall: 2, id: 3, connection: 1, action: 'ping', detail: 'sent a ping' },
      { type: 'error', t: 1, wall: 2, id: null, connection: null, action: null, message: 'no such connection' },
      { type: 'socket-error', t: 1, wall: 2, connection: 1, code: 'ECONNRESET', message: 'reset' },
      {
        type: 'fault', t: 1, wall: 2, connection: 1, rule: 'mask-required', closeCode: 1002, offset: 1, length: 1,
        rfc: '5.1', detail: {}, message: 'unmasked', frameOffset: 0, bytes: '8100',
      },
      {
        type: 'refused', t: 1, wall: 2, path: '/nope', session: 'T', peer: 'p', status: 404, reason: 'no such endpoint',
        request: { method: 'GET', url: '/nope', httpVersion: '1.1', headers: [] }, response: { status: 404, head: 'HTTP/1.1 404 Not Found\r\n\r\n' },
      },
    ];
    for (const message of more) expect(roundTrip(message).ok, message.type).toBe(true);
    expect(roundTrip({ ...clientHello(1), misbehave: 'rsv1' }).ok).toBe(true);
  });

  it('refuses what is not JSON, not an object, or of an unknown type', () => {
    expect(parseInspectorMessage('{oops')).toEqual({ ok: false, error: 'not JSON: {oops' });
    expect(parseInspectorMessage('[1]')).toEqual({ ok: false, error: 'not a JSON object' });
    expect(roundTrip({ type: 'nonsense' })).toEqual({ ok: false, error: 'unknown message type "nonsense"', unknown: true });
    expect(roundTrip({ type: 7 })).toMatchObject({ ok: false, unknown: false });
    expect(roundTrip({ type: 'toString' }).ok).toBe(false);
  });

  it('names the field that is missing or malformed', () => {
    expect(roundTrip({ ...clientHello(1), bytes: 'XYZ' })).toEqual({
      ok: false,
      error: 'frame message with a missing or malformed "bytes"',
    });
    expect(roundTrip({ ...clientHello(1), direction: 'sideways' }).ok).toBe(false);
    expect(roundTrip({ ...read(1, 0, 1, [1]), boundaries: [0.5] }).ok).toBe(false);
    const { request: _request, ...noRequest } = open(1);
    expect(roundTrip(noRequest)).toEqual({ ok: false, error: 'open message with a missing or malformed "request"' });
  });
});

describe('fault messages: rule and detail, for a page that tells the fault in its own words', () => {
  const fault = (rule: string, detail: unknown, closeCode = 1002) => ({
    type: 'fault', t: 1, wall: 2, connection: 1, rule, closeCode, offset: 0, length: 1, rfc: '5.2', detail, message: 'm', frameOffset: 0, bytes: '',
  });

  it('accepts the detail of every rule, as the codec writes it (FaultDetails)', () => {
    const details: Record<FaultRule, unknown> = {
      'rsv-without-extension': { bits: ['RSV1', 'RSV3'] },
      'rsv1-not-first-frame': { opcode: 0x0 },
      'reserved-opcode': { opcode: 0xb },
      'fragmented-control-frame': { opcode: 0x9 },
      'mask-required': {},
      'mask-forbidden': {},
      'control-frame-too-long': { opcode: 0x8, lengthField: 126 },
      'unexpected-continuation': {},
      'expected-continuation': { opcode: 0x2 },
      'close-payload-one-byte': {},
      'non-minimal-length': { length: 125, lengthForm: 16 },
      'length-msb-set': {},
      'payload-too-large': { length: 2 ** 62, limit: 16777216 },
      'message-too-large': { length: 11, limit: 10 },
      'invalid-close-code': { code: 1005 },
      'invalid-utf8': { in: 'close-reason', byte: null, payloadOffset: null },
      'inflate-failed': { reason: 'invalid stored block lengths' },
      'inflated-too-large': { limit: 16777216 },
      'inflated-invalid-utf8': { byte: 0xff, at: 3 },
    };
    expect(Object.keys(details).sort()).toEqual([...FAULT_RULES].sort());
    for (const [rule, detail] of Object.entries(details)) {
      const message = fault(rule, detail, FAULTS[rule as FaultRule].closeCode);
      expect(roundTrip(message), rule).toEqual({ ok: true, message });
    }
  });

  it('names what is wrong: an unknown rule, a missing detail, a detail without its rule\u2019s fields', () => {
    expect(roundTrip(fault('made-up-rule', {}))).toEqual({ ok: false, error: 'fault message with a missing or malformed "rule"' });
    const { detail: _detail, ...noDetail } = fault('mask-required', {});
    expect(roundTrip(noDetail)).toEqual({ ok: false, error: 'fault message with a missing or malformed "detail"' });
    expect(roundTrip(fault('reserved-opcode', {}))).toEqual({ ok: false, error: 'fault message with a missing or malformed "detail.opcode"' });
    expect(roundTrip(fault('rsv-without-extension', { bits: ['RSV4'] })).ok).toBe(false);
    expect(roundTrip(fault('non-minimal-length', { length: 5, lengthForm: 32 })).ok).toBe(false);
    expect(roundTrip(fault('invalid-utf8', { in: 'text', byte: 256, payloadOffset: 0 }, 1007)).ok).toBe(false);
    expect(roundTrip(fault('inflated-too-large', {}, 1009))).toEqual({ ok: false, error: 'fault message with a missing or malformed "detail.limit"' });
    expect(roundTrip(fault('inflated-invalid-utf8', { byte: 0x80, at: -1 }, 1007)).ok).toBe(false);
    expect(roundTrip(fault('mask-required', {}, 1000))).toEqual({ ok: false, error: 'fault message with a missing or malformed "closeCode"' });
  });
});

describe('helpers', () => {
  it('decodes the tap\u2019s hex', () => {
    expect(Array.from(bytesFromHex('818537fa'))).toEqual([0x81, 0x85, 0x37, 0xfa]);
    expect(bytesFromHex('').length).toBe(0);
  });

  it('splits a response head into start line and headers', () => {
    const { startLine, headers } = splitHead(open(1).response.head);
    expect(startLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(headers[2]).toEqual({ name: 'Sec-WebSocket-Accept', value: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=' });
    expect(headerValue(headers, 'sec-websocket-accept')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(headerValue(headers, 'Nope')).toBeNull();
  });

  it('reads the page\u2019s conn number from a request target', () => {
    expect(connNumberFromTarget('/echo?session=T&conn=12')).toBe(12);
    expect(connNumberFromTarget('/echo?session=T')).toBeNull();
  });
});
