/**
 * Where the chat connects: this page's own server (`ws://host/chat`), or a `server=` address from
 * the hash (`#/chat?server=ws://10.0.0.5:8008/chat`) when a class shares a teacher's machine.
 * Every connection carries `?session=<token>`, which the inspector tap uses to show the page only
 * its own frames.
 */

import { socketBase, withoutScheme } from '../socket/address';

export type ChatAddress = { ok: true; url: string } | { ok: false; reason: string };

/** The WebSocket URL for `path` on the page's server, or on `override`'s (`ws:`/`wss:` only). */
export function endpointUrl(
  location: { protocol: string; host: string },
  path: '/chat' | '/inspect',
  session: string,
  override: string | null = null,
): ChatAddress {
  let base: URL;
  if (override) {
    const suggestion = withoutScheme(override);
    if (suggestion !== null) {
      return { ok: false, reason: `“${override}” has no ws:// in front: add ws:// (or wss:// for TLS), as in ${suggestion}.` };
    }
    try {
      base = new URL(override);
    } catch {
      return { ok: false, reason: `“${override}” is not a URL; use one such as ws://127.0.0.1:8008/chat.` };
    }
    if (base.protocol !== 'ws:' && base.protocol !== 'wss:') {
      return { ok: false, reason: `A chat server address starts with ws:// or wss://, not ${base.protocol}//.` };
    }
    base = new URL(path, base);
  } else {
    const own = socketBase(location);
    if (own === null) {
      return {
        ok: false,
        reason: 'This page was opened from a file, so there is no chat server to talk to. Start one with npm start and open its address.',
      };
    }
    base = new URL(`${own}${path}`);
  }
  base.search = new URLSearchParams({ session }).toString();
  base.hash = '';
  return { ok: true, url: base.toString() };
}
