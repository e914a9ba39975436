/**
 * The class on `npm run dev`: Vite's dev server with this repository's vite.config.ts (the app
 * compiled on the fly, the endpoints on Vite's port), in class mode from the environment
 * (`FRAMESCOPE_TEACHER_TOKEN`, as `FRAMESCOPE_CLASS=1` with a token of one's own). The teacher's page
 * opens with the token, a student without it is refused, and a ping to the class reaches the student.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser } from './browser';

const TOKEN = 'dev-server-teacher';

describeBrowser('the class on npm run dev', (suite) => {
  let vite: ViteDevServer;
  let port = 0;

  beforeAll(async () => {
    const before = process.env['FRAMESCOPE_TEACHER_TOKEN'];
    process.env['FRAMESCOPE_TEACHER_TOKEN'] = TOKEN;
    try {
      vite = await createServer({
        configFile: path.resolve(__dirname, '../../vite.config.ts'),
        root: path.resolve(__dirname, '../..'),
        logLevel: 'silent',
        server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
      });
      await vite.listen();
    } finally {
      if (before === undefined) delete process.env['FRAMESCOPE_TEACHER_TOKEN'];
      else process.env['FRAMESCOPE_TEACHER_TOKEN'] = before;
    }
    port = (vite.httpServer!.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await vite?.close();
  });

  it('the teacher link opens the class, a student without it is refused, a ping reaches the student', async () => {
    const base = `http://127.0.0.1:${port}/`;
    const refused = await suite.open(`${base}#/class`);
    await refused.page.getByRole('alert').filter({ hasText: 'This page is for the teacher only (403 Forbidden)' }).waitFor({ timeout: 30_000 });
    await refused.page.close();

    const teacher = await suite.open(`${base}#/class?teacher=${TOKEN}`);
    await teacher.page.getByRole('status').filter({ hasText: /^Watching the class/ }).waitFor({ timeout: 30_000 });
    await teacher.page.getByRole('img', { name: `QR code for http://127.0.0.1:${port}/` }).waitFor();

    const student = await suite.open(base);
    const { page } = student;
    await page.getByRole('button', { name: /^(Connect|Reconnect)$/ }).click({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('status').filter({ hasText: /^Connection \d+: OPEN/ }).count(), { timeout: 15_000 }).toBe(1);
    const name = page.getByRole('textbox', { name: 'Your name for the class' });
    await name.fill('Dev Student');
    await page.getByRole('button', { name: 'Save', exact: true }).click();

    const table = teacher.page.getByRole('table', { name: 'Students' });
    await table.getByRole('rowheader', { name: /^Dev Student/ }).waitFor();
    await teacher.page.getByRole('button', { name: 'Ping everyone' }).click();
    await teacher.page.getByRole('status').filter({ hasText: 'Sent to 1 connection.' }).waitFor();
    await page.getByRole('listbox', { name: /^Frames on the wire/ }).getByRole('option', { name: /server to client, .*ping/i }).first().waitFor();
    await expect.poll(() => table.locator('[data-reaction="reacted"]').count()).toBe(1);
    expect(teacher.errors).toEqual([]);
    expect(student.errors).toEqual([]);
    await Promise.all([teacher.page.close(), page.close()]);
  });
});
