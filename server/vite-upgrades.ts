/**
 * Which upgrade requests on Vite's own port are Vite's, so that the Framescope plugin takes every
 * other one (our endpoints, and a 404 for any other path, as `npm start` answers) and leaves
 * these alone. Read from Vite 8's source (vite/dist/node/chunks/node.js):
 *
 *  - the HMR socket: `createWebSocketServer` answers an upgrade whose `Sec-WebSocket-Protocol` is
 *    exactly `vite-hmr` or `vite-ping` and whose path is the HMR base (`config.base`, joined with
 *    `server.ws.path` when set). Any other request gets nothing from Vite, which is why a mistyped
 *    path used to hang in CONNECTING. There is no HMR socket here when `server.ws` is false or
 *    listens on a port or server of its own;
 *  - the dev and preview proxies: an upgrade whose URL matches a `proxy` key (a prefix, or a
 *    regular expression when it starts with `^`) whose entry has `ws: true` or a ws:/wss: target.
 */
import path from 'node:path';

/** The parts of a request that decide. */
export interface UpgradeRequestLike {
  url?: string | undefined;
  headers: { 'sec-websocket-protocol'?: string | string[] | undefined };
}

type ProxyEntry = string | { target?: unknown; ws?: boolean } | undefined | null;

/** The parts of Vite's resolved config that decide (ResolvedConfig fits). */
export interface ViteUpgradeConfig {
  base?: string;
  server?: { port?: number; ws?: false | { path?: string; port?: number; server?: unknown }; proxy?: Record<string, ProxyEntry> };
  preview?: { proxy?: Record<string, ProxyEntry> };
}

/** The HMR socket's path, or null when Vite's HMR socket does not listen on this server. */
export function hmrPath(config: ViteUpgradeConfig): string | null {
  const ws = config.server?.ws;
  if (ws === false) return null;
  if (ws && (ws.server !== undefined || (ws.port !== undefined && ws.port !== config.server?.port))) return null;
  const base = config.base && config.base.startsWith('/') ? config.base : '/';
  return ws?.path ? path.posix.join(base, ws.path) : base;
}

function proxyTakes(proxy: Record<string, ProxyEntry> | undefined, url: string): boolean {
  for (const [context, entry] of Object.entries(proxy ?? {})) {
    if (!entry) continue;
    const target = typeof entry === 'string' ? entry : String(entry.target ?? '');
    const ws = (typeof entry === 'object' && entry.ws === true) || /^wss?:/.test(target);
    if (!ws) continue;
    const matches = context.startsWith('^') ? new RegExp(context).test(url) : url.startsWith(context);
    if (matches) return true;
  }
  return false;
}

/** Does Vite (the dev server with HMR, or `vite preview` when `preview` is true) answer this upgrade itself? */
export function viteOwnsUpgrade(req: UpgradeRequestLike, config: ViteUpgradeConfig, preview = false): boolean {
  const url = req.url ?? '/';
  if (proxyTakes(preview ? config.preview?.proxy : config.server?.proxy, url)) return true;
  if (preview) return false;
  const hmr = hmrPath(config);
  if (hmr === null) return false;
  // Vite compares the header as one string, so a list ("vite-hmr, chat") is not its.
  const protocol = req.headers['sec-websocket-protocol'];
  if (protocol !== 'vite-hmr' && protocol !== 'vite-ping') return false;
  let pathname: string;
  try {
    pathname = new URL(`http://example.com${url}`).pathname;
  } catch {
    return false;
  }
  return pathname === hmr;
}
