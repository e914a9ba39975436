import { describe, expect, it } from 'vitest';
import { MISBEHAVE_KINDS } from '../inspector/messages';
import { demoAction, explainClose, explainRefusal, SERVER_CLOSE_CODES, VIOLATIONS } from './demos';

describe('demonstrations', () => {
  it('has one explained violation for each kind the server offers, citing the rule it breaks', () => {
    expect(VIOLATIONS.map((v) => v.kind)).toEqual([...MISBEHAVE_KINDS]);
    expect(VIOLATIONS.map((v) => [v.kind, v.label, v.rfc])).toEqual([
      // §5.1: "A client MUST close a connection if it detects a masked frame."
      ['masked-frame', 'Masked server frame', '5.1'],
      // §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated that defines meanings"
      ['rsv1', 'RSV1 set', '5.2'],
      // §5.2: "%x3-7 are reserved for further non-control frames"
      ['reserved-opcode', 'Reserved opcode 0x3', '5.2'],
      // §8.1: an endpoint that finds "the byte stream is not, in fact, a valid UTF-8 stream"
      // "MUST _Fail the WebSocket Connection_"
      ['invalid-utf8', 'Invalid UTF-8 in text', '8.1'],
      // §5.5: "All control frames MUST have a payload length of 125 bytes or less"
      ['long-control', 'Control frame over 125 bytes', '5.5'],
      // §5.5: control frames "MUST NOT be fragmented"
      ['fragmented-ping', 'Fragmented ping', '5.5'],
    ]);
  });

  it('offers every code a server may put in a Close frame, and none it may not', () => {
    // RFC 6455 §7.4.1: 1005, 1006 and 1015 are never sent; 1004 is reserved.
    expect(SERVER_CLOSE_CODES.map((c) => c.code)).toEqual([
      1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000,
    ]);
    expect(SERVER_CLOSE_CODES.find((c) => c.code === 1001)?.name).toBe('Going Away');
  });

  it('checks settings and builds the command action', () => {
    expect(demoAction({ demo: 'ping', payload: 'hi' })).toEqual({ ok: true, action: { action: 'ping', payload: 'hi' } });
    expect(demoAction({ demo: 'ping', payload: 'x'.repeat(126) }).ok).toBe(false);
    expect(demoAction({ demo: 'fragment-next', count: 3 })).toEqual({ ok: true, action: { action: 'fragment-next', count: 3 } });
    expect(demoAction({ demo: 'fragment-next', count: 1 }).ok).toBe(false);
    expect(demoAction({ demo: 'fragment-next', count: 2.5 }).ok).toBe(false);
    expect(demoAction({ demo: 'close', code: 4000, reason: 'bye' })).toEqual({
      ok: true,
      action: { action: 'close', code: 4000, reason: 'bye' },
    });
    expect(demoAction({ demo: 'close', code: 1006, reason: '' }).ok).toBe(false);
    expect(demoAction({ demo: 'close', code: 1000, reason: 'x'.repeat(124) }).ok).toBe(false);
    expect(demoAction({ demo: 'misbehave', kind: 'rsv1' })).toEqual({ ok: true, action: { action: 'misbehave', kind: 'rsv1' } });
  });
});

describe('explainClose', () => {
  it('explains a failed connection after a violation', () => {
    const e = explainClose({ code: 1006, reason: '', wasClean: false }, true, 'rsv1');
    expect(e.expected).toBe(true);
    expect(e.title).toBe('The browser failed the connection');
    expect(e.text).toMatch(/RSV1 set/);
    expect(e.text).toMatch(/§7\.1\.7/);
    expect(e.text).toMatch(/an error event, then a close event with code 1006/);
    expect(e.text).not.toMatch(/On the wire/);
  });

  it('adds the Close frame the browser sent, when the tap saw it', () => {
    const e = explainClose({ code: 1006, reason: '', wasClean: false }, true, 'rsv1', { code: 1002, reason: 'Invalid reserved bit' });
    expect(e.text).toMatch(/a Close frame with code 1002 and reason "Invalid reserved bit"/);
  });

  it('says when a browser did something else after a violation', () => {
    const e = explainClose({ code: 1002, reason: '', wasClean: true }, false, 'masked-frame');
    expect(e.expected).toBe(false);
    expect(e.text).toMatch(/1002 \(Protocol Error\)/);
  });

  it('explains ordinary closes', () => {
    expect(explainClose({ code: 1000, reason: 'done', wasClean: true }, false, null)).toMatchObject({
      title: 'Closed with 1000 (Normal Closure)',
      expected: true,
    });
    expect(explainClose({ code: 1000, reason: 'done', wasClean: true }, false, null).text).toMatch(/Reason: "done"/);
    expect(explainClose({ code: 1006, reason: '', wasClean: false }, true, null).text).toMatch(/error event fired first/);
    expect(explainClose({ code: 1005, reason: '', wasClean: true }, false, null).title).toMatch(/1005/);
  });
});

describe('explainRefusal', () => {
  it('gives the status and the server\u2019s reason', () => {
    const e = explainRefusal(404, 'No WebSocket endpoint at /nope.');
    expect(e.title).toBe('The server refused the handshake (HTTP 404)');
    expect(e.text).toMatch(/^It answered 404 instead of 101 Switching Protocols: No WebSocket endpoint at \/nope\. /);
  });
});

describe('explainClose: the code in the browser\u2019s Close frame', () => {
  const failed = { code: 1006, reason: '', wasClean: false };

  it('says so when the browser sent 1002 where RFC 6455 asks for 1007 (invalid UTF-8)', () => {
    const text = explainClose(failed, true, 'invalid-utf8', { code: 1002, reason: '' }).text;
    expect(text).toContain('Note the code: this browser sent 1002 (Protocol Error), but for this fault RFC 6455 asks for 1007 (Invalid Frame Payload Data)');
    expect(text).toContain('§8.1; §7.4.1: 1007 is for "data within a message that was not consistent with the type of the message');
  });

  it('says nothing more when the browser sent the code the RFC gives', () => {
    expect(explainClose(failed, true, 'invalid-utf8', { code: 1007, reason: '' }).text).not.toContain('Note the code');
    expect(explainClose(failed, true, 'rsv1', { code: 1002, reason: '' }).text).not.toContain('Note the code');
    expect(explainClose(failed, true, 'rsv1', null).text).not.toContain('Note the code');
  });

  it('says so for any fault whose code differs, 1002 faults included', () => {
    expect(explainClose(failed, true, 'masked-frame', { code: 1007, reason: '' }).text).toContain('asks for 1002 (Protocol Error) (§5.1)');
  });
});
