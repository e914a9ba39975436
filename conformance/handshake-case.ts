/**
 * The opening-handshake cases (x.0): one request, valid or broken on purpose, written in one or
 * more pieces; the server's answer read up to the end of its head; a verdict on it. A 101 is then
 * closed politely (a close frame, a short wait), a refusal is left for the server to close.
 */
import net from 'node:net';
import { encodeClose, parseHttpHead, randomMaskingKey, validateUpgradeResponse } from '../src/protocol/index.ts';
import type { Behavior, CaseReport, WireMark } from '../src/wire/conformance.ts';
import type { HandshakeCase } from './case.ts';
import { markHead, markHeader, markStatus } from './head-marks.ts';
import { generateKey } from '../src/protocol/index.ts';
import type { Target } from './target.ts';
import type { WireLog } from './wire-log.ts';

export interface HandshakeAnswer {
  /** The status code, or null when no complete head came back. */
  status: number | null;
  head: string | null;
  /** Lowercase names, every value. */
  headers: Record<string, string[]>;
  /** What happened instead of a head: "closed", "timeout", "ECONNREFUSED", "not HTTP". */
  missing: string | null;
}

export interface HandshakeVerdict {
  behavior: Behavior;
  result: string;
  mark?: WireMark | null;
}

const MAX_HEAD = 16 * 1024;

/** Play one opening-handshake case; resolves with the verdict once the connection is gone. */
export function runHandshakeCase(def: HandshakeCase, target: Target, log: WireLog, timeoutMs: number, signal: AbortSignal): Promise<Pick<CaseReport, 'behavior' | 'behaviorClose' | 'result'> & { connectError: string | null }> {
  return new Promise((resolve) => {
    const key = generateKey();
    const pieces = def.request({ host: target.hostHeader, path: target.path, key });
    const socket = net.connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const timers: NodeJS.Timeout[] = [];
    let received = Buffer.alloc(0);
    let answer: HandshakeAnswer | null = null;
    let connectError: string | null = null;
    let verdict: HandshakeVerdict | null = null;

    const finish = (missing: string | null): void => {
      if (answer !== null) return;
      answer = { status: null, head: null, headers: {}, missing };
      if (received.length > 0) log.http('server-to-client', received.toString('latin1'), { offset: 0, length: 1, text: `not a complete HTTP head: ${missing ?? ''}` });
      decide();
    };
    const decide = (): void => {
      verdict = def.judge(answer!, key);
      if (verdict.behavior === 'OK' && answer!.status === 101) {
        // A polite end: a close frame (1000), and a second for the server's close and TCP close.
        socket.write(encodeClose(1000, '', randomMaskingKey()));
        timers.push(setTimeout(() => socket.destroy(), 1000));
      } else if (answer!.status === 101) {
        socket.destroy();
      } else {
        timers.push(setTimeout(() => socket.destroy(), 500));
      }
    };
    const onAbort = (): void => {
      log.event('the run was stopped');
      socket.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    socket.on('connect', () => {
      log.http('client-to-server', pieces.join(''));
      if (pieces.length > 1) log.event(`the request is written in ${pieces.length} pieces of ${pieces.map((x) => Buffer.byteLength(x, 'latin1')).join(' + ')} bytes, ${def.gapMs ?? 0} ms apart`);
      pieces.forEach((piece, i) => {
        const write = (): void => void (socket.destroyed || socket.write(piece, 'latin1'));
        if (i === 0) write();
        else timers.push(setTimeout(write, i * (def.gapMs ?? 0)));
      });
    });
    socket.on('data', (chunk: Buffer) => {
      if (answer !== null) return;
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end === -1) {
        if (received.length > MAX_HEAD) finish(`over ${MAX_HEAD} bytes without the empty line that ends an HTTP head`);
        return;
      }
      const text = received.subarray(0, end + 4).toString('latin1');
      const parsed = parseHttpHead(text);
      if (!parsed.ok || parsed.head.kind !== 'response') {
        log.http('server-to-client', text, markStatus(text, 'not an HTTP response'));
        answer = { status: null, head: text, headers: {}, missing: `not an HTTP response${parsed.ok ? '' : `: ${parsed.error.message}`}` };
        decide();
        return;
      }
      const headers: Record<string, string[]> = {};
      for (const h of parsed.head.headerList) (headers[h.name.toLowerCase()] ??= []).push(h.value);
      answer = { status: parsed.head.status, head: text, headers, missing: null };
      decide();
      log.http('server-to-client', text, verdict?.mark ?? null);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!socket.remoteAddress) connectError = error.code ?? error.message;
      log.event(`TCP error: ${error.code ?? error.message}`);
    });
    socket.on('end', () => log.event('TCP: the server closed its side (FIN)'));
    socket.on('close', () => {
      for (const t of timers) clearTimeout(t);
      signal.removeEventListener('abort', onAbort);
      if (answer === null) finish(connectError ?? (signal.aborted ? 'stopped' : 'the server closed TCP without an HTTP response'));
      log.event('TCP closed');
      const v = verdict!;
      resolve({ behavior: v.behavior, behaviorClose: v.behavior === 'FAILED' && answer!.status === null ? 'FAILED' : 'OK', result: v.result, connectError });
    });
    timers.push(setTimeout(() => {
      if (answer !== null) return;
      log.event(`no answer within ${timeoutMs} ms: the grader drops TCP`);
      finish(`no answer within ${timeoutMs} ms`);
      socket.destroy();
    }, timeoutMs));
  });
}

// ---- judgements ------------------------------------------------------------------------------

const statusLine = (a: HandshakeAnswer): string => (a.head ?? '').split('\r\n', 1)[0] ?? '';

/** A valid request: 101, and every check RFC 6455 §4.1 makes a client do of the response. */
export function expectUpgrade(a: HandshakeAnswer, key: string, offered: { extensions?: string[]; protocols?: string[] } = {}): HandshakeVerdict {
  if (a.head === null || a.status === null) return { behavior: 'FAILED', result: `No HTTP response to a valid opening handshake: ${a.missing}.` };
  const v = validateUpgradeResponse(a.head, key, offered);
  if (!v.ok) return { behavior: 'FAILED', result: `${statusLine(a)}: ${v.reason}`, mark: markHead(a.head, v.reason) };
  return { behavior: 'OK', result: `101 Switching Protocols, with Upgrade: websocket, Connection: Upgrade and the right Sec-WebSocket-Accept for the key${v.extensions.length > 0 ? ` (extensions: ${v.extensions.join(', ')})` : ', and no extension or subprotocol it was not offered'}.` };
}

/**
 * A request a server must refuse (RFC 6455 §4.2.1: "the server MUST stop processing the client's
 * handshake and return an HTTP response with an appropriate error code (such as 400 Bad Request)").
 * 101 or no HTTP answer at all: FAILED. 4xx: OK. Another status: NON-STRICT.
 */
export function expectRefusal(a: HandshakeAnswer, what: string): HandshakeVerdict {
  if (a.head === null || a.status === null) {
    return { behavior: 'FAILED', result: `The server gave no HTTP response to ${what} (${a.missing}); RFC 6455 §4.2.1 wants an HTTP error such as 400 Bad Request.` };
  }
  if (a.status === 101) {
    return { behavior: 'FAILED', result: `The server accepted ${what} with 101 Switching Protocols; it must refuse it with an HTTP error such as 400 Bad Request (RFC 6455 §4.2.1).`, mark: markStatus(a.head, 'A 101 here: this request must be refused.') };
  }
  if (a.status >= 400 && a.status < 500) return { behavior: 'OK', result: `Refused: ${statusLine(a)}.` };
  return { behavior: 'NON-STRICT', result: `The server answered ${what} with ${statusLine(a)}: not an upgrade, but not the client error (4xx, such as 400 Bad Request) RFC 6455 §4.2.1 suggests.`, mark: markStatus(a.head, 'Expected a 4xx client error here.') };
}

/**
 * A version the server does not speak: RFC 6455 §4.2.2 "the server MUST abort the WebSocket
 * handshake described in this section and instead send an appropriate HTTP error code (such as 426
 * Upgrade Required) and a |Sec-WebSocket-Version| header field indicating the version(s) the
 * server is capable of understanding."
 */
export function expectVersionRefusal(a: HandshakeAnswer, what: string): HandshakeVerdict {
  const refusal = expectRefusal(a, what);
  if (refusal.behavior === 'FAILED' || a.head === null) return refusal;
  const versions = (a.headers['sec-websocket-version'] ?? []).join(',').split(',').map((x) => x.trim());
  if (!versions.includes('13')) {
    return { behavior: 'FAILED', result: `${statusLine(a)}, but without a Sec-WebSocket-Version header naming 13: the server must say which versions it speaks (RFC 6455 §4.2.2, §4.4).`, mark: markHeader(a.head, 'Sec-WebSocket-Version', 'No Sec-WebSocket-Version: 13 in this response.') };
  }
  if (a.status !== 426) return { behavior: 'NON-STRICT', result: `${statusLine(a)} with Sec-WebSocket-Version: ${versions.join(', ')}; 426 Upgrade Required is the status RFC 6455 §4.2.2 and §4.4 show.`, mark: markStatus(a.head, 'Expected 426 Upgrade Required.') };
  return { behavior: 'OK', result: `${statusLine(a)}, with Sec-WebSocket-Version: ${versions.join(', ')}.` };
}
