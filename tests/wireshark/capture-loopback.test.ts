/**
 * Real captures imported: dumpcap (the capture engine tshark and Wireshark use) records sessions
 * on loopback (tests/capture/scenarios.ts): pcapng and pcap, Ethernet on `lo` and Linux cooked
 * SLL and SLL2 on `any`, IPv4 and IPv6, and permessage-deflate sessions with `ws` as the server
 * and a `ws` client or Chromium. Each file, imported, must give the frames the client's own
 * bytes decode to (both directions), or the messages its application sent and received.
 *
 * Live where this machine lets us capture (root, or dumpcap with capture capabilities); where
 * it does not, the checked-in captures in tests/fixtures/captures/ (regenerate them with
 * `npx tsx tests/fixtures/captures/regenerate.ts`) are the only ones checked, and a banner says
 * so. They are checked in either case. Without dumpcap the live part is skipped loudly, and
 * fails under CI=true.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { importCapture } from '../../src/capture';
import { captureJson } from '../../src/cli/capture';
import { nodeInflater } from '../../src/cli/inflate';
import { findChromium } from '../e2e/chromium';
import { byDirection, type ClientView, type DeflateView } from '../capture/live';
import { runScenario, SCENARIOS, type Result, type Scenario } from '../capture/scenarios';
import { banner, CI, withPrograms } from '../capture/tools';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(here, '..', 'fixtures', 'captures');
const FILE = 'tests/wireshark/capture-loopback.test.ts';

/** The file imported must show what the client saw. */
function check(name: string, bytes: Uint8Array, view: ClientView | DeflateView): void {
  const report = importCapture(bytes, { inflate: nodeInflater });
  const json = captureJson(report);
  expect(json.error, `${name}: ${json.error?.message}`).toBeUndefined();
  expect(json.connections, name).toHaveLength(1);
  expect(json.nonWebSocketStreams).toBe(0);
  const conn = json.connections[0]!;
  expect(conn.server).toBe(view.server);
  if (view.client !== '') expect(conn.client).toBe(view.client);
  expect(conn.handshake.status).toBe(101);
  if ('frames' in view) {
    for (const dir of ['c2s', 's2c'] as const) expect(byDirection(conn.frames, dir), `${name} ${dir}`).toEqual(byDirection(view.frames, dir));
    expect(report.connections[0]!.handshake.acceptValid).toBe(true);
  } else {
    expect(report.connections[0]!.handshake.deflate, `${name}: permessage-deflate accepted`).not.toBeNull();
    const texts = conn.messages.filter((m) => m.opcode === 1);
    for (const dir of ['c2s', 's2c'] as const) {
      expect(texts.filter((m) => m.dir === dir).map((m) => m.text), `${name} ${dir}`).toEqual(view.messages.filter((m) => m.dir === dir).map((m) => m.text));
    }
    // Every data frame was compressed (ws with threshold 0; Chromium compresses what it sends).
    expect(conn.frames.filter((f) => f.opcode === 1).every((f) => f.rsv1), `${name}: RSV1 on every text frame`).toBe(true);
  }
}

describe('the checked-in captures (tests/fixtures/captures)', () => {
  for (const s of SCENARIOS) {
    test(`${s.file}: ${s.what}`, () => {
      const file = path.join(FIXTURES, s.file);
      expect(existsSync(file), `${file} is missing: npx tsx tests/fixtures/captures/regenerate.ts`).toBe(true);
      const expected = JSON.parse(readFileSync(`${file}.expected.json`, 'utf8')) as ClientView | DeflateView;
      check(s.file, new Uint8Array(readFileSync(file)), expected);
    });
  }

  test('they cover pcap and pcapng, Ethernet, SLL and SLL2, IPv4 and IPv6', () => {
    const reports = SCENARIOS.map((s) => importCapture(new Uint8Array(readFileSync(path.join(FIXTURES, s.file)))));
    expect(new Set(reports.map((r) => r.format))).toEqual(new Set(['pcap', 'pcapng']));
    expect(new Set(reports.map((r) => r.linkType))).toEqual(new Set(['ethernet', 'linux_sll', 'linux_sll2']));
    expect(reports.some((r) => r.connections[0]!.client.startsWith('[::1]:'))).toBe(true);
  });
});

withPrograms(FILE, ['dumpcap'], 'live loopback captures with dumpcap', () => {
  describe('live loopback captures with dumpcap', { timeout: 120_000 }, () => {
    const results = new Map<string, Result | string | Error>();
    let refused: string | null = null;

    beforeAll(async () => {
      for (const s of SCENARIOS) {
        if (s.chromium && findChromium() === null && !CI) {
          results.set(s.file, 'no Chromium here (set CHROME_PATH)');
          continue;
        }
        const result = await runScenario(s).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
        results.set(s.file, result);
        if (typeof result === 'string' && refused === null) refused = result;
      }
      if (refused !== null) {
        console.warn(banner(FILE, `LIVE CAPTURE NOT PERMITTED: ${refused}`, 'Only the checked-in captures in tests/fixtures/captures/ were checked (run as root, or give dumpcap its capture capabilities).'));
      }
    }, 180_000);

    for (const s of SCENARIOS) {
      test(`${s.file}: ${s.what}`, (ctx) => {
        const result = results.get(s.file);
        if (result instanceof Error) throw result;
        if (typeof result === 'string' || result === undefined) {
          // Capturing refused (or no Chromium): the checked-in capture above stands in, loudly.
          if (CI && !/no Chromium/.test(result ?? '')) expect.fail(`CI=true and the live capture failed: ${result}`);
          return ctx.skip();
        }
        check(`${s.file} (live)`, result.bytes, result.view);
      });
    }
  });
});

export type { Scenario };
