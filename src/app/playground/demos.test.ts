import { describe, expect, it } from 'vitest';
import { MISBEHAVE_KINDS } from '../inspector/messages';
import { demoAction, explainClose, explainRefusal, SERVER_CLOSE_CODES, VIOLATIONS } from './demos';

describe('demonstrations', () => {
  it('has one explained violation for each kind the server offers', () => {
    expect(VIOLATIONS.map((v) => v.kind)).toEqual([...MISBEHAVE_KINDS]);
    for (const v of VIOLATIONS) {
      expect(v.label).not.toBe('');
      expect(v.explanation.length).toBeGreaterThan(40);
      expect(v.rfc).toMatch(/^\d/);
    }
  });

  it('offers only close codes a Close frame may carry', () => {
    const codes = SERVER_CLOSE_CODES.map((c) => c.code);
    expect(codes).toContain(1000);
    expect(codes).not.toContain(1005);
    expect(codes).not.toContain(1006);
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
