/**
 * The target's address, checked on the page before a run is asked for, so a mistyped address is
 * told in the reader's language (the grader's own check, conformance/target.ts, says the same in
 * English for the command line and stays the server's last word).
 */
import * as m from '../../paraglide/messages.js';

/** Why this is not an address the grader can grade (a message function, called where shown), or null. */
export function targetProblem(text: string): (() => string) | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return () => m.conformance_target_not_url({ text: JSON.stringify(text) });
  }
  if (url.protocol === 'wss:') return () => m.conformance_target_wss();
  if (url.protocol !== 'ws:') {
    const scheme = url.protocol;
    return () => m.conformance_target_scheme({ scheme: `${scheme}//` });
  }
  if (url.username || url.password) return () => m.conformance_target_credentials();
  // RFC 6455 §3: "Fragment identifiers are meaningless in the context of WebSocket URIs".
  if (url.hash) return () => m.conformance_target_fragment();
  return null;
}
