/**
 * `ws` (the independent implementation this project measures itself against) as the server
 * under the grader, with its defaults: no case FAILED. What it really does, asserted as it is:
 * it validates UTF-8 when a message is complete, not as it arrives (NON-STRICT on the fail-fast
 * cases 6.4.x and x.6.1-4, as Autobahn scores it); it answers an unknown version with 400 rather
 * than 426; it accepts an HTTP/1.0 upgrade; and it refuses a message of more than 16,384
 * fragments with 1008 (UNIMPLEMENTED: a limit of its own).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { explain, grade, ids } from './helpers';
import type { ConformanceReport } from '../../src/wire/conformance.ts';

let wss: WebSocketServer;
let report: ConformanceReport;

beforeAll(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
  });
  ({ report } = await grade(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`));
}, 180_000);

afterAll(() => new Promise<void>((resolve) => wss.close(() => resolve())));

it('fails no case', () => {
  expect(ids(report, 'FAILED'), explain(report)).toEqual([]);
});

it('is NON-STRICT where it is lenient, and UNIMPLEMENTED where its own limit refuses', () => {
  expect(ids(report, 'NON-STRICT'), explain(report)).toEqual(['x.0.6', 'x.0.15', '6.4.1', '6.4.2', '6.4.3', '6.4.4', 'x.6.1', 'x.6.2', 'x.6.3', 'x.6.4']);
  expect(ids(report, 'UNIMPLEMENTED')).toEqual(['9.3.1', '9.4.1']);
  expect(report.cases.find((c) => c.id === '9.3.1')!.result).toMatch(/1008 Policy Violation/);
  expect(report.summary.OK).toBe(report.cases.length - 10 - 2 - 3);
});
