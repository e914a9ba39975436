/**
 * The teacher's view of the playground (class mode): the `/inspect?all` URL, the `#/?watch=class`
 * link, what the page says when the server refuses, and the per-connection filter over the
 * captured frames. Plain TypeScript; the rune state is class-watch.svelte.ts.
 *
 * A browser does not tell a script the HTTP status of a refused WebSocket handshake (the page
 * only sees close code 1006), so the refusal is found by a second question: a `/inspect?session=`
 * tap, which every Framescope server accepts, says in its `hello` whether class mode is on.
 * No hello at all means no Framescope server (a static host answers 404 to `/inspect`).
 */
import type { CapturedFrame, ConnectionRecord } from '../inspector/capture';
import type { FrameSource } from '../inspector/capture.svelte';
import { parseRoute } from '../route';
import { socketBase } from '../socket/address';

/** The hash query that opens the teacher's view: `#/?watch=class`. */
export const WATCH_PARAM = 'watch';
export const WATCH_VALUE = 'class';
export const WATCH_HASH = `#/?${WATCH_PARAM}=${WATCH_VALUE}`;

/** The commands that turn class mode on, quoted in the page's messages and the README. */
export const START_CLASS = 'npm start -- --class';
export const DEV_CLASS = 'FRAMESCOPE_CLASS=1 npm run dev';

/** `ws://host/inspect?all` for a page served over http(s); null for a page opened from a file. */
export function classInspectUrl(location: { protocol: string; host: string }): string | null {
  const base = socketBase(location);
  return base ? `${base}/inspect?all` : null;
}

/** Does the location's hash (`#/?watch=class`) ask for the teacher's view? */
export function watchRequested(hash: string): boolean {
  const route = parseRoute(hash);
  return route.name === 'playground' && route.query[WATCH_PARAM] === WATCH_VALUE;
}

export type ClassStatus = 'off' | 'connecting' | 'watching' | 'refused' | 'closed';

/** What the second question (a `/inspect?session=` tap) found out. */
export type Probe = { kind: 'hello'; classMode: boolean } | { kind: 'no-answer' };

export interface Refusal {
  /** The HTTP status the server answered `/inspect?all` with, when the page can tell. */
  status: 403 | 404 | null;
  title: string;
  text: string;
  /** How to fix it; `code` spans are commands (see `codeSpans`). */
  fix: string;
}

/** What the page says when `/inspect?all` did not open. `served`: the page came over http(s). */
export function refusalFor(served: boolean, probe: Probe | null): Refusal {
  if (!served) {
    return {
      status: null,
      title: 'No server: this page was opened from a file',
      text: 'Watching the class needs the Framescope server; a page opened from a file has none to ask.',
      fix: `Start the server with \`${START_CLASS}\` (after \`npm run build\`) and open the address it prints, adding \`${WATCH_HASH}\`.`,
    };
  }
  if (probe === null || probe.kind === 'no-answer') {
    return {
      status: 404,
      title: 'No Framescope server here (404)',
      text: 'Nothing answered /inspect: this page comes from a plain file host (a static host answers 404), which has no WebSocket endpoints to watch.',
      fix: `Start the server with \`${START_CLASS}\` (after \`npm run build\`) and open the page it serves; with the dev server, \`${DEV_CLASS}\`.`,
    };
  }
  if (!probe.classMode) {
    return {
      status: 403,
      title: 'The server refused /inspect?all (403 Forbidden): it was not started with --class',
      text: 'Without class mode each page may watch only its own connections, so students\u2019 frames stay private.',
      fix: `Start the server with \`${START_CLASS}\` (with the dev server: \`${DEV_CLASS}\`), then press Try again.`,
    };
  }
  return {
    status: null,
    title: 'The server did not accept /inspect?all',
    text: 'The server is in class mode, but it did not let this page in (it may be at its connection limit, or shutting down).',
    fix: 'Wait a moment, then press Try again.',
  };
}

/** What the page says when the class view was open and its socket closed. */
export const CLOSED_TEXT =
  'The class view closed: the server stopped or restarted. Press Try again to watch again.';

/** Text with `code` spans, as pieces to draw (never as HTML). */
export function codeSpans(text: string): { code: boolean; text: string }[] {
  const out: { code: boolean; text: string }[] = [];
  text.split('`').forEach((part, i) => {
    if (part !== '') out.push({ code: i % 2 === 1, text: part });
  });
  return out;
}

/** A session token cut to its first characters: "k3Jq9x…"; "no session" for none. */
export function shortSession(session: string | null, keep = 6): string {
  if (session === null || session === '') return 'no session';
  return session.length <= keep + 2 ? session : `${session.slice(0, keep)}\u2026`;
}

/** The endpoint a connection opened, and the connection number its page gave it (`conn=`). */
export function connectionSummary(record: ConnectionRecord): string {
  const state = record.closed ? `closed ${record.closed.code}` : 'open';
  return `#${record.connection} ${record.info.path} \u00b7 session ${shortSession(record.info.session)} \u00b7 ${record.info.peer} \u00b7 ${state}`;
}

export interface ConnectionChoice {
  /** The `<option>` value: the server's connection id, or `all`. */
  value: string;
  label: string;
}

export const ALL_CONNECTIONS = 'all';

/** The filter's options: every connection, then each one the tap reported, by id. */
export function connectionChoices(records: Iterable<ConnectionRecord>): ConnectionChoice[] {
  const list = [...records].sort((a, b) => a.connection - b.connection);
  return [
    { value: ALL_CONNECTIONS, label: `All connections (${list.length})` },
    ...list.map((record) => ({ value: String(record.connection), label: connectionSummary(record) })),
  ];
}

/** The filter select's value as a connection id; null for all. */
export function parseFilter(value: string): number | null {
  if (value === ALL_CONNECTIONS || !/^\d+$/.test(value)) return null;
  return Number(value);
}

export interface FilteredFrames extends FrameSource<CapturedFrame> {
  /** Index of the frame with sequence number `seq`, or -1. */
  indexOfSeq(seq: number): number;
}

/**
 * The frames as the class view lists them: one connection's (or all), each labelled with the
 * server's connection id (students' pages all number their own connections from 1, so their
 * `conn=` labels would collide in a list of the whole class).
 */
export function filterFrames(frames: FrameSource<CapturedFrame>, connection: number | null): FilteredFrames {
  if (connection === null) {
    return {
      get length() {
        return frames.length;
      },
      at: (index) => serverNumbered(frames.at(index)),
      indexOfSeq: (seq) => {
        const first = frames.at(0);
        if (!first) return -1;
        const index = seq - first.seq;
        return index >= 0 && index < frames.length && frames.at(index)?.seq === seq ? index : -1;
      },
    };
  }
  const kept: CapturedFrame[] = [];
  for (let i = 0; i < frames.length; i++) {
    const frame = frames.at(i);
    if (frame && frame.connection === connection) kept.push(frame);
  }
  return {
    length: kept.length,
    at: (index) => serverNumbered(kept[index]),
    indexOfSeq: (seq) => {
      // Sequence numbers grow with the index: a binary search.
      let lo = 0;
      let hi = kept.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const at = kept[mid]!.seq;
        if (at === seq) return mid;
        if (at < seq) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
  };
}

const relabelled = new WeakMap<CapturedFrame, CapturedFrame>();

function serverNumbered(frame: CapturedFrame | undefined): CapturedFrame | undefined {
  if (!frame || frame.label === null) return frame;
  let copy = relabelled.get(frame);
  if (!copy) {
    copy = { ...frame, label: null };
    relabelled.set(frame, copy);
  }
  return copy;
}
