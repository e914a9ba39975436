/**
 * `npm run dev` / `vite preview`: the Framescope endpoints on Vite's own port. The plugin hooks
 * the HTTP server's `upgrade` event for our paths only (`/echo`, `/inspect`, ...) and leaves
 * every other upgrade alone, Vite's HMR socket (subprotocol `vite-hmr`) above all. A plain GET to
 * an endpoint path gets 426 instead of the app's index.html.
 */
import type http from 'node:http';
import type { Connect, Plugin } from 'vite';
import { createFramescopeServer, type FramescopeServer, type FramescopeServerOptions } from './server.ts';
import { parseAllowList } from './upstream/policy.ts';

interface HostServer {
  httpServer: unknown;
  middlewares: Connect.Server;
}

function hook(host: HostServer, options: FramescopeServerOptions): FramescopeServer | null {
  // Middleware mode (vitest, a custom server) has no HTTP server of its own to hook.
  if (host.httpServer === null || host.httpServer === undefined) return null;
  const framescope = createFramescopeServer(options);
  framescope.attach(host.httpServer as http.Server, { exclusive: false });
  host.middlewares.use((req, res, next) => {
    if (!framescope.handleRequest(req, res)) next();
  });
  return framescope;
}

/**
 * Server options from the environment, for `vite.config.ts`: `FRAMESCOPE_CLASS=1 npm run dev`
 * turns class mode on (what `npm start -- --class` does), so a teacher's page may open
 * `/inspect?all`. Any of 1, true, yes, on (any case) means on. `FRAMESCOPE_ALLOW_UPSTREAM=LIST`
 * is `--allow-upstream LIST`: the servers `/proxy` may watch (a bad list stops the dev server
 * with the entry at fault). `FRAMESCOPE_RECORD=DIR` is `--record DIR` (a folder that cannot be written
 * stops the dev server with the reason).
 */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>>): FramescopeServerOptions {
  const flag = (env['FRAMESCOPE_CLASS'] ?? '').trim().toLowerCase();
  const options: FramescopeServerOptions = ['1', 'true', 'yes', 'on'].includes(flag) ? { classMode: true } : {};
  const allow = env['FRAMESCOPE_ALLOW_UPSTREAM'];
  if (allow !== undefined && allow.trim() !== '') {
    try {
      options.allowUpstream = parseAllowList(allow);
    } catch (error) {
      throw new Error(`FRAMESCOPE_ALLOW_UPSTREAM: ${(error as Error).message}`, { cause: error });
    }
  }
  // FRAMESCOPE_RECORD=DIR is --record DIR: a pcapng and a JSON capture of every connection.
  const record = env['FRAMESCOPE_RECORD'];
  if (record !== undefined && record.trim() !== '') options.record = { dir: record.trim() };
  return options;
}

/** The dev/preview server plugin: `plugins: [svelte(), framescopeDevPlugin()]`. */
export function framescopeDevPlugin(options: FramescopeServerOptions = {}): Plugin {
  return {
    name: 'framescope:server',
    configureServer(server) {
      hook(server, options);
    },
    configurePreviewServer(server) {
      hook(server, options);
    },
  };
}
