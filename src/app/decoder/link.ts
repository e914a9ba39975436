/**
 * The decoder's input in the URL hash, so a teacher can share a link to a decode:
 *
 *   #/decode?role=client&hex=818537fa213d7f9f4d5158&frame=1
 *
 * `hex` is the bytes as plain hex (compact); `text` carries an input that is not readable hex, so a
 * broken paste can be shared too; `frame` is the selected frame (1-based); `view=build` opens the
 * builder, `view=capture` the capture tab. Anything in a hash may have been typed by hand: reading never throws, and what cannot
 * be used is reported in `notes`.
 */
import { type FrameSender, toHex } from '../../protocol';
import * as m from '../../paraglide/messages.js';
import { hrefFor } from '../route';

export type Direction = 'client-to-server' | 'server-to-client';

/** Largest input written into the hash: bytes (as hex, two characters each) or characters of text. */
export const MAX_LINK_BYTES = 256 * 1024;
export const MAX_LINK_TEXT = 8 * 1024;

const ROLES: readonly FrameSender[] = ['client', 'server', 'any'];

export function senderOf(role: FrameSender | Direction | null | undefined): FrameSender {
  if (role === 'client-to-server') return 'client';
  if (role === 'server-to-client') return 'server';
  return role === 'client' || role === 'server' ? role : 'any';
}

/**
 * The decoder's link for these bytes: `#/decode?role=client&hex=8185…`. The playground's "Open in
 * decoder" uses it; `role` is who sent the bytes (a frame direction works too).
 */
export function decoderLink(bytes: Uint8Array, role: FrameSender | Direction | null = 'any'): string {
  return hrefFor('decode', { role: senderOf(role), hex: toHex(bytes) });
}

export interface DecoderLinkState {
  role: FrameSender;
  /** The bytes, when the input is readable hex. */
  bytes?: Uint8Array | null;
  /** The raw input, used when it is not readable hex (written only if short). */
  text?: string | null;
  /** Selected frame, 0-based (written 1-based). */
  frame?: number | null;
  view?: 'decode' | 'build' | 'capture';
}

/** Query parameters for the hash, in a stable order; null when the input is too big for a link. */
export function writeDecoderQuery(state: DecoderLinkState): { query: Record<string, string>; tooBig: boolean } {
  const query: Record<string, string> = { role: state.role };
  let tooBig = false;
  if (state.bytes && state.bytes.length > 0) {
    if (state.bytes.length <= MAX_LINK_BYTES) query['hex'] = toHex(state.bytes);
    else tooBig = true;
  } else if (state.text && state.text.trim() !== '') {
    if (state.text.length <= MAX_LINK_TEXT) query['text'] = state.text;
    else tooBig = true;
  }
  if (state.frame != null && state.frame > 0 && !tooBig) query['frame'] = String(state.frame + 1);
  if (state.view === 'build' || state.view === 'capture') query['view'] = state.view;
  return { query, tooBig };
}

/** The hash (with `#`) for a state. */
export function decoderHash(state: DecoderLinkState): string {
  return hrefFor('decode', writeDecoderQuery(state).query);
}

export interface ReadLink {
  role: FrameSender;
  /** What goes in the input box: spaced hex from `hex`, or `text` as given; null if the link has neither. */
  input: string | null;
  frame: number | null;
  view: 'decode' | 'build' | 'capture';
  /** What was wrong with the link, said plainly. */
  notes: LinkNote[];
}

/** What could not be used in a link, with the value as typed (the page says it in its language). */
export type LinkNote = { kind: 'role'; value: string } | { kind: 'hex' } | { kind: 'frame'; value: string };

/** A note as a sentence. */
export function linkNoteText(note: LinkNote): string {
  switch (note.kind) {
    case 'role':
      return m.decoder_link_note_role({ value: note.value });
    case 'hex':
      return m.decoder_link_note_hex();
    case 'frame':
      return m.decoder_link_note_frame({ value: note.value });
  }
}

/** Read the hash's query (`parseRoute(hash).query`). Never throws. */
export function readDecoderQuery(query: Readonly<Record<string, string>>): ReadLink {
  const notes: LinkNote[] = [];
  let role: FrameSender = 'any';
  const rawRole = query['role'];
  if (rawRole !== undefined) {
    const lower = rawRole.trim().toLowerCase();
    if ((ROLES as readonly string[]).includes(lower)) role = lower as FrameSender;
    else if (lower === 'unknown' || lower === '') role = 'any';
    else notes.push({ kind: 'role', value: clip(rawRole) });
  }

  let input: string | null = null;
  const hex = query['hex'];
  const text = query['text'];
  if (hex !== undefined && hex.trim() !== '') {
    const compact = hex.replace(/[\s:-]/g, '');
    if (/^(?:[0-9a-fA-F]{2})*$/.test(compact)) {
      input = spaced(compact.toLowerCase());
    } else {
      // Let the hex reader say what and where, as for a paste.
      input = hex;
      notes.push({ kind: 'hex' });
    }
  } else if (text !== undefined) {
    input = text;
  }

  let frame: number | null = null;
  const rawFrame = query['frame'];
  if (rawFrame !== undefined) {
    const n = Number(rawFrame);
    if (Number.isSafeInteger(n) && n >= 1) frame = n - 1;
    else notes.push({ kind: 'frame', value: clip(rawFrame) });
  }
  const view = query['view'] === 'build' || query['view'] === 'capture' ? query['view'] : 'decode';
  return { role, input, frame, view, notes };
}

/** "818537fa" as "81 85 37 fa", 16 bytes a line. */
export function spaced(plainHex: string): string {
  const lines: string[] = [];
  for (let i = 0; i < plainHex.length; i += 32) {
    const line = plainHex.slice(i, i + 32);
    lines.push(line.replace(/(..)(?!$)/g, '$1 '));
  }
  return lines.join('\n');
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}\u2026` : value;
}
