import { describe, expect, it } from 'vitest';
import { decodeFrames, layoutFrame, type Fault } from '../../../protocol';
import { faultFields, faultInFrame, fieldAtByte, fieldColor, gridRows, gridSegments, inRange, overlaps, rfcLink, segmentName } from './grid';

const bytes = (hex: string): Uint8Array => Uint8Array.from(hex.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
const maskedHello = bytes('81 85 37 fa 21 3d 7f 9f 4d 51 58');

function faultOf(hex: string, sender: 'client' | 'server' | 'any' = 'any'): Fault {
  const fault = decodeFrames(bytes(hex), { sender }).fault;
  if (!fault) throw new Error('expected a fault');
  return fault;
}

describe('gridSegments', () => {
  it('lays out the masked "Hello" as in RFC 6455 §5.2: 32 bits a row, the key split across rows', () => {
    const segments = gridSegments(layoutFrame(maskedHello));
    const where = segments.map((s) => `${s.field.label}@${s.row}:${s.column}+${s.span}${s.first ? '' : ' cont'}`);
    expect(where).toEqual([
      'FIN@0:0+1',
      'RSV1@0:1+1',
      'RSV2@0:2+1',
      'RSV3@0:3+1',
      'Opcode@0:4+4',
      'MASK@0:8+1',
      'Payload length@0:9+7',
      'Masking key@0:16+16',
      'Masking key@1:0+16 cont',
      'Payload@1:16+16',
    ]);
    expect(gridRows(segments)).toBe(2);
    const opcode = segments.find((s) => s.field.key === 'opcode')!;
    expect(opcode.bits.map((b) => b.char).join('')).toBe('0001');
    const key2 = segments.find((s) => s.id === 'masking-key-1')!;
    expect(key2.bits.map((b) => b.char).join('')).toBe('0010000100111101');
    expect(key2.bits[0]!.byte).toBe(4);
  });

  it('splits a 64-bit extended payload length over three rows', () => {
    const segments = gridSegments(layoutFrame(bytes('82 7f 00 00 00 00 00 01 00 00')));
    const ext = segments.filter((s) => s.field.key === 'extended-payload-length');
    expect(ext.map((s) => [s.row, s.column, s.span])).toEqual([
      [0, 16, 16],
      [1, 0, 32],
      [2, 0, 16],
    ]);
    const payload = segments.find((s) => s.field.key === 'payload')!;
    expect([payload.row, payload.column]).toEqual([2, 16]);
  });

  it('draws fields that have not arrived with placeholder bits', () => {
    const segments = gridSegments(layoutFrame(bytes('81 fe 01')));
    const ext = segments.find((s) => s.field.key === 'extended-payload-length')!;
    expect(ext.field.complete).toBe(false);
    expect(ext.bits.every((b) => b.char === '·')).toBe(true);
  });
});

describe('faults on the grid', () => {
  it('points at the opcode for a reserved opcode, and only in its own frame', () => {
    const fault = faultOf('83 05 48 65 6c 6c 6f');
    const layout = layoutFrame(bytes('83 05 48 65 6c 6c 6f'));
    expect(faultInFrame(fault, layout)).toBe(true);
    expect([...faultFields(fault, layout)]).toEqual(['opcode']);
    expect(gridSegments(layout, fault).filter((s) => s.fault).map((s) => s.field.key)).toEqual(['opcode']);
    expect(faultFields(fault, layoutFrame(bytes('00 00 83 05'), 2, 0)).size).toBe(0);
  });

  it('points at the RSV bits that are set', () => {
    const input = bytes('d1 00');
    const fault = faultOf('d1 00');
    expect([...faultFields(fault, layoutFrame(input))].sort()).toEqual(['rsv1', 'rsv3']);
  });

  it('points at MASK for an unmasked client frame and at the payload for bad UTF-8', () => {
    expect([...faultFields(faultOf('81 00', 'client'), layoutFrame(bytes('81 00')))]).toEqual(['mask']);
    const utf8 = '81 03 48 ff 21';
    expect([...faultFields(faultOf(utf8), layoutFrame(bytes(utf8)))]).toEqual(['payload']);
  });

  it('points at the fields of the fault table (FAULTS[rule].fields) that the frame has', () => {
    const layout = layoutFrame(maskedHello);
    const made: Fault = { kind: 'fault', rule: 'message-too-large', closeCode: 1009, offset: 1, frameOffset: 0, length: 1, rfc: '7.4.1', message: '', detail: { length: 11, limit: 10 } };
    // message-too-large is about the payload length and the extended one; this frame has only the first.
    expect([...faultFields(made, layout)]).toEqual(['payload-length']);
    const fragmented = faultOf('09 01 41');
    expect([...faultFields(fragmented, layoutFrame(bytes('09 01 41')))]).toEqual(['fin', 'opcode']);
  });

  it('names the RSV bits from the fault, not from the bits drawn', () => {
    const made: Fault = { kind: 'fault', rule: 'rsv-without-extension', closeCode: 1002, offset: 0, frameOffset: 0, length: 1, rfc: '5.2', message: '', detail: { bits: ['RSV2'] } };
    expect([...faultFields(made, layoutFrame(bytes('f1 00')))]).toEqual(['rsv2']);
  });

  it('falls back to the fields over the bytes at fault when none of its rule\u2019s fields has arrived', () => {
    // One byte of a ping: its payload length (what control-frame-too-long is about) is not here yet.
    const made: Fault = { kind: 'fault', rule: 'control-frame-too-long', closeCode: 1002, offset: 0, frameOffset: 0, length: 1, rfc: '5.5', message: '', detail: { opcode: 9, lengthField: 126 } };
    expect([...faultFields(made, layoutFrame(bytes('89')))]).toEqual(['fin', 'rsv1', 'rsv2', 'rsv3', 'opcode']);
  });
});

describe('helpers', () => {
  it('answers ranges and overlaps', () => {
    expect(overlaps(0, 2, 1, 1)).toBe(true);
    expect(overlaps(0, 2, 2, 1)).toBe(false);
    expect(inRange(5, { start: 5, length: 0 })).toBe(true);
    expect(inRange(6, { start: 5, length: 1 })).toBe(false);
    expect(inRange(1, null)).toBe(false);
  });

  it('finds the field at a byte, colours and RFC links', () => {
    const layout = layoutFrame(maskedHello);
    expect(fieldAtByte(layout, 3)?.key).toBe('masking-key');
    expect(fieldAtByte(layout, 8)?.key).toBe('payload');
    expect(fieldAtByte(layout, 50)).toBeNull();
    expect(fieldColor('rsv2')).toBe('var(--field-rsv)');
    expect(fieldColor('masking-key')).toBe('var(--field-masking-key)');
    expect(rfcLink('5.5.1')).toEqual({ text: 'RFC 6455 §5.5.1', href: 'https://www.rfc-editor.org/rfc/rfc6455#section-5.5.1' });
    // A rule of another RFC (FAULTS' rsv1-not-first-frame) is cited and linked as that RFC.
    expect(rfcLink('RFC 7692 §6.1')).toEqual({ text: 'RFC 7692 §6.1', href: 'https://www.rfc-editor.org/rfc/rfc7692#section-6.1' });
  });
});

describe('gridSegments a byte a row (a phone)', () => {
  it('lays out the masked "Hello" 8 bits a row: the header byte by byte, the key over four rows', () => {
    const segments = gridSegments(layoutFrame(maskedHello), null, 8);
    const where = segments.map((s) => `${s.field.label}@${s.row}:${s.column}+${s.span}${s.first ? '' : ' cont'}`);
    expect(where).toEqual([
      'FIN@0:0+1',
      'RSV1@0:1+1',
      'RSV2@0:2+1',
      'RSV3@0:3+1',
      'Opcode@0:4+4',
      'MASK@1:0+1',
      'Payload length@1:1+7',
      'Masking key@2:0+8',
      'Masking key@3:0+8 cont',
      'Masking key@4:0+8 cont',
      'Masking key@5:0+8 cont',
      'Payload@6:0+8',
    ]);
    expect(gridRows(segments)).toBe(7);
  });
});

describe('segmentName', () => {
  it('names each button by its field, value and bit positions, as a screen reader says it', () => {
    const segments = gridSegments(layoutFrame(maskedHello));
    const names = segments.map(segmentName);
    expect(names[0]).toBe('FIN: 1, bit 0');
    expect(names[4]).toBe('Opcode: 0001 = 0x1 text, bits 4 to 7');
    expect(names[5]).toBe('MASK: 1, bit 8');
    expect(names[6]).toBe('Payload length: 0000101 = 5, bits 9 to 15');
    expect(names[7]).toBe('Masking key: 0011011111111010 = 37 fa 21 3d, bits 16 to 31');
    expect(names[8]).toBe('Masking key (continued): 0010000100111101, bits 32 to 47');
    expect(names[9]).toMatch(/^Payload: 5 bytes.*, from bit 48$/);
  });

  it('says which field is at fault', () => {
    const frame = bytes('c1 00');
    const segments = gridSegments(layoutFrame(frame), faultOf('c1 00'));
    expect(segments.map(segmentName).filter((name) => name.endsWith('at fault'))).toEqual(['RSV1: 1, bit 1, at fault']);
  });
});
