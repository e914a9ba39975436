import { afterEach, describe, expect, it } from 'vitest';
import { getLocale, overwriteGetLocale, type Locale } from '../../../paraglide/runtime.js';
import { Capture } from '../../inspector/capture';
import { clientHello, closed, open, serverHello } from '../../inspector/fixtures';
import type { ReadMessage } from '../../inspector/messages';
import { shortLabel, toneOf, withoutSession } from './labels';
import { buildSequence, readBrackets, type SequenceItem } from './sequence';
import { sequenceSvg } from './svg';

function read(connection: number, offset: number, size: number, t: number): ReadMessage {
  return { type: 'read', t, wall: 1_700_000_000_000 + t, connection, offset, size, boundaries: [size] };
}

function kinds(items: (SequenceItem | undefined)[]): string[] {
  return items.map((item) => (item ? (item.kind === 'frame' ? `f${item.frame.seq}` : `${item.kind}${item.connection}`) : '?'));
}

function all(seq: ReturnType<typeof buildSequence>): (SequenceItem | undefined)[] {
  return Array.from({ length: seq.length }, (_, i) => seq.at(i));
}

describe('the sequence', () => {
  it('splices each handshake before its frames and the end of TCP after them, in time order', () => {
    const c = new Capture();
    c.ingest(open(1, 1, 100));
    c.ingest(clientHello(1, 0, 110));
    c.ingest(serverHello(1, 0, 111));
    c.ingest(open(2, 2, 200));
    c.ingest(clientHello(2, 0, 210));
    c.ingest({ ...closed(1), t: 300 });
    c.ingest(serverHello(2, 0, 400));
    const seq = buildSequence(c.frames, c.connections.values());
    expect(kinds(all(seq))).toEqual(['request1', 'response1', 'f0', 'f1', 'request2', 'response2', 'f2', 'closed1', 'f3']);
    expect(seq.indexOfSeq(0)).toBe(2);
    expect(seq.indexOfSeq(2)).toBe(6);
    expect(seq.indexOfSeq(3)).toBe(8);
    expect(seq.indexOfSeq(99)).toBe(-1);
    expect(seq.at(-1)).toBeUndefined();
    expect(seq.at(9)).toBeUndefined();
  });

  it('labels: opcode, FIN=0, length, preview; faults red; the session left out of the request', () => {
    const c = new Capture();
    c.ingest(open(1, 1, 100));
    c.ingest(clientHello(1, 0, 110));
    c.ingest({ ...serverHello(1, 0, 111), misbehave: 'rsv1' });
    const seq = buildSequence(c.frames, c.connections.values());
    expect(shortLabel(seq.at(0)!)).toBe('GET /echo?conn=1 · Upgrade: websocket');
    expect(shortLabel(seq.at(2)!)).toBe('text 5 B “Hello”');
    expect(toneOf(seq.at(2)!)).toBe('client');
    expect(toneOf(seq.at(3)!)).toBe('fault');
    expect(shortLabel(seq.at(3)!)).toMatch(/⚠ rsv1$/);
    expect(withoutSession('/echo?session=abc')).toBe('/echo');
    expect(withoutSession('/chat')).toBe('/chat');
  });

  it('brackets: a read over two frames spans both rows (across the server frame between), a frame cut over two reads gets both', () => {
    const c = new Capture();
    c.ingest(open(1, 1, 100));
    // Reads: [0, 22) holds two 11-byte frames; then one frame cut over [22, 27) and [27, 33).
    c.ingest(read(1, 0, 22, 105));
    c.ingest(read(1, 22, 5, 150));
    c.ingest(read(1, 27, 6, 151));
    c.ingest(clientHello(1, 0, 110));
    c.ingest(serverHello(1, 0, 111));
    c.ingest(clientHello(1, 11, 112));
    c.ingest(clientHello(1, 22, 160));
    const seq = buildSequence(c.frames, c.connections.values());
    expect(kinds(all(seq))).toEqual(['request1', 'response1', 'f0', 'f1', 'f2', 'f3']);
    const b = readBrackets(seq, 0, seq.length, c.connections);
    expect(b.get(2)).toEqual([{ column: 0, top: true, bottom: false, read: 1, size: 22 }]);
    expect(b.get(3)).toEqual([{ column: 0, top: false, bottom: false, read: 1, size: 22 }]);
    expect(b.get(4)).toEqual([{ column: 0, top: false, bottom: true, read: 1, size: 22 }]);
    expect(b.get(5)).toEqual([
      { column: 1, top: true, bottom: true, read: 2, size: 5 },
      { column: 0, top: true, bottom: true, read: 3, size: 6 },
    ]);
    // Only the rows asked for.
    expect([...readBrackets(seq, 3, 4, c.connections).keys()]).toEqual([3]);
  });

  it('the SVG: lanes, one arrow per row, brackets, XML escaped', () => {
    const c = new Capture();
    c.ingest(open(1, 1, 100));
    c.ingest(read(1, 0, 11, 105));
    c.ingest(clientHello(1, 0, 110));
    c.ingest(serverHello(1, 0, 111));
    const seq = buildSequence(c.frames, c.connections.values());
    const items = all(seq) as SequenceItem[];
    const svg = sequenceSvg(items, readBrackets(seq, 0, seq.length, c.connections));
    expect(svg.match(/marker-end=/g)).toHaveLength(4);
    expect(svg).toContain('<text x="110" y="24" text-anchor="middle" font-weight="700" fill="#1f2328">Browser</text>');
    expect(svg.match(/stroke="#9a6700"/g)).toHaveLength(1);
    expect(svg).toContain('“Hello”');
    const evil = sequenceSvg([{ kind: 'request', key: 'q', connection: 1, t: 0, method: 'GET', target: '/<x>&"' }], new Map());
    expect(evil).toContain('/&lt;x&gt;&amp;&quot;');
  });

  describe('in Simplified Chinese', () => {
    const before = getLocale;
    let locale: Locale = 'zh-CN';
    afterEach(() => overwriteGetLocale(before));

    it('the SVG and the labels speak the page\'s language, RFC words kept', () => {
      overwriteGetLocale(() => locale);
      const svg = sequenceSvg(
        [
          { kind: 'request', key: 'q', connection: 1, t: 0, method: 'GET', target: '/echo' },
          { kind: 'response', key: 'r', connection: 1, t: 1, status: 101 },
          { kind: 'closed', key: 'c', connection: 1, t: 2, code: 1006, wasClean: false },
        ] as SequenceItem[],
        new Map(),
      );
      expect(svg).toContain('xml:lang="zh-CN"');
      expect(svg).toContain('<title>时序图</title>');
      expect(svg).toContain('>浏览器</text>');
      expect(svg).toContain('101 Switching Protocols（切换协议）');
      expect(svg).toContain('TCP 已关闭 · 1006（非正常关闭）');
      locale = 'en';
      expect(sequenceSvg([], new Map())).toContain('<title>Sequence diagram</title>');
    });
  });
});
