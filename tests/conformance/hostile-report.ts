/** A report as a malicious or broken server could shape it, for the HTML report's tests. */
import { fault } from '../../src/protocol/index.ts';
import type { ConformanceReport } from '../../src/wire/conformance.ts';

const HOSTILE = '"><img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=2</script><a href="https://evil.example/">';

/** A report as a malicious or broken server could shape it: its strings in every field it controls. */
export function hostileReport(): ConformanceReport {
  const head = `HTTP/1.1 400 ${HOSTILE}\r\nX-Evil: </pre><script>globalThis.pwned=3</script>\r\n\r\n`;
  return {
    target: `ws://127.0.0.1:9/${encodeURIComponent('<b>')}`,
    startedAt: '2026-12-01T10:00:00.000Z',
    durationMs: 1234,
    summary: { OK: 0, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 2, 'NOT PLAYED': 0 },
    cases: [
      {
        id: 'x.0.1',
        description: 'A valid opening handshake',
        expectation: '101',
        behavior: 'FAILED',
        behaviorClose: 'OK',
        result: `The server answered ${HOSTILE}`,
        durationMs: 3,
        wire: [
          { kind: 'http', t: 0, direction: 'client-to-server', head: 'GET / HTTP/1.1\r\n\r\n', mark: null },
          { kind: 'http', t: 1, direction: 'server-to-client', head, mark: { offset: 9, length: 3, text: HOSTILE } },
          { kind: 'event', t: 2, text: `TCP error: ${HOSTILE}` },
        ],
      },
      {
        id: '1.1.2',
        description: `Echo ${HOSTILE}`,
        expectation: 'the same bytes',
        behavior: 'FAILED',
        behaviorClose: 'OK',
        result: `Received: a text message "${HOSTILE}"`,
        durationMs: 5,
        wire: [
          {
            kind: 'frame', t: 3, direction: 'server-to-client', offset: 0, size: 7, bytes: '8105' + Buffer.from('<scri').toString('hex'),
            truncated: false, opcode: 1, fin: true, payloadLength: 5, fault: null, mark: { offset: 4, length: 1, text: HOSTILE }, note: HOSTILE,
          },
          {
            kind: 'frame', t: 4, direction: 'server-to-client', offset: 7, size: 2, bytes: '81fd', truncated: true, opcode: 1, fin: true, payloadLength: 0,
            fault: fault('mask-forbidden', { offset: 8, frameOffset: 7 }, {}), mark: null, note: null,
          },
        ],
      },
    ],
  };
}
