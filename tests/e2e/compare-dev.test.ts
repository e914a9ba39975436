/**
 * `#/compare` the way a new user first meets it: `npm run dev`, Vite's dev server with the
 * project's own vite.config.ts (the Svelte source compiled on request, the endpoints hung off
 * Vite's port by framescopeDevPlugin), the page's own fetch, EventSource and WebSocket.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser } from './browser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SMALL = 20;

describeBrowser('why WebSocket through npm run dev', (suite) => {
  let vite: ViteDevServer;
  let origin = '';

  beforeAll(async () => {
    vite = await createServer({
      root,
      configFile: path.join(root, 'vite.config.ts'),
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    await vite.listen();
    origin = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await vite?.close();
  });

  it('measures all four transports on the dev server\'s own port, every message delivered', async () => {
    const { page, errors } = await suite.open(`${origin}/#/compare`);
    await page.getByRole('heading', { level: 1, name: 'Why WebSocket' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Small messages').fill(String(SMALL));
    await page.getByLabel('Then large messages').fill('2');
    await page.getByLabel('Messages a second').fill('50');
    await page.getByRole('button', { name: 'Run the comparison' }).click();
    await page.getByRole('status').getByText('Done: 4 transports measured.').waitFor({ timeout: 60_000 });
    const cells = async (key: string): Promise<number[]> =>
      (await page.locator(`tr[data-row="${key}"] td`).allTextContents()).map((cell) => Number(cell.replace(/[^\d.]/g, '')));
    expect(await cells('delivered')).toEqual([SMALL + 2, SMALL + 2, SMALL + 2, SMALL + 2]);
    expect(await cells('lost')).toEqual([0, 0, 0, 0]);
    expect(await cells('up-payload')).toEqual(Array(4).fill(SMALL * 20 + 2 * 10_240));
    const [shortPolling, , , webSocket] = await cells('overhead-per-message');
    expect(shortPolling!).toBeGreaterThan(webSocket!);
    expect(await page.getByRole('heading', { name: 'What went wrong' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
