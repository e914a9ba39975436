/**
 * `npm run dev` / `vite preview`: the Framescope endpoints on Vite's own port. The plugin hooks
 * the HTTP server's `upgrade` event and takes every upgrade that is not Vite's own (its HMR
 * socket: subprotocol `vite-hmr` on the HMR path; its proxy: see vite-upgrades.ts): our paths
 * (`/echo`, `/inspect`, ...) open, any other path gets the same 404 with a reason as `npm start`
 * gives, instead of no answer at all. A plain GET to an endpoint path gets 426 instead of the
 * app's index.html.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connect, Logger, Plugin } from 'vite';
import { classBanner } from './http/class-info.ts';
import { checkTeacherToken } from './inspector/teacher.ts';
import { createFramescopeServer, type FramescopeServer, type FramescopeServerOptions } from './server.ts';
import { MAX_INSPECT_FRAME_BYTES, MIN_INSPECT_FRAME_BYTES, parseSize } from './args.ts';
import { viteOwnsUpgrade, type ViteUpgradeConfig } from './vite-upgrades.ts';
import { parseAllowList } from './upstream/policy.ts';
import { parseSubprotocols } from './options.ts';

interface HostServer {
  httpServer: unknown;
  middlewares: Connect.Server;
  config: ViteUpgradeConfig & { logger: Logger };
}

function hook(host: HostServer, options: FramescopeServerOptions, preview: boolean): FramescopeServer | null {
  // Middleware mode (vitest, a custom server) has no HTTP server of its own to hook.
  if (host.httpServer === null || host.httpServer === undefined) return null;
  const framescope = createFramescopeServer(options);
  const config = host.config;
  const httpServer = host.httpServer as http.Server;
  framescope.attach(httpServer, { exclusive: true, leave: (req) => viteOwnsUpgrade(req, config, preview) });
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
 * turns class mode on (what `npm start -- --class` does): the server prints the teacher's link;
 * `FRAMESCOPE_TEACHER_TOKEN=TOKEN` is `--teacher-token TOKEN` (class mode with that token);
 * `FRAMESCOPE_QUIET=1` turns the log lines off (`--quiet`);
 * `FRAMESCOPE_INSPECT_FRAME_BYTES=1MiB` lets the inspector report frames whole up to that size
 * (`--inspect-frame-bytes`); `FRAMESCOPE_DEFLATE=1` negotiates permessage-deflate on every
 * connection (what `npm start -- --deflate` does). Any of 1, true, yes, on (any case) means on.
 * `FRAMESCOPE_ALLOW_UPSTREAM=LIST` is `--allow-upstream LIST`: the servers `/proxy` may watch and
 * `/conformance` may grade (a bad list stops the dev server with the entry at fault).
 * `FRAMESCOPE_RECORD=DIR` is `--record DIR` (a folder that cannot be written stops the dev server
 * with the reason).
 * `FRAMESCOPE_SUBPROTOCOLS=LIST` is `--subprotocols LIST`.
 */
export function optionsFromEnv(env: Readonly<Record<string, string | undefined>>): FramescopeServerOptions {
  const flag = (name: string): boolean => ['1', 'true', 'yes', 'on'].includes((env[name] ?? '').trim().toLowerCase());
  const options: FramescopeServerOptions = {};
  if (flag('FRAMESCOPE_CLASS')) options.classMode = true;
  if (flag('FRAMESCOPE_QUIET')) options.quiet = true;
  if (flag('FRAMESCOPE_DEFLATE')) options.deflate = true;
  const frameBytes = env['FRAMESCOPE_INSPECT_FRAME_BYTES'];
  if (frameBytes !== undefined && frameBytes.trim() !== '') {
    const size = parseSize(frameBytes);
    if (size === null || size < MIN_INSPECT_FRAME_BYTES || size > MAX_INSPECT_FRAME_BYTES) {
      throw new Error(`FRAMESCOPE_INSPECT_FRAME_BYTES takes a size from 256 bytes to 1MiB (like 256KiB or 1MiB), not ${JSON.stringify(frameBytes)}`);
    }
    options.inspector = { maxFrameBytes: size };
  }
  const subprotocols = env['FRAMESCOPE_SUBPROTOCOLS'];
  if (subprotocols !== undefined) {
    try {
      options.subprotocols = parseSubprotocols(subprotocols);
    } catch (error) {
      throw new Error(`FRAMESCOPE_SUBPROTOCOLS: ${(error as Error).message}`, { cause: error });
    }
  }
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
      hook(server, options, false);
    },
    configurePreviewServer(server) {
      hook(server, options, true);
    },
  };
}
