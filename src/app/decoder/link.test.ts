import { describe, expect, it } from 'vitest';
import { parseRoute } from '../route';
import { decoderHash, decoderLink, linkNoteText, MAX_LINK_BYTES, MAX_LINK_TEXT, readDecoderQuery, spaced, writeDecoderQuery } from './link';

const hello = Uint8Array.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);

describe('decoderLink', () => {
  it('is a compact #/decode link with the sender and plain hex', () => {
    expect(decoderLink(hello, 'client')).toBe('#/decode?role=client&hex=818537fa213d7f9f4d5158');
    expect(decoderLink(hello, 'server-to-client')).toBe('#/decode?role=server&hex=818537fa213d7f9f4d5158');
    expect(decoderLink(hello, 'client-to-server')).toMatch(/^#\/decode\?role=client&/);
    expect(decoderLink(hello, null)).toMatch(/^#\/decode\?role=any&/);
  });

  it('opens as the same bytes and sender', () => {
    const link = readDecoderQuery(parseRoute(decoderLink(hello, 'client')).query);
    expect(link).toEqual({ role: 'client', input: '81 85 37 fa 21 3d 7f 9f 4d 51 58', frame: null, view: 'decode', notes: [] });
  });
});

describe('the URL hash round trip', () => {
  it('writes and reads back bytes, sender, frame and view', () => {
    const hash = decoderHash({ role: 'server', bytes: hello, frame: 2, view: 'build' });
    expect(hash).toBe('#/decode?role=server&hex=818537fa213d7f9f4d5158&frame=3&view=build');
    const read = readDecoderQuery(parseRoute(hash).query);
    expect(read).toEqual({ role: 'server', input: '81 85 37 fa 21 3d 7f 9f 4d 51 58', frame: 2, view: 'build', notes: [] });
  });

  it('opens the capture tab from view=capture', () => {
    expect(decoderHash({ role: 'any', view: 'capture' })).toBe('#/decode?role=any&view=capture');
    expect(readDecoderQuery({ view: 'capture' }).view).toBe('capture');
    expect(readDecoderQuery({ view: 'nonsense' }).view).toBe('decode');
  });

  it('leaves out frame 0 and the default view', () => {
    expect(decoderHash({ role: 'any', bytes: hello, frame: 0, view: 'decode' })).toBe('#/decode?role=any&hex=818537fa213d7f9f4d5158');
  });

  it('carries unreadable input as text, so a broken paste can be shared', () => {
    const text = '81 8g\n"\\x81 & ?';
    const hash = decoderHash({ role: 'any', text });
    const read = readDecoderQuery(parseRoute(hash).query);
    expect(read.input).toBe(text);
  });

  it('says when the input is too big for a link', () => {
    expect(writeDecoderQuery({ role: 'any', bytes: new Uint8Array(MAX_LINK_BYTES + 1) }).tooBig).toBe(true);
    expect(writeDecoderQuery({ role: 'any', text: 'x'.repeat(MAX_LINK_TEXT + 1) }).tooBig).toBe(true);
    expect(writeDecoderQuery({ role: 'any', bytes: new Uint8Array(16) }).tooBig).toBe(false);
  });

  it('spaces hex 16 bytes a line', () => {
    expect(spaced('8185')).toBe('81 85');
    expect(spaced('00'.repeat(17))).toBe(`${'00 '.repeat(15)}00\n00`);
    expect(spaced('')).toBe('');
  });
});

describe('bad hash content', () => {
  it('falls back to an unknown sender and says why', () => {
    const read = readDecoderQuery({ role: 'martian', hex: '8100' });
    expect(read.role).toBe('any');
    expect(read.notes[0]).toEqual({ kind: 'role', value: 'martian' });
    expect(linkNoteText(read.notes[0]!)).toMatch(/martian/);
    expect(read.input).toBe('81 00');
  });

  it('shows hex that is not plain hex as text, for the hex reader to point at', () => {
    const read = readDecoderQuery({ hex: '81zz<script>' });
    expect(read.input).toBe('81zz<script>');
    expect(read.notes).toHaveLength(1);
  });

  it('ignores a frame that is not a number', () => {
    for (const frame of ['0', '-1', 'x', '1.5', '99999999999999999999']) {
      const read = readDecoderQuery({ hex: '8100', frame });
      expect(read.frame).toBeNull();
      expect(read.notes).toHaveLength(1);
    }
  });

  it('reads an empty or missing query as nothing to load', () => {
    expect(readDecoderQuery({})).toEqual({ role: 'any', input: null, frame: null, view: 'decode', notes: [] });
    expect(readDecoderQuery(parseRoute('#/decode?%E0%A4%A=1').query).input).toBeNull();
  });
});
