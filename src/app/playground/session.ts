/**
 * The URLs built from the tab's session token. The page opens `/echo?session=<token>` and
 * `/inspect?session=<token>` with the same token, so the server's inspector tap shows this tab
 * its own connections only.
 */
import * as m from '../../paraglide/messages.js';
import { socketBase, withoutScheme } from '../socket/address';
import { refusal } from './said';

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
  if (text === '') return refusal(m.playground_url_empty);
  const suggestion = withoutScheme(text);
  if (suggestion !== null) {
    return refusal(() => m.playground_url_no_scheme({ text, suggestion }));
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refusal(() => m.playground_url_not_url({ text }));
  }
  const scheme = url.protocol;
  if (scheme === 'http:' || scheme === 'https:') return refusal(() => m.playground_url_http({ scheme }));
  if (scheme !== 'ws:' && scheme !== 'wss:') return refusal(() => m.playground_url_other_scheme({ scheme }));
  if (url.hash) return refusal(m.playground_url_fragment);
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
