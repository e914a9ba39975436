import { describe, expect, it } from 'vitest';
import { newSessionToken, socketBase } from './address';

/** What the server accepts as `?session=` (docs/inspector.md): 1 to 128 of A-Z a-z 0-9 . _ ~ - */
const SERVER_TOKEN = /^[A-Za-z0-9._~-]{1,128}$/;

describe('newSessionToken', () => {
  it('is 16 random bytes as base64url, 22 characters the server accepts', () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(token).toMatch(SERVER_TOKEN);
    expect(newSessionToken()).not.toBe(token);
  });

  it('encodes the bytes as RFC 4648 §5 base64url without padding', () => {
    // 0xff… is "/////…w==" in base64: "/" becomes "_", the padding goes.
    expect(newSessionToken((b) => b.fill(0xff))).toBe('_____________________w');
    // 0xfb 0xef 0xbe is "++++" in base64: "+" becomes "-".
    const plusses = (b: Uint8Array): Uint8Array => {
      b.set([0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe]);
      return b;
    };
    expect(newSessionToken(plusses)).toBe('--------AAAAAAAAAAAAAA');
    expect(newSessionToken((b) => b.fill(0))).toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });
});

describe('socketBase', () => {
  it('is ws: for an http page, wss: for https, and nothing for a file', () => {
    expect(socketBase({ protocol: 'http:', host: '127.0.0.1:8008' })).toBe('ws://127.0.0.1:8008');
    expect(socketBase({ protocol: 'https:', host: 'lab.example' })).toBe('wss://lab.example');
    expect(socketBase({ protocol: 'file:', host: '' })).toBeNull();
  });
});
