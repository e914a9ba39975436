/**
 * `npm run dev` answers an upgrade to any path that is not one of ours with the same 404 as
 * `npm start`, instead of leaving the browser in CONNECTING; Vite's own HMR socket (subprotocol
 * `vite-hmr` on its path) and its WebSocket proxy are left to Vite. Checked against a real Vite
 * dev server built from the project's own vite.config.ts, on port 0, as `npm run dev` runs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viteOwnsUpgrade, hmrPath } from '../../server/vite-upgrades';
import { RawClient, startServer, upgradeRequest, type Running } from './helpers';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const request = (url: string, protocol?: string) => ({ url, headers: protocol === undefined ? {} : { 'sec-websocket-protocol': protocol } });

describe('viteOwnsUpgrade', () => {
  const dev = { base: '/', server: { port: 5173 } };

  it('takes the HMR socket only with its subprotocol on its path', () => {
    expect(viteOwnsUpgrade(request('/', 'vite-hmr'), dev)).toBe(true);
    expect(viteOwnsUpgrade(request('/?token=abc', 'vite-ping'), dev)).toBe(true);
    expect(viteOwnsUpgrade(request('/nope', 'vite-hmr'), dev)).toBe(false);
    expect(viteOwnsUpgrade(request('/'), dev)).toBe(false);
    expect(viteOwnsUpgrade(request('/', 'chat'), dev)).toBe(false);
    expect(viteOwnsUpgrade(request('/', 'vite-hmr, chat'), dev)).toBe(false);
    expect(viteOwnsUpgrade(request('/echo'), dev)).toBe(false);
  });

  it('follows base and server.ws: its path, its own port or server, or none', () => {
    expect(hmrPath({ base: '/app/', server: {} })).toBe('/app/');
    expect(hmrPath({ base: '/app/', server: { ws: { path: 'hmr' } } })).toBe('/app/hmr');
    expect(hmrPath({ base: './', server: {} })).toBe('/');
    expect(hmrPath({ server: { ws: false } })).toBeNull();
    expect(hmrPath({ server: { port: 5173, ws: { port: 24678 } } })).toBeNull();
    expect(hmrPath({ server: { port: 5173, ws: { port: 5173 } } })).toBe('/');
    expect(viteOwnsUpgrade(request('/app/hmr', 'vite-hmr'), { base: '/app/', server: { ws: { path: 'hmr' } } })).toBe(true);
    expect(viteOwnsUpgrade(request('/', 'vite-hmr'), { base: '/', server: { ws: false } })).toBe(false);
  });

  it('leaves upgrades to a WebSocket proxy entry, and only those', () => {
    const proxied = {
      base: '/',
      server: { proxy: { '/socket': { target: 'http://127.0.0.1:9', ws: true }, '/api': 'http://127.0.0.1:9', '^/re/\\d+': 'ws://127.0.0.1:9' } },
      preview: { proxy: { '/p': { target: 'http://127.0.0.1:9', ws: true } } },
    };
    expect(viteOwnsUpgrade(request('/socket/x'), proxied)).toBe(true);
    expect(viteOwnsUpgrade(request('/api/x'), proxied)).toBe(false);
    expect(viteOwnsUpgrade(request('/re/42'), proxied)).toBe(true);
    expect(viteOwnsUpgrade(request('/re/x'), proxied)).toBe(false);
    expect(viteOwnsUpgrade(request('/p/1'), proxied, true)).toBe(true);
    expect(viteOwnsUpgrade(request('/', 'vite-hmr'), proxied, true)).toBe(false);
  });
});

/** The status, a header or two and the body of an upgrade's answer, over raw TCP. */
async function upgradeAnswer(port: number, target: string, extra: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const client = await RawClient.connect(port);
  try {
    client.write(upgradeRequest(target, extra, port));
    const head = await client.readHead(5000);
    return { status: head.status, body: head.body };
  } finally {
    client.socket.destroy();
  }
}

describe('npm run dev: the project\u2019s Vite dev server', () => {
  let vite: ViteDevServer;
  let port = 0;
  let standalone: Running;
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = mkdtempSync(path.join(tmpdir(), 'framescope-vite-cache-'));
    // vite.config.ts reads the environment (server/vite-plugin.ts): no log lines in the test output.
    process.env['FRAMESCOPE_QUIET'] = '1';
    vite = await createServer({
      root: repoRoot,
      configFile: path.join(repoRoot, 'vite.config.ts'),
      cacheDir,
      logLevel: 'silent',
      clearScreen: false,
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await vite.listen();
    delete process.env['FRAMESCOPE_QUIET'];
    port = (vite.httpServer!.address() as AddressInfo).port;
    standalone = await startServer({ quiet: true });
  }, 60_000);
  afterAll(async () => {
    await vite?.close();
    await standalone?.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('answers an upgrade to an unknown path with the 404 npm start gives, at once', async () => {
    for (const target of ['/nope', '/ech', '/echo/extra', '/inspectx?session=abc']) {
      const dev = await upgradeAnswer(port, target);
      const start = await upgradeAnswer(standalone.port, target);
      expect(dev.status, target).toBe(404);
      expect(dev.body, target).toBe(start.body);
      expect(dev.body).toMatch(/^No WebSocket endpoint at \//);
    }
  });

  it('answers a vite-hmr request to another path with 404 too (Vite only takes its own path)', async () => {
    expect((await upgradeAnswer(port, '/nope', { 'Sec-WebSocket-Protocol': 'vite-hmr' })).status).toBe(404);
  });

  it('still serves /echo, and leaves Vite\u2019s HMR socket to Vite', async () => {
    const echo = new WebSocket(`ws://127.0.0.1:${port}/echo`);
    const got = await new Promise<string>((resolve, reject) => {
      echo.on('open', () => echo.send('through the dev server'));
      echo.on('message', (data) => resolve(String(data)));
      echo.on('error', reject);
    });
    expect(got).toBe('through the dev server');
    echo.close();

    const hmr = new WebSocket(`ws://127.0.0.1:${port}/`, 'vite-hmr');
    const hello = await new Promise<string>((resolve, reject) => {
      hmr.on('message', (data) => resolve(String(data)));
      hmr.on('error', reject);
    });
    expect(JSON.parse(hello)).toMatchObject({ type: 'connected' });
    hmr.close();
  });
});
