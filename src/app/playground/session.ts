/**
 * The tab's session token and the URLs built from it. The page opens `/echo?session=<token>` and
 * `/inspect?session=<token>` with the same token, so the server's inspector tap shows this tab
 * its own connections only.
 */

/** A random token, 16 bytes as base64url (22 characters), from Web Crypto. */
export function newSessionToken(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(16));
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Where `location` says the page came from: `ws://host/` for http, `wss://host/` for https. */
export function socketBase(location: { protocol: string; host: string }): string | null {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

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
): TargetCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: 'Type a WebSocket URL, such as ws://localhost:8008/echo.' };
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
  }
  return { ok: true, url: url.toString(), ours, host: url.host };
}

export { connNumberFromTarget } from '../inspector/messages';
