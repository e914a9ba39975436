import { describe, expect, it } from 'vitest';
import { wrongSubprotocolUrl } from './wrong-subprotocol';

describe('the wrong-subprotocol demonstration URL', () => {
  it('adds demo=wrong-subprotocol, once, keeping the rest', () => {
    expect(wrongSubprotocolUrl('ws://192.168.1.20:5173/echo')).toBe('ws://192.168.1.20:5173/echo?demo=wrong-subprotocol');
    expect(wrongSubprotocolUrl('ws://localhost:8008/echo?deflate&demo=wrong-subprotocol')).toBe('ws://localhost:8008/echo?deflate=&demo=wrong-subprotocol');
  });

  it('none for what is not a WebSocket URL', () => {
    expect(wrongSubprotocolUrl('localhost:8008/echo')).toBeNull();
    expect(wrongSubprotocolUrl('http://localhost/echo')).toBeNull();
  });
});
