/**
 * The URLs built from the tab's session token. The page opens `/echo?session=<token>` and
 * `/inspect?session=<token>` with the same token, so the server's inspector tap shows this tab
 * its own connections only.
 */
import { socketBase, withoutScheme } from '../socket/address';

/** The URL field's default: this server's `/echo` (empty when the page came from a file). */
export function defaultEchoUrl(location: { protocol: string; host: string }): string {
  const base = socketBase(location);
  return base ? `${base}/echo` : '';
}

export function inspectUrl(location: { protocol: string; host: string }, session: string): string | null {
  const base = socketBase(location);
  return base ? `${base}/inspect?session=${encodeURIComponent(session)}` : null;
}

export type TargetCheck =
  | {
      ok: true;
      /** The URL to pass to `new WebSocket()`. */
      url: string;
      /** Our own server (same host as the page): the inspector tap can show the frames. */
      ours: boolean;
      host: string;
    }
  | { ok: false; message: string };

/**
 * Checks the URL field. For our own server it adds `session=<token>` (and `conn=<n>`, which lets
 * the page match the tap's report to its timeline) to the query.
 */
export function resolveTarget(
  input: string,
  location: { protocol: string; host: string },
  session: string,
  connectionNumber: number,
  options: { deflate?: boolean } = {},
): TargetCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Type a WebSocket URL, such as ws://localhost:8008/echo.' };
  const suggestion = withoutScheme(text);
  if (suggestion !== null) {
    return { ok: false, message: `"${text}" has no ws:// in front: add ws:// (or wss:// for TLS), as in ${suggestion}.` };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `"${text}" is not a URL: it should look like ws://host:port/path.` };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    return { ok: false, message: `A WebSocket URL starts with ws:// or wss://, not ${url.protocol}//.` };
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return { ok: false, message: `The WebSocket API only takes ws:// and wss:// URLs, not ${url.protocol}//.` };
  }
  if (url.hash) return { ok: false, message: 'A WebSocket URL may not have a #fragment (the browser refuses it).' };
  const ours = url.host === location.host && socketBase(location) !== null;
  if (ours) {
    url.searchParams.set('session', session);
    url.searchParams.set('conn', String(connectionNumber));
    // The compression toggle: ask this server to negotiate permessage-deflate (server/deflate/negotiation.ts).
    if (options.deflate) url.searchParams.set('deflate', '1');
  }
  return { ok: true, url: url.toString(), ours, host: url.host };
}

export { connNumberFromTarget } from '../inspector/messages';
