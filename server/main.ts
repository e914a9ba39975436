/**
 * `npm start [-- --port 8008 --host 127.0.0.1 ...]`: the built app and the WebSocket endpoints
 * on one port. `--help` lists the flags; docs/server.md explains them.
 */
import path from 'node:path';
import { parseCli, USAGE } from './args.ts';
import { createChatEndpoint, type ChatEndpoint } from './endpoints/chat.ts';
import { consoleLogger } from './log.ts';
import { classBanner } from './http/class-info.ts';
import { createFramescopeServer, type FramescopeServer } from './server.ts';
import { RecordDirError } from './record/index.ts';
import { hasBuild } from './http/static.ts';

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2), process.env);
  if (cli.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (cli.kind === 'error') {
    process.stderr.write(`framescope: ${cli.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const o = cli.options;
  const root = path.resolve(o.dist);
  // --redis: the chat room's state in Redis, shared by every server started with the same URL.
  let chat: ChatEndpoint | null = null;
  let chatWhere = '';
  if (o.redis !== null) {
    const { RedisStore } = await import('./chat/redis-store.ts');
    const store = new RedisStore({ url: o.redis, log: o.quiet ? undefined : (line) => consoleLogger.info(line) });
    chat = createChatEndpoint({ store });
    chatWhere = `${store.where} as process ${store.proc}`;
    try {
      await chat.ready;
    } catch (error) {
      process.stderr.write(`framescope: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
  }
  let server: FramescopeServer;
  try {
    server = createFramescopeServer({
      ...(chat ? { endpoints: { '/chat': chat } } : {}),
      maxPayload: o.maxPayload,
      maxMessage: o.maxMessage,
      maxConnections: o.maxConnections,
      memoryBudget: o.memoryBudget,
      pingInterval: o.pingInterval,
      idleTimeout: o.idleTimeout,
      handshakeTimeout: o.handshakeTimeout,
      closeTimeout: o.closeTimeout,
      classMode: o.classMode,
      ...(o.teacherToken !== null ? { teacherToken: o.teacherToken } : {}),
      deflate: { enabled: o.deflate, threshold: o.deflateThreshold },
      allowUpstream: o.allowUpstream,
      subprotocols: o.subprotocols,
      quiet: o.quiet,
      staticDir: root,
      inspector: { maxFrameBytes: o.inspectFrameBytes },
      ...(o.record ? { record: { dir: o.record.dir, maxBytes: o.record.maxBytes } } : {}),
    });
  } catch (error) {
    // --record DIR that cannot be written: say which and why, and do not start.
    if (!(error instanceof RecordDirError)) throw error;
    process.stderr.write(`framescope: ${error.message}\n`);
    process.exit(1);
  }

  let port: number;
  try {
    port = (await server.listen(o.port, o.host)).port;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${o.host}:${o.port}`;
    const message =
      code === 'EADDRINUSE'
        ? `port ${o.port} on ${o.host} is already in use: stop the other server or choose another port with --port`
        : code === 'EACCES'
          ? `not allowed to listen on ${where} (ports below 1024 need privileges): choose another port with --port`
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
            ? `${o.host} is not an address of this machine: choose another with --host`
            : `cannot listen on ${where}: ${(error as Error).message}`;
    process.stderr.write(`framescope: ${message}\n`);
    process.exit(1);
  }

  const everywhere = o.host === '0.0.0.0' || o.host === '::';
  const shown = everywhere ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const base = `http://${shown}:${port}/`;
  process.stdout.write(
    `Framescope on ${base}${everywhere ? ` (listening on every address, ${o.host})` : ''}` +
      `  (WebSocket endpoints: ${server.endpoints.paths().join(', ')})\n`,
  );
  if (!hasBuild(root)) {
    process.stdout.write(`No built app in ${root}: run npm run build first. The WebSocket endpoints work meanwhile.\n`);
  }
  if (o.deflate) process.stdout.write(`permessage-deflate: on for every connection that offers it (messages from ${o.deflateThreshold} bytes compressed)\n`);
  if (chat) process.stdout.write(`Chat room: in Redis at ${chatWhere}, shared with every server started with the same --redis\n`);
  if (server.teacherToken !== null) process.stdout.write(classBanner({ address: o.host, port }, server.teacherToken));
  process.stdout.write(`/proxy may watch, and the grader (/conformance) may grade: ${server.proxy.policy.describe()}\n`);
  if (server.recording) process.stdout.write(`Recording every connection into ${server.recording.dir} (a .pcapng and a .json each, written when it closes)\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.stderr.write(`framescope: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: closing ${server.connections.size} connection(s) with 1001 Going Away\n`);
    server
      .close({ code: 1001, reason: 'server shutting down' })
      // Then the chat's store: this process's users leave the room on the other processes too.
      .then(() => chat?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`framescope: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
