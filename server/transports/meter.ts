/**
 * HTTP bytes as they cross the socket, for the comparison's ledgers (accounting.ts decides which
 * bytes are which). A request's head is counted from node:http's parse of it (the request line
 * and its raw header lines as received); its body as it is read. A response is measured on the
 * socket itself: `socket.bytesWritten` before and after each write (it counts what is queued
 * too), so the status line, the header lines node:http adds (Date, Connection, Keep-Alive,
 * Transfer-Encoding) and the chunked-encoding framing are the bytes really written.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestHead, TrafficLedger } from './accounting.ts';
import type { ByteBudget } from './queue.ts';

/** The request head as node:http parsed it, header lines as the client wrote them. */
export function requestHead(req: IncomingMessage): RequestHead {
  const headers: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.push(`${raw[i]}: ${raw[i + 1]}`);
  return { method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers };
}

/**
 * A response whose bytes go into `ledger`. Writes wait until node:http gives the response its
 * socket (a pipelined request's response is queued behind the one before it), so the bytes
 * measured are this response's alone.
 */
export class ResponseMeter {
  readonly res: ServerResponse;
  readonly #ledger: TrafficLedger | null;

  /** `ledger` null: answer without counting (a request that names no run). */
  constructor(res: ServerResponse, ledger: TrafficLedger | null) {
    this.res = res;
    this.#ledger = ledger;
  }

  /** Is the client still there to be answered? */
  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed && this.res.socket?.destroyed !== true;
  }

  /** A whole response: `body` with its Content-Length, of which `payload` bytes are messages. */
  send(status: number, headers: OutgoingHttpHeaders, body: Uint8Array | string, payload = 0): void {
    // RFC 9110 §8.6: "A server MUST NOT send a Content-Length header field in any response with a status code of 1xx (Informational) or 204 (No Content)".
    const bytes = status === 204 ? new Uint8Array(0) : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.#withSocket((socket) => {
      const before = bytesWritten(socket);
      this.res.writeHead(status, status === 204 ? headers : { ...headers, 'Content-Length': String(bytes.length) });
      this.res.end(bytes.length > 0 ? bytes : undefined);
      const written = bytesWritten(socket) - before;
      // All of it went in (a socket that died in between took none): the head is the rest.
      if (written >= bytes.length) this.#ledger?.response(written, written - bytes.length, bytes.length > 0 ? payload : 0);
    });
  }

  /** A plain-text answer (a refusal, a reason). */
  text(status: number, reason: string, headers: OutgoingHttpHeaders = {}): void {
    this.send(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers }, `${reason}\n`);
  }

  /** Start a streamed (chunked) response: the head goes out now. */
  openStream(status: number, headers: OutgoingHttpHeaders): void {
    this.#withSocket((socket) => {
      const before = bytesWritten(socket);
      this.res.writeHead(status, headers);
      this.res.flushHeaders();
      const written = Math.max(0, bytesWritten(socket) - before);
      this.#ledger?.response(written, written, 0);
    });
  }

  /**
   * Write `text` into a stream opened with `openStream`; `payload` of its bytes are messages, the
   * rest (and the chunk's size line and CRLFs) framing. Returns false when the socket's buffer is
   * full (the client is not reading fast enough), as `res.write` does.
   */
  write(text: string, payload: number): boolean {
    const socket = this.res.socket;
    if (socket === null || !this.open) return false;
    const before = bytesWritten(socket);
    const ok = this.res.write(text);
    const written = bytesWritten(socket) - before;
    if (written >= payload) this.#ledger?.response(written, 0, payload);
    return ok;
  }

  /** End a stream: the last chunk ("0\r\n\r\n") is framing. */
  end(): void {
    const socket = this.res.socket;
    if (socket === null || !this.open) return;
    const before = bytesWritten(socket);
    this.res.end();
    this.#ledger?.response(Math.max(0, bytesWritten(socket) - before), 0, 0);
  }

  /** Bytes written to the socket and not yet sent. */
  get buffered(): number {
    return this.res.socket?.writableLength ?? 0;
  }

  #withSocket(write: (socket: Socket) => void): void {
    if (this.res.headersSent || this.res.writableEnded) return;
    const socket = this.res.socket;
    if (socket !== null && socket !== undefined) {
      if (!socket.destroyed) write(socket);
      return;
    }
    // Pipelined: node:http hands the socket over once the responses before this one are done.
    this.res.once('socket', (assigned: Socket) => {
      if (!assigned.destroyed) write(assigned);
    });
  }
}

/** Bytes handed to the socket so far, queued ones included (0 for a socket already torn down). */
function bytesWritten(socket: Socket): number {
  const count: number | undefined = socket.bytesWritten;
  return typeof count === 'number' ? count : 0;
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: number; reason: string };

export interface BodyLimits {
  /** Bytes in one body. */
  limit: number;
  /** Bytes of every body being read at once. */
  budget: ByteBudget;
}

/**
 * Read a request body of at most `limit` bytes, counting it into `ledger` as it arrives. A
 * message is sent with its Content-Length, so that every byte of the body is the message: a
 * chunked body is refused (411), a longer one too (413, before any of it is read), and one that
 * does not fit what all bodies being read may hold together waits its turn (503).
 */
export function readBody(req: IncomingMessage, { limit, budget }: BodyLimits, ledger: TrafficLedger | null): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared === undefined || req.headers['transfer-encoding'] !== undefined) {
    req.resume();
    return Promise.resolve({ ok: false, status: 411, reason: 'Send the message with a Content-Length (a chunked body is not accepted here).' });
  }
  const length = Number(declared);
  if (!Number.isSafeInteger(length) || length < 0) {
    req.resume();
    return Promise.resolve({ ok: false, status: 400, reason: 'The Content-Length is not a number of bytes.' });
  }
  if (length > limit) {
    req.resume();
    return Promise.resolve({ ok: false, status: 413, reason: `A message is at most ${limit} bytes; this one declares ${length}.` });
  }
  if (!budget.take(length)) {
    req.resume();
    return Promise.resolve({ ok: false, status: 503, reason: 'The server is receiving too many messages at once; try again in a second.' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      budget.give(length);
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      ledger?.requestBody(chunk.length);
      chunks.push(chunk);
    });
    req.on('end', () => settle({ ok: true, body: Buffer.concat(chunks) }));
    req.on('error', () => settle({ ok: false, status: 400, reason: 'The request body did not arrive.' }));
    req.on('close', () => settle({ ok: false, status: 400, reason: 'The request body did not arrive.' }));
  });
}
