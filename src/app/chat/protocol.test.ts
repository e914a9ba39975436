import { describe, expect, it } from 'vitest';
import { joinCommand, messageCommand, parseServerMessage } from './protocol';

describe('parseServerMessage', () => {
  it('reads every server message', () => {
    const hello = parseServerMessage('{"type":"hello","suggestion":"guest-1","limits":{"nameMaxLength":24,"messageMaxLength":2000,"messagesPerSecond":2,"burst":5,"maxUsers":100,"history":100,"maxErrors":20,"errorWindowMs":60000}}');
    expect(hello).toMatchObject({ ok: true, message: { type: 'hello', suggestion: 'guest-1', limits: { burst: 5 } } });
    expect(parseServerMessage('{"type":"hello","suggestion":"g","limits":{"burst":"5"}}')).toMatchObject({
      ok: true,
      message: { limits: null },
    });
    expect(parseServerMessage('{"type":"error","code":"name-taken","reason":"r","suggestion":"s"}')).toEqual({
      ok: true,
      message: { type: 'error', code: 'name-taken', reason: 'r', suggestion: 's', retryAfterMs: null },
    });
    expect(parseServerMessage('{"type":"status","state":"degraded","reason":"r"}')).toEqual({
      ok: true,
      message: { type: 'status', state: 'degraded', reason: 'r' },
    });
    expect(parseServerMessage('{"type":"status","state":"broken","reason":"r"}')).toMatchObject({ ok: false });
    expect(
      parseServerMessage('{"type":"welcome","you":{"name":"a","colour":"#000"},"users":[{"name":"a"},7],"history":[{"type":"message","from":"b","text":"t"},"junk"]}'),
    ).toEqual({
      ok: true,
      message: {
        type: 'welcome',
        you: { name: 'a', colour: '#000' },
        users: [{ name: 'a', colour: '' }],
        history: [{ type: 'message', id: 0, from: 'b', colour: '', text: 't', time: '' }],
      },
    });
  });

  it('gives a reason, never an exception, for anything else', () => {
    for (const text of ['', 'nope', '[1]', 'null', '{"type":"message","text":5,"from":"x"}', '{"type":"join"}', '{"type":"private","from":"a","text":"t"}']) {
      const result = parseServerMessage(text);
      expect(result.ok).toBe(false);
    }
    expect(parseServerMessage('{"type":"shout"}')).toEqual({
      ok: false,
      reason: 'the server sent a message “shout” this page does not understand',
    });
  });
});

describe('commands', () => {
  it('writes join and message as JSON', () => {
    expect(JSON.parse(joinCommand('<img src=x>'))).toEqual({ type: 'join', name: '<img src=x>' });
    expect(JSON.parse(messageCommand('a"b\nc'))).toEqual({ type: 'message', text: 'a"b\nc' });
  });
});
