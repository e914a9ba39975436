/**
 * `npm run dev`: the endpoints on Vite's own port through framescopeDevPlugin, with Vite's HMR
 * socket left alone; and the same for `vite preview`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, preview, type PreviewServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framescopeDevPlugin } from '../../server/vite-plugin';
import { nextMessage, openWs, wsClosed } from './helpers';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'framescope-vite-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>dev</title>');
  mkdirSync(path.join(root, 'dist'));
  writeFileSync(path.join(root, 'dist', 'index.html'), '<!doctype html><title>preview</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function getStatus(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });
}

async function checkEndpoints(port: number): Promise<void> {
  const ws = await openWs(`ws://127.0.0.1:${port}/echo`);
  ws.send('through vite');
  expect((await nextMessage(ws)).data.toString()).toBe('through vite');
  ws.close();
  await wsClosed(ws);
  expect(await getStatus(port, '/echo')).toBe(426);
  expect(await getStatus(port, '/')).toBe(200);
}

describe('framescopeDevPlugin', () => {
  let server: ViteDevServer;
  beforeAll(async () => {
    server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [framescopeDevPlugin({ quiet: true })],
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await server.listen();
  });
  afterAll(() => server.close());

  it('serves /echo and the page on one port', async () => {
    const port = (server.httpServer!.address() as AddressInfo).port;
    await checkEndpoints(port);
  });

  it('runs the grader for a page through /conformance (npm run dev)', { timeout: 60_000 }, async () => {
    const port = (server.httpServer!.address() as AddressInfo).port;
    const ws = await openWs(`ws://127.0.0.1:${port}/conformance`);
    ws.send(JSON.stringify({ type: 'run', target: `ws://127.0.0.1:${port}/echo`, cases: '1.1.1,x.0.6' }));
    const last = await new Promise<{ type: string; summary?: Record<string, number> }>((resolve) =>
      ws.on('message', (data) => {
        const event = JSON.parse(String(data)) as { type: string };
        if (event.type === 'done' || event.type === 'refused') resolve(event);
      }),
    );
    expect(last.summary).toEqual({ OK: 2, 'NON-STRICT': 0, INFORMATIONAL: 0, UNIMPLEMENTED: 0, FAILED: 0, 'NOT PLAYED': 0 });
    ws.close();
    await wsClosed(ws);
  });

  it('leaves Vite\'s HMR socket alone', async () => {
    const port = (server.httpServer!.address() as AddressInfo).port;
    const hmr = await new Promise<string>((resolve, reject) => {
      import('ws').then(({ default: WebSocket }) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`, 'vite-hmr');
        ws.on('message', (data) => {
          resolve(String(data));
          ws.close();
        });
        ws.on('error', reject);
      }, reject);
    });
    expect(JSON.parse(hmr)).toMatchObject({ type: 'connected' });
  });
});

describe('framescopeDevPlugin in vite preview', () => {
  let server: PreviewServer;
  beforeAll(async () => {
    server = await preview({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [framescopeDevPlugin({ quiet: true })],
      preview: { host: '127.0.0.1', port: 0 },
    });
  });
  afterAll(() => server.close());

  it('serves /echo and the built page on one port', async () => {
    const port = (server.httpServer.address() as AddressInfo).port;
    await checkEndpoints(port);
  });
});
