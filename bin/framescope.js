#!/usr/bin/env node
/**
 * `npm start`: the compiled server (dist-server/, made by `npm run build` from server/ with
 * tsconfig.server.json) run by node alone, no TypeScript loader, so a machine that only serves the
 * class needs `npm ci --omit=dev` (the runtime dependencies only: redis, for --redis) and nothing
 * else. Flags: `npm start -- --help`.
 */
import { existsSync } from 'node:fs';

const main = new URL('../dist-server/server/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'framescope: the server is not built yet (no dist-server/server/main.js).\n' +
      'Run `npm run build` first: it builds the app into dist/ and the server into dist-server/.\n' +
      'To work on Framescope itself, `npm run dev` needs no build.\n',
  );
  process.exit(1);
}
await import(main.href);
