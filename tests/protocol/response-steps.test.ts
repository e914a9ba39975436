/**
 * upgradeResponseSteps: a server's 101 judged step by step as RFC 6455 §4.1 lists the client's
 * checks, every step answered (not only the first failure), agreeing with validateUpgradeResponse.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { upgradeResponseSteps, validateUpgradeResponse } from '../../src/protocol';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='; // RFC 6455 §1.3's own example
const good = (extra = ''): string =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n${extra}\r\n`;

function verdicts(head: string, offer: { extensions?: string[]; protocols?: string[] } = {}): Record<string, boolean | null> {
  return Object.fromEntries(upgradeResponseSteps(head, { key: KEY, ...offer }).steps.map((s) => [s.step, s.ok]));
}

describe('upgradeResponseSteps', () => {
  it('passes a correct 101, every step', () => {
    const r = upgradeResponseSteps(good(), { key: KEY });
    expect(r.ok).toBe(true);
    expect(r.status).toBe(101);
    expect(r.steps.map((s) => s.step)).toEqual(['http-head', 'status-line', 'upgrade', 'connection', 'accept', 'extensions', 'protocol']);
    expect(r.steps.every((s) => s.ok === true && s.rfc === '4.1')).toBe(true);
  });

  it('judges every step, not only the first that fails', () => {
    const head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: nope\r\nSec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Protocol: a, b\r\n\r\n';
    expect(verdicts(head, { protocols: ['a', 'b'] })).toEqual({
      'http-head': true, 'status-line': true, upgrade: false, connection: false, accept: false, extensions: false, protocol: false,
    });
    const messages = upgradeResponseSteps(head, { key: KEY }).steps.map((s) => s.message).join('\n');
    expect(messages).toMatch(/Upgrade header must be websocket .*'h2c'/);
    expect(messages).toMatch(/must include the token Upgrade; it is 'keep-alive'/);
    expect(messages).toMatch(/gives s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    expect(messages).toMatch(/extension 'permessage-deflate', which the browser did not offer/);
    expect(messages).toMatch(/must choose one subprotocol/);
  });

  it('accepts what was offered: an extension from the offer, one offered subprotocol, case-insensitive tokens', () => {
    const head = good('Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\nSec-WebSocket-Protocol: chat\r\n').replace('Upgrade: websocket', 'Upgrade: WebSocket').replace('Connection: Upgrade', 'Connection: keep-alive, upgrade');
    const r = upgradeResponseSteps(head, { key: KEY, extensions: ['permessage-deflate; client_max_window_bits'], protocols: ['chat', 'superchat'] });
    expect(r.ok).toBe(true);
  });

  it('a status other than 101: that step fails and the others are not checked', () => {
    const r = upgradeResponseSteps('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n', { key: KEY });
    expect(r).toMatchObject({ ok: false, status: 403 });
    expect(verdicts('HTTP/1.1 403 Forbidden\r\n\r\n')).toMatchObject({ 'status-line': false, upgrade: null, accept: null });
  });

  it('HTTP/1.0 101 fails the status line', () => {
    expect(verdicts(good().replace('HTTP/1.1', 'HTTP/1.0'))).toMatchObject({ 'status-line': false, accept: true });
  });

  it('bare LFs fail the head step only; the other steps are judged as a browser reads it', () => {
    const r = upgradeResponseSteps(good().replace(/\r\n/g, '\n'), { key: KEY });
    expect(verdicts(good().replace(/\r\n/g, '\n'))).toMatchObject({ 'http-head': false, 'status-line': true, accept: true });
    expect(r.steps[0]!.message).toMatch(/bare LF/);
    expect(r.ok).toBe(true); // browsers read these heads
  });

  it('not a response at all', () => {
    expect(upgradeResponseSteps('GET / HTTP/1.1\r\nHost: x\r\n\r\n', { key: KEY })).toMatchObject({ ok: false, status: null });
    expect(upgradeResponseSteps('\x16\x03\x01garbage\r\n\r\n', { key: KEY }).ok).toBe(false);
  });

  it('agrees with validateUpgradeResponse on pass or fail', () => {
    const heads = [
      good(),
      good('Sec-WebSocket-Protocol: chat\r\n'),
      good().replace(ACCEPT, 'x'),
      good().replace('Upgrade: websocket\r\n', ''),
      'HTTP/1.1 200 OK\r\n\r\n',
      good('Sec-WebSocket-Extensions: foo\r\n'),
    ];
    for (const head of heads) {
      const a = upgradeResponseSteps(head, { key: KEY, protocols: ['chat'] }).ok;
      const b = validateUpgradeResponse(head, KEY, { protocols: ['chat'] }).ok;
      expect(a, head).toBe(b);
    }
  });

  it('names the hex-digest slip: an Accept that is the base64 of the 40 hex digits (PHP sha1() without true, Python hexdigest())', () => {
    const hex = createHash('sha1').update(`${KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('hex');
    for (const digits of [hex, hex.toUpperCase()]) {
      const head = good().replace(ACCEPT, Buffer.from(digits).toString('base64'));
      const accept = upgradeResponseSteps(head, { key: KEY }).steps.find((s) => s.step === 'accept')!;
      expect(accept.ok).toBe(false);
      expect(accept.id).toBe('accept-hex');
      expect(accept.values).toMatchObject({ hex, expected: ACCEPT });
      expect(accept.message).toContain('you encoded the hex digest, not the 20 raw bytes');
      expect(accept.message).toContain(ACCEPT);
    }
  });

  it('an Accept that is wrong some other way is only a mismatch', () => {
    const other = createHash('sha1').update('something else').digest('hex');
    for (const wrong of ['x', Buffer.from(other).toString('base64'), 'dGhlIHNhbXBsZSBub25jZQ==']) {
      const accept = upgradeResponseSteps(good().replace(ACCEPT, wrong), { key: KEY }).steps.find((s) => s.step === 'accept')!;
      expect(accept.id, wrong).toBe('accept-mismatch');
      expect(accept.message).toMatch(/^Sec-WebSocket-Accept is '.*', but the key 'dGhlIHNhbXBsZSBub25jZQ==' gives s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=: base64 of the SHA-1 of the key followed by 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 \(RFC 6455 §4\.1\)\.$/);
    }
  });
});
