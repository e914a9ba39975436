/**
 * Hostile files (fast-check): random bytes behind every magic number, and valid captures with
 * bytes flipped, cut, inserted or repeated, fed in random chunks, never make the importer throw
 * or hang: each gives a report, with the problem in it when there is one.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CaptureImporter, captureToPcapng, parseCapture, serializeCapture, type CaptureReport } from '../../src/capture';
import { nodeInflater } from '../../src/cli/inflate';
import { Opcode } from '../../src/protocol';
import { captureArb } from './arbitrary';
import { cat, conversation, masked, pcapFile, pcapngFile, records, unmasked, upgradeRequest, upgradeResponse } from './build';

const enc = new TextEncoder();

/** Import `bytes` cut at `cuts` (positions, any order), with the inflater; the report must be well formed. */
function importCut(bytes: Uint8Array, cuts: number[]): CaptureReport {
  const importer = new CaptureImporter({ inflate: nodeInflater });
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let at = 0;
  for (const p of [...points, bytes.length]) {
    importer.push(bytes.subarray(at, p));
    void importer.progress;
    at = p;
  }
  const report = importer.finish();
  expect(report.packets).toBeGreaterThanOrEqual(0);
  expect(report.error === null).toBe(report.problems.length === 0);
  for (const p of report.problems) {
    expect(['truncated', 'payload-missing', 'corrupt', 'unrecognized']).toContain(p.code);
    expect(p.message.length).toBeGreaterThan(0);
    if (p.atByte !== undefined) expect(p.atByte).toBeLessThanOrEqual(bytes.length);
  }
  return report;
}

const MAGICS = [
  Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0),
  Uint8Array.of(0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4),
  Uint8Array.of(0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0),
  Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0),
  Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d, 0, 1, 0, 0),
  enc.encode('{"format":"framescope-capture","version":1,"connections":['),
  new Uint8Array(0),
];

describe('random bytes', () => {
  test('behind every magic number, in any chunks: a report, never an exception', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MAGICS), fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 8 }), (magic, rest, cuts) => {
        importCut(cat(magic, rest), cuts);
      }),
      { numRuns: 1500 },
    );
  }, 60_000);
});

describe('valid captures, mutated', () => {
  const key = Uint8Array.of(7, 7, 7, 7);
  const session = conversation([
    { from: 'client', bytes: upgradeRequest(8080, 'Sec-WebSocket-Extensions: permessage-deflate\r\n') },
    { from: 'server', bytes: upgradeResponse('Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n') },
    { from: 'client', bytes: masked({ opcode: Opcode.Text, payload: enc.encode('Hello') }, key) },
    { from: 'client', bytes: masked({ opcode: Opcode.Binary, rsv1: true, payload: Uint8Array.of(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00) }, key) },
    { from: 'server', bytes: unmasked({ opcode: Opcode.Binary, payload: new Uint8Array(300).fill(1) }) },
    { from: 'server', bytes: unmasked({ opcode: Opcode.Ping, payload: enc.encode('p') }) },
    { from: 'client', bytes: masked({ opcode: Opcode.Close, payload: Uint8Array.of(3, 0xe8) }, key) },
  ]);
  const originals = [
    pcapngFile([{ interfaces: [{ linkType: 1 }], packets: records(session, 'ethernet') }]),
    pcapngFile([{ le: false, interfaces: [{ linkType: 276 }, { linkType: 101, tsresol: 9 }], packets: records(session, 'sll2') }]),
    pcapFile({ linkType: 0 }, records(session, 'null-le')),
    pcapFile({ le: false, nano: true, linkType: 113 }, records(session, 'sll')),
  ];

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.nat(255) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  );

  function mutate(bytes: Uint8Array, mutations: { kind: string; at: number; value?: number; bytes?: Uint8Array; length?: number }[]): Uint8Array {
    let out: Uint8Array = bytes.slice();
    for (const m of mutations) {
      const at = m.at % (out.length + 1);
      if (m.kind === 'flip' && at < out.length) out[at] = m.value!;
      else if (m.kind === 'cut') out = out.subarray(0, at);
      else if (m.kind === 'insert') out = cat(out.subarray(0, at), m.bytes!, out.subarray(at));
      else if (m.kind === 'repeat') out = cat(out.subarray(0, at), out.subarray(at, at + m.length!), out.subarray(at));
    }
    return out;
  }

  test('pcap and pcapng with bytes flipped, cut, inserted, repeated: a report, never an exception', () => {
    for (const original of originals) {
      const clean = importCut(original, []);
      expect(clean.connections).toHaveLength(1);
      expect(clean.error).toBeNull();
    }
    fc.assert(
      fc.property(fc.constantFrom(...originals), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 5 }), (original, mutations, cuts) => {
        importCut(mutate(original, mutations), cuts);
      }),
      { numRuns: 1500 },
    );
  }, 60_000);

  test('JSON captures with any value replaced by any JSON value: read or refused with a located error; whatever reads converts to pcapng', () => {
    fc.assert(
      fc.property(captureArb, fc.array(fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 3 }), (capture, changes) => {
        const tree = JSON.parse(JSON.stringify(capture)) as unknown;
        for (const [pick, value] of changes) replaceAt(tree, pick, value);
        const text = JSON.stringify(tree);
        const parsed = parseCapture(text);
        if (parsed.ok) {
          const file = captureToPcapng(parsed.capture);
          importCut(file, []);
        } else {
          expect(parsed.error.line).toBeGreaterThanOrEqual(1);
          expect(parsed.error.index).toBeLessThanOrEqual(text.length);
        }
        importCut(enc.encode(text), [3]);
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  test('our own pcapng and JSON captures, mutated the same way', () => {
    fc.assert(
      fc.property(captureArb, fc.boolean(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (capture, json, mutations) => {
        const bytes = json ? enc.encode(serializeCapture(capture)) : captureToPcapng(capture);
        importCut(mutate(bytes, mutations), [17, 4096]);
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

/** Replace the `pick`-th value (in a walk of the tree, containers included) by `value`. */
function replaceAt(tree: unknown, pick: number, value: unknown): void {
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => {
        slots.push([node, i]);
        walk(v);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        slots.push([node as Record<string, unknown>, k]);
        walk(v);
      }
    }
  };
  walk(tree);
  if (slots.length === 0) return;
  const [parent, key] = slots[pick % slots.length]!;
  (parent as Record<string | number, unknown>)[key] = value;
}
