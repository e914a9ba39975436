/**
 * The playground watching another server through /proxy: the URLs, the allow check, the choice,
 * connecting through the proxy, what the capture keeps of a proxied connection (the target's reads,
 * its faults as server-to-client frames, findings), and what the page says.
 */
import { describe, expect, it } from 'vitest';
import { Capture } from '../../inspector/capture';
import { connectInspector } from '../../inspector/client.svelte';
import { hello, open as openMessage, REQUEST_HEADERS } from '../../inspector/fixtures';
import type { FaultMessage, FindingMessage, OpenMessage, RefusedMessage } from '../../inspector/messages';
import { FakeSocket } from '../../socket/fake-socket';
import { PlaygroundState } from '../playground.svelte';
import { ProxyChoice, type CheckFetch } from './choice.svelte';
import { explainProxied, explainProxyRefusal } from './explain';
import { readRows } from './report';
import { foreignTarget, proxyCheckUrl, proxyUrl, readCheck } from './target';

const LOCATION = { protocol: 'http:', host: '127.0.0.1:8008' };
const TARGET = 'ws://127.0.0.1:9001/';
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const allowAll: CheckFetch = async (url) => {
  const target = new URL(url).searchParams.get('target')!;
  return { status: 200, body: { target, allowed: true, address: '127.0.0.1:9001' } };
};

function proxiedOpen(connection: number, conn: number, steps: OpenMessage['proxy'] = undefined): OpenMessage {
  const base = openMessage(connection, conn);
  return {
    ...base,
    path: '/proxy',
    request: { ...base.request, url: `/proxy?target=${encodeURIComponent(TARGET)}&session=TOKEN&conn=${conn}` },
    proxy: steps ?? {
      target: TARGET,
      address: '127.0.0.1:9001',
      forwarded: { method: 'GET', url: '/', httpVersion: '1.1', headers: REQUEST_HEADERS },
      steps: [{ step: 'status-line', ok: true, rfc: '4.1', expected: 'HTTP/1.1 101 Switching Protocols', got: 'HTTP/1.1 101 Switching Protocols', message: 'Status 101 Switching Protocols.' }],
      ok: true,
    },
  };
}

const maskedFault = (connection: number): FaultMessage => ({
  type: 'fault', t: 120, wall: 1, connection, direction: 'out', rule: 'mask-forbidden', closeCode: 1002, offset: 1, length: 1, rfc: '5.1', detail: {},
  message: 'The frame is masked (MASK=1), but a server must not mask the frames it sends to a client (RFC 6455 §5.1).',
  frameOffset: 0, bytes: '818537fa213d7f9f4d5158',
});

describe('the proxy URLs', () => {
  it('builds /proxy with the target, the session and the connection number', () => {
    expect(proxyUrl(LOCATION, TARGET, 'TOKEN', 3)).toBe('ws://127.0.0.1:8008/proxy?target=ws%3A%2F%2F127.0.0.1%3A9001%2F&session=TOKEN&conn=3');
    expect(proxyUrl({ protocol: 'https:', host: 'lab.example' }, TARGET, 'T', 1)).toMatch(/^wss:\/\/lab\.example\/proxy\?/);
    expect(proxyUrl({ protocol: 'file:', host: '' }, TARGET, 'T', 1)).toBeNull();
    expect(proxyCheckUrl(LOCATION, TARGET)).toBe('http://127.0.0.1:8008/proxy?target=ws%3A%2F%2F127.0.0.1%3A9001%2F');
  });

  it('a foreign target is a ws:// URL of another host than the page\u2019s', () => {
    expect(foreignTarget(' ws://127.0.0.1:9001 ', LOCATION)).toBe(TARGET);
    expect(foreignTarget('ws://127.0.0.1:8008/echo', LOCATION)).toBeNull();
    expect(foreignTarget('http://127.0.0.1:9001/', LOCATION)).toBeNull();
    expect(foreignTarget('ws://x/#frag', LOCATION)).toBeNull();
    expect(foreignTarget('nonsense', LOCATION)).toBeNull();
    expect(foreignTarget(TARGET, { protocol: 'file:', host: '' })).toBeNull();
  });

  it('reads the server\u2019s answer; anything unexpected means no proxy', () => {
    expect(readCheck(TARGET, 200, { allowed: true, address: 'a:1' })).toEqual({ state: 'allowed', target: TARGET, address: 'a:1' });
    expect(readCheck(TARGET, 200, { allowed: false, reason: 'no' })).toEqual({ state: 'refused', target: TARGET, reason: 'no' });
    expect(readCheck(TARGET, 404, null)).toMatchObject({ state: 'unavailable', reason: /has no \/proxy/ });
    expect(readCheck(TARGET, 200, '<html>')).toMatchObject({ state: 'unavailable' });
  });
});

describe('ProxyChoice', () => {
  it('checks as the URL is typed (after a pause), on by default when allowed, off when the user says so', async () => {
    const asked: string[] = [];
    const choice = new ProxyChoice(LOCATION, { fetch: async (url) => (asked.push(url), allowAll(url)), delay: 5 });
    choice.update('ws://127.0.0.1:80');
    choice.update(TARGET);
    expect(choice.check).toEqual({ state: 'checking', target: TARGET });
    expect(choice.watch).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(asked).toEqual([proxyCheckUrl(LOCATION, TARGET)]);
    expect(choice.check).toMatchObject({ state: 'allowed' });
    expect(choice.watch).toBe(true);
    choice.watch = false;
    expect(choice.watch).toBe(false);
    choice.update('ws://127.0.0.1:8008/echo');
    expect(choice.check).toEqual({ state: 'none' });
  });

  it('never watches a refused target; ensure() asks at once', async () => {
    const choice = new ProxyChoice(LOCATION, { fetch: async () => ({ status: 200, body: { allowed: false, reason: 'not allowed' } }) });
    expect(await choice.ensure(TARGET)).toEqual({ state: 'refused', target: TARGET, reason: 'not allowed' });
    choice.watch = true;
    expect(choice.watch).toBe(false);
  });

  it('a failed check is "unavailable", with the reason', async () => {
    const choice = new ProxyChoice(LOCATION, { fetch: async () => Promise.reject(new Error('offline')) });
    expect(await choice.ensure(TARGET)).toMatchObject({ state: 'unavailable', reason: /offline/ });
  });
});

function setup(proxyCheck: CheckFetch = allowAll) {
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
        createSocket: (u) => {
          const socket = new FakeSocket(u);
          inspectors.push(socket);
          queueMicrotask(() => {
            socket.open();
            socket.receive(JSON.stringify(hello()));
          });
          return socket;
        },
      }),
    inspectorWait: 100,
    proxyCheck,
  });
  return { page, sockets, inspectors };
}

describe('the playground through /proxy', () => {
  it('connects through /proxy with the tap open, and explains a fault in the target\u2019s bytes', async () => {
    const { page, sockets, inspectors } = setup();
    page.url = TARGET;
    await page.connect();
    expect(sockets[0]!.url).toBe(proxyUrl(LOCATION, TARGET, 'TOKEN', 1));
    expect(page.proxied).toBe(true);
    sockets[0]!.open();
    expect(page.tapped).toBe(true);
    const tap = inspectors[0]!;
    tap.receive(JSON.stringify(proxiedOpen(4, 1)));
    tap.receive(JSON.stringify(maskedFault(4)));
    sockets[0]!.fail();
    await tick();
    const faulty = page.inspector!.capture.frames.at(0)!;
    expect(faulty).toMatchObject({ direction: 'server-to-client', masked: true, headerLength: 6, payloadLength: 5 });
    expect(page.explanation?.title).toBe('Your server broke RFC 6455 §5.1 at byte 1');
  });

  it('goes straight to a refused target, saying why', async () => {
    const { page, sockets, inspectors } = setup(async () => ({ status: 200, body: { allowed: false, reason: '127.0.0.1 port 9001 is not an allowed target.' } }));
    page.url = TARGET;
    await page.connect();
    expect(sockets[0]!.url).toBe(TARGET);
    expect(inspectors.length).toBe(0);
    expect(page.proxied).toBe(false);
    expect(page.notice).toMatch(/may not watch it \(127\.0\.0\.1 port 9001 is not an allowed target\.\)/);
  });

  it('goes straight when the user turned watching off', async () => {
    const { page, sockets } = setup();
    page.url = TARGET;
    await page.proxy.ensure(TARGET);
    page.proxy.watch = false;
    await page.connect();
    expect(sockets[0]!.url).toBe(TARGET);
  });

  it('explains a target the proxy could not reach, from the refusal', async () => {
    const { page, sockets, inspectors } = setup();
    page.url = TARGET;
    await page.connect();
    const refused: RefusedMessage = {
      type: 'refused', t: 1, wall: 1, path: '/proxy', session: 'TOKEN', peer: 'p', status: 502,
      reason: 'Nothing accepts connections at 127.0.0.1:9001: the connection was refused (ECONNREFUSED). Is your server running, and on this port?',
      request: { method: 'GET', url: `/proxy?target=x&session=TOKEN&conn=1`, httpVersion: '1.1', headers: [] },
      response: { status: 502, head: 'HTTP/1.1 502 Bad Gateway\r\n\r\n' },
      proxy: { target: TARGET, address: '127.0.0.1:9001', stage: 'connect', received: '' },
    };
    inspectors[0]!.receive(JSON.stringify(refused));
    sockets[0]!.fail();
    await tick();
    expect(page.explanation?.title).toBe('Framescope could not reach your server (HTTP 502)');
    expect(page.proxyRefusal?.status).toBe(502);
  });
});

describe('what the page says', () => {
  function record(open: OpenMessage, extra: (capture: Capture) => void = () => {}) {
    const capture = new Capture();
    capture.ingest(open);
    extra(capture);
    return capture.connections.get(open.connection)!;
  }

  it('names the 101 step the browser refused', () => {
    const open = proxiedOpen(1, 1, {
      target: TARGET, address: 'a', forwarded: { method: 'GET', url: '/', httpVersion: '1.1', headers: [] }, ok: false,
      steps: [
        { step: 'http-head', ok: false, rfc: '4.1', expected: '', got: null, message: 'bare LF' },
        { step: 'accept', ok: false, rfc: '4.1', expected: 'x', got: 'y', message: 'Sec-WebSocket-Accept is \'y\', but the key gives x.' },
      ],
    });
    expect(explainProxied(record(open), { code: 1006, wasClean: false })).toMatchObject({ title: 'The browser refused your server\'s 101: Sec-WebSocket-Accept' });
  });

  it('a finding that breaks a MUST, when there is no frame fault; nothing for a clean connection', () => {
    const finding: FindingMessage = { type: 'finding', t: 1, wall: 1, connection: 1, direction: 'out', rule: 'close-not-answered', level: 'fault', offset: 9, length: 0, rfc: '5.5.1', message: 'never answered' };
    expect(explainProxied(record(proxiedOpen(1, 1), (c) => c.ingest(finding)), { code: 1006, wasClean: false })).toEqual({ title: 'Your server broke RFC 6455 §5.5.1', text: 'never answered', expected: false });
    expect(explainProxied(record(proxiedOpen(1, 1)), { code: 1000, wasClean: true })).toBeNull();
    expect(explainProxied(record(openMessage(1, 1)), { code: 1006, wasClean: false })).toBeNull();
  });

  it('a target that answered with another status', () => {
    const e = explainProxyRefusal({
      type: 'refused', t: 1, wall: 1, path: '/proxy', session: 'T', peer: 'p', status: 404, reason: 'Your server answered HTTP/1.1 404 Not Found instead of 101 Switching Protocols.',
      request: { method: 'GET', url: '/proxy', httpVersion: '1.1', headers: [] }, response: { status: 404, head: '' },
      proxy: { target: TARGET, address: 'a', stage: 'response', received: '' },
    });
    expect(e.title).toBe('Your server refused the WebSocket handshake (HTTP 404)');
    expect(e.text).toMatch(/Your server answered HTTP 404, not 101/);
  });

  it('the target\u2019s reads: frames ending, the read with the fault, raw bytes after decoding stopped', () => {
    const rows = readRows(
      [
        { type: 'read', t: 1, wall: 1, connection: 1, direction: 'out', offset: 0, size: 14, boundaries: [7, 14] },
        { type: 'read', t: 1, wall: 1, connection: 1, direction: 'out', offset: 14, size: 3, boundaries: [] },
        { type: 'read', t: 1, wall: 1, connection: 1, direction: 'out', offset: 17, size: 11, boundaries: [] },
        { type: 'read', t: 1, wall: 1, connection: 1, direction: 'out', offset: 28, size: 2, boundaries: [], bytes: '8100' },
      ],
      12,
      [18],
    );
    expect(rows.map((r) => r.note)).toEqual(['2 frames end here', 'inside one frame', '⚠ the fault at byte 18', 'after decoding stopped, not decoded']);
    expect(rows[3]!.raw).toBe('81 00');
  });

  it('the capture keeps a proxied connection\u2019s target reads, frames and findings apart', () => {
    const capture = new Capture();
    capture.ingest(proxiedOpen(1, 1));
    capture.ingest({ type: 'read', t: 1, wall: 1, connection: 1, direction: 'out', offset: 0, size: 7, boundaries: [7] });
    capture.ingest({ type: 'read', t: 1, wall: 1, connection: 1, offset: 0, size: 11, boundaries: [11] });
    capture.ingest({ type: 'frame', t: 1, wall: 1, connection: 1, direction: 'out', offset: 0, size: 7, opcode: 1, fin: true, masked: false, payloadLength: 5, headerLength: 2, bytes: '810548656c6c6f', truncated: false });
    capture.ingest({ type: 'finding', t: 1, wall: 1, connection: 1, direction: 'out', rule: 'frames-merged', level: 'info', offset: 0, length: 7, rfc: '1.5', message: 'm' });
    const r = capture.connections.get(1)!;
    expect(r.outReads.length).toBe(1);
    expect(r.reads.length).toBe(1);
    expect(r.outFrames.slice()).toEqual([{ seq: 0, offset: 0, size: 7, opcode: 1 }]);
    expect(r.findings.map((f) => f.rule)).toEqual(['frames-merged']);
  });
});
