/**
 * The URL for the wrong-subprotocol demonstration: the playground's URL with `demo=wrong-subprotocol`
 * (server/endpoints/echo.ts then names a subprotocol the client did not offer). Null for a URL that
 * is not a ws: or wss: URL (the demonstration needs this page's server).
 */
export function wrongSubprotocolUrl(current: string): string | null {
  let url: URL;
  try {
    url = new URL(current.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  url.searchParams.set('demo', 'wrong-subprotocol');
  return url.href;
}
