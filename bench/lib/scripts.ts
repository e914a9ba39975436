/**
 * The benchmark's child processes (codec workers, both echo servers, the load generator, the
 * inspector subscriber, the fan-out chat servers and their load generator) run as plain JavaScript bundled by Vite, not through tsx. Measured with
 * `--trace-gc`: under tsx our echo server sits just above a V8 heap threshold (tsx's own state
 * adds ~1.5 MB to the heap) and spends up to a third of its CPU in back-to-back mark-compacts on
 * 64 KiB traffic (75-90 in 1.8 s, against 2 when bundled), which would measure tsx, not the
 * server. Every child, ours and ws's alike, runs the same way.
 */
import { join } from 'node:path';
import { build } from 'vite';

export interface Scripts {
  codecWorker: string;
  echoServer: string;
  loadgen: string;
  subscriber: string;
  deflateServer: string;
  deflateClient: string;
  fanoutServer: string;
  fanoutLoadgen: string;
}

const ENTRIES = {
  codecWorker: '../codec/worker.ts',
  echoServer: '../echo/server.ts',
  loadgen: '../echo/loadgen.ts',
  subscriber: '../echo/subscriber.ts',
  deflateServer: '../deflate/server.ts',
  deflateClient: '../deflate/client.ts',
  fanoutServer: '../fanout/server.ts',
  fanoutLoadgen: '../fanout/loadgen.ts',
} as const;

/** Bundle the children into node_modules/.cache/framescope-bench (where `ws` resolves). */
export async function buildScripts(root = process.cwd()): Promise<Scripts> {
  const outDir = join(root, 'node_modules', '.cache', 'framescope-bench');
  const input = Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, new URL(path, import.meta.url).pathname]));
  await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rolldownOptions: { input, output: { format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: '[name]-[hash].mjs' } },
    },
  });
  const out = (name: keyof typeof ENTRIES): string => join(outDir, `${name}.mjs`);
  return {
    codecWorker: out('codecWorker'),
    echoServer: out('echoServer'),
    loadgen: out('loadgen'),
    subscriber: out('subscriber'),
    deflateServer: out('deflateServer'),
    deflateClient: out('deflateClient'),
    fanoutServer: out('fanoutServer'),
    fanoutLoadgen: out('fanoutLoadgen'),
  };
}
