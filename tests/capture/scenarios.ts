/**
 * The live captures: each a session played on loopback while dumpcap captures it, the file it
 * wrote, and what the client saw. Used by tests/wireshark/capture-loopback.test.ts (live, where
 * capturing is allowed) and by tests/fixtures/captures/regenerate.ts (which checks the results in,
 * for machines where it is not).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importCapture } from '../../src/capture';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium';
import { chromiumDeflateClient, deflateServer, echoSession, wsDeflateClient, type ClientView, type DeflateView } from './live';
import { startCapture, type LiveCapture } from './tools';

export interface Scenario {
  /** File name in tests/fixtures/captures/. */
  file: string;
  what: string;
  /** Does it need Chromium? */
  chromium?: boolean;
  run(capturePath: string): Promise<{ bytes: Uint8Array; view: ClientView | DeflateView } | string>;
}

export type Result = { bytes: Uint8Array; view: ClientView | DeflateView };

async function echo(iface: string, host: string, capturePath: string, extra: string[] = []): Promise<Result | string> {
  const box: { capture: LiveCapture | null } = { capture: null };
  try {
    const view = await echoSession(host, async (port) => {
      const started = await startCapture(iface, `tcp port ${port}`, capturePath, extra);
      if (typeof started === 'string') throw new NoCapture(started);
      box.capture = started;
    });
    return { bytes: await box.capture!.stop(), view };
  } catch (err) {
    box.capture?.abort();
    if (err instanceof NoCapture) return err.message;
    throw err;
  }
}

/** dumpcap could not capture: the session is not played. */
class NoCapture extends Error {}

async function deflate(client: 'ws' | 'chromium', noContextTakeover: boolean, capturePath: string): Promise<Result | string> {
  const server = await deflateServer('127.0.0.1', noContextTakeover);
  try {
    const capture = await startCapture('lo', `tcp port ${server.port}`, capturePath);
    if (typeof capture === 'string') return capture;
    try {
      const view = client === 'ws' ? await wsDeflateClient('127.0.0.1', server.port) : await chromiumDeflateClient(findChromium()!, CHROMIUM_ARGS, '127.0.0.1', server.port);
      return { bytes: await capture.stop(), view };
    } catch (err) {
      capture.abort();
      throw err;
    }
  } finally {
    await server.close();
  }
}

export const SCENARIOS: Scenario[] = [
  { file: 'echo-lo.pcapng', what: 'dumpcap -i lo (pcapng, Ethernet), Framescope\'s /echo on 127.0.0.1, a raw client', run: (p) => echo('lo', '127.0.0.1', p) },
  { file: 'echo-lo.pcap', what: 'dumpcap -i lo -P (pcap, not pcapng)', run: (p) => echo('lo', '127.0.0.1', p, ['-P']) },
  { file: 'echo-any.pcapng', what: 'dumpcap -i any (Linux cooked capture, SLL)', run: (p) => echo('any', '127.0.0.1', p, ['-y', 'LINUX_SLL']) },
  { file: 'echo-any-sll2.pcapng', what: 'dumpcap -i any -y LINUX_SLL2 (Linux cooked capture v2)', run: (p) => echo('any', '127.0.0.1', p, ['-y', 'LINUX_SLL2']) },
  { file: 'echo-ipv6.pcapng', what: 'dumpcap -i lo, Framescope\'s /echo on [::1] (IPv6)', run: (p) => echo('lo', '::1', p) },
  { file: 'deflate-ws.pcapng', what: 'ws with permessage-deflate (context takeover) as the server, a ws client', run: (p) => deflate('ws', false, p) },
  { file: 'deflate-ws-no-context.pcapng', what: 'ws with permessage-deflate, no context takeover either way', run: (p) => deflate('ws', true, p) },
  { file: 'deflate-chromium.pcapng', what: 'ws with permessage-deflate as the server, Chromium\'s WebSocket as the client', chromium: true, run: (p) => deflate('chromium', false, p) },
];

/**
 * Run one scenario in a temporary directory; a string says why it could not capture. On a loaded
 * machine dumpcap may still be attaching its filter when the session starts and miss the
 * handshake: then the session is played once more (the file would show no WebSocket at all).
 */
export async function runScenario(s: Scenario): Promise<Result | string> {
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'framescope-capture-'));
    try {
      const result = await s.run(path.join(dir, s.file));
      if (typeof result === 'string' || attempt === 2 || importCapture(result.bytes).connections.length > 0) return result;
      console.warn(`${s.file}: the capture missed the handshake (dumpcap was still starting); playing the session again`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
