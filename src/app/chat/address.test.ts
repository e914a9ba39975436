import { describe, expect, it } from 'vitest';
import { endpointUrl } from './address';

describe('endpointUrl', () => {
  it('uses the page’s own host, ws: or wss:', () => {
    expect(endpointUrl({ protocol: 'http:', host: '127.0.0.1:8008' }, '/chat', 'abc')).toEqual({
      ok: true,
      url: 'ws://127.0.0.1:8008/chat?session=abc',
    });
    expect(endpointUrl({ protocol: 'https:', host: 'lab.example' }, '/inspect', 'abc')).toEqual({
      ok: true,
      url: 'wss://lab.example/inspect?session=abc',
    });
  });

  it('takes a ws:// override and points it at the endpoint', () => {
    expect(endpointUrl({ protocol: 'file:', host: '' }, '/inspect', 't', 'ws://10.0.0.5:8008/chat')).toEqual({
      ok: true,
      url: 'ws://10.0.0.5:8008/inspect?session=t',
    });
  });

  it('explains what it cannot use', () => {
    expect(endpointUrl({ protocol: 'file:', host: '' }, '/chat', 't')).toMatchObject({ ok: false, reason: expect.stringContaining('npm start') });
    expect(endpointUrl({ protocol: 'http:', host: 'x' }, '/chat', 't', 'http://x/chat')).toMatchObject({ ok: false, reason: expect.stringContaining('ws://') });
    expect(endpointUrl({ protocol: 'http:', host: 'x' }, '/chat', 't', 'not a url')).toMatchObject({ ok: false });
  });
});

describe('endpointUrl with an address typed without ws://', () => {
  it('says to add ws://, with the address to use', () => {
    const result = endpointUrl({ protocol: 'http:', host: 'x' }, '/chat', 'T', '10.0.0.5:8008/chat');
    expect(result).toEqual({ ok: false, reason: '“10.0.0.5:8008/chat” has no ws:// in front: add ws:// (or wss:// for TLS), as in ws://10.0.0.5:8008/chat.' });
  });
});
