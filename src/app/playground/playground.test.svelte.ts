import { describe, expect, it } from 'vitest';
import { connectInspector } from '../inspector/client.svelte';
import { clientHello, hello, open, serverHello } from '../inspector/fixtures';
import { FakeSocket } from '../socket/fake-socket';
import { browserFromUserAgent } from './browser-name';
import { PlaygroundState } from './playground.svelte';

const FIREFOX = browserFromUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0');

const LOCATION = { protocol: 'http:', host: '127.0.0.1:8008' };

function setup(options: { inspectorAnswers?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const inspectors: FakeSocket[] = [];
  const page = new PlaygroundState({
    location: LOCATION,
    session: 'TOKEN',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    openInspector: (url, session) =>
      connectInspector(url, session, {
        schedule: (flush) => queueMicrotask(flush),
        commandTimeout: 200,
        createSocket: (u) => {
          const socket = new FakeSocket(u);
          inspectors.push(socket);
          queueMicrotask(() => {
            if (options.inspectorAnswers === false) {
              socket.closed(1006, '', false);
              return;
            }
            socket.open();
            socket.receive(JSON.stringify(hello()));
          });
          return socket;
        },
      }),
    inspectorWait: 100,
    browser: FIREFOX,
    settleMs: 30,
    // A server without /proxy: a foreign URL is connected to straight (proxy/ has its own tests).
    proxyCheck: async () => ({ status: 404, body: null }),
  });
  return { page, sockets, inspectors };
}

describe('PlaygroundState', () => {
  it('defaults the URL to this server\u2019s /echo', () => {
    const { page } = setup();
    expect(page.url).toBe('ws://127.0.0.1:8008/echo');
    expect(page.served).toBe(true);
    expect(page.inspector).toBeNull();
  });

  it('opens the tap, then the socket with the session and the connection number', async () => {
    const { page, sockets, inspectors } = setup();
    expect(await page.connect()).toEqual({ ok: true });
    expect(inspectors[0]?.url).toBe('ws://127.0.0.1:8008/inspect?session=TOKEN&batch=');
    expect(sockets[0]?.url).toBe('ws://127.0.0.1:8008/echo?session=TOKEN&conn=1');
    sockets[0]!.open();
    expect(page.tapped).toBe(true);
    expect(page.notice).toBeNull();

    // Frames from the tap; the newest is selected while following.
    inspectors[0]!.receive(JSON.stringify(open(5, 1)));
    inspectors[0]!.receive(JSON.stringify(clientHello(5)));
    inspectors[0]!.receive(JSON.stringify(serverHello(5)));
    await Promise.resolve();
    expect(page.currentRecord?.connection).toBe(5);
    expect(page.selectedFrame?.direction).toBe('server-to-client');
    const first = page.inspector!.capture.frames.at(0)!;
    page.select(first);
    expect(page.follow).toBe(false);
    expect(page.selectedFrame?.seq).toBe(first.seq);
    expect(page.focusRecord?.connection).toBe(5);
    page.clearCapture();
    expect(page.selected).toBeNull();
  });

  it('connects at message level when the tap does not answer, and says so', async () => {
    const { page, sockets } = setup({ inspectorAnswers: false });
    await page.connect();
    expect(sockets.length).toBe(1);
    sockets[0]!.open();
    expect(page.connection.ours).toBe(false);
    expect(page.tapped).toBe(false);
    expect(page.notice).toMatch(/No inspector/);
  });

  it('says a foreign server shows messages only, and opens no tap', async () => {
    const { page, sockets, inspectors } = setup();
    page.url = 'wss://echo.example.org/';
    await page.connect();
    expect(inspectors.length).toBe(0);
    expect(sockets[0]?.url).toBe('wss://echo.example.org/');
    expect(page.notice).toMatch(/^echo\.example\.org is not this page\u2019s server/);
  });

  it('refuses a bad URL with the reason', async () => {
    const { page, sockets } = setup();
    page.url = 'http://127.0.0.1:8008/echo';
    expect((await page.connect()).ok).toBe(false);
    expect(page.notice).toMatch(/ws:\/\/ or wss:\/\//);
    expect(sockets.length).toBe(0);
  });

  it('runs a violation demonstration and explains the failed connection', async () => {
    const { page, sockets, inspectors } = setup();
    await page.connect();
    sockets[0]!.open();
    const tap = inspectors[0]!;
    tap.receive(JSON.stringify(open(5, 1)));
    const pending = page.demo({ demo: 'misbehave', kind: 'rsv1' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const command = JSON.parse(tap.sent.at(-1) as string) as { id: number; connection: number; action: string; kind: string };
    expect(command).toMatchObject({ type: 'command', connection: 5, action: 'misbehave', kind: 'rsv1' });
    tap.receive(JSON.stringify({ type: 'ack', t: 1, wall: 1, id: command.id, connection: 5, action: 'misbehave', detail: 'sent a frame with RSV1' }));
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: true, message: 'sent a frame with RSV1' });
    // An ack without a sentence id (an older server) is told as it came.
    expect(outcome.ok && outcome.said?.()).toBe('sent a frame with RSV1');
    // The browser's Close frame (1002) as the tap saw it, then the page's close event (1006).
    tap.receive(
      JSON.stringify({ ...clientHello(5, 11), opcode: 8, size: 8, payloadLength: 2, bytes: '888237fa213d3410' }),
    );
    sockets[0]!.fail();
    await Promise.resolve();
    expect(page.browserClose).toEqual({ code: 0x03ea, reason: '' });
    const explanation = page.explanation!;
    expect(explanation.title).toBe('Firefox 153 failed the connection, as the RFC requires');
    expect(explanation.text).toMatch(/RSV1 set/);
    expect(explanation.text).toMatch(/an error event, then a close event with code 1006 and wasClean false/);
    expect(explanation.text).toMatch(/a Close frame with code 1002/);
  });

  it('a browser that delivers the broken frame: the page says so once it has waited, and claims no failure', async () => {
    const { page, sockets, inspectors } = setup();
    await page.connect();
    sockets[0]!.open();
    const tap = inspectors[0]!;
    tap.receive(JSON.stringify(open(5, 1)));
    sockets[0]!.receive('before');
    const pending = page.demo({ demo: 'misbehave', kind: 'masked-frame' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const command = JSON.parse(tap.sent.at(-1) as string) as { id: number };
    tap.receive(JSON.stringify({ type: 'ack', t: 1, wall: 1, id: command.id, connection: 5, action: 'misbehave', detail: 'sent a masked frame' }));
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(page.explanation).toBeNull(); // too early to say
    // Firefox ESR: the masked frame arrives as a message, no error, still OPEN.
    sockets[0]!.receive('a masked frame, 20 b');
    await new Promise((resolve) => setTimeout(resolve, 60));
    const explanation = page.explanation!;
    expect(explanation.title).toBe('Firefox 153 did not fail the connection');
    expect(explanation.text).toContain('It fired 1 message event and no error; the connection is still OPEN.');
    // The user's own messages afterwards are not counted as the browser's answer.
    sockets[0]!.receive('echo');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(page.explanation!.text).toContain('It fired 1 message event');
    // A close of the user's own is explained as a close.
    sockets[0]!.closed(1000, 'done', true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(page.explanation!.title).toBe('Closed with 1000 (Normal Closure)');
  });

  it('explains a handshake the server refused, from the tap\u2019s report', async () => {
    const { page, sockets, inspectors } = setup();
    page.url = 'ws://127.0.0.1:8008/nope';
    await page.connect();
    inspectors[0]!.receive(
      JSON.stringify({
        type: 'refused', t: 1, wall: 1, path: '/nope', session: 'TOKEN', peer: 'p', status: 404, reason: 'No WebSocket endpoint at /nope.',
        request: { method: 'GET', url: '/nope?session=TOKEN&conn=1', httpVersion: '1.1', headers: [] },
        response: { status: 404, head: 'HTTP/1.1 404 Not Found\r\n\r\n' },
      }),
    );
    sockets[0]!.fail();
    await Promise.resolve();
    expect(page.explanation?.title).toBe('The server refused the handshake (HTTP 404)');
    expect(page.explanation?.text).toMatch(/No WebSocket endpoint at \/nope\./);
  });

  it('refuses demonstrations without an open, tapped connection', async () => {
    const { page } = setup();
    expect(await page.demo({ demo: 'ping', payload: '' })).toMatchObject({ ok: false, message: /Connect first/ });
    expect(await page.demo({ demo: 'fragment-next', count: 1 })).toMatchObject({ ok: false, message: /2 to 16/ });
  });

  it('selects the broken frame after a violation demonstration, with its fault from the codec', async () => {
    const { page, sockets, inspectors } = setup();
    await page.connect();
    sockets[0]!.open();
    const tap = inspectors[0]!;
    tap.receive(JSON.stringify(open(5, 1)));
    tap.receive(JSON.stringify(clientHello(5)));
    tap.receive(JSON.stringify(serverHello(5)));
    const pending = page.demo({ demo: 'misbehave', kind: 'rsv1' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const command = JSON.parse(tap.sent.at(-1) as string) as { id: number };
    // The server reports the frame it broke (RSV1 set: c1 …), then acks; then the Close frames come.
    tap.receive(JSON.stringify({ ...serverHello(5, 7), opcode: 1, size: 13, payloadLength: 11, bytes: 'c10b5253563120697320736574', misbehave: 'rsv1' }));
    tap.receive(JSON.stringify({ type: 'ack', t: 1, wall: 1, id: command.id, connection: 5, action: 'misbehave', detail: 'sent' }));
    await pending;
    tap.receive(JSON.stringify({ ...clientHello(5, 11), opcode: 8, size: 8, payloadLength: 2, bytes: '888237fa213d3410' }));
    tap.receive(JSON.stringify({ ...serverHello(5, 20), opcode: 8, size: 4, payloadLength: 2, bytes: '880203ea' }));
    await Promise.resolve();
    const selected = page.selectedFrame!;
    expect(selected.misbehave).toBe('rsv1');
    expect(page.follow).toBe(false);
    // The fault the decoder would pin: rule, close code, section, the byte at stream offset 7.
    expect(selected.fault).toMatchObject({ rule: 'rsv-without-extension', closeCode: 1002, rfc: '5.2', offset: 7, frameOffset: 7 });
    expect(page.position).toEqual({ index: 3, count: 5 });
  });

  it('steps through the frames with Prev and Next, from the newest when following', async () => {
    const { page, sockets, inspectors } = setup();
    await page.connect();
    sockets[0]!.open();
    const tap = inspectors[0]!;
    tap.receive(JSON.stringify(open(5, 1)));
    for (let i = 0; i < 3; i++) tap.receive(JSON.stringify(clientHello(5, i * 11)));
    await Promise.resolve();
    expect(page.position).toEqual({ index: 3, count: 3 });
    expect(page.step(1)).toBe(false);
    expect(page.step(-1)).toBe(true);
    expect(page.follow).toBe(false);
    expect(page.position).toEqual({ index: 2, count: 3 });
    expect(page.step(-1)).toBe(true);
    expect(page.step(-1)).toBe(false);
    expect(page.position).toEqual({ index: 1, count: 3 });
    // Following again selects the newest; turning it off keeps that frame selected.
    page.follow = true;
    tap.receive(JSON.stringify(clientHello(5, 33)));
    await Promise.resolve();
    expect(page.position).toEqual({ index: 4, count: 4 });
    page.follow = false;
    tap.receive(JSON.stringify(clientHello(5, 44)));
    await Promise.resolve();
    expect(page.position).toEqual({ index: 4, count: 5 });
  });

  it('pauses the capture: frames keep coming and are counted, the view holds still until resumed', async () => {
    const { page, sockets, inspectors } = setup();
    await page.connect();
    sockets[0]!.open();
    const tap = inspectors[0]!;
    tap.receive(JSON.stringify(open(5, 1)));
    tap.receive(JSON.stringify(clientHello(5)));
    await Promise.resolve();
    const before = page.selectedFrame;
    page.paused = true;
    for (let i = 1; i <= 4; i++) tap.receive(JSON.stringify(clientHello(5, i * 11)));
    await Promise.resolve();
    const capture = page.inspector!.capture;
    expect(capture.frames.length).toBe(1);
    expect(capture.arrived).toBe(4);
    expect(page.selectedFrame).toBe(before);
    page.paused = false;
    expect(capture.frames.length).toBe(5);
    expect(capture.arrived).toBe(0);
    expect(page.position).toEqual({ index: 5, count: 5 });
  });

  it('tells the page of each socket Connect opens (the console’s `ws`)', async () => {
    const opened: unknown[] = [];
    const sockets: FakeSocket[] = [];
    const page = new PlaygroundState({
      location: { protocol: 'file:', host: '' },
      session: 'TOKEN',
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      onsocket: (socket) => opened.push(socket),
    });
    page.url = 'ws://example.org/echo';
    await page.connect();
    expect(opened).toEqual([sockets[0]]);
  });
});
