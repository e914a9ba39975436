/**
 * Every way a client can break RFC 6455, seen from a raw client: the server's close frame carries
 * the code the RFC requires (1002, 1007, 1009), then the server closes TCP, the log says why, and
 * an `/inspect` subscriber gets the fault whole (rule, place, section and `detail`, the values a
 * page tells it with). The cases are the shared fixture's (tests/protocol/fault-fixtures.ts): every
 * masked one, as a client sends it, so the server is held to every rule a server checks; those of
 * permessage-deflate (RFC 7692) on a connection that negotiated it (`?deflate`), with the faults
 * found once a compressed message is inflated.
 */
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { citation, FAULT_RULES, Opcode } from '../../src/protocol';
import { memoryLogger } from '../../server/log';
import { code2, FAULT_CASES, INVALID_CLOSE_CODES, masked, senderOf, VALID_CLOSE_CODES, type FaultCase } from '../protocol/fault-fixtures';
import { hex } from '../protocol/helpers';
import { clientFrame, closeCode, closeFrame, eventually, openWs, RawClient, startServer, upgradeRequest, type Running } from './helpers';

const MiB = 1024 * 1024;
const LIMITS = { maxPayload: MiB, maxMessage: 2 * MiB };
/** The smallest limits a server accepts (a control frame may carry 125 bytes). */
const SERVER_MIN_LIMIT = 125;

const log = memoryLogger();

interface Watched {
  s: Running;
  /** What the server's `/inspect?session=faults` subscriber received. */
  messages: Record<string, unknown>[];
}

/** One server (and one subscriber) per pair of limits the cases ask for. */
const servers = new Map<string, Promise<Watched>>();
function serverWith(limits: { maxPayload: number; maxMessage: number }): Promise<Watched> {
  const key = `${limits.maxPayload}/${limits.maxMessage}`;
  let server = servers.get(key);
  if (server === undefined) {
    server = (async () => {
      const s = await startServer({ logger: log, ...limits });
      const messages: Record<string, unknown>[] = [];
      await openWs(s.url('/inspect?session=faults'), {}, (ws) => ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>)));
      return { s, messages };
    })();
    servers.set(key, server);
  }
  return server;
}
afterAll(async () => {
  for (const server of servers.values()) await (await server).s.stop();
});

/** The fixture's cases a server can meet: masked (a client's), with limits a server can have, with or without permessage-deflate. */
const FROM_FIXTURE = FAULT_CASES.filter((c) => {
  const { sender: _sender, maxPayload, maxMessage, perMessageCompressed: _deflate, ...rest } = c.options ?? {};
  const fits = (limit: number | undefined): boolean => limit === undefined || limit >= SERVER_MIN_LIMIT;
  return senderOf(c) === 'client' && Object.keys(rest).length === 0 && fits(maxPayload) && fits(maxMessage);
});

/** The fixture's close codes that may not be sent (§7.4), masked: the code is bytes 6-7, after the header and key. */
const INVALID_CODE_CASES: FaultCase[] = INVALID_CLOSE_CODES.map((code) => ({
  name: `close code ${code}, masked`,
  bytes: masked(0x88, hex(code2(code))),
  options: { sender: 'client' },
  fault: { rule: 'invalid-close-code', closeCode: 1002, offset: 6, length: 2 },
  decidedAt: 8,
  rfc: '7.4',
  detail: { code },
}));

/** A message as a permessage-deflate sender compresses it: raw DEFLATE, sync flush, the 00 00 ff ff tail removed (RFC 7692 §7.2.1). */
const compressed = (bytes: Uint8Array): Uint8Array => zlib.deflateRawSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4);
const DEFLATED = { sender: 'client', perMessageCompressed: true } as const;

/**
 * Found once a compressed message is inflated (RFC 7692 §7.2.2), at its first frame: the parser
 * alone cannot meet them, and only the whole message decides them.
 */
const inflateCase = (name: string, bytes: Uint8Array, fault: FaultCase['fault'], rfc: string, detail: Record<string, unknown>, limit?: number): FaultCase => ({
  name,
  bytes,
  options: limit === undefined ? DEFLATED : { ...DEFLATED, maxPayload: limit, maxMessage: limit },
  fault,
  decidedAt: bytes.length,
  rfc,
  detail,
});
const INFLATE_CASES: FaultCase[] = [
  // BFINAL 1, BTYPE 11: a block type DEFLATE reserves (RFC 1951 §3.2.3), so zlib stops at once.
  inflateCase('RSV1 text whose payload is not DEFLATE data, masked', masked(0xc1, hex('ff')), { rule: 'inflate-failed', closeCode: 1007, offset: 0, length: 1 }, '7.4.1', { reason: 'invalid block type' }),
  inflateCase(
    'RSV1 binary of 4 KiB of zeros, compressed to a few bytes, over a 1 KiB limit, masked',
    masked(0xc2, compressed(new Uint8Array(4096))),
    { rule: 'inflated-too-large', closeCode: 1009, offset: 0, length: 1 },
    '7.4.1',
    { limit: 1024 },
    1024,
  ),
  inflateCase('RSV1 text that inflates to 48 ff (not UTF-8), masked', masked(0xc1, compressed(hex('48 ff'))), { rule: 'inflated-invalid-utf8', closeCode: 1007, offset: 0, length: 1 }, '8.1', { byte: 0xff, at: 1 }),
];

const CASES = [...FROM_FIXTURE, ...INVALID_CODE_CASES, ...INFLATE_CASES];

/** A raw client on `/echo?session=faults`; with `deflate`, one that offered permessage-deflate and had it accepted (`?deflate`). */
async function openRaw(server: Running, deflate: boolean): Promise<RawClient> {
  if (!deflate) return RawClient.open(server.port, '/echo?session=faults');
  const raw = await RawClient.connect(server.port);
  raw.write(upgradeRequest('/echo?session=faults&deflate', { 'Sec-WebSocket-Extensions': 'permessage-deflate' }, server.port));
  const head = await raw.readHead();
  expect(head.status).toBe(101);
  expect(head.headers['sec-websocket-extensions']).toBe('permessage-deflate');
  return raw;
}

/** Send `bytes` on a fresh connection to `server`; the code of its close frame once it closed TCP, and the peer it saw. */
async function failWith(server: Running, bytes: Uint8Array | Uint8Array[], deflate = false): Promise<{ code: number | null; peer: string }> {
  const raw = await openRaw(server, deflate);
  const peer = `127.0.0.1:${raw.socket.localPort}`;
  for (const b of Array.isArray(bytes) ? bytes : [bytes]) raw.write(b);
  const frame = await raw.closeFrame();
  await raw.waitClosed();
  raw.destroy();
  return { code: closeCode(frame), peer };
}

describe('each fault of the shared fixture, sent by a client', () => {
  it('covers every rule a server checks (all but mask-forbidden, which only a client checks, §5.1)', () => {
    const covered = new Set(CASES.map((c) => c.fault.rule));
    expect(FAULT_RULES.filter((rule) => rule !== 'mask-forbidden' && !covered.has(rule))).toEqual([]);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { s, messages } = await serverWith({ maxPayload: c.options?.maxPayload ?? LIMITS.maxPayload, maxMessage: c.options?.maxMessage ?? LIMITS.maxMessage });
    const { code, peer } = await failWith(s, c.bytes, c.options?.perMessageCompressed === true);
    // The close frame carries the rule's code (§7.4.1), then TCP is closed.
    expect(code).toBe(c.fault.closeCode);
    // The log says which rule, where.
    const f = c.fault;
    await eventually(() => log.lines.some((l) => l.startsWith('fault #') && l.includes(` ${peer}: ${f.closeCode} ${f.rule} at byte ${f.offset} (${citation(c.rfc)})`)), 2000, 'the fault line');
    let closeLine: string | undefined;
    await eventually(() => (closeLine = log.lines.find((l) => l.startsWith('close #') && l.includes(` ${peer} `))) !== undefined, 2000, 'the close line');
    expect(closeLine).toMatch(new RegExp(` ${f.closeCode} .*not clean, closed by server \\(fault\\)`));
    // The subscriber gets the fault whole: what a page needs to tell it in any language.
    let id: unknown;
    await eventually(() => (id = messages.find((m) => m.type === 'open' && m.peer === peer)?.connection) !== undefined, 2000, 'the open message');
    let fault: Record<string, unknown> | undefined;
    await eventually(() => (fault = messages.find((m) => m.type === 'fault' && m.connection === id)) !== undefined, 2000, 'the fault message');
    expect(fault).toMatchObject({ ...f, rfc: c.rfc });
    expect(typeof fault!.detail).toBe('object');
    if (c.detail !== undefined) expect(fault!.detail).toEqual(c.detail);
    expect(fault!.message).toMatch(/\(RFC (6455|7692) §[\d.]+\)\.$/);
  });
});

describe('at the server\u2019s own limits', () => {
  it('a fragmented message over the 2 MiB limit in 1 MiB fragments: 1009 (§7.4.1)', async () => {
    const { s } = await serverWith(LIMITS);
    const frames = [
      clientFrame({ opcode: Opcode.Binary, fin: false, payload: new Uint8Array(MiB) }),
      clientFrame({ opcode: Opcode.Continuation, fin: false, payload: new Uint8Array(MiB) }),
      clientFrame({ opcode: Opcode.Continuation, payload: new Uint8Array(1) }),
    ];
    expect((await failWith(s, frames)).code).toBe(1009);
  });

  it('a declared 2^62-byte frame is refused from its header with 1009, without allocating', async () => {
    const { s } = await serverWith(LIMITS);
    const before = process.memoryUsage();
    // FIN + binary, MASK + 127, then 2^62 in 64 bits, a masking key, and a few payload bytes.
    expect((await failWith(s, hex('82 ff 40 00 00 00 00 00 00 00 37 fa 21 3d 01 02 03 04'))).code).toBe(1009);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * MiB);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * MiB);
  });

  it('so is 2^63 - 1 (the largest length whose top bit is 0)', async () => {
    const { s } = await serverWith(LIMITS);
    expect((await failWith(s, hex('82 ff 7f ff ff ff ff ff ff ff 37 fa 21 3d'))).code).toBe(1009);
  });
});

describe('close codes', () => {
  it.each(VALID_CLOSE_CODES)('echoes the valid code %i and closes TCP', async (code) => {
    const { s } = await serverWith(LIMITS);
    const raw = await RawClient.open(s.port);
    raw.write(closeFrame(code, 'bye'));
    const frame = await raw.closeFrame();
    expect(closeCode(frame)).toBe(code);
    await raw.waitClosed();
    raw.destroy();
  });

  it('answers an empty close frame with an empty close frame', async () => {
    const { s } = await serverWith(LIMITS);
    const raw = await RawClient.open(s.port);
    raw.write(closeFrame());
    const frame = await raw.closeFrame();
    expect(frame.payload.length).toBe(0);
    await raw.waitClosed();
    raw.destroy();
  });

  it('ignores what follows a close frame (§5.5.1)', async () => {
    const { s } = await serverWith(LIMITS);
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat([closeFrame(1000), clientFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('after close') })]));
    const frame = await raw.nextFrame();
    expect(frame.opcode).toBe(Opcode.Close);
    await raw.waitClosed();
    expect(raw.frames.length).toBe(0);
    raw.destroy();
  });
});
