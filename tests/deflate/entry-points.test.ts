/**
 * The ways a teacher turns permessage-deflate on: `FRAMESCOPE_DEFLATE=1 npm run dev` (vite.config.ts
 * reads it through optionsFromEnv) and `npm start -- --deflate [--deflate-threshold SIZE]`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli } from '../../server/args';
import { framescopeDevPlugin, optionsFromEnv } from '../../server/vite-plugin';
import { nextMessage, openWs } from '../server/helpers';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'framescope-vite-deflate-'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>dev</title>');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function extensionsOf(env: Record<string, string>, target = '/echo'): Promise<string> {
  const server = await createServer({
    configFile: false,
    root,
    logLevel: 'silent',
    plugins: [framescopeDevPlugin({ quiet: true, ...optionsFromEnv(env) })],
    server: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  await server.listen();
  try {
    const port = (server.httpServer!.address() as AddressInfo).port;
    let agreed = '';
    const ws = await openWs(`ws://127.0.0.1:${port}${target}`, { perMessageDeflate: { threshold: 0 } }, (socket) =>
      socket.on('upgrade', (res) => (agreed = String(res.headers['sec-websocket-extensions'] ?? ''))),
    );
    ws.send('Hello');
    expect(String((await nextMessage(ws)).data)).toBe('Hello');
    ws.close();
    return agreed;
  } finally {
    await server.close();
  }
}

describe('npm run dev', () => {
  it('optionsFromEnv reads FRAMESCOPE_DEFLATE beside FRAMESCOPE_CLASS', () => {
    expect(optionsFromEnv({ FRAMESCOPE_DEFLATE: '1' })).toEqual({ deflate: true });
    expect(optionsFromEnv({ FRAMESCOPE_DEFLATE: 'on', FRAMESCOPE_CLASS: 'yes' })).toEqual({ classMode: true, deflate: true });
    expect(optionsFromEnv({ FRAMESCOPE_DEFLATE: '0' })).toEqual({});
  });

  it('FRAMESCOPE_DEFLATE=1: /echo on Vite\u2019s port negotiates permessage-deflate; without it, only ?deflate does', async () => {
    expect(await extensionsOf({ FRAMESCOPE_DEFLATE: '1' })).toBe('permessage-deflate');
    expect(await extensionsOf({})).toBe('');
    expect(await extensionsOf({}, '/echo?deflate')).toBe('permessage-deflate');
  });
});

describe('npm start', () => {
  it('--deflate and --deflate-threshold', () => {
    const on = parseCli(['--deflate', '--deflate-threshold', '1KiB']);
    expect(on).toMatchObject({ kind: 'run', options: { deflate: true, deflateThreshold: 1024 } });
    expect(parseCli([])).toMatchObject({ kind: 'run', options: { deflate: false, deflateThreshold: 0 } });
    expect(parseCli(['--deflate-threshold', 'lots'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/--deflate-threshold takes a size/) });
  });
});
