import { describe, expect, it } from 'vitest';
import { browsersTable, describeReaction, HAND_WRITTEN, withHandWritten } from './browsers-table';

describe('describeReaction', () => {
  it('says what the browser did, and whether that departs from failing the connection', () => {
    expect(describeReaction({ error: true, messages: 0, readyState: 'CLOSED', close: { code: 1006, wasClean: false }, sentClose: 1002 })).toEqual({
      did: 'error, then close 1006, wasClean false; sent Close 1002',
      departs: false,
    });
    expect(describeReaction({ error: false, messages: 1, readyState: 'OPEN', close: null, sentClose: 'none' })).toEqual({
      did: 'delivered it as 1 message; stayed OPEN',
      departs: true,
    });
    expect(describeReaction({ error: false, messages: 0, readyState: 'OPEN', close: null, sentClose: 'none' }).did).toBe('no event; stayed OPEN');
    expect(describeReaction({ error: false, messages: 0, readyState: 'CLOSED', close: { code: 1002, wasClean: true }, sentClose: 'none' })).toEqual({
      did: 'close 1002, wasClean true; sent no Close frame',
      departs: true,
    });
  });
});

describe('browsersTable', () => {
  it('puts each demonstration on a row and each browser in a column, marking departures', () => {
    const md = browsersTable(
      [
        { browser: 'Chromium 156', userAgent: 'UA-C', demos: [{ id: 'masked-frame', demo: 'Masked server frame', rfc: 'fail the connection', did: 'error | close', departs: false }] },
        {
          browser: 'Firefox 153',
          userAgent: 'UA-F',
          demos: [
            { id: 'masked-frame', demo: 'Masked server frame', rfc: 'fail the connection', did: 'delivered it', departs: true },
            { id: 'ping', demo: 'Ping', rfc: 'pong', did: 'pong', departs: false },
          ],
        },
      ],
      '2026-12-05',
    );
    expect(md).toContain('| demonstration | the RFC asks the client to | Chromium 156 | Firefox 153 |');
    expect(md).toContain('| Masked server frame | fail the connection | error \\| close | **departs:** delivered it |');
    expect(md).toContain('| Ping | pong | not run | pong |');
    expect(md).toContain('- Firefox 153: `UA-F`');
  });
});

describe('withHandWritten', () => {
  it('keeps the hand-written part of the old page after the new generated part', () => {
    const old = `# old table\n\n${HAND_WRITTEN}\n\n## Other differences\n\nmeasured by hand\n`;
    expect(withHandWritten('# new table\n', old)).toBe(`# new table\n\n${HAND_WRITTEN}\n\n## Other differences\n\nmeasured by hand\n`);
  });

  it('writes only the generated part when the old page has no hand-written part (or there is none)', () => {
    expect(withHandWritten('# new\n', '# old\n')).toBe('# new\n');
    expect(withHandWritten('# new\n', null)).toBe('# new\n');
  });
});
