import { describe, expect, it } from 'vitest';
import { brokenNote, cutNote } from './frame-notes';

describe('cutNote', () => {
  it('says a frame cut at the inspector\u2019s limit was whole on the wire, and how to see all of it', () => {
    const note = cutNote({ truncated: true, bytes: new Uint8Array(65_536), size: 70_000 }, 65_536)!;
    expect(note).toContain('This 70,000-byte frame was whole on the wire');
    expect(note).toContain('the inspector keeps at most the first 64 KiB (65,536 bytes) of a frame');
    expect(note).toContain('4,464 bytes of its payload are not shown here');
    expect(note).toContain('npm start -- --inspect-frame-bytes 1MiB');
    expect(note).toContain('FRAMESCOPE_INSPECT_FRAME_BYTES=1MiB npm run dev');
    expect(note).not.toMatch(/mid-frame|needed/);
  });

  it('says when the budget, not the limit, cut it, and offers nothing when the limit is already 1 MiB', () => {
    expect(cutNote({ truncated: true, bytes: new Uint8Array(256), size: 300_000 }, 65_536)).toContain('reported only its first 256 bytes');
    expect(cutNote({ truncated: true, bytes: new Uint8Array(1 << 20), size: 2_000_000 }, 1 << 20)).not.toContain('--inspect-frame-bytes');
    expect(cutNote({ truncated: false, bytes: new Uint8Array(11), size: 11 }, 65_536)).toBeNull();
  });
});

describe('brokenNote', () => {
  it('tells a frame broken on purpose from the one sent after it', () => {
    expect(brokenNote({ misbehave: 'rsv1' })).toBe('The server broke this frame on purpose (rsv1): the browser must fail the connection.');
    expect(brokenNote({ misbehave: 'fragmented-ping', afterFault: true })).toMatch(/right after the broken frame before it .* never reads it \(RFC 6455 §7\.1\.7\)/);
    expect(brokenNote({ misbehave: null })).toBeNull();
  });
});
