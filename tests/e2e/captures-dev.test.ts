/**
 * Captures under `npm run dev`: Vite's dev server with the project's own vite.config.ts (the
 * endpoints through server/vite-plugin.ts, the app and its workers served as modules, not built).
 * The playground's Save capture gives a JSON and a pcapng; dropped on the decoder page, the pcapng
 * is read by the capture worker as Vite serves it, and lists the same frames.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importCapture, parseCapture } from '../../src/capture';
import { describeBrowser } from './browser';
import { download, frameList, playSession } from './capture-session';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describeBrowser('captures under npm run dev', (suite) => {
  let vite: ViteDevServer;
  let port = 0;

  beforeAll(async () => {
    vite = await createServer({
      configFile: `${ROOT}vite.config.ts`,
      root: ROOT,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await vite.listen();
    port = (vite.httpServer!.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await vite?.close();
  });

  it('saves the playground session, and the decoder page reads the pcapng back in its worker', async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 60_000 });
    await playSession(page);
    await page.getByRole('button', { name: 'Save capture' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save capture' });
    await dialog.getByLabel('Name').fill('dev lesson');
    const json = await download(page, dialog.getByRole('button', { name: 'Download JSON' }));
    const pcapng = await download(page, dialog.getByRole('button', { name: 'Download pcapng' }));
    const parsed = parseCapture(json.bytes.toString('utf8'));
    expect(parsed.ok && parsed.capture.connections[0]!.events.filter((e) => e.type === 'frame')).toHaveLength(12);
    const report = importCapture(pcapng.bytes);
    expect(report.error).toBeNull();
    expect(report.connections[0]!.frames).toHaveLength(12);
    // The server's own port: the page was served by Vite, on the same port as the endpoints.
    expect(report.connections[0]!.server).toBe(`127.0.0.1:${port}`);

    await page.goto(`http://127.0.0.1:${port}/#/decode?view=capture`);
    await page.getByLabel('Choose a capture file').setInputFiles({ name: 'dev-lesson.pcapng', mimeType: 'application/octet-stream', buffer: pcapng.bytes });
    await page.getByText(/dev-lesson\.pcapng: pcapng \(ethernet\), .*: 1 WebSocket connection\./).waitFor({ timeout: 60_000 });
    const list = frameList(page, 'Frames of this connection');
    await expect.poll(() => list.getByRole('option').count()).toBeGreaterThanOrEqual(9);
    await list.getByRole('option', { name: /^Frame 1, client to server, .*, text, FIN 1, MASK 1, 5 bytes, “Hello”/ }).waitFor();
    // The worker read it (not the main thread's fallback).
    await page.getByText('Read in a background worker.').waitFor();
    expect(errors).toEqual([]);
  }, 120_000);
});
