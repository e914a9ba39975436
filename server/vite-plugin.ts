/**
 * `npm run dev` / `vite preview`: the Framescope endpoints on Vite's own port. The plugin hooks
 * the HTTP server's `upgrade` event for our paths only (`/echo`, `/inspect`, ...) and leaves
 * every other upgrade alone, Vite's HMR socket (subprotocol `vite-hmr`) above all. A plain GET to
 * an endpoint path gets 426 instead of the app's index.html.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connect, Logger, Plugin } from 'vite';
import { classBanner } from './http/class-info.ts';
import { checkTeacherToken } from './inspector/teacher.ts';
import { createFramescopeServer, type FramescopeServer, type FramescopeServerOptions } from './server.ts';
import { parseAllowList } from './upstream/policy.ts';

interface HostServer {
  httpServer: unknown;
  middlewares: Connect.Server;
  config: { logger: Logger };
}

function hook(host: HostServer, options: FramescopeServerOptions): FramescopeServer | null {
  // Middleware mode (vitest, a custom server) has no HTTP server of its own to hook.
  if (host.httpServer === null || host.httpServer === undefined) return null;
  const framescope = createFramescopeServer(options);
  const httpServer = host.httpServer as http.Server;
  framescope.attach(httpServer, { exclusive: false });
  const token = framescope.teacherToken;
  if (token !== null && !options.quiet) {
    // Class mode: the teacher's link and the students' addresses, under Vite's own URLs.
    httpServer.once('listening', () => {
      const bound = httpServer.address() as AddressInfo | null;
      if (bound !== null && typeof bound === 'object') host.config.logger.info(`\n${classBanner(bound, token)}`, { timestamp: false });
    });
  }
  host.middlewares.use((req, res, next) => {
    if (!framescope.handleRequest(req, res)) next();
  });
  return framescope;
}

/**
 * Server options from the environment, for `vite.config.ts`: `FRAMESCOPE_CLASS=1 npm run dev`
 * turns class mode on (what `npm start -- --class` does): the server prints the teacher's link.
 * `FRAMESCOPE_TEACHER_TOKEN=TOKEN` is `--teacher-token TOKEN` (class mode with that token).
 * `FRAMESCOPE_DEFLATE=1` negotiates permessage-deflate on every connection (what
 * `npm start -- --deflate` does). Any of 1, true, yes, on (any case) means on.
 * `FRAMESCOPE_ALLOW_UPSTREAM=LIST` is `--allow-upstream LIST`: the servers `/proxy` may watch (a
 * bad list stops the dev server with the entry at fault).
 */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>>): FramescopeServerOptions {
  const on = (name: string): boolean => ['1', 'true', 'yes', 'on'].includes((env[name] ?? '').trim().toLowerCase());
  const options: FramescopeServerOptions = { ...(on('FRAMESCOPE_CLASS') ? { classMode: true } : {}), ...(on('FRAMESCOPE_DEFLATE') ? { deflate: true } : {}) };
  const token = (env['FRAMESCOPE_TEACHER_TOKEN'] ?? '').trim();
  if (token !== '') {
    const problem = checkTeacherToken(token);
    if (problem !== null) throw new Error(`FRAMESCOPE_TEACHER_TOKEN: ${problem}`);
    options.classMode = true;
    options.teacherToken = token;
  }
  const allow = env['FRAMESCOPE_ALLOW_UPSTREAM'];
  if (allow !== undefined && allow.trim() !== '') {
    try {
      options.allowUpstream = parseAllowList(allow);
    } catch (error) {
      throw new Error(`FRAMESCOPE_ALLOW_UPSTREAM: ${(error as Error).message}`, { cause: error });
    }
  }
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
