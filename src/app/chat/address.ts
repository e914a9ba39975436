/**
 * Where the chat connects: this page's own server (`ws://host/chat`), or a `server=` address from
 * the hash (`#/chat?server=ws://10.0.0.5:8008/chat`) when a class shares a teacher's machine.
 * Every connection carries `?session=<token>`, which the inspector tap uses to show the page only
 * its own frames.
 */

import * as m from '../../paraglide/messages.js';
import { socketBase, withoutScheme } from '../socket/address';

/** `reason` is read where it is shown, in the page's language at that moment. */
export type ChatAddress = { ok: true; url: string } | { ok: false; readonly reason: string };

function refused(say: () => string): ChatAddress {
  return {
    ok: false,
    get reason() {
      return say();
    },
  };
}

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
      return refused(() => m.chat_address_no_scheme({ address: override, suggestion }));
    }
    try {
      base = new URL(override);
    } catch {
      return refused(() => m.chat_address_not_url({ address: override }));
    }
    if (base.protocol !== 'ws:' && base.protocol !== 'wss:') {
      const scheme = base.protocol;
      return refused(() => m.chat_address_scheme({ scheme }));
    }
    base = new URL(path, base);
  } else {
    const own = socketBase(location);
    if (own === null) {
      return refused(() => m.chat_address_file());
    }
    base = new URL(`${own}${path}`);
  }
  base.search = new URLSearchParams({ session }).toString();
  base.hash = '';
  return { ok: true, url: base.toString() };
}
