import { describe, expect, it } from 'vitest';
import { MASKED, PING_AS_TEXT, report, RSV_OK } from './fixtures';
import { bySection, frameTitle, wireFrames } from './wire-view';

describe('wireFrames', () => {
  it('turns a case\'s frames into the frame list\'s rows, both ways, and opens on the first wrong one', () => {
    const w = wireFrames(PING_AS_TEXT.wire);
    expect(w.frames.map((f) => [f.seq, f.direction, f.opcode, f.masked, f.headerLength, f.payloadLength])).toEqual([
      [0, 'client-to-server', 9, true, 6, 13],
      [1, 'server-to-client', 1, false, 2, 13],
      [2, 'client-to-server', 8, true, 6, 2],
      [3, 'server-to-client', 8, false, 2, 2],
    ]);
    expect(w.first).toBe(1);
    expect(w.frames[1]!.bytes.slice(0, 2)).toEqual(Uint8Array.of(0x81, 0x0d));
    expect(w.frames[1]!.since).toBe(3.5);
  });

  it('shows the grader\'s own broken frame as broken on purpose, and a server\'s fault as its fault', () => {
    const rsv = wireFrames(RSV_OK.wire);
    expect([rsv.first, rsv.frames[0]!.misbehave, rsv.frames[0]!.fault]).toEqual([0, 'rsv-without-extension', null]);
    const masked = wireFrames(MASKED.wire);
    expect([masked.first, masked.frames[0]!.fault?.rule, masked.frames[0]!.truncated]).toEqual([0, 'mask-forbidden', true]);
  });

  it('titles a frame in words', () => {
    expect(frameTitle(PING_AS_TEXT.wire[4] as never)).toBe('text frame, FIN=1, 13-byte payload');
  });
});

describe('bySection', () => {
  it('groups by top-level section in report order, with counts, and filters', () => {
    const cases = report().cases;
    expect(bySection(cases, 'all').map((g) => [g.key, g.section?.name, g.cases.map((c) => c.id), g.total, g.failed])).toEqual([
      ['3', 'Reserved bits', ['3.1'], 1, 0],
      ['2', 'Pings/Pongs', ['2.2'], 1, 1],
      ['1', 'Framing', ['1.1.2'], 1, 1],
    ]);
    expect(bySection(cases, 'failed').map((g) => g.key)).toEqual(['2', '1']);
    expect(bySection([RSV_OK], 'problems')).toEqual([]);
  });
});
