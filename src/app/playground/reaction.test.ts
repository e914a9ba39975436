import { describe, expect, it } from 'vitest';
import { browserFromUserAgent } from './browser-name';
import { violation, type Violation } from './demos';
import { explainReaction, verdictOf, type Reaction } from './reaction';

const firefox = browserFromUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0');
const chromium = browserFromUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36');
const v = (kind: string): Violation => violation(kind)!;

const open: Reaction = { error: false, messages: 0, readyState: 'OPEN', close: null, sentClose: null, settled: false };
const failed: Reaction = {
  error: true,
  messages: 0,
  readyState: 'CLOSED',
  close: { code: 1006, reason: '', wasClean: false },
  sentClose: { code: 1002, reason: '' },
  settled: false,
};

describe('verdictOf', () => {
  it('reads the reaction from the events, the close and the time waited', () => {
    expect(verdictOf(failed)).toBe('failed');
    expect(verdictOf({ ...open, messages: 1 })).toBe('accepted');
    expect(verdictOf(open)).toBe('waiting');
    expect(verdictOf({ ...open, settled: true })).toBe('ignored');
    expect(verdictOf({ ...failed, close: { code: 1002, reason: '', wasClean: true } })).toBe('closed');
    expect(verdictOf({ ...failed, close: { code: 1006, reason: '', wasClean: true } })).toBe('closed');
  });
});

describe('explainReaction', () => {
  it('says nothing while it is too early to tell', () => {
    expect(explainReaction(v('masked-frame'), open, firefox)).toBeNull();
  });

  it('Firefox delivering a masked server frame: names the browser and the rule it departs from, claims no failure', () => {
    const e = explainReaction(v('masked-frame'), { ...open, messages: 1 }, firefox)!;
    expect(e.verdict).toBe('accepted');
    expect(e.expected).toBe(false);
    expect(e.title).toBe('Firefox 153 did not fail the connection');
    expect(e.text).toContain('Firefox 153 accepted a masked frame from the server, which RFC 6455 §5.1 says a client must refuse.');
    expect(e.text).toContain('"A client MUST close a connection if it detects a masked frame."');
    expect(e.text).toContain('It fired 1 message event and no error; the connection is still OPEN.');
    expect(e.text).not.toMatch(/failed the connection:|wasClean false\./);
  });

  it('Chromium failing on the same frame: error, 1006, wasClean false, and the Close frame it sent', () => {
    const e = explainReaction(v('masked-frame'), failed, chromium)!;
    expect(e.verdict).toBe('failed');
    expect(e.expected).toBe(true);
    expect(e.title).toBe('Chromium 156 failed the connection, as the RFC requires');
    expect(e.text).toContain('Chromium 156 failed the connection: an error event, then a close event with code 1006 and wasClean false.');
    expect(e.text).toContain('On the wire Chromium 156 told the server why: a Close frame with code 1002');
    expect(e.text).not.toContain('Note the code');
  });

  it('Chromium sending 1002 on invalid UTF-8: the page says RFC 6455 gives 1007', () => {
    const e = explainReaction(v('invalid-utf8'), failed, chromium)!;
    expect(e.expected).toBe(false);
    expect(e.text).toContain('Note the code: Chromium 156 sent 1002 (Protocol Error), where RFC 6455 gives 1007 (Invalid Frame Payload Data) for this fault');
    expect(e.text).toContain('1007 is for "data within a message that was not consistent with the type of the message');
    const right = explainReaction(v('invalid-utf8'), { ...failed, sentClose: { code: 1007, reason: '' } }, firefox)!;
    expect(right.text).not.toContain('Note the code');
    expect(right.expected).toBe(true);
  });

  it('says what it saw on the wire only once it has seen it, or waited', () => {
    const early = explainReaction(v('rsv1'), { ...failed, sentClose: null }, firefox)!;
    expect(early.text).not.toMatch(/Close frame with|no Close frame/);
    const late = explainReaction(v('rsv1'), { ...failed, sentClose: null, settled: true }, firefox)!;
    expect(late.text).toContain('The tap saw no Close frame from Firefox 153');
  });

  it('a failure without an error event is described as it happened', () => {
    expect(explainReaction(v('rsv1'), { ...failed, error: false }, firefox)!.text).toContain('no error event, only a close event with code 1006');
  });

  it('a browser that let the frame pass silently, or closed another way, is not said to have failed', () => {
    const ignored = explainReaction(v('long-control'), { ...open, settled: true }, firefox)!;
    expect(ignored.verdict).toBe('ignored');
    expect(ignored.text).toContain('Firefox 153 fired no event for it (no error, no message, no close); the connection is still OPEN.');
    const closed = explainReaction(v('reserved-opcode'), { ...failed, error: false, close: { code: 1002, reason: '', wasClean: true }, sentClose: { code: 1002, reason: '' } }, firefox)!;
    expect(closed.verdict).toBe('closed');
    expect(closed.title).toBe('Firefox 153 closed with 1002 (Protocol Error)');
    expect(closed.text).toContain('wasClean true after a closing handshake; RFC 6455 §7.1.7 asks it to fail the connection');
    expect(closed.expected).toBe(false);
  });

  it('has words for every violation the server offers', () => {
    for (const kind of ['masked-frame', 'rsv1', 'reserved-opcode', 'invalid-utf8', 'long-control', 'fragmented-ping']) {
      const e = explainReaction(v(kind), { ...open, messages: 2 }, firefox)!;
      expect(e.text).toMatch(/^.+ accepted a .+ from the server, which RFC 6455 §[\d.]+ says a client must refuse\./m);
      expect(e.text).not.toContain('a broken frame (');
      expect(e.text).toContain('It fired 2 message events');
    }
  });
});
