/**
 * The built app (`dist/`) over plain HTTP: GET and HEAD, index.html at `/`, MIME types by
 * extension, nothing outside the root (no `..`, no encoded slashes or NULs, no symlinks out).
 */
import { createReadStream, existsSync, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export function hasBuild(root: string): boolean {
  return existsSync(path.join(root, 'index.html'));
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(bytes.length),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}

/**
 * Resolve a request path to a file under `root`, or null if it is not a plain path inside it.
 * Exported for the tests.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const rel = path.posix.normalize(decoded).replace(/^\/+/, '');
  const full = path.resolve(root, rel === '' ? 'index.html' : rel);
  const rootResolved = path.resolve(root);
  if (full !== rootResolved && !full.startsWith(rootResolved + path.sep)) return null;
  return full;
}

/** Serve one request from `root`. */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'Method Not Allowed: this server only serves files (GET, HEAD).\n', { Allow: 'GET, HEAD' });
    return;
  }
  if (!hasBuild(root)) {
    send(res, 503, `The app is not built: run npm run build first (no ${path.join(root, 'index.html')}).\n`);
    return;
  }
  const urlPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
  let file = resolveInside(root, urlPath);
  if (file === null) {
    send(res, 400, 'Bad Request: that path is not a file of this app.\n');
    return;
  }
  try {
    const realRoot = await fs.realpath(root);
    let stat = await fs.stat(file);
    if (stat.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = await fs.stat(file);
    }
    const real = await fs.realpath(file);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw Object.assign(new Error('outside'), { code: 'ENOENT' });
    if (!stat.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
    res.writeHead(200, {
      'Content-Type': mimeType(file),
      'Content-Length': String(stat.size),
      'Cache-Control': path.basename(file) === 'index.html' ? 'no-cache' : 'public, max-age=300',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') send(res, 404, `Not Found: ${urlPath}\n`);
    else send(res, 500, 'Internal Server Error\n');
  }
}
