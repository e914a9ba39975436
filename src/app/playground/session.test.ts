import { describe, expect, it } from 'vitest';
import { connNumberFromTarget, defaultEchoUrl, inspectUrl, resolveTarget } from './session';

const http = { protocol: 'http:', host: '127.0.0.1:8008' };
const https = { protocol: 'https:', host: 'lab.example' };
const file = { protocol: 'file:', host: '' };

describe('URLs from the session token', () => {
  it('defaults to this server\u2019s /echo, ws for http and wss for https', () => {
    expect(defaultEchoUrl(http)).toBe('ws://127.0.0.1:8008/echo');
    expect(defaultEchoUrl(https)).toBe('wss://lab.example/echo');
    expect(defaultEchoUrl(file)).toBe('');
    expect(inspectUrl(http, 'a b')).toBe('ws://127.0.0.1:8008/inspect?session=a%20b');
    expect(inspectUrl(file, 'x')).toBeNull();
  });

  it('adds the session and connection number for our own server', () => {
    const target = resolveTarget('ws://127.0.0.1:8008/echo', http, 'TOKEN', 3);
    expect(target).toEqual({ ok: true, url: 'ws://127.0.0.1:8008/echo?session=TOKEN&conn=3', ours: true, host: '127.0.0.1:8008' });
    expect(connNumberFromTarget('/echo?session=TOKEN&conn=3')).toBe(3);
    expect(connNumberFromTarget('/echo')).toBeNull();
    expect(connNumberFromTarget('/echo?conn=x')).toBeNull();
  });

  it('leaves another server\u2019s URL alone and says it is not ours', () => {
    expect(resolveTarget(' wss://echo.example.org/ ', http, 'T', 1)).toEqual({
      ok: true,
      url: 'wss://echo.example.org/',
      ours: false,
      host: 'echo.example.org',
    });
  });

  it('explains a URL the WebSocket API would refuse', () => {
    const messages = ['', 'nonsense', 'http://127.0.0.1:8008/echo', 'ftp://x/', 'ws://x/echo#frag'].map((input) => {
      const result = resolveTarget(input, http, 'T', 1);
      expect(result.ok, input).toBe(false);
      return result.ok ? '' : result.message;
    });
    expect(messages[0]).toMatch(/Type a WebSocket URL/);
    expect(messages[1]).toMatch(/has no ws:\/\/ in front: add ws:\/\//);
    expect(messages[2]).toMatch(/ws:\/\/ or wss:\/\//);
    expect(messages[3]).toMatch(/only takes/);
    expect(messages[4]).toMatch(/fragment/);
  });

  it('says "add ws://" for an address typed without it, with the address to use', () => {
    for (const [input, suggested] of [
      ['localhost:5173/echo', 'ws://localhost:5173/echo'],
      ['127.0.0.1:8008/echo', 'ws://127.0.0.1:8008/echo'],
      ['  //example.org/echo ', 'ws://example.org/echo'],
    ]) {
      const result = resolveTarget(input!, http, 'T', 1);
      expect(result).toEqual({ ok: false, message: `"${input!.trim()}" has no ws:// in front: add ws:// (or wss:// for TLS), as in ${suggested}.` });
    }
    const broken = resolveTarget('ws://exa mple/', http, 'T', 1);
    expect(!broken.ok && broken.message).toMatch(/is not a URL/);
  });
});
