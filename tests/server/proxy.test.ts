/**
 * /proxy as a student's server is seen through it: every fault in the target's bytes pinned to
 * its byte with its rule and section while the bytes still pass through, the findings only a proxy
 * sees (bytes after a close, a close never answered, no close frame), and the target's 101 checked
 * step by step. Targets are raw `node:net` servers on 127.0.0.1 with one flaw each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, type FrameSpec } from '../../src/protocol';
import { clientFrame, closeFrame, KEY, startServer, type Running } from './helpers';
import { Browser, switching, Target, until, watch, type Msg, type TargetPeer, type Watcher } from './proxy-helpers';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const frame = (spec: FrameSpec): Buffer => Buffer.from(encodeFrame(spec));
const hello = frame({ opcode: Opcode.Text, payload: text('Hello') }); // 7 bytes

let s: Running;

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

/** A target that answers the handshake and then writes `bytes` (after the browser sent `first`, if given). */
async function throughFlawedTarget(
  session: string,
  bytes: Uint8Array,
  options: { before?: (browser: Browser) => Promise<void>; end?: boolean } = {},
): Promise<{ browser: Browser; target: Target; peer: TargetPeer; watcher: Watcher }> {
  const target = await new Target().listen();
  const w = await watch(s.port, session);
  const browser = await Browser.open(s.port, target.url('/'), session);
  await browser.head();
  const peer = await target.peer('/');
  await options.before?.(browser);
  peer.socket.write(bytes);
  if (options.end) peer.socket.end();
  await until(() => browser.after().length >= bytes.length, 3000, 'the target\'s bytes at the browser');
  return { browser, target, peer, watcher: w };
}

describe('a fault in the target\'s bytes', () => {
  const cases: { name: string; bytes: Buffer; rule: string; offset: number; rfc: string; closeCode: number }[] = [
    {
      name: 'a masked server frame',
      bytes: Buffer.concat([hello, frame({ opcode: Opcode.Text, payload: text('masked'), maskingKey: new Uint8Array([1, 2, 3, 4]) }), hello]),
      rule: 'mask-forbidden', offset: 8, rfc: '5.1', closeCode: 1002,
    },
    { name: 'RSV1 with no extension', bytes: Buffer.concat([hello, frame({ opcode: Opcode.Text, rsv1: true, payload: text('x') })]), rule: 'rsv-without-extension', offset: 7, rfc: '5.2', closeCode: 1002 },
    { name: 'a reserved opcode', bytes: Buffer.concat([hello, Buffer.from([0x83, 0x01, 0x00])]), rule: 'reserved-opcode', offset: 7, rfc: '5.2', closeCode: 1002 },
    { name: 'invalid UTF-8 in a text frame', bytes: Buffer.concat([hello, Buffer.from([0x81, 0x05, 0x48, 0x69, 0x20, 0xc3, 0x28])]), rule: 'invalid-utf8', offset: 7 + 2 + 4, rfc: '8.1', closeCode: 1007 },
    { name: 'a non-minimal length (5 in the 16-bit form)', bytes: Buffer.concat([hello, Buffer.from([0x81, 0x7e, 0x00, 0x05]), Buffer.from('Hello')]), rule: 'non-minimal-length', offset: 9, rfc: '5.2', closeCode: 1002 },
    { name: 'a ping over 125 bytes', bytes: Buffer.concat([Buffer.from([0x89, 0x7e, 0x00, 0x7e]), Buffer.alloc(126, 0x2a)]), rule: 'control-frame-too-long', offset: 1, rfc: '5.5', closeCode: 1002 },
    // A close frame decoded as text and echoed back: code 1000 is 03 e8, and 0xe8 opens a
    // three-byte sequence that 'b' (0x62, at byte 4) cannot continue.
    { name: 'a close echoed as text', bytes: Buffer.from([0x81, 0x06, 0x03, 0xe8, 0x62, 0x79, 0x65, 0x21]), rule: 'invalid-utf8', offset: 4, rfc: '8.1', closeCode: 1007 },
  ];

  for (const c of cases) {
    it(`${c.name}: pinned (${c.rule}, byte ${c.offset}, RFC 6455 §${c.rfc}) while the bytes pass through`, async () => {
      const session = `fault-${c.rule}-${c.offset}`;
      const { browser, target, peer, watcher: w } = await throughFlawedTarget(session, c.bytes);
      try {
        // Verbatim: the browser got exactly what the target wrote.
        expect(Buffer.compare(browser.after(), c.bytes)).toBe(0);
        const fault = await w.find((m) => m.type === 'fault');
        expect(fault).toMatchObject({ direction: 'out', rule: c.rule, offset: c.offset, rfc: c.rfc, closeCode: c.closeCode });
        expect(String(fault.message)).toContain(`RFC 6455 §${c.rfc}`);
        const stopped = await w.find((m) => m.type === 'finding' && m.rule === 'decoding-stopped');
        expect(stopped).toMatchObject({ direction: 'out', level: 'info', offset: fault.frameOffset });
        expect(String(stopped.message)).toMatch(/stopped decoding your server's bytes .* still go through/);
        // After the fault the tap keeps relaying and shows later reads raw.
        const more = Buffer.from([0x81, 0x02, 0x6f, 0x6b]);
        peer.socket.write(more);
        await until(() => browser.after().length === c.bytes.length + more.length, 3000, 'the later bytes');
        const raw = await w.find((m) => m.type === 'read' && m.direction === 'out' && m.offset === c.bytes.length);
        expect(raw.bytes).toBe(more.toString('hex'));
        // Frames before the fault were reported as frames; none after it.
        const frames = w.messages.filter((m) => m.type === 'frame' && m.direction === 'out');
        expect(frames.every((m) => (m.offset as number) < (fault.frameOffset as number))).toBe(true);
      } finally {
        w.close();
        browser.destroy();
        await target.close();
      }
    });
  }

  it('bytes after the target\'s close frame: a finding at the first byte after it (RFC 6455 §5.5.1)', async () => {
    const close = Buffer.from([0x88, 0x02, 0x03, 0xe8]);
    const bytes = Buffer.concat([hello, close, hello]);
    const { browser, target, watcher: w } = await throughFlawedTarget('after-close', bytes);
    try {
      expect(Buffer.compare(browser.after(), bytes)).toBe(0);
      const finding = await w.find((m) => m.type === 'finding' && m.rule === 'bytes-after-close');
      expect(finding).toMatchObject({ direction: 'out', level: 'fault', offset: 11, length: 7, rfc: '5.5.1' });
      expect(w.messages.filter((m) => m.type === 'frame' && m.direction === 'out').map((m) => m.opcode)).toEqual([1, 8]);
    } finally {
      w.close();
      browser.destroy();
      await target.close();
    }
  });

  it('a close never answered: the browser closes, the target drops TCP without its own close frame', async () => {
    const target = await new Target().listen();
    const w = await watch(s.port, 'unanswered');
    const browser = await Browser.open(s.port, target.url('/'), 'unanswered');
    await browser.head();
    const peer = await target.peer('/');
    await browser.write(closeFrame(1000, 'bye'));
    await until(() => peer.received.length > 0, 3000, 'the close at the target');
    peer.socket.end();
    const closed = await w.find((m) => m.type === 'closed');
    expect(closed).toMatchObject({ code: 1000, reason: 'bye', wasClean: false, initiator: 'client', tcpClosedBy: 'server' });
    const finding = await w.find((m) => m.type === 'finding' && m.rule === 'close-not-answered');
    expect(finding).toMatchObject({ direction: 'out', level: 'fault', rfc: '5.5.1' });
    expect(browser.ended || browser.closed).toBe(true);
    w.close();
    await target.close();
  });

  it('TCP closed by the target with no close frame: 1006, and a finding saying so', async () => {
    const { browser, target, watcher: w } = await throughFlawedTarget('no-close', hello, { end: true });
    try {
      const closed = await w.find((m) => m.type === 'closed');
      expect(closed).toMatchObject({ code: 1006, wasClean: false, initiator: null, tcpClosedBy: 'server', framesOut: 1 });
      const finding = await w.find((m) => m.type === 'finding' && m.rule === 'no-close-frame');
      expect(finding).toMatchObject({ level: 'warning', rfc: '7.1.5' });
    } finally {
      w.close();
      browser.destroy();
      await target.close();
    }
  });

  it('TCP closed in the middle of a frame: where the frame started and how much was missing', async () => {
    const bytes = Buffer.concat([hello, Buffer.from([0x81, 0x0a, 0x61, 0x62])]);
    const { browser, target, watcher: w } = await throughFlawedTarget('mid-frame', bytes, { end: true });
    try {
      const finding = await w.find((m) => m.type === 'finding' && m.rule === 'ended-mid-frame');
      expect(finding).toMatchObject({ direction: 'out', offset: 7, length: 4 });
      expect(String(finding.message)).toMatch(/needed at least 8 more/);
    } finally {
      w.close();
      browser.destroy();
      await target.close();
    }
  });

  it('frames merged in one read and a frame split across reads: said once each, as information', async () => {
    const { browser, target, peer, watcher: w } = await throughFlawedTarget('tcp-notes', Buffer.concat([hello, hello]));
    try {
      const merged = await w.find((m) => m.type === 'finding' && m.rule === 'frames-merged');
      expect(merged).toMatchObject({ direction: 'out', level: 'info', offset: 0, rfc: '1.5' });
      const first = Buffer.from(hello.subarray(0, 3));
      peer.socket.write(first);
      const split = await w.find((m) => m.type === 'finding' && m.rule === 'frame-split');
      expect(split).toMatchObject({ direction: 'out', level: 'info', offset: 14, length: 3 });
      peer.socket.write(hello.subarray(3));
      await until(() => w.messages.filter((m) => m.type === 'frame' && m.direction === 'out').length === 3, 3000, 'the split frame');
      expect(w.messages.filter((m) => m.type === 'finding' && (m.rule === 'frame-split' || m.rule === 'frames-merged'))).toHaveLength(2);
      expect(w.messages.some((m) => m.type === 'fault')).toBe(false);
    } finally {
      w.close();
      browser.destroy();
      await target.close();
    }
  });

  it('the browser\'s frames are decoded too ("in"), masked as sent, and a command on a proxied connection is refused', async () => {
    const { browser, target, peer, watcher: w } = await throughFlawedTarget('in-frames', hello);
    try {
      const sent = clientFrame({ opcode: Opcode.Text, payload: text('from the browser') });
      await browser.write(sent);
      await until(() => peer.received.length === sent.length, 3000, 'the frame at the target');
      expect(Buffer.compare(peer.received, Buffer.from(sent))).toBe(0);
      const inFrame = await w.find((m) => m.type === 'frame' && m.direction === 'in');
      expect(inFrame).toMatchObject({ masked: true, opcode: 1, bytes: Buffer.from(sent).toString('hex') });
      const open = await w.find((m) => m.type === 'open');
      w.ws.send(JSON.stringify({ type: 'command', id: 9, connection: open.connection, action: 'ping' }));
      const error = await w.find((m) => m.type === 'error' && m.id === 9);
      expect(String(error.message)).toMatch(/goes through \/proxy: Framescope only relays/);
      expect(peer.received.length).toBe(sent.length);
    } finally {
      w.close();
      browser.destroy();
      await target.close();
    }
  });
});

describe('the target\'s 101, checked step by step (RFC 6455 §4.1)', () => {
  async function answer(session: string, reply: (request: string) => string, extra: Record<string, string> = {}): Promise<{ open: Msg; browser: Browser }> {
    const target = await new Target((peer, request) => peer.socket.write(reply(request))).listen();
    const w = await watch(s.port, session);
    const browser = await Browser.open(s.port, target.url('/'), session, extra);
    const peer = await target.peer('/');
    const expected = reply(peer.head);
    await until(() => browser.received.length >= expected.length, 3000, 'the 101');
    expect(browser.received.toString('latin1')).toBe(expected); // relayed as it came, good or bad
    const open = await w.find((m) => m.type === 'open');
    w.close();
    browser.destroy();
    await target.close();
    return { open, browser };
  }
  const steps = (open: Msg): Record<string, boolean | null> =>
    Object.fromEntries((open.proxy as { steps: { step: string; ok: boolean | null }[] }).steps.map((st) => [st.step, st.ok]));

  it('a correct 101: every step passes, and the open message has the target, address and forwarded request', async () => {
    const { open } = await answer('ok101', (r) => switching(r));
    const proxy = open.proxy as { target: string; address: string; ok: boolean; forwarded: { url: string; headers: string[] } };
    expect(proxy.ok).toBe(true);
    expect(proxy.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(proxy.forwarded.url).toBe('/');
    expect(proxy.forwarded.headers).toContain(`Sec-WebSocket-Key: ${KEY}`);
    expect(Object.values(steps(open)).every((ok) => ok === true)).toBe(true);
    expect(open.path).toBe('/proxy');
  });

  it('a wrong Sec-WebSocket-Accept: that step fails with the value it should have been', async () => {
    const { open } = await answer('badaccept', () => 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(steps(open)).toMatchObject({ 'status-line': true, upgrade: true, connection: true, accept: false });
    const accept = (open.proxy as { steps: { step: string; message: string; expected: string }[] }).steps.find((st) => st.step === 'accept')!;
    expect(accept.expected).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(accept.message).toMatch(/gives s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
    expect((open.proxy as { ok: boolean }).ok).toBe(false);
  });

  it('an extension and a subprotocol the browser never offered; no Connection header', async () => {
    const { open } = await answer(
      'unoffered',
      (r) => switching(r, 'Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\nSec-WebSocket-Protocol: mqtt\r\n').replace('Connection: Upgrade\r\n', ''),
      { 'Sec-WebSocket-Protocol': 'chat' },
    );
    expect(steps(open)).toMatchObject({ connection: false, accept: true, extensions: false, protocol: false });
  });

  it('bare LF line ends: the head step fails (RFC 9112 §2.2) and the rest is still judged', async () => {
    const { open } = await answer('lf', (r) => switching(r).replace(/\r\n/g, '\n'));
    expect(steps(open)).toMatchObject({ 'http-head': false, 'status-line': true, upgrade: true, accept: true });
  });
});

describe('a target that fails the handshake gets a clear answer, never a hang', () => {
  async function failing(session: string, answerWith: ConstructorParameters<typeof Target>[0], server: Running = s): Promise<{ status: number; body: string; refused: Msg; target: Target }> {
    const target = await new Target(answerWith).listen();
    const w = await watch(server.port, session);
    const browser = await Browser.open(server.port, target.url('/'), session);
    const { status, head } = await browser.head(8000);
    await until(() => browser.closed || browser.ended, 5000, 'the proxy to end the browser\'s connection');
    const body = browser.received.subarray(head.length).toString('utf8');
    const refused = await w.find((m) => m.type === 'refused');
    w.close();
    browser.destroy();
    return { status, body, refused, target };
  }

  it('TCP refused: 502 with the reason, in the body and in the inspector', async () => {
    const target = await new Target().listen();
    const url = target.url('/');
    await target.close(); // nothing listens there now
    const w = await watch(s.port, 'refused-tcp');
    const browser = await Browser.open(s.port, url, 'refused-tcp');
    const { status } = await browser.head();
    expect(status).toBe(502);
    await until(() => browser.closed || browser.ended);
    expect(browser.received.toString()).toMatch(/connection was refused \(ECONNREFUSED\)\. Is your server running/);
    const refused = await w.find((m) => m.type === 'refused');
    expect(refused).toMatchObject({ status: 502, path: '/proxy', proxy: { stage: 'connect', target: url } });
    w.close();
  });

  it('a target that accepts and never answers: 504 after the handshake timeout', async () => {
    const slow = await startServer({ handshakeTimeout: 300 });
    try {
      const { status, body, refused, target } = await failing('silent', 'silent', slow);
      expect(status).toBe(504);
      expect(body).toMatch(/accepted the connection but sent nothing within \d+ ms/);
      expect(refused).toMatchObject({ status: 504, proxy: { stage: 'timeout' } });
      await target.close();
    } finally {
      await slow.stop();
    }
  });

  it('an answer that is not HTTP: 502, showing what came', async () => {
    const { status, body, refused, target } = await failing('not-http', (peer) => peer.socket.write('SSH-2.0-OpenSSH_9.2\r\n'));
    expect(status).toBe(502);
    expect(body).toMatch(/not HTTP: "SSH-2\.0-OpenSSH_9\.2\\r\\n"/);
    expect(refused).toMatchObject({ status: 502, proxy: { stage: 'not-http', received: Buffer.from('SSH-2.0-OpenSSH_9.2\r\n').toString('hex') } });
    await target.close();
  });

  it('a target that closes mid-handshake: 502, with the part of the head it sent', async () => {
    const { status, body, refused, target } = await failing('mid-head', (peer) => peer.socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'));
    expect(status).toBe(502);
    expect(body).toMatch(/closed the connection in the middle of its response head, after 54 B/);
    expect(refused).toMatchObject({ proxy: { stage: 'closed' } });
    await target.close();
  });

  it('a target that closes before answering: 502', async () => {
    const { status, body, target } = await failing('hangup', (peer) => peer.socket.end());
    expect(status).toBe(502);
    expect(body).toMatch(/closed the connection without answering/);
    await target.close();
  });

  it('an HTTP answer other than 101 is relayed as it came, and reported with its status', async () => {
    const answer = 'HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nnope!';
    const target = await new Target((peer) => peer.socket.end(answer)).listen();
    const w = await watch(s.port, 'http404');
    const browser = await Browser.open(s.port, target.url('/'), 'http404');
    await until(() => browser.received.length >= answer.length, 3000, 'the answer');
    expect(browser.received.toString('latin1')).toBe(answer);
    const refused = await w.find((m) => m.type === 'refused');
    expect(refused).toMatchObject({ status: 404, proxy: { stage: 'response' } });
    expect(String(refused.reason)).toMatch(/answered HTTP\/1\.1 404 Not Found instead of 101/);
    expect(w.messages.some((m) => m.type === 'open')).toBe(false);
    w.close();
    browser.destroy();
    await target.close();
  });
});
