import { describe, expect, it } from 'vitest';
import { decodeFrames, layoutFrame } from '../../../protocol';
import { closeCodeName, directionLabel, faultBytes, frameMarks, frameSummary, incompleteNote } from './frameview';

const bytes = (hex: string): Uint8Array => Uint8Array.from(hex.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));

describe('FrameView logic', () => {
  it('summarizes a frame', () => {
    expect(frameSummary(layoutFrame(bytes('81 85 37 fa 21 3d 7f 9f 4d 51 58')))).toBe('text · final · masked · 11 bytes');
    expect(frameSummary(layoutFrame(bytes('01')))).toBe('text · not final (FIN=0) · 1 byte so far');
  });

  it('says what an incomplete frame still needs', () => {
    expect(incompleteNote(layoutFrame(bytes('81 85 37 fa 21 3d 7f')))).toBe(
      'The bytes end mid-frame: 7 bytes of 11 bytes present, 4 more bytes needed.',
    );
    expect(incompleteNote(layoutFrame(bytes('82 7e 01')))).toMatch(/^The bytes end mid-header after 3 bytes\. The 16-bit extended payload length needs 1 more byte/);
    expect(incompleteNote(layoutFrame(bytes('81 00')))).toBeNull();
  });

  it('colours each header byte by its main field and marks the fault', () => {
    const input = bytes('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    const marks = frameMarks(layoutFrame(input), null);
    expect(marks.slice(0, 3).map((m) => [m.start, m.field])).toEqual([
      [0, 'opcode'],
      [1, 'payload-length'],
      [2, 'masking-key'],
    ]);
    expect(marks[0]!.note).toBe('FIN, RSV1, RSV2, RSV3, Opcode');
    expect(marks.at(-1)).toMatchObject({ start: 6, length: 5, field: 'payload' });
    const fault = decodeFrames(bytes('81 05 48 65 6c 6c 6f'), { sender: 'client' }).fault;
    const withFault = frameMarks(layoutFrame(bytes('81 05 48 65 6c 6c 6f')), fault);
    expect(withFault.at(-1)).toMatchObject({ kind: 'fault', start: 1, length: 1 });
  });

  it('names directions, close codes and fault bytes', () => {
    expect(directionLabel('client-to-server')).toBe('client → server');
    expect(closeCodeName(1007)).toBe('1007 Invalid Frame Payload Data');
    const fault = decodeFrames(bytes('81 7e 00 05'), {}).fault!;
    expect(faultBytes(fault)).toBe('bytes 2 to 3');
  });
});
