/**
 * Watching another server through this one's `/proxy` (docs/your-own-server.md): the URLs the page
 * builds, and what the server's allow check (`GET /proxy?target=`) answered.
 */
import * as m from '../../../paraglide/messages.js';
import { socketBase } from '../../socket/address';

export interface PageLocation {
  protocol: string;
  host: string;
}

/**
 * The WebSocket URL that watches `target` through this page's server: `/proxy` with the target,
 * the tab's session (so the inspector tap shows its frames) and `conn=` (the timeline's number).
 */
export function proxyUrl(location: PageLocation, target: string, session: string, connectionNumber: number): string | null {
  const base = socketBase(location);
  if (base === null) return null;
  const query = new URLSearchParams({ target, session, conn: String(connectionNumber) });
  return `${base}/proxy?${query.toString()}`;
}

/** Where the page asks whether the server may watch `target`. */
export function proxyCheckUrl(location: PageLocation, target: string): string | null {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') return null;
  return `${location.protocol}//${location.host}/proxy?target=${encodeURIComponent(target)}`;
}

/**
 * Is `text` a ws:// or wss:// URL of another server than this page's (so watching it needs the
 * proxy)? Returns the URL as the browser will use it, or null.
 */
export function foreignTarget(text: string, location: PageLocation): string | null {
  if (socketBase(location) === null) return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  if (url.hash !== '' || url.username !== '' || url.password !== '') return null;
  if (url.host === location.host) return null;
  return url.toString();
}

export type ProxyCheck =
  | { state: 'none' }
  | { state: 'checking'; target: string }
  | { state: 'allowed'; target: string; address: string }
  | { state: 'refused'; target: string; reason: string }
  /** This server has no /proxy (an older one, or a plain file host). */
  | { state: 'unavailable'; target: string; reason: string };

/** The server's JSON answer (`{ target, allowed, address?, reason? }`) as a check; anything else: unavailable. */
export function readCheck(target: string, status: number, body: unknown): ProxyCheck {
  if (typeof body === 'object' && body !== null && 'allowed' in body) {
    const b = body as { allowed: unknown; address?: unknown; reason?: unknown };
    if (b.allowed === true) return { state: 'allowed', target, address: typeof b.address === 'string' ? b.address : '' };
    if (b.allowed === false) {
      const reason = b.reason;
      if (typeof reason === 'string') return { state: 'refused', target, reason };
      return {
        state: 'refused',
        target,
        get reason() {
          return m.playground_proxy_not_allowed();
        },
      };
    }
  }
  return {
    state: 'unavailable',
    target,
    get reason() {
      return status === 404 ? m.playground_proxy_no_endpoint() : m.playground_proxy_check_failed({ status });
    },
  };
}
