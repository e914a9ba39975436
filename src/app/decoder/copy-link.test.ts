import { describe, expect, it } from 'vitest';
import { encodeFrame, parseHex, toHex } from '../../protocol';
import { copyText } from '../components/copy/copy-as';
import { parseRoute } from '../route';
import { readDecoderQuery } from './link';

describe('copy as decoder link (components/copy)', () => {
  const bytes = encodeFrame({ fin: true, opcode: 0x1, payload: new TextEncoder().encode('hello alice'), maskingKey: new Uint8Array([1, 2, 3, 4]) }, (n) => new Uint8Array(n));
  const frame = { bytes, size: bytes.length, headerLength: 6, masked: true, direction: 'client-to-server' as const };

  it('a decoder link that opens the same bytes, sent by the same side', () => {
    const link = copyText(frame, { kind: 'link' }, 'http://192.168.1.20:5173/');
    expect(link.startsWith('http://192.168.1.20:5173/#/decode?')).toBe(true);
    const route = parseRoute(new URL(link).hash);
    expect(route.name).toBe('decode');
    const read = readDecoderQuery(route.query);
    expect(read.role).toBe('client');
    const parsed = parseHex(read.input ?? '');
    expect(parsed.ok && toHex(parsed.bytes)).toBe(toHex(frame.bytes));
  });
});
