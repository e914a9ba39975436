import { describe, expect, it } from 'vitest';
import { decodeText, type DecodeAnalysis } from './analyze';
import { errorSpot, frameListRow, frameRefs, messageListRow, statusOf } from './view';

function analysisOf(text: string, sender: 'client' | 'server' | 'any' = 'any'): DecodeAnalysis {
  const outcome = decodeText(text, sender);
  if (outcome.kind !== 'decoded') throw new Error(outcome.kind);
  return outcome.analysis;
}

describe('status line', () => {
  it('says each state', () => {
    expect(statusOf({ kind: 'empty' }, false, null).tone).toBe('idle');
    expect(statusOf({ kind: 'empty' }, true, { phase: 'frames', done: 512, total: 1024 }).text).toBe('Decoding frames… 50% of 1,024 bytes');
    const error = decodeText('81 8', 'any');
    expect(statusOf(error, false, null)).toMatchObject({ tone: 'error' });
    expect(statusOf(error, false, null).text).toMatch(/^Not readable as hex: .*line 1, column 4/);
    const ok = decodeText('81 85 37 fa 21 3d 7f 9f 4d 51 58', 'client');
    expect(statusOf(ok, false, null)).toEqual({ tone: 'ok', text: '11 bytes (spaced hex): 1 complete frame, 1 message.' });
    const fault = statusOf(decodeText('81 05 48 65 6c 6c 6f', 'client'), false, null);
    expect(fault.tone).toBe('error');
    expect(fault.text).toMatch(/Fault at byte 1: .* Close code 1002 Protocol Error\.$/);
    const cut = statusOf(decodeText('81 85 37 fa', 'client'), false, null);
    expect(cut).toMatchObject({ tone: 'warn' });
    expect(cut.text).toMatch(/the frame at byte 0 has 4 bytes and needs 2 more bytes/);
  });
});

describe('list rows', () => {
  it('describes frames, then the broken one', () => {
    const analysis = analysisOf('01 03 48 65 6c 09 04 70 69 6e 67', 'server');
    expect(frameListRow(analysis, 0)).toMatchObject({ number: '#1', offset: 0, length: 5, kind: 'frame', opcode: 'text', flags: 'FIN=0 unmasked', summary: '3 bytes: "Hel"' });
    expect(frameListRow(analysis, 1)).toMatchObject({ number: '#2', offset: 5, kind: 'fault', opcode: 'ping' });
    expect(frameListRow(analysis, 1).summary).toMatch(/^⚠ 1002: /);
  });

  it('describes an unfinished frame', () => {
    const analysis = analysisOf('81 85 37');
    expect(frameListRow(analysis, 0)).toMatchObject({ kind: 'incomplete', summary: 'unfinished: 3 bytes so far, 3 more bytes needed' });
  });

  it('describes messages and control frames between fragments', () => {
    const analysis = analysisOf('01 03 48 65 6c 89 02 68 69 80 02 6c 6f 88 02 03 e8');
    const rows = analysis.messages.map((_, i) => messageListRow(analysis, analysis.messages, i));
    expect(rows.map((r) => [r.title, r.detail, frameRefs(r.frames), r.between])).toEqual([
      ['Text message, 5 bytes, 2 fragments', '“Hello”', 'frames #1, #3', null],
      ['Ping, 2 bytes', '“hi”', 'frame #2', 0],
      ['Close', '1000 Normal Closure', 'frame #4', null],
    ]);
  });
});

describe('errorSpot', () => {
  it('cuts out the line with the spot marked', () => {
    const input = '81 85\n37 zz 21';
    const outcome = decodeText(input, 'any');
    if (outcome.kind !== 'hex-error') throw new Error('expected an error');
    const spot = errorSpot(input, outcome.error);
    expect(spot.line).toBe(2);
    expect(spot.text).toBe('37 zz 21');
    expect(spot.text.slice(spot.markStart, spot.markStart + spot.markLength)).toMatch(/^z/);
  });

  it('keeps a window around the spot on a long line', () => {
    const input = `${'00 '.repeat(100)}zz`;
    const error = { problem: 'unexpected-character' as const, message: 'x', line: 1, column: 301, index: 300, length: 2 };
    const spot = errorSpot(input, error, 60);
    expect(spot.text.length).toBeLessThanOrEqual(60);
    expect(spot.text.slice(spot.markStart, spot.markStart + 2)).toBe('zz');
  });
});
