/**
 * The comparison on the paths a user takes: `npm run dev` (the endpoints hang off Vite's dev
 * server through framescopeDevPlugin) and `npm start` (the compiled server under plain node).
 * Each runs the whole conversation over all four transports from Node, and nothing is lost.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnvironment } from '../../src/cli/compare/node-environment';
import { runComparison } from '../../src/compare/run';
import { checkSettings, TRANSPORT_NAMES, type CompareSettings } from '../../src/wire/compare';
import { framescopeDevPlugin } from '../../server/vite-plugin';
import { buildServer, type ServerBuild } from '../helpers/built-server';
import { ServerProcess } from '../helpers/server-process';

const settings: CompareSettings = (() => {
  const checked = checkSettings({ messages: 10, largeMessages: 2, rate: 100, pollIntervalMs: 50 });
  if (!checked.ok) throw new Error(checked.errors.join('; '));
  return checked.settings;
})();

async function expectWholeConversation(origin: string): Promise<void> {
  const results = await runComparison(nodeEnvironment(origin), { settings });
  expect(results.map((m) => m.name)).toEqual([...TRANSPORT_NAMES]);
  for (const m of results) {
    expect({ name: m.name, errors: m.errors, delivered: m.delivered, lost: m.lost }).toEqual({ name: m.name, errors: [], delivered: 12, lost: 0 });
    expect(m.wire.up.payload).toBe(10 * 20 + 2 * 10_240);
    expect(m.wire.down.payload).toBe(10 * 20 + 2 * 10_240);
    expect(m.wire.up.headers).toBeGreaterThan(0);
  }
}

describe('npm run dev: the comparison through Vite', { timeout: 60_000 }, () => {
  let root: string;
  let server: ViteDevServer;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'framescope-vite-compare-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>dev</title>');
    server = await createServer({
      configFile: false,
      root,
      logLevel: 'silent',
      plugins: [framescopeDevPlugin({ quiet: true })],
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    });
    await server.listen();
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs every transport on the dev server\'s own port', async () => {
    const port = (server.httpServer!.address() as AddressInfo).port;
    await expectWholeConversation(`http://127.0.0.1:${port}`);
  });
});

describe('npm start: the comparison on the compiled server', { timeout: 120_000 }, () => {
  let build: ServerBuild;
  let started: ServerProcess;
  beforeAll(async () => {
    build = await buildServer();
    started = await ServerProcess.start(build, ['--quiet']);
  }, 120_000);
  afterAll(async () => {
    await started?.stop();
    build?.remove();
  });

  it('runs every transport against plain node', async () => {
    await expectWholeConversation(`http://127.0.0.1:${started.port}`);
  });
});
