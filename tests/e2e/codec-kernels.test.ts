/**
 * The codec's WebAssembly kernels in Chromium: under `npm run dev` (Vite serves the codec's
 * modules, the kernels' bytes inlined in them: no fetch, no .wasm file), the page's codec loads
 * both kernels synchronously and they agree with the JavaScript paths on long data; and the static
 * build carries the kernels' bytes in the app and in the decoder's worker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MASK_WASM } from '../../src/protocol/wasm/mask-bytes';
import { UTF8_WASM } from '../../src/protocol/wasm/utf8-bytes';
import type * as Codec from '../../src/protocol';
import { builtAppDir } from './app';
import { describeBrowser } from './browser';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface InPage {
  kernels: { mask: string; utf8: string };
  maskAgrees: boolean[];
  utf8: Array<{ at: number; wasm: number; js: number }>;
}

describeBrowser('the codec’s WebAssembly kernels in Chromium', (suite) => {
  let server: ViteDevServer;
  beforeAll(async () => {
    server = await createServer({
      configFile: path.join(root, 'vite.config.ts'),
      root,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    await server.listen();
  });
  afterAll(() => server?.close());

  it('npm run dev: the page’s codec runs both kernels, and they agree with the JavaScript paths', async () => {
    const port = (server.httpServer!.address() as AddressInfo).port;
    const { page, errors } = await suite.open(`http://127.0.0.1:${port}/#/decode`);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    const result = await page.evaluate(async (): Promise<InPage> => {
      // The module the page itself imports, as Vite serves it.
      // Through Function: vitest would rewrite an import() written here, and this runs in the page.
      const load = new Function("url", "return import(url)") as (url: string) => Promise<unknown>;
      const codec = (await load(`${location.origin}/src/protocol/index.ts`)) as typeof Codec;
      const kernels = codec.kernelsInUse();
      const both = <T>(work: () => T): [T, T] => {
        codec.useKernels('javascript');
        const js = work();
        codec.useKernels('webassembly');
        return [js, work()];
      };
      const data = new Uint8Array(200_003).map((_, i) => (i * 31 + (i >> 8)) & 0xff);
      const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
      const maskAgrees = [0, 1, 2, 3].map((keyOffset) => {
        const [js, wasm] = both(() => {
          const copy = data.slice(1); // an odd byte offset
          codec.applyMask(copy, key, keyOffset);
          return Array.from(copy.subarray(0, 4096)).join() + Array.from(copy.subarray(-4096)).join();
        });
        return js === wasm;
      });
      const text = new TextEncoder().encode('Zoë’s café — ½ price ✓ 🦊 你好 привет, plain ASCII too. '.repeat(3000));
      const utf8 = [-1, 0, 1, 63, 64, 65, 5000, 65_535, 65_536, 100_001, text.length - 1].map((at) => {
        const bytes = text.slice();
        if (at >= 0) bytes[at] = 0xff;
        const [js, wasm] = both(() => new codec.Utf8Validator().update(bytes));
        return { at, js, wasm };
      });
      return { kernels, maskAgrees, utf8 };
    });
    expect(result.kernels).toEqual({ mask: 'webassembly', utf8: 'webassembly' });
    expect(result.maskAgrees).toEqual([true, true, true, true]);
    for (const { at, js, wasm } of result.utf8) {
      expect(wasm, `invalid byte at ${at}`).toBe(js);
      expect(js).toBe(at);
    }
    expect(errors).toEqual([]);
  });

  it('npm run build: the kernels’ bytes are inlined in the app and in the decoder’s worker', () => {
    const dir = builtAppDir();
    const scripts = readdirSync(path.join(dir, 'assets')).filter((name) => name.endsWith('.js'));
    const holding = scripts.filter((name) => {
      const text = readFileSync(path.join(dir, 'assets', name), 'utf8').replace(/["'`]\s*\+\s*["'`]/g, '');
      return text.includes(MASK_WASM.slice(0, 200)) && text.includes(UTF8_WASM.slice(0, 200));
    });
    // The page's bundle and the decoder worker's: each instantiates the kernels itself.
    expect(holding.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(path.join(dir, 'assets')).some((name) => name.endsWith('.wasm'))).toBe(false);
  });
});
