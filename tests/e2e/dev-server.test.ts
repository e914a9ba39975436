/**
 * The path a user takes first: `npm run dev`. The project's own Vite dev server (vite.config.ts,
 * its plugin with /echo and /inspect on Vite's port), started on port 0, and the playground in
 * Chromium through it: connect, send, see the frames; a mistyped path gets the server's 404
 * explained instead of CONNECTING forever. The other e2e files run the built app.
 */
import { expect, it } from 'vitest';
import { describeBrowser } from './browser';
import { useViteDev } from './vite-dev';


describeBrowser('the playground through npm run dev', (suite) => {
  const dev = useViteDev('framescope-dev-e2e-');

  it('connects, sends, and shows both frames', { timeout: 120_000 }, async () => {
    const { page, errors } = await suite.open(`http://127.0.0.1:${dev.port}/#/`);
    // The dev server compiles the modules on the first request: give it time.
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 90_000 });
    expect(await page.getByLabel('WebSocket URL').inputValue()).toBe(`ws://127.0.0.1:${dev.port}/echo`);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /^Connection 1: OPEN \(frames from the inspector tap\)/ }).waitFor();
    const box = page.getByRole('textbox', { name: 'Text message' });
    await box.fill('Hello from npm run dev');
    await box.press('Enter');
    const list = page.getByRole('listbox', { name: /^Frames on the wire/ });
    await list.getByRole('option', { name: /client to server, .*, text, FIN 1, MASK 1, 22 bytes, “Hello from npm run dev”/ }).waitFor();
    await list.getByRole('option', { name: /server to client, .*, text, FIN 1, MASK 0, 22 bytes, “Hello from npm run dev”/ }).waitFor();
    // Following the newest: the echo is the selected frame, drawn bit by bit.
    const frame = page.getByRole('region', { name: 'Selected frame' });
    await frame.getByText('server → client').first().waitFor();
    expect(errors).toEqual([]);
  });

  it('explains a mistyped path with the server\u2019s 404 instead of hanging in CONNECTING', { timeout: 120_000 }, async () => {
    const { page } = await suite.open(`http://127.0.0.1:${dev.port}/#/`);
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor({ timeout: 90_000 });
    await page.getByLabel('WebSocket URL').fill(`ws://127.0.0.1:${dev.port}/ech`);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'The server refused the handshake (HTTP 404).' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'No WebSocket endpoint at /ech.' }).count()).toBe(1);
  });
});
