/**
 * Helpers for the permessage-deflate tests: a connection with the server's own node:zlib engines
 * (asynchronous), driven until it has nothing more to do, and synchronous engines built on
 * node:zlib's one-shot calls (the window carried as a dictionary), so both paths of the codec run.
 */
import zlib from 'node:zlib';
import {
  PerMessageDeflate,
  WebSocketConnection,
  type DeflateEngines,
  type DeflateParams,
  type InflateOutcome,
  type ProtocolEvent,
  type Role,
} from '../../src/protocol';
import { zlibEngines } from '../../server/deflate/zlib';

export const DEFAULT_PARAMS: DeflateParams = { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 };

const slide = (window: Buffer, data: Uint8Array): Buffer => Buffer.from(Buffer.concat([window, data]).subarray(-32768));

/** Synchronous engines: one-shot zlib calls, the LZ77 window passed as a dictionary. */
export function syncEngines(): DeflateEngines {
  let inWindow: Buffer = Buffer.alloc(0);
  let outWindow: Buffer = Buffer.alloc(0);
  return {
    inflater: {
      inflate(data, limit): InflateOutcome {
        try {
          const out = zlib.inflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: Math.min(limit + 1, 2 ** 32), ...(inWindow.length ? { dictionary: inWindow } : {}) });
          if (out.length > limit) return { kind: 'too-large', limit };
          inWindow = slide(inWindow, out);
          return { kind: 'inflated', data: new Uint8Array(out) };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'too-large', limit };
          return { kind: 'invalid', reason: (error as Error).message };
        }
      },
      reset() {
        inWindow = Buffer.alloc(0);
      },
    },
    deflater: {
      deflate(data) {
        const out = zlib.deflateRawSync(data, { finishFlush: zlib.constants.Z_SYNC_FLUSH, ...(outWindow.length ? { dictionary: outWindow } : {}) });
        outWindow = slide(outWindow, data);
        return new Uint8Array(out);
      },
      reset() {
        outWindow = Buffer.alloc(0);
      },
    },
  };
}

export interface Driven {
  conn: WebSocketConnection;
  /** Feed bytes, wait until the connection is idle, return the events and the bytes it wrote. */
  receive(bytes: Uint8Array): Promise<{ events: ProtocolEvent[]; out: Uint8Array }>;
  /** Wait until the connection is idle; return the bytes it wrote meanwhile. */
  settle(): Promise<{ events: ProtocolEvent[]; out: Uint8Array }>;
}

/** A connection with permessage-deflate agreed as `params`, on async (server) or sync engines. */
export function deflateConnection(role: Role, params: Partial<DeflateParams> = {}, options: { engines?: 'async' | 'sync'; maxMessage?: number; threshold?: number } = {}): Driven {
  const agreed = { ...DEFAULT_PARAMS, ...params };
  const engines = options.engines === 'sync' ? syncEngines() : zlibEngines(agreed);
  let woken: (() => void) | null = null;
  const conn = new WebSocketConnection({
    role,
    maxMessage: options.maxMessage,
    deflate: new PerMessageDeflate({ role, params: agreed, engines, threshold: options.threshold ?? 0 }),
    maskingKey: () => new Uint8Array(4),
    wake: () => woken?.(),
  });
  const settle = async (): Promise<{ events: ProtocolEvent[]; out: Uint8Array }> => {
    const events: ProtocolEvent[] = [];
    const out: Uint8Array[] = [];
    for (;;) {
      for (let e = conn.nextEvent(); e !== null; e = conn.nextEvent()) events.push(e);
      out.push(...conn.takeOutgoing());
      if (!conn.busy) break;
      await new Promise<void>((resolve) => (woken = resolve));
      woken = null;
    }
    return { events, out: new Uint8Array(Buffer.concat(out)) };
  };
  return {
    conn,
    settle,
    receive(bytes) {
      conn.receive(bytes);
      return settle();
    },
  };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').replace(/(..)(?!$)/g, '$1 ');
