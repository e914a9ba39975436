/**
 * WebSocketConnection, as a server and as a client: ping and pong, the closing handshake both
 * ways, failing the connection on a fault, masking by role, fragmented sends, and when TCP ends
 * (takeEof, closeExpected). The table of states is held to in states.test.ts.
 */
import { describe, expect, test } from 'vitest';
import {
  closePayload,
  decodeFrames,
  encodeFrame,
  MessageAssembler,
  WebSocketConnection,
  type Frame,
  type FrameSender,
  type ProtocolEvent,
  type Role,
} from '../../src/protocol';
import { FAULT_CASES, INVALID_CLOSE_CODES, senderOf } from './fault-fixtures';
import { ascii, concatBytes, hex, pattern, plainFault, toHex } from './helpers';

const KEY = hex('37 fa 21 3d');

/** Bytes as the peer of `role` would send them: masked when the peer is a client. */
function fromPeer(role: Role, spec: { opcode: number; payload?: Uint8Array; fin?: boolean }): Uint8Array {
  return encodeFrame({ ...spec, maskingKey: role === 'server' ? KEY : null });
}

/** What a connection wrote, decoded as its peer would (strict about masking). */
function written(conn: WebSocketConnection): Frame[] {
  const bytes = concatBytes(...conn.takeOutgoing());
  const sender: FrameSender = conn.role;
  const result = decodeFrames(bytes, { sender });
  expect(result.fault).toBeNull();
  expect(result.incomplete).toBeNull();
  return result.frames;
}

const closeOf = (frame: Frame) => new MessageAssembler().accept(frame);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const kinds = (events: ProtocolEvent[]): string[] => events.map((e) => e.kind);

/** Deliver everything `from` wrote to `to`, as copies (the receiver unmasks in place). */
function deliver(from: WebSocketConnection, to: WebSocketConnection): void {
  for (const chunk of from.takeOutgoing()) to.receive(chunk.slice());
}

describe.each(['server', 'client'] as const)('as a %s', (role) => {
  const open = (): WebSocketConnection => new WebSocketConnection({ role });

  test('a ping is answered by a pong with the same payload (RFC 6455 §5.5.2)', () => {
    for (const payload of [new Uint8Array(0), ascii('Hello'), pattern(125)]) {
      const conn = open();
      conn.receive(fromPeer(role, { opcode: 0x9, payload }));
      const events = conn.takeEvents();
      expect(kinds(events)).toEqual(['ping']);
      const ping = events[0]!;
      expect(ping.kind === 'ping' && toHex(ping.payload)).toBe(toHex(payload));
      const out = written(conn);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ opcode: 0xa, fin: true, masked: role === 'client' });
      expect(toHex(out[0]!.payload)).toBe(toHex(payload));
      expect(conn.state).toBe('OPEN');
    }
  });

  test('a server answers the RFC example ping with the RFC example pong bytes', () => {
    if (role !== 'server') return;
    const conn = open();
    conn.receive(hex('89 85 37 fa 21 3d 7f 9f 4d 51 58')); // a masked "Hello" ping from a client
    expect(kinds(conn.takeEvents())).toEqual(['ping']);
    expect(toHex(concatBytes(...conn.takeOutgoing()))).toBe('8a0548656c6c6f');
  });

  test('an unsolicited pong is reported and not answered', () => {
    const conn = open();
    conn.receive(fromPeer(role, { opcode: 0xa, payload: ascii('heartbeat') }));
    expect(kinds(conn.takeEvents())).toEqual(['pong']);
    expect(conn.takeOutgoing()).toEqual([]);
    expect(conn.state).toBe('OPEN');
  });

  test('messages arrive whole, fragmented or not, with control frames between fragments', () => {
    const conn = open();
    conn.receive(
      concatBytes(
        fromPeer(role, { opcode: 0x1, payload: ascii('one') }),
        fromPeer(role, { opcode: 0x2, fin: false, payload: hex('01 02') }),
        fromPeer(role, { opcode: 0x9, payload: ascii('p') }),
        fromPeer(role, { opcode: 0x0, fin: true, payload: hex('03') }),
      ),
    );
    const events = conn.takeEvents();
    expect(kinds(events)).toEqual(['message', 'ping', 'message']);
    expect(events[0]).toMatchObject({ binary: false, frames: 1 });
    expect(text((events[0] as { data: Uint8Array }).data)).toBe('one');
    expect(events[2]).toMatchObject({ binary: true, frames: 2 });
    expect(toHex((events[2] as { data: Uint8Array }).data)).toBe('010203');
    expect(written(conn).map((f) => f.opcode)).toEqual([0xa]);
  });

  test('a message cut anywhere arrives once, when its last byte does', () => {
    const wire = fromPeer(role, { opcode: 0x1, payload: ascii('a message in pieces') });
    for (let cut = 1; cut < wire.length; cut++) {
      const conn = open();
      conn.receive(wire.slice(0, cut));
      expect(conn.takeEvents()).toEqual([]);
      expect(conn.offset + conn.bufferedAmount).toBe(cut);
      conn.receive(wire.slice(cut));
      const events = conn.takeEvents();
      expect(kinds(events)).toEqual(['message']);
      expect(conn.bufferedAmount).toBe(0);
      expect(conn.offset).toBe(wire.length);
    }
  });

  test('the peer closes: the code is echoed, then closed cleanly (RFC 6455 §5.5.1, §7.1.4)', () => {
    const conn = open();
    conn.receive(fromPeer(role, { opcode: 0x8, payload: closePayload(1001, 'going away') }));
    const events = conn.takeEvents();
    expect(events).toEqual([
      { kind: 'close', code: 1001, reason: 'going away' },
      { kind: 'closed', code: 1001, reason: 'going away', wasClean: true },
    ]);
    const out = written(conn);
    expect(out).toHaveLength(1);
    expect(out[0]!.opcode).toBe(0x8);
    expect(toHex(out[0]!.payload)).toBe('03e9');
    // The WebSocket connection is closed; TCP is next (RFC 6455 §7.1.1: the server closes it first).
    expect(conn.connectionState).toBe('CLOSING_TCP');
    expect(conn.state).toBe('CLOSING');
    expect(conn.closedWith).toEqual({ code: 1001, reason: 'going away', wasClean: true });
    expect(conn.closeExpected()).toBe(true);
    expect(conn.takeEof()).toBe(role === 'server');
    expect(conn.takeEof()).toBe(false);
    conn.receiveEof();
    expect(conn.state).toBe('CLOSED');
    expect(conn.takeEvents()).toEqual([]);
    expect(conn.closeExpected()).toBe(false);
    // A client ends its side once the server's end came; a server already did.
    expect(conn.takeEof()).toBe(role === 'client');
  });

  test('the peer closes with no status code: an empty close is echoed, the code is 1005', () => {
    const conn = open();
    conn.receive(fromPeer(role, { opcode: 0x8 }));
    expect(conn.takeEvents().at(-1)).toEqual({ kind: 'closed', code: 1005, reason: '', wasClean: true });
    const out = written(conn);
    expect(out.map((f) => [f.opcode, f.payloadLength])).toEqual([[0x8, 0]]);
  });

  test('we close, then the peer closes: CLOSE_SENT, then CLOSING_TCP cleanly, and no second close frame', () => {
    const conn = open();
    expect(conn.close(1000, 'done')).toBe(true);
    expect(conn.state).toBe('CLOSING');
    expect(conn.connectionState).toBe('CLOSE_SENT');
    expect(conn.closeExpected()).toBe(true);
    expect(conn.takeEof()).toBe(false);
    expect(conn.sentClose).toEqual({ code: 1000, reason: 'done' });
    const out = written(conn);
    expect(out).toHaveLength(1);
    expect(closeOf(out[0]!)).toEqual({ kind: 'close', code: 1000, reason: 'done' });
    // Data may still arrive while closing, and a ping is still answered: RFC 6455 §5.5.2 excuses
    // the pong only once a Close frame has been *received*.
    conn.receive(concatBytes(fromPeer(role, { opcode: 0x1, payload: ascii('late') }), fromPeer(role, { opcode: 0x9, payload: ascii('still there?') })));
    expect(kinds(conn.takeEvents())).toEqual(['message', 'ping']);
    const pongs = written(conn);
    expect(pongs.map((f) => f.opcode)).toEqual([0xa]);
    expect(text(pongs[0]!.payload)).toBe('still there?');
    expect(conn.connectionState).toBe('CLOSE_SENT');
    conn.receive(fromPeer(role, { opcode: 0x8, payload: closePayload(1000) }));
    expect(conn.takeEvents()).toEqual([
      { kind: 'close', code: 1000, reason: '' },
      { kind: 'closed', code: 1000, reason: '', wasClean: true },
    ]);
    expect(conn.takeOutgoing()).toEqual([]);
    expect(conn.connectionState).toBe('CLOSING_TCP');
    expect(conn.takeEof()).toBe(role === 'server');
  });

  // The shared fixtures whose bytes this role's peer would send (masked for a server's peer).
  const faultCases = FAULT_CASES.filter(
    (c) => senderOf(c) === (role === 'server' ? 'client' : 'server') && Object.keys(c.options ?? {}).every((k) => ['sender', 'maxPayload', 'maxMessage'].includes(k)),
  );

  test('every fault of the fixtures: one close frame with its code, then closed, not clean (RFC 6455 §7.1.7)', () => {
    expect(faultCases.length).toBeGreaterThanOrEqual(role === 'server' ? 15 : 60);
    for (const c of faultCases) {
      const { maxPayload, maxMessage } = c.options ?? {};
      const conn = new WebSocketConnection({ role, maxPayload, maxMessage });
      conn.receive(c.bytes.slice());
      const events = conn.takeEvents();
      expect(kinds(events).slice(-2), c.name).toEqual(['fault', 'closed']);
      const faultEvent = events.at(-2)!;
      const f = faultEvent.kind === 'fault' ? faultEvent.fault : null;
      expect(f && plainFault(f), c.name).toEqual(c.fault);
      expect(events.at(-1), c.name).toMatchObject({ kind: 'closed', code: c.fault.closeCode, wasClean: false });
      const out = written(conn);
      // Pongs for pings before the fault, then one close frame with the fault's code.
      expect(out.slice(0, -1).every((frame) => frame.opcode === 0xa), c.name).toBe(true);
      const close = closeOf(out.at(-1)!);
      expect(close, c.name).toMatchObject({ kind: 'close', code: c.fault.closeCode });
      expect(close?.kind === 'close' && close.reason, c.name).toContain(c.fault.rule);
      expect(conn.connectionState, c.name).toBe('CLOSING_TCP');
      expect(conn.closedWith, c.name).toMatchObject({ code: c.fault.closeCode, wasClean: false });
      // §7.1.7: the server closes TCP now; a client waits for the server to.
      expect(conn.takeEof(), c.name).toBe(role === 'server');
      expect(conn.closeExpected(), c.name).toBe(true);
      // Nothing more is read or written.
      conn.receive(fromPeer(role, { opcode: 0x9 }));
      expect(conn.takeEvents(), c.name).toEqual([]);
      expect(conn.takeOutgoing(), c.name).toEqual([]);
      expect(conn.send('after'), c.name).toBe(false);
    }
  });

  test('a fault after a message: the message first, then the fault', () => {
    const conn = open();
    conn.receive(concatBytes(fromPeer(role, { opcode: 0x1, payload: ascii('before') }), fromPeer(role, { opcode: 0x3 })));
    expect(kinds(conn.takeEvents())).toEqual(['message', 'fault', 'closed']);
  });

  test('a fault while closing sends no second close frame', () => {
    const conn = open();
    conn.close(1000);
    conn.takeOutgoing();
    conn.receive(fromPeer(role, { opcode: 0x1, payload: hex('ff') }));
    const events = conn.takeEvents();
    expect(kinds(events)).toEqual(['fault', 'closed']);
    expect(events[1]).toMatchObject({ code: 1007, wasClean: false });
    expect(conn.takeOutgoing()).toEqual([]);
    expect(conn.connectionState).toBe('CLOSING_TCP');
  });

  test('nothing after a close frame is processed, in the same read or a later one', () => {
    const conn = open();
    conn.receive(
      concatBytes(
        fromPeer(role, { opcode: 0x8, payload: closePayload(1000) }),
        fromPeer(role, { opcode: 0x1, payload: ascii('after the close') }),
        fromPeer(role, { opcode: 0x9, payload: ascii('ping after') }),
        hex('ff ff ff'),
      ),
    );
    expect(kinds(conn.takeEvents())).toEqual(['close', 'closed']);
    expect(written(conn).map((f) => f.opcode)).toEqual([0x8]);
    conn.receive(fromPeer(role, { opcode: 0x1, payload: ascii('later still') }));
    expect(conn.takeEvents()).toEqual([]);
    expect(conn.takeOutgoing()).toEqual([]);
  });

  test('after our close frame no data and no second close; pings and pongs still go (RFC 6455 §5.5.1, §5.5.2)', () => {
    const conn = open();
    expect(conn.close()).toBe(true);
    expect(written(conn).map((f) => [f.opcode, f.payloadLength])).toEqual([[0x8, 0]]);
    expect(conn.send('x')).toBe(false);
    expect(conn.send(new Uint8Array(3))).toBe(false);
    expect(conn.sendFragmented('abc', 2)).toBe(false);
    expect(conn.sendFrame({ opcode: 0x2 })).toBe(false);
    expect(conn.sendFrame({ opcode: 0x8 })).toBe(false);
    expect(conn.close(1000)).toBe(false);
    expect(conn.takeOutgoing()).toEqual([]);
    // §5.5.2: "An endpoint MAY send a Ping frame any time after the connection is established and
    // before the connection is closed."
    expect(conn.ping(ascii('p'))).toBe(true);
    expect(conn.pong()).toBe(true);
    expect(written(conn).map((f) => f.opcode)).toEqual([0x9, 0xa]);
    conn.receiveEof();
    expect(conn.send('x')).toBe(false);
    expect(conn.ping()).toBe(false);
    expect(conn.takeOutgoing()).toEqual([]);
  });

  test('close() refuses codes that may not be sent, and an over-long reason, without changing state', () => {
    const conn = open();
    for (const code of INVALID_CLOSE_CODES) expect(() => conn.close(code)).toThrow(RangeError);
    expect(() => conn.close(1000, 'r'.repeat(124))).toThrow(RangeError);
    expect(() => conn.close(undefined, 'a reason with no code')).toThrow(RangeError);
    expect(conn.state).toBe('OPEN');
    expect(conn.takeOutgoing()).toEqual([]);
    expect(conn.sentClose).toBeNull();
    expect(conn.connectionState).toBe('OPEN');
    expect(conn.send('still open')).toBe(true);
    expect(conn.close(1000, 'r'.repeat(123))).toBe(true);
    expect(written(conn).map((f) => [f.opcode, f.payloadLength])).toEqual([[0x1, 10], [0x8, 125]]);
  });

  test('ping and pong refuse payloads over 125 bytes (RFC 6455 §5.5)', () => {
    const conn = open();
    expect(() => conn.ping(pattern(126))).toThrow(RangeError);
    expect(() => conn.pong(pattern(126))).toThrow(RangeError);
    expect(conn.ping(pattern(125))).toBe(true);
    expect(conn.pong(ascii('unsolicited'))).toBe(true);
    expect(written(conn).map((f) => [f.opcode, f.payloadLength])).toEqual([[0x9, 125], [0xa, 11]]);
  });

  test('abort sends a close with its code and ends the connection, not clean', () => {
    const conn = open();
    conn.abort(1011, 'x'.repeat(300));
    const events = conn.takeEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'closed', code: 1011, wasClean: false });
    const out = written(conn);
    expect(out).toHaveLength(1);
    expect(closeOf(out[0]!)).toMatchObject({ kind: 'close', code: 1011 });
    expect(out[0]!.payloadLength).toBeLessThanOrEqual(125);
    const silent = open();
    silent.abort(1006); // may not be sent: closes with no close frame
    expect(silent.takeOutgoing()).toEqual([]);
    expect(silent.takeEvents()).toEqual([{ kind: 'closed', code: 1006, reason: '', wasClean: false }]);
  });

  test('receiveEof: closed with 1006, not clean, in OPEN and in CLOSING; once only', () => {
    const a = open();
    a.receiveEof();
    expect(a.takeEvents()).toEqual([{ kind: 'closed', code: 1006, reason: '', wasClean: false }]);
    expect(a.state).toBe('CLOSED');
    a.receiveEof();
    expect(a.takeEvents()).toEqual([]);
    const b = open();
    b.close(1000);
    b.receiveEof();
    expect(b.takeEvents()).toEqual([{ kind: 'closed', code: 1006, reason: '', wasClean: false }]);
    const c = open();
    c.receive(fromPeer(role, { opcode: 0x8 }));
    c.takeEvents();
    c.receiveEof(); // already closed cleanly: nothing changes
    expect(c.takeEvents()).toEqual([]);
  });

  test('sendFragmented writes a valid fragmented message that decodes to the original', () => {
    const cases: [string | Uint8Array, number][] = [
      ['héllo wörld, in fragments ✓', 4],
      ['héllo', 3],
      ['ab', 10],
      ['', 3],
      ['one', 1],
      [pattern(2000), 7],
      [pattern(5), 4],
    ];
    for (const [data, count] of cases) {
      const conn = open();
      expect(conn.sendFragmented(data, count)).toBe(true);
      const frames = written(conn);
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      expect(frames.length).toBe(Math.max(1, Math.min(count, bytes.length)));
      expect(frames[0]!.opcode).toBe(typeof data === 'string' ? 0x1 : 0x2);
      frames.slice(1).forEach((f) => expect(f.opcode).toBe(0x0));
      frames.forEach((f, i) => expect(f.fin).toBe(i === frames.length - 1));
      const assembler = new MessageAssembler();
      const events = frames.map((f) => assembler.accept(f)).filter((e) => e !== null);
      expect(events).toHaveLength(1);
      const message = events[0]!;
      expect(message.kind === 'message' && toHex(message.data)).toBe(toHex(bytes));
    }
  });
});

describe('masking by role (RFC 6455 §5.1, §5.3)', () => {
  function everyKind(conn: WebSocketConnection): void {
    conn.send('text');
    conn.send(pattern(2000));
    conn.sendFragmented('fragments', 3);
    conn.ping(ascii('p'));
    conn.pong();
    conn.receive(encodeFrame({ opcode: 0x9, payload: ascii('answer me'), maskingKey: conn.role === 'server' ? KEY : null }));
    expect(kinds(conn.takeEvents())).toEqual(['ping']);
    conn.close(1000, 'bye');
  }

  test('a client masks every frame it writes, each with a fresh random key', () => {
    const conn = new WebSocketConnection({ role: 'client' });
    everyKind(conn);
    const frames = written(conn); // decoded strictly as client frames: unmasked ones would fault
    expect(frames.length).toBe(9);
    expect(frames.every((f) => f.masked && f.maskingKey !== null)).toBe(true);
    // Fresh keys (§5.3): nine random 32-bit keys repeat with a chance of about 1 in 100 million.
    const keys = new Set(frames.map((f) => toHex(f.maskingKey!)));
    expect(keys.size).toBe(frames.length);
    // And on the wire the payload really is masked: the text frame's bytes are not "text".
    const more = new WebSocketConnection({ role: 'client' });
    more.send('text text text text');
    const wire = concatBytes(...more.takeOutgoing());
    expect(text(wire.subarray(6))).not.toBe('text text text text');
  });

  test('a client uses the masking keys it is given', () => {
    let n = 0;
    const conn = new WebSocketConnection({ role: 'client', maskingKey: () => new Uint8Array([n++, 0xaa, 0xbb, 0xcc]) });
    conn.send('a');
    conn.send('b');
    expect(written(conn).map((f) => toHex(f.maskingKey!))).toEqual(['00aabbcc', '01aabbcc']);
  });

  test('a server never masks', () => {
    const conn = new WebSocketConnection({ role: 'server' });
    everyKind(conn);
    const frames = written(conn); // decoded strictly as server frames: masked ones would fault
    expect(frames.length).toBe(9);
    expect(frames.every((f) => !f.masked && f.maskingKey === null)).toBe(true);
  });
});

describe('two connections talking', () => {
  test('a client and a server exchange messages, pings, and close cleanly on both sides', () => {
    const client = new WebSocketConnection({ role: 'client' });
    const server = new WebSocketConnection({ role: 'server' });
    client.send('hello server');
    client.sendFragmented(pattern(300), 3);
    client.ping(ascii('are you there'));
    deliver(client, server);
    const atServer = server.takeEvents();
    expect(kinds(atServer)).toEqual(['message', 'message', 'ping']);
    expect(text((atServer[0] as { data: Uint8Array }).data)).toBe('hello server');
    expect(toHex((atServer[1] as { data: Uint8Array }).data)).toBe(toHex(pattern(300)));
    server.send('hello client');
    deliver(server, client);
    const atClient = client.takeEvents();
    expect(kinds(atClient)).toEqual(['pong', 'message']);
    expect(text((atClient[0] as { payload: Uint8Array }).payload)).toBe('are you there');

    client.close(1000, 'bye');
    expect(client.state).toBe('CLOSING');
    deliver(client, server);
    expect(server.takeEvents().at(-1)).toEqual({ kind: 'closed', code: 1000, reason: 'bye', wasClean: true });
    deliver(server, client);
    expect(client.takeEvents().at(-1)).toEqual({ kind: 'closed', code: 1000, reason: '', wasClean: true });
    // TCP, as RFC 6455 §7.1.1 has it: the server ends it first, the client waits for that, then ends its side.
    expect(client.takeEof()).toBe(false);
    expect(server.takeEof()).toBe(true);
    client.receiveEof(); // the server's FIN arrives
    expect(client.takeEof()).toBe(true);
    server.receiveEof(); // and the client's
    expect([client.state, server.state]).toEqual(['CLOSED', 'CLOSED']);
    expect([client.closeExpected(), server.closeExpected()]).toEqual([false, false]);
    expect(client.takeEvents()).toEqual([]);
    expect(server.takeEvents()).toEqual([]);
  });

  test('both close at once: each gets the other\u2019s close and ends clean, with no third frame', () => {
    const client = new WebSocketConnection({ role: 'client' });
    const server = new WebSocketConnection({ role: 'server' });
    client.close(1001);
    server.close(1000);
    deliver(client, server);
    deliver(server, client);
    expect(client.takeEvents().at(-1)).toEqual({ kind: 'closed', code: 1000, reason: '', wasClean: true });
    expect(server.takeEvents().at(-1)).toEqual({ kind: 'closed', code: 1001, reason: '', wasClean: true });
    expect(client.takeOutgoing()).toEqual([]);
    expect(server.takeOutgoing()).toEqual([]);
  });

  test('nextEvent: an answer to a message goes out before the close frame of a later fault in the same read', () => {
    const server = new WebSocketConnection({ role: 'server' });
    server.receive(concatBytes(encodeFrame({ opcode: 0x1, payload: ascii('echo me'), maskingKey: KEY }), hex('81 00')));
    const first = server.nextEvent();
    expect(first?.kind).toBe('message');
    server.send(text((first as { data: Uint8Array }).data));
    const rest: ProtocolEvent[] = [];
    for (let e = server.nextEvent(); e !== null; e = server.nextEvent()) rest.push(e);
    expect(kinds(rest)).toEqual(['fault', 'closed']);
    const out = written(server);
    expect(out.map((f) => f.opcode)).toEqual([0x1, 0x8]);
    expect(text(out[0]!.payload)).toBe('echo me');
  });

  test('reportFrames: every frame is reported before what it completes', () => {
    const server = new WebSocketConnection({ role: 'server', reportFrames: true });
    server.receive(concatBytes(encodeFrame({ opcode: 0x1, fin: false, payload: ascii('a'), maskingKey: KEY }), encodeFrame({ opcode: 0x0, payload: ascii('b'), maskingKey: KEY })));
    expect(kinds(server.takeEvents())).toEqual(['frame', 'frame', 'message']);
  });
});
