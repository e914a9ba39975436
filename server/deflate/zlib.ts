/**
 * The DEFLATE engines the server lends the codec for permessage-deflate: node:zlib's raw streams,
 * one per direction per connection, kept between messages so the LZ77 window carries over
 * (context takeover) and reset by the codec where the handshake said no (deflate/extension.ts).
 *
 * Asynchronous, on libuv's threadpool, as ws does, measured in docs/server.md ("permessage-deflate
 * and the event loop"): inflating or compressing a 16 MiB message synchronously stops every other
 * connection for tens of milliseconds. A connection's jobs run one after another (a stream's
 * output belongs to one message at a time), and at most ten run at once server-wide (limiter.ts).
 */
import zlib from 'node:zlib';
import type { DeflateEngines, DeflateParams, InflateOutcome, RawDeflater, RawInflater } from '../../src/protocol/index.ts';
import { zlibLimiter, type Limiter } from './limiter.ts';

const SYNC_FLUSH = zlib.constants.Z_SYNC_FLUSH;

/** Runs one connection direction's jobs in call order, each through the shared limiter. */
class Serial {
  #last: Promise<unknown> = Promise.resolve();
  readonly #limiter: Limiter;

  constructor(limiter: Limiter) {
    this.#limiter = limiter;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#last.then(() => this.#limiter.run(job));
    this.#last = next.catch(() => undefined);
    return next;
  }
}

function joined(chunks: Buffer[], total: number): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

class ZlibInflater implements RawInflater {
  #stream: zlib.InflateRaw | null = null;
  readonly #serial: Serial;

  constructor(limiter: Limiter) {
    this.#serial = new Serial(limiter);
  }

  inflate(data: Uint8Array, limit: number): Promise<InflateOutcome> {
    return this.#serial.run(() => this.#inflate(data, limit));
  }

  #inflate(data: Uint8Array, limit: number): Promise<InflateOutcome> {
    return new Promise((resolve) => {
      // A window of 2^15 inflates whatever window the peer compressed with (RFC 7692 §7.1.2.2: its
      // client_max_window_bits only limits the peer).
      const stream = (this.#stream ??= zlib.createInflateRaw({ windowBits: 15 }));
      const chunks: Buffer[] = [];
      let total = 0;
      let settled = false;
      const finish = (outcome: InflateOutcome): void => {
        if (settled) return;
        settled = true;
        stream.off('data', onData);
        stream.off('error', onError);
        // A stream that stopped mid-message, failed, or met a block with BFINAL=1 (RFC 7692
        // §7.2.3.4) cannot go on: the next message gets a new one.
        if (outcome.kind !== 'inflated' || stream.readableEnded) this.#drop(stream);
        resolve(outcome);
      };
      const onData = (chunk: Buffer): void => {
        total += chunk.length;
        // The limit is checked as the output comes, 16 KiB at a time: a zip bomb is stopped
        // here, having cost one chunk past the limit, and nothing of it is kept.
        if (total > limit) {
          chunks.length = 0;
          finish({ kind: 'too-large', limit });
          return;
        }
        chunks.push(chunk);
      };
      const onError = (error: Error): void => finish({ kind: 'invalid', reason: error.message });
      stream.on('data', onData);
      stream.on('error', onError);
      stream.write(data);
      stream.flush(SYNC_FLUSH, () => finish({ kind: 'inflated', data: joined(chunks, total) }));
    });
  }

  reset(): void {
    this.#stream?.reset();
  }

  close(): void {
    if (this.#stream) this.#drop(this.#stream);
  }

  #drop(stream: zlib.InflateRaw): void {
    if (this.#stream === stream) this.#stream = null;
    stream.on('error', () => {});
    stream.close();
  }
}

class ZlibDeflater implements RawDeflater {
  #stream: zlib.DeflateRaw | null = null;
  readonly #windowBits: number;
  readonly #serial: Serial;

  /**
   * `windowBits`: the server_max_window_bits agreed (RFC 7692 §7.1.2.1). zlib cannot compress with
   * a 256-byte window (8: deflateInit2 refuses it since zlib 1.2.9), so 8 runs as 9, as ws does;
   * that still never points further back than 256 bytes, because zlib limits a match's distance
   * to the window size less 262 bytes (MAX_DIST = 2^9 - 262 = 250), so a peer with a 256-byte
   * window inflates it.
   */
  constructor(windowBits: number, limiter: Limiter) {
    this.#windowBits = Math.max(9, windowBits);
    this.#serial = new Serial(limiter);
  }

  deflate(data: Uint8Array): Promise<Uint8Array> {
    return this.#serial.run(
      () =>
        new Promise<Uint8Array>((resolve, reject) => {
          const stream = (this.#stream ??= zlib.createDeflateRaw({ windowBits: this.#windowBits }));
          const chunks: Buffer[] = [];
          let total = 0;
          const onData = (chunk: Buffer): void => {
            chunks.push(chunk);
            total += chunk.length;
          };
          const onError = (error: Error): void => {
            stream.off('data', onData);
            this.close();
            reject(error);
          };
          stream.on('data', onData);
          stream.once('error', onError);
          stream.write(data);
          // RFC 7692 §7.2.1: a sync flush ends the message's data with an empty stored block (00 00 ff ff).
          stream.flush(SYNC_FLUSH, () => {
            stream.off('data', onData);
            stream.off('error', onError);
            resolve(joined(chunks, total));
          });
        }),
    );
  }

  reset(): void {
    this.#stream?.reset();
  }

  close(): void {
    const stream = this.#stream;
    this.#stream = null;
    if (stream) {
      stream.on('error', () => {});
      stream.close();
    }
  }
}

export interface ZlibEngines extends DeflateEngines {
  /** Free both streams (the connection is gone). */
  close(): void;
}

/** The server's engines for one connection with the parameters agreed. */
export function zlibEngines(params: DeflateParams, limiter: Limiter = zlibLimiter): ZlibEngines {
  const inflater = new ZlibInflater(limiter);
  const deflater = new ZlibDeflater(params.serverMaxWindowBits, limiter);
  return {
    inflater,
    deflater,
    close() {
      inflater.close();
      deflater.close();
    },
  };
}
