/**
 * The proxy's side of the target's opening handshake: open TCP (or TLS, for wss://) to the address
 * the policy checked, write the forwarded request, and read the target's response head, all
 * within one time budget. Every way it can go wrong ends in a value that says what happened, for a
 * 502 or 504 with the reason, never a hang: TCP refused or unreachable, no answer in time, an
 * answer that is not HTTP, a connection closed mid-head, a head too long.
 */
import net from 'node:net';
import tls from 'node:tls';
import { formatBytes } from '../log.ts';
import { reason, type Reason } from './reasons.ts';

/** A response head longer than this is refused (502), as a server refuses a request head (431). */
export const MAX_RESPONSE_HEAD = 16 * 1024;

export interface UpstreamRequest {
  address: string;
  family: 4 | 6;
  port: number;
  /** wss://: TLS to the target, checked against `servername` (a name) or the address. */
  secure: boolean;
  servername: string | null;
  /** What the address is called in messages ("127.0.0.1:9001", "student-pc (192.168.1.20):9001"). */
  shown: string;
  /** The forwarded request head, and bytes the browser sent after it. */
  request: Uint8Array;
  /** Milliseconds for TCP (and TLS) and the whole response head. */
  timeout: number;
  /** Extra TLS options (a test's own CA). */
  tls?: tls.ConnectionOptions;
}

export type UpstreamFailure = {
  kind: 'failed';
  stage: 'connect' | 'timeout' | 'not-http' | 'closed';
  status: 502 | 504;
  reason: string;
  /** The reason's id and values, for a page in another language. */
  said: Reason;
  /** What the target sent before it failed. */
  received: Uint8Array;
};

export type UpstreamResult =
  | {
      kind: 'response';
      socket: net.Socket;
      /** The response head's bytes, its empty line included. */
      head: Uint8Array;
      /** Bytes that came after the head in the same reads. */
      rest: Uint8Array;
    }
  | UpstreamFailure;

export interface UpstreamAttempt {
  result: Promise<UpstreamResult>;
  /** The browser gave up: drop the attempt (the promise resolves as failed). */
  cancel(): void;
}

const HTTP_PREFIX = Buffer.from('HTTP/', 'latin1');

/**
 * Index just after the empty line that ends a response head: CR LF CR LF, or LF LF, or LF CR LF
 * (heads with bare LFs: browsers read those too); -1 when it has not come yet.
 */
export function responseHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** Do these bytes start like an HTTP response ("HTTP/"), as far as they go? */
function looksLikeHttp(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, HTTP_PREFIX.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== HTTP_PREFIX[i]) return false;
  return true;
}

/** The first bytes of an answer, as a student can read them: text with escapes, cut short. */
export function preview(bytes: Uint8Array, max = 48): string {
  const shown = Buffer.from(bytes.subarray(0, max)).toString('latin1');
  const escaped = JSON.stringify(shown).slice(1, -1);
  return `"${escaped}"${bytes.length > max ? '…' : ''}`;
}

function connectError(error: NodeJS.ErrnoException, shown: string, secure: boolean): Reason {
  const code = error.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return reason('connect-refused', { shown });
    case 'ECONNRESET':
      return reason('connect-reset', { shown });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return reason('connect-unreachable', { shown, code });
    case 'EADDRNOTAVAIL':
      return reason('connect-not-available', { shown });
    default:
      return reason(secure ? 'tls-failed' : 'connect-failed', { shown, error: error.message, code });
  }
}

/** Open the connection and read the response head (see the file's comment). */
export function openUpstream(req: UpstreamRequest): UpstreamAttempt {
  let settle: (result: UpstreamResult) => void = () => {};
  const result = new Promise<UpstreamResult>((resolve) => (settle = resolve));
  let done = false;
  let connected = false;
  let received: Buffer = Buffer.alloc(0);
  const socket: net.Socket = req.secure
    ? tls.connect({
        host: req.address,
        port: req.port,
        servername: req.servername ?? undefined,
        ALPNProtocols: ['http/1.1'],
        ...req.tls,
      })
    : net.connect({ host: req.address, port: req.port, family: req.family, allowHalfOpen: true });

  const finish = (value: UpstreamResult): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onEnd);
    socket.off('error', onError);
    if (value.kind === 'failed') {
      socket.on('error', () => {});
      socket.destroy();
    } else {
      socket.pause();
    }
    settle(value);
  };
  const fail = (stage: UpstreamFailure['stage'], said: Reason): void => {
    finish({ kind: 'failed', stage, status: stage === 'timeout' ? 504 : 502, reason: said.text, said, received: new Uint8Array(received.subarray(0, 1024)) });
  };
  const shown = req.shown;
  const timeout = String(req.timeout);

  const timer = setTimeout(() => {
    if (!connected) fail('timeout', reason('tcp-timeout', { shown, timeout }));
    else if (received.length === 0) fail('timeout', reason('silent', { shown, timeout }));
    else fail('timeout', reason('head-incomplete', { shown, size: formatBytes(received.length), timeout, preview: preview(received) }));
  }, req.timeout);
  timer.unref();

  const onConnect = (): void => {
    connected = true;
    socket.setNoDelay(true);
    socket.write(req.request);
  };
  const onData = (chunk: Buffer): void => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    if (!looksLikeHttp(received)) {
      fail('not-http', reason('not-http', { shown, preview: preview(received) }));
      return;
    }
    const end = responseHeadEnd(received);
    if (end === -1) {
      if (received.length > MAX_RESPONSE_HEAD) fail('not-http', reason('head-too-long', { shown, max: formatBytes(MAX_RESPONSE_HEAD) }));
      return;
    }
    finish({ kind: 'response', socket, head: new Uint8Array(received.subarray(0, end)), rest: new Uint8Array(received.subarray(end)) });
  };
  const onEnd = (): void => {
    if (received.length === 0) fail('closed', reason('closed-silent', { shown }));
    else fail('closed', reason('closed-mid-head', { shown, size: formatBytes(received.length), preview: preview(received) }));
  };
  const onError = (error: NodeJS.ErrnoException): void => {
    if (!connected) fail('connect', connectError(error, req.shown, req.secure));
    else onEnd();
  };
  socket.once(req.secure ? 'secureConnect' : 'connect', onConnect);
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onEnd);
  socket.on('error', onError);

  return {
    result,
    cancel: () => fail('closed', reason('browser-left')),
  };
}
