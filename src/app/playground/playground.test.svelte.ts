import { describe, expect, it } from 'vitest';
import { connectInspector } from '../inspector/client.svelte';
import { clientHello, hello, open, serverHello } from '../inspector/fixtures';
import { FakeSocket } from '../socket/fake-socket';
import { PlaygroundState } from './playground.svelte';

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
    expect(inspectors[0]?.url).toBe('ws://127.0.0.1:8008/inspect?session=TOKEN');
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
    expect(await pending).toEqual({ ok: true, message: 'sent a frame with RSV1' });
    // The browser's Close frame (1002) as the tap saw it, then the page's close event (1006).
    tap.receive(
      JSON.stringify({ ...clientHello(5, 11), opcode: 8, size: 8, payloadLength: 2, bytes: '888237fa213d3410' }),
    );
    sockets[0]!.fail();
    await Promise.resolve();
    expect(page.browserClose).toEqual({ code: 0x03ea, reason: '' });
    const explanation = page.explanation!;
    expect(explanation.title).toBe('The browser failed the connection');
    expect(explanation.text).toMatch(/RSV1 set/);
    expect(explanation.text).toMatch(/a Close frame with code 1002/);
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
});
