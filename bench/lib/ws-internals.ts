/**
 * ws's Receiver and Sender, which ws exports but @types/ws does not describe: the parts the
 * codec benchmarks use. Loaded with require so WS_NO_BUFFER_UTIL in the environment decides,
 * as in any ws user, whether bufferutil is used.
 */
import { createRequire } from 'node:module';
/** A Writable: ws's WebSocket writes each socket read to it. */
export interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

export interface WsInternals {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => WsReceiver;
  Sender: {
    frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
  };
}

const require = createRequire(import.meta.url);

export function loadWs(): WsInternals {
  return require('ws') as WsInternals;
}

/** Would ws in this process load bufferutil? (Installed, and not turned off by WS_NO_BUFFER_UTIL.) */
export function wsUsesBufferutil(): boolean {
  if (process.env.WS_NO_BUFFER_UTIL) return false;
  try {
    require.resolve('bufferutil');
    return true;
  } catch {
    return false;
  }
}
