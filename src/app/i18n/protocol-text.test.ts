import { describe, expect, it } from 'vitest';
import {
  CLOSE_CODE_RANGES,
  CLOSE_CODES,
  closeCodeInfo,
  decodeFrames,
  encodeFrame,
  fault,
  FAULT_RULES,
  FAULTS,
  layoutFrame,
  opcodeInfo,
  parseHex,
  type Fault,
  type FaultDetails,
  type FaultRule,
  type LayoutOptions,
  type ParserOptions,
} from '../../protocol';
import {
  closeCodeExplanation,
  closeCodeLocalName,
  closeCodeName,
  faultRuleExplanation,
  faultSentence,
  fieldExplanation,
  fieldLabel,
  fieldValue,
  opcodeExplanation,
  opcodeName,
} from './protocol-text';

const en = { locale: 'en' } as const;
const zh = { locale: 'zh-CN' } as const;
const HAN = /[\u3400-\u9fff]/;
const site = { offset: 7, frameOffset: 0 };

/** Some faults of every rule, with every branch of its sentence. */
const SAMPLES: { readonly [R in FaultRule]: readonly FaultDetails[R][] } = {
  'rsv-without-extension': [{ bits: ['RSV2'] }, { bits: ['RSV1', 'RSV3'] }, { bits: ['RSV1', 'RSV2', 'RSV3'] }],
  'rsv1-not-first-frame': [{ opcode: 0x0 }, { opcode: 0x9 }, { opcode: 0x8 }],
  'reserved-opcode': [{ opcode: 0x3 }, { opcode: 0x7 }, { opcode: 0xb }, { opcode: 0xf }],
  'fragmented-control-frame': [{ opcode: 0x8 }, { opcode: 0x9 }, { opcode: 0xa }],
  'mask-required': [{}],
  'mask-forbidden': [{}],
  'control-frame-too-long': [{ opcode: 0x9, lengthField: 126 }, { opcode: 0x8, lengthField: 127 }],
  'unexpected-continuation': [{}],
  'expected-continuation': [{ opcode: 0x1 }, { opcode: 0x2 }],
  'close-payload-one-byte': [{}],
  'non-minimal-length': [{ length: 5, lengthForm: 16 }, { length: 125, lengthForm: 64 }, { length: 300, lengthForm: 64 }],
  'length-msb-set': [{}],
  'payload-too-large': [{ length: 70000, limit: 65536 }],
  'message-too-large': [{ length: 2000000, limit: 1048576 }],
  'invalid-close-code': [{ code: 1005 }, { code: 1006 }, { code: 999 }, { code: 2500 }, { code: 5000 }],
  'invalid-utf8': [
    { in: 'text', byte: 0xff, payloadOffset: 3 },
    { in: 'text', byte: 0xc0, payloadOffset: null },
    { in: 'text', byte: null, payloadOffset: 4 },
    { in: 'close-reason', byte: 0xfe, payloadOffset: 5 },
    { in: 'close-reason', byte: null, payloadOffset: null },
  ],
  'inflate-failed': [{ reason: 'invalid stored block lengths' }],
  'inflated-too-large': [{ limit: 1048576 }],
  'inflated-invalid-utf8': [{ byte: 0xff, at: 12 }, { byte: null, at: 40 }],
};

function samples(): Fault[] {
  return FAULT_RULES.flatMap((rule) => (SAMPLES[rule] as readonly FaultDetails[FaultRule][]).map((detail) => fault(rule, site, detail as never)));
}

/** The numbers and hex values of a fault's detail that its English sentence shows. */
function valuesOf(f: Fault): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(f.detail)) {
    if (typeof value !== 'number') continue;
    if (key === 'opcode') continue; // told by name ("ping frame", "文本") or in hex, checked below
    if (key === 'byte') values.push(`0x${value.toString(16).padStart(2, '0')}`);
    else values.push(String(value));
  }
  if (f.rule === 'reserved-opcode') values.push(`0x${f.detail.opcode.toString(16).toUpperCase()}`);
  if (f.rule === 'rsv-without-extension') values.push(...f.detail.bits);
  if (f.rule === 'inflate-failed') values.push(f.detail.reason);
  // The values the codec's English tells (a close reason's bad byte it does not).
  return values.filter((value) => f.message.includes(value));
}

describe('faultSentence', () => {
  it('has a sample of every rule', () => {
    expect(FAULT_RULES.filter((rule) => SAMPLES[rule].length === 0)).toEqual([]);
  });

  it('says in English word for word what the codec says', () => {
    for (const f of samples()) expect(faultSentence(f, en), f.rule).toBe(f.message);
  });

  it('says it in Chinese, with the same values and the same section', () => {
    for (const f of samples()) {
      const said = faultSentence(f, zh);
      expect(said, f.rule).toMatch(HAN);
      expect(said, f.rule).not.toBe(f.message);
      for (const value of valuesOf(f)) expect(said, `${f.rule}: ${value}`).toContain(value);
      const rfc = FAULTS[f.rule].rfc;
      expect(said, f.rule).toContain(rfc.startsWith('RFC ') ? rfc : `RFC 6455 §${rfc}`);
    }
  });

  it('names the frame or message a fault is about in Chinese', () => {
    expect(faultSentence(fault('fragmented-control-frame', site, { opcode: 0x9 }), zh)).toContain('Ping 帧');
    expect(faultSentence(fault('expected-continuation', site, { opcode: 0x1 }), zh)).toContain('文本消息');
    expect(faultSentence(fault('invalid-close-code', site, { code: 1005 }), zh)).toContain('No Status Received，未收到状态码');
  });

  /** Bytes the parser refuses, one (or more) per rule the parser reaches from bytes alone. */
  const WIRE: readonly [string, ParserOptions][] = [
    ['a1 00', {}], // RSV2 on a text frame
    ['f1 00', {}], // RSV1-3 set
    ['c9 00', { perMessageCompressed: true }], // RSV1 on a ping
    ['01 01 61 c0 01 62', { perMessageCompressed: true }], // RSV1 on a continuation frame
    ['83 00', {}], // reserved opcode 0x3
    ['8c 00', {}], // reserved opcode 0xC
    ['09 00', {}], // a ping with FIN=0
    ['81 05 68 65 6c 6c 6f', { sender: 'client' }], // unmasked client frame
    ['81 85 37 fa 21 3d 7f 9f 4d 51 58', { sender: 'server' }], // masked server frame
    ['89 7e 00 7e', {}], // ping with a 16-bit length
    ['80 00', {}], // continuation with nothing to continue
    ['01 01 61 82 01 62', {}], // a new binary message inside a fragmented text
    ['88 01 03', {}], // a 1-byte close payload
    ['82 7e 00 05 61 62 63 64 65', {}], // non-minimal 16-bit length
    ['82 7f 80 00 00 00 00 00 00 00', {}], // 64-bit length with its MSB set
    ['82 7f 00 00 00 00 00 01 11 70', { maxPayload: 65536 }], // 70,000 bytes declared
    ['01 03 61 62 63 00 03 64 65 66', { maxMessage: 4 }], // fragments past the message limit
    ['88 02 03 ed', {}], // close code 1005
    ['81 02 61 ff', {}], // text with 0xff
    ['81 02 61 c3', {}], // text ending mid-sequence
    ['88 04 03 e8 61 ff', {}], // close reason not UTF-8
  ];

  it('tells the parser\'s own faults as the parser does, and in Chinese', () => {
    const rules = new Set<FaultRule>();
    for (const [hex, options] of WIRE) {
      const parsed = parseHex(hex);
      if (!parsed.ok) throw new Error(hex);
      const found = decodeFrames(parsed.bytes, options).fault;
      expect(found, hex).not.toBeNull();
      rules.add(found!.rule);
      expect(faultSentence(found!, en), hex).toBe(found!.message);
      expect(faultSentence(found!, zh), hex).toMatch(HAN);
    }
    expect(rules.size).toBeGreaterThanOrEqual(15);
  });
});

describe('faultRuleExplanation', () => {
  it('is the codec\'s line in English and a Chinese one for every rule', () => {
    for (const rule of FAULT_RULES) {
      expect(faultRuleExplanation(rule, en), rule).toBe(FAULTS[rule].explanation);
      expect(faultRuleExplanation(rule, zh), rule).toMatch(HAN);
    }
  });
});

describe('opcodes', () => {
  it('explains every opcode 0x0-0xF in both languages, reserved ones as reserved', () => {
    for (let opcode = 0; opcode < 16; opcode++) {
      expect(opcodeExplanation(opcode, en), `0x${opcode.toString(16)}`).toBe(opcodeInfo(opcode).explanation);
      expect(opcodeName(opcode, en)).toBe(opcodeInfo(opcode).name);
      const said = opcodeExplanation(opcode, zh);
      expect(said).toMatch(HAN);
      if (opcodeInfo(opcode).kind.startsWith('reserved')) {
        expect(said).toContain(opcode & 0b1000 ? '控制帧' : '数据帧');
        expect(opcodeName(opcode, zh)).toBe(`保留（0x${opcode.toString(16).toUpperCase()}）`);
      }
    }
    expect(opcodeName(0x1, zh)).toBe('文本');
  });
});

describe('close codes', () => {
  const fromRanges = CLOSE_CODE_RANGES.flatMap((range) => [range.from, Math.floor((range.from + range.to) / 2), range.to]).filter((code) => !CLOSE_CODES.some((info) => info.code === code));
  const codes = [...CLOSE_CODES.map((info) => info.code), ...fromRanges, 65536, 1000.5, -1];

  it('keeps the RFC and IANA name in English and the codec\'s explanation', () => {
    for (const code of codes) {
      expect(closeCodeName(code, en), String(code)).toBe(closeCodeInfo(code).name);
      expect(closeCodeLocalName(code, en), String(code)).toBe(closeCodeInfo(code).name);
      expect(closeCodeExplanation(code, en), String(code)).toBe(closeCodeInfo(code).explanation);
    }
  });

  it('puts the Chinese name beside the RFC\'s and explains every code and range in Chinese', () => {
    expect(closeCodeName(1000, zh)).toBe('Normal Closure（正常关闭）');
    expect(closeCodeName(4001, zh)).toBe('Private use（私用）');
    for (const code of codes) {
      expect(closeCodeName(code, zh), String(code)).toContain(closeCodeInfo(code).name);
      expect(closeCodeLocalName(code, zh), String(code)).toMatch(HAN);
      expect(closeCodeExplanation(code, zh), String(code)).toMatch(HAN);
    }
    // Each range has its own words (its bounds), not one line for all.
    expect(closeCodeExplanation(3500, zh)).toContain('3000-3999');
    expect(closeCodeExplanation(4500, zh)).toContain('4000-4999');
    expect(closeCodeExplanation(2000, zh)).toContain('1000-2999');
    expect(closeCodeExplanation(500, zh)).toContain('0-999');
    expect(closeCodeExplanation(6000, zh)).toContain('5000');
  });
});

describe('fields', () => {
  const hello = (mask: boolean): Uint8Array => encodeFrame({ fin: true, opcode: 0x1, payload: new TextEncoder().encode('hello'), ...(mask ? { maskingKey: new Uint8Array([0x37, 0xfa, 0x21, 0x3d]) } : {}) });
  const bytes = (hex: string): Uint8Array => {
    const parsed = parseHex(hex);
    if (!parsed.ok) throw new Error(hex);
    return parsed.bytes;
  };
  const long = (n: number, lengthHex: string): Uint8Array => new Uint8Array([...bytes(`82 ${lengthHex}`), ...new Uint8Array(n)]);
  /** Frames whose layouts hold every sentence the codec writes for a field. */
  const FRAMES: readonly [Uint8Array, LayoutOptions?][] = [
    [new Uint8Array(0)],
    [bytes('81')],
    [bytes('01 00')], [bytes('09 00')], [bytes('89 00')], [bytes('80 00')], [bytes('82 00')], [bytes('88 02 03 e8')], [bytes('8a 01 61')], [bytes('83 00')],
    [bytes('f1 00')], [bytes('c1 01 00'), { perMessageCompressed: true }], [bytes('c1 81 01 02 03 04 00'), { perMessageCompressed: true }],
    [bytes('80 00'), { perMessageCompressed: true }], [bytes('c9 00'), { perMessageCompressed: true }],
    [hello(true)], [hello(false)], [bytes('81 01 61')],
    [bytes('82 7e')], [bytes('82 7e 00')], [bytes('82 7f 00 00')], [bytes('82 7e 00 05')], [long(70000, '7f 00 00 00 00 00 01 11 70')],
    [bytes('82 7f 80 00 00 00 00 00 00 00')], [long(300, '7e 01 2c')], [long(70000, '7f 00 00 00 00 00 01 11 70').subarray(0, 20)],
    [bytes('81 85 37')], [bytes('81 85 37 fa 21')], [bytes('81 85 37 fa 21 3d 7f')],
  ];
  const fields = FRAMES.flatMap(([frame, options]) => layoutFrame(frame, 0, 0, options).fields);

  it('covers every sentence kind the codec writes', () => {
    const distinct = new Set(fields.map((field) => field.explanation.replace(/\d[\d,]*/g, 'N')));
    expect(distinct.size).toBeGreaterThanOrEqual(38);
  });

  it('says in English word for word what the codec says', () => {
    for (const field of fields) expect(fieldExplanation(field, en), field.explanation).toBe(field.explanation);
  });

  it('says every one in Chinese, with the values', () => {
    for (const field of fields) {
      const said = fieldExplanation(field, zh);
      expect(said, field.explanation).toMatch(HAN);
      expect(said, field.explanation).not.toBe(field.explanation);
      for (const number of field.explanation.match(/\d[\d,]*\d|\d/g) ?? []) expect(said, field.explanation).toContain(number);
    }
  });

  /** Frames whose payload values hold every kind the codec writes (text, bytes, close with and without reason, cut short, compressed). */
  const VALUES: readonly [Uint8Array, LayoutOptions?][] = [
    [bytes('81 05 48 65 6c 6c 6f')], [bytes('82 03 00 ff 10')], [bytes('88 02 03 e8')], [bytes('88 05 03 e9 62 79 65')], [bytes('88 00')],
    [bytes('81 00')], [bytes('81 05')], [bytes('81 05 48 65')], [bytes('89 01 61')], [bytes('c1 07 f2 48 cd c9 c9 07 00'), { perMessageCompressed: true }],
    [long(70000, '7f 00 00 00 00 00 01 11 70')], [bytes('81 01 61')], [bytes('83 00')],
  ];
  const valued = [...fields, ...VALUES.flatMap(([frame, options]) => layoutFrame(frame, 0, 0, options).fields)];

  it('gives every value in English as the codec writes it', () => {
    const payloads = new Set(valued.filter((field) => field.key === 'payload').map((field) => field.value.replace(/\d[\d,]*/g, 'N').replace(/:.*/s, ':')));
    expect(payloads.size).toBeGreaterThanOrEqual(5);
    for (const field of valued) expect(fieldValue(field, en), field.value).toBe(field.value);
  });

  it('gives the words of a value in Chinese, its numbers and bytes unchanged', () => {
    for (const field of valued) {
      const said = fieldValue(field, zh);
      for (const number of field.value.replace(/".*"/s, '').match(/\d[\d,]*\d|\d/g) ?? []) expect(said, field.value).toContain(number);
      expect(said, field.value).not.toMatch(/\bbytes?\b|received|DEFLATE data|\bcode\b|reason/);
    }
    const value = (hex: string, key = 'payload'): string => fieldValue(layoutFrame(bytes(hex)).fields.find((field) => field.key === key)!, zh);
    expect(value('81 05 48 65 6c 6c 6f')).toBe('5 字节："Hello"');
    expect(value('88 05 03 e9 62 79 65')).toBe('5 字节：关闭码 1001（Going Away（离开））\uff0c原因 "bye"');
    expect(value('81 05 48 65')).toBe('5 字节："He"');
    expect(value('81 05')).toBe('5 字节，尚未收到');
    expect(value('81 05 48 65', 'opcode')).toBe('0x1 文本');
    expect(value('81', 'mask')).toBe('未收到');
  });

  it('labels fields with the RFC\'s name, and the Chinese beside it', () => {
    for (const field of fields) expect(fieldLabel(field, en)).toBe(field.label);
    expect(fieldLabel({ key: 'fin', label: 'FIN' }, zh)).toBe('FIN（最后分片）');
    expect(fieldLabel({ key: 'payload-length', label: 'Payload length' }, zh)).toBe('Payload len（载荷长度）');
    expect(fieldLabel({ key: 'masking-key', label: 'Masking key' }, zh)).toBe('Masking-key（掩码键）');
  });
});
