/**
 * Python's `websockets` (Debian's python3-websockets) as a foreign client: it offers
 * "permessage-deflate; client_max_window_bits" by default; the server must accept that offer and
 * echo compressed messages both ways, context takeover included.
 *
 * Needs a python3 that can import websockets (Debian's /usr/bin/python3 with python3-websockets,
 * or any python3 on PATH that has it). Without one the test is skipped with a loud message,
 * except under CI=true, where it fails (.ci/run installs python3-websockets).
 */
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../server/helpers';

const PYTHONS = ['/usr/bin/python3', 'python3'];
const python = PYTHONS.find((p) => spawnSync(p, ['-c', 'import websockets'], { encoding: 'utf8' }).status === 0) ?? null;

const SCRIPT = String.raw`
import asyncio, json, sys
import websockets

async def main(url):
    async with websockets.connect(url, max_size=2**24) as ws:
        extensions = ws.response_headers.get("Sec-WebSocket-Extensions")
        sent = ["Hello", "Hello", "é" * 40000, "x" * 100]
        got = []
        for m in sent:
            await ws.send(m)
            got.append(await ws.recv())
        await ws.send(b"\x00\x01\x02" * 1000)
        binary = await ws.recv()
        print(json.dumps({"extensions": extensions, "echoed": got == sent, "binary": binary == b"\x00\x01\x02" * 1000}))

asyncio.run(main(sys.argv[1]))
`;

if (python === null) {
  if (process.env['CI'] === 'true') {
    describe("Python's websockets", () => {
      it('is installed (CI=true: .ci/run installs python3-websockets)', () => {
        expect.fail('no python3 with the websockets module; apt-get install python3-websockets');
      });
    });
  } else {
    console.warn(`\n${'!'.repeat(78)}\n!! tests/deflate/python-client.test.ts SKIPPED: no python3 with websockets\n!! (apt-get install python3-websockets). The Python client did NOT run.\n${'!'.repeat(78)}\n`);
    describe.skip("Python's websockets (not installed)", () => it('skipped', () => {}));
  }
} else {
  describe("Python's websockets as the client", () => {
    let server: Running;
    beforeAll(async () => {
      server = await startServer({ deflate: true });
    });
    afterAll(() => server.stop());

    it('its default offer negotiates permessage-deflate, and compressed echoes come back both ways', async () => {
      const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(python!, ['-c', SCRIPT, server.url('/echo')], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        p.on('exit', (status) => resolve({ status, stdout, stderr }));
      });
      expect(child.stderr).toBe('');
      expect(child.status).toBe(0);
      expect(JSON.parse(child.stdout)).toEqual({ extensions: 'permessage-deflate', echoed: true, binary: true });
    });
  });
}
