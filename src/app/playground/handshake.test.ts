import { describe, expect, it } from 'vitest';
import { acceptSteps } from '../../protocol';
import { open } from '../inspector/fixtures';
import { checkAccept, extensionNote, handshakeView, maskSession } from './handshake';

describe('handshake view', () => {
  it('splits the heads and finds the key and the accept', () => {
    const view = handshakeView(open(1, 4));
    expect(view.requestLine).toBe('GET /echo?session=TOKE\u2026&conn=4 HTTP/1.1');
    expect(view.requestHeaders[0]).toEqual({ name: 'Host', value: '127.0.0.1:8008' });
    expect(view.responseLine).toBe('HTTP/1.1 101 Switching Protocols');
    expect(view.status).toBe(101);
    expect(view.key).toBe('dGhlIHNhbXBsZSBub25jZQ==');
    expect(view.serverAccept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('says what became of the extensions the browser offered', () => {
    const info = open(1);
    expect(extensionNote(handshakeView(info))).toBeNull();
    const offered = { ...info, request: { ...info.request, headers: [...info.request.headers, 'Sec-WebSocket-Extensions: permessage-deflate'] } };
    expect(extensionNote(handshakeView(offered))).toMatch(/^The browser offered permessage-deflate; the server answered with no Sec-WebSocket-Extensions/);
    const accepted = {
      ...offered,
      response: { ...info.response, head: info.response.head.replace('\r\n\r\n', '\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n') },
    };
    expect(extensionNote(handshakeView(accepted))).toMatch(/^Extensions in use: permessage-deflate/);
  });

  it('hides all but four characters of the session token', () => {
    expect(maskSession('/echo?session=abcdefgh')).toBe('/echo?session=abcd\u2026');
    expect(maskSession('/echo?conn=1&session=abcdefgh&x=1')).toBe('/echo?conn=1&session=abcd\u2026&x=1');
    expect(maskSession('/echo')).toBe('/echo');
  });

  it('checks the accept of RFC 6455 §1.3 computed in the browser', async () => {
    const steps = await acceptSteps('dGhlIHNhbXBsZSBub25jZQ==');
    expect(steps.accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(checkAccept(steps, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=').match).toBe(true);
    const wrong = checkAccept(steps, 'AAAA');
    expect(wrong.match).toBe(false);
    expect(wrong.text).toMatch(/not s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    expect(checkAccept(steps, null).match).toBe(false);
  });
});
