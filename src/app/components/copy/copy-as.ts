/**
 * A frame as text to paste somewhere else: its bytes as hex in each of the decoder's notations,
 * as base64, its payload as text, a link that opens it in the decoder; and the frames a filtered
 * list shows as a Framescope capture file (docs/capture-format.md). Pure: the clipboard is
 * clipboard.ts's job.
 */
import { formatHex, toHex, type HexOutputFormat } from '../../../protocol';
import { serializeCapture, type CaptureConnection, type CaptureEvent, type CaptureFile } from '../../../capture';
import { hrefFor } from '../../route';

/** What copy-as reads of a frame: the playground's captured frames and the decoder's rows both give it. */
export interface CopySubject {
  /** The frame as on the wire (masked when it was): the whole frame, or its first bytes. */
  bytes: Uint8Array;
  /** Its size on the wire; more than `bytes.length` when only the first bytes were kept. */
  size: number;
  headerLength: number;
  masked: boolean;
  direction: 'client-to-server' | 'server-to-client' | null;
}

export type CopyFormat = { kind: 'hex'; format: HexOutputFormat } | { kind: 'base64' } | { kind: 'payload' } | { kind: 'link' };

export function frameHex(frame: CopySubject, format: HexOutputFormat): string {
  return formatHex(frame.bytes, format);
}

export function frameBase64(frame: CopySubject): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < frame.bytes.length; i += CHUNK) binary += String.fromCharCode(...frame.bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

/** The payload, unmasked (RFC 6455 §5.3: "octet i of the transformed data is the XOR of octet i of the original data with octet at index i modulo 4 of the masking key"). */
export function framePayload(frame: CopySubject): Uint8Array {
  const { bytes, headerLength } = frame;
  const payload = bytes.slice(Math.min(headerLength, bytes.length));
  if (frame.masked && headerLength >= 6 && bytes.length >= headerLength) {
    const key = bytes.subarray(headerLength - 4, headerLength);
    for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
  }
  return payload;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The payload read as UTF-8 (bytes that are not UTF-8 become U+FFFD). */
export function framePayloadText(frame: CopySubject): string {
  return utf8.decode(framePayload(frame));
}

/**
 * An absolute link to the decoder with this frame's bytes, on the page at `base` (the page's own
 * address): `#/decode?role=client&hex=8185…`, as decoder/link.ts reads it.
 */
export function frameLink(frame: CopySubject, base: string): string {
  const role = frame.direction === 'client-to-server' ? 'client' : frame.direction === 'server-to-client' ? 'server' : 'any';
  return new URL(hrefFor('decode', { role, hex: toHex(frame.bytes) }), base).href;
}

export function copyText(frame: CopySubject, format: CopyFormat, base: string): string {
  switch (format.kind) {
    case 'hex':
      return frameHex(frame, format.format);
    case 'base64':
      return frameBase64(frame);
    case 'payload':
      return framePayloadText(frame);
    case 'link':
      return frameLink(frame, base);
  }
}

/** A frame in a capture list, as the visible-frames copy finds it in the capture file. */
export interface ListedFrame {
  connection: number;
  direction: 'client-to-server' | 'server-to-client';
  /** Stream offset of its first byte, in its direction. */
  offset: number;
}

function frameKey(connection: number, direction: 'in' | 'out', offset: number): string {
  return `${connection}:${direction}:${offset}`;
}

/**
 * The capture file cut down to the frames a list shows: for each connection with a visible frame,
 * its handshake and those frames' events (a faulty frame's fault event, which holds its bytes).
 * Everything else (TCP reads, closes, other frames) is left out.
 */
export function visibleCapture(file: CaptureFile, frames: Iterable<ListedFrame>): CaptureFile {
  const keys = new Set<string>();
  for (const frame of frames) keys.add(frameKey(frame.connection, frame.direction === 'client-to-server' ? 'in' : 'out', frame.offset));
  const connections: CaptureConnection[] = [];
  for (const connection of file.connections) {
    if (connection.connection === null) continue;
    const id = connection.connection;
    const events = connection.events.filter((event: CaptureEvent) => {
      if (event.type === 'frame') return keys.has(frameKey(id, event.direction, event.offset));
      if (event.type === 'fault') return keys.has(frameKey(id, event.direction ?? 'in', event.frameOffset));
      return false;
    });
    if (events.length > 0) connections.push({ ...connection, events });
  }
  return { ...file, connections };
}

/** The visible frames as the text of a capture file (the format Save capture writes). */
export function visibleCaptureJson(file: CaptureFile, frames: Iterable<ListedFrame>): string {
  return serializeCapture(visibleCapture(file, frames));
}
