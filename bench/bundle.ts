/**
 * The built app: `vite build` into a temporary directory, then every JS and CSS file gzipped
 * (zlib, level 9) and summed. The decoder's Web Worker is counted too (it is part of the app,
 * fetched when the decoder page opens).
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { bytes } from './lib/format';
import { judge, type Row } from './lib/report';
import { summarize } from './lib/stats';

const run = promisify(execFile);

export interface BuiltApp {
  dir: string;
  files: Array<{ path: string; raw: number; gzip: number }>;
  buildMs: number;
}

export async function buildApp(outDir: string): Promise<BuiltApp> {
  const start = performance.now();
  await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const buildMs = performance.now() - start;
  const files = walk(outDir)
    .filter((path) => /\.(js|css)$/.test(path))
    .map((path) => {
      const content = readFileSync(path);
      return { path: relative(outDir, path), raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
    });
  return { dir: outDir, files, buildMs };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export function bundleRows(app: BuiltApp): Row[] {
  const total = app.files.reduce((n, f) => n + f.gzip, 0);
  const raw = app.files.reduce((n, f) => n + f.raw, 0);
  const detail = app.files
    .sort((a, b) => b.gzip - a.gzip)
    .map((f) => `${f.path.replace(/^assets\//, '').replace(/-[\w-]{8}\./, '.')} ${bytes(f.gzip)}`)
    .join(', ');
  return [
    judge({
      section: 'bundle',
      name: 'app JS + CSS, gzipped',
      format: (v) => bytes(v),
      unit: 'bytes',
      higherIsBetter: false,
      ours: summarize([total]),
      against: [],
      // "≤ 60 KB": 60 × 1024 bytes.
      target: { value: 60 * 1024, kind: 'max', text: '≤60 KB' },
      detail: `${detail} (${bytes(raw)} before gzip)`,
    }),
  ];
}
