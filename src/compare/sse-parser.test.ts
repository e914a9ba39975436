import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser';

const STREAM = 'retry: 1500\n\n: a comment\nid: 1\ndata: hello\n\nid: 2\ndata: two\ndata: lines\n\nevent: other\ndata: x\n\ndata:no space\r\n\r\nid: 3\rdata: cr\r\r';

describe('SseParser (WHATWG HTML §9.2.6)', () => {
  it('reads fields, comments, multi-line data, event types and every line ending', () => {
    const parser = new SseParser();
    expect(parser.push(STREAM)).toEqual([
      { type: 'message', data: 'hello', lastEventId: '1' },
      { type: 'message', data: 'two\nlines', lastEventId: '2' },
      { type: 'other', data: 'x', lastEventId: '2' },
      { type: 'message', data: 'no space', lastEventId: '2' },
      { type: 'message', data: 'cr', lastEventId: '3' },
    ]);
    expect(parser.retry).toBe(1500);
  });

  it('dispatches nothing for an event without data, and keeps an empty data line', () => {
    expect(new SseParser().push('id: 9\n\ndata\n\n')).toEqual([{ type: 'message', data: '', lastEventId: '9' }]);
  });

  it('gives the same events however the text is cut (a CRLF split in two included)', () => {
    const whole = new SseParser().push(STREAM);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new SseParser();
        const events = [];
        let from = 0;
        for (const point of [...points, STREAM.length]) {
          events.push(...parser.push(STREAM.slice(from, point)));
          from = point;
        }
        expect(events).toEqual(whole);
      }),
    );
  });
});
