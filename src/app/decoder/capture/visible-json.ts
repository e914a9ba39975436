/**
 * An imported capture's visible (filtered) frames as a Framescope capture file
 * (docs/capture-format.md): the connection's handshake as captured, and for each row its whole
 * bytes (fetched from the worker) as a frame event, or a fault row as a fault event. Times stay
 * on the capture's clock (Unix epoch ms): the connection's `t` and `wall` are its first packet.
 */
import { parseHttpHead, toHex } from '../../../protocol';
import { CAPTURE_FORMAT, CAPTURE_VERSION, type CaptureEvent, type CaptureFile } from '../../../capture';
import type { CapturedFrame } from '../../inspector/capture';
import { serializeCapture } from '../../../capture';
import type { ConnectionSummary } from './session';

function requestOf(head: string | null, summary: ConnectionSummary): CaptureFile['connections'][number]['request'] {
  const parsed = head === null ? null : parseHttpHead(head);
  if (parsed?.ok && parsed.head.kind === 'request') {
    return { method: parsed.head.method, url: parsed.head.target, httpVersion: parsed.head.httpVersion, headers: parsed.head.headerList.map((h) => `${h.name}: ${h.value}`) };
  }
  return { method: summary.handshake.method ?? 'GET', url: summary.handshake.target ?? '/', httpVersion: '1.1', headers: [] };
}

export function importedEvent(frame: CapturedFrame, bytes: Uint8Array): CaptureEvent {
  const direction = frame.direction === 'client-to-server' ? 'in' : 'out';
  if (frame.fault !== null) {
    const { kind: _kind, ...fault } = frame.fault;
    return { type: 'fault', t: frame.t, direction, ...fault, bytes: toHex(bytes) } as CaptureEvent;
  }
  return {
    type: 'frame', t: frame.t, direction, offset: frame.offset, size: frame.size, opcode: frame.opcode, fin: frame.fin,
    masked: frame.masked, payloadLength: frame.payloadLength, headerLength: frame.headerLength, bytes: toHex(bytes),
    truncated: bytes.length < frame.size,
  } as CaptureEvent;
}

/** The file for `frames` of the connection `summary`, each with its whole bytes from `bytesOf`. */
export async function importedCapture(
  name: string,
  summary: ConnectionSummary,
  frames: Iterable<CapturedFrame>,
  bytesOf: (row: number) => Promise<Uint8Array | null>,
): Promise<CaptureFile> {
  const events: CaptureEvent[] = [];
  for (const frame of frames) events.push(importedEvent(frame, (await bytesOf(frame.seq)) ?? frame.bytes));
  const path = (summary.handshake.target ?? '/').split('?')[0] ?? '/';
  return {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    savedAt: null,
    name,
    source: 'import',
    connections: events.length === 0 ? [] : [{
      connection: summary.index + 1,
      path,
      session: null,
      client: summary.client,
      server: summary.server,
      t: summary.start,
      wall: summary.start,
      request: requestOf(summary.handshake.request, summary),
      response: { status: summary.handshake.status ?? 101, head: summary.handshake.response ?? '' },
      events,
    }],
  };
}

/** What of the decoder's CaptureImport this reads: the open file's name and connection, and a row's whole bytes. */
export interface OpenCapture {
  readonly fileName: string | null;
  readonly connection: ConnectionSummary | null;
  frameBytes(row: number): Promise<Uint8Array | null>;
}

/** The visible rows of the open connection of `captures` as a capture file's text. */
export async function visibleImportJson(captures: OpenCapture, frames: CapturedFrame[]): Promise<string> {
  const connection = captures.connection;
  if (!connection) return '';
  const file = await importedCapture(captures.fileName ?? 'capture', connection, frames, (row) => captures.frameBytes(row));
  return serializeCapture(file);
}
