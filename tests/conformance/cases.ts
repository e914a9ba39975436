/**
 * Autobahn|Testsuite's fuzzingclient cases 1-7, 9 and 10, mirrored from
 * crossbario/autobahn-testsuite autobahntestsuite/case/*.py: the same frames, chops, syncs and
 * delays, the same expected event lists (OK and NON-STRICT) and the same expectedClose
 * (closedByMe, closeCode, requireClean, closedByWrongEndpointIsFatal). Case 7.9.x uses the current
 * list of invalid codes [0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999] (older releases also
 * listed 1012-1014, registered since with IANA, and 1015).
 */
import {
  bytes,
  CLOSE_INVALID_PAYLOAD,
  CLOSE_NORMAL,
  CLOSE_PROTOCOL_ERROR,
  FAILED,
  firstInvalidByte,
  hex,
  INFORMATIONAL,
  isValidUtf8,
  NON_STRICT,
  OK,
  WRONG_CODE,
  type Bytes,
  type CaseDef,
  type CaseState,
  type FuzzingClient,
  type Received,
} from './fuzzer';

const msg = (payload: Bytes, binary = false): Received => ['message', bytes(payload), binary];
const pong = (payload: Bytes = ''): Received => ['pong', bytes(payload)];
const timeout = (tag: string): Received => ['timeout', tag];
const times = (s: string, n: number): string => s.repeat(n);
const fe = (n: number): Buffer => Buffer.alloc(n, 0xfe);

/** Normal: the client closes after the expected events, and expects 1000 back, cleanly. */
function normalClose(c: CaseState): void {
  c.expectedClose = { closedByMe: true, closeCode: [CLOSE_NORMAL], requireClean: true };
}
/** Failure: the server must fail the connection (close with `code`, or drop TCP). */
function serverFails(c: CaseState, code = CLOSE_PROTOCOL_ERROR, fatal = false): void {
  c.expectedClose = { closedByMe: false, closeCode: [code], requireClean: false, ...(fatal ? { closedByWrongEndpointIsFatal: true } : {}) };
}

/** 7.x: a WRONG CODE close fails the whole case. */
function wrongCodeFails(_p: FuzzingClient, c: CaseState): void {
  if (c.behaviorClose === WRONG_CODE) {
    c.behavior = FAILED;
    c.result = c.resultClose;
  }
}

function informational(_p: FuzzingClient, c: CaseState): void {
  c.behavior = INFORMATIONAL;
  c.behaviorClose = INFORMATIONAL;
}

const cases: CaseDef[] = [];
const add = (def: CaseDef): void => {
  cases.push(def);
};

// ---- 1 Framing ------------------------------------------------------------------------------

const lengths = [0, 125, 126, 127, 128, 65535, 65536];
for (const [binary, sub] of [[false, 1], [true, 2]] as const) {
  lengths.forEach((n, i) => {
    add({
      id: `1.${sub}.${i + 1}`,
      description: `Send ${binary ? 'binary' : 'text'} message with payload of length ${n}.`,
      onOpen(p, c) {
        const payload = binary ? fe(n) : times('*', n);
        c.expected[OK] = [msg(payload, binary)];
        normalClose(c);
        p.sendFrame({ opcode: binary ? 2 : 1, payload });
        p.killAfter(n >= 65535 ? 10 : 1);
      },
    });
  });
  add({
    id: `1.${sub}.8`,
    description: `Send ${binary ? 'binary' : 'text'} message with payload of length 65536. Sent out data in chops of 997 octets.`,
    onOpen(p, c) {
      const payload = binary ? fe(65536) : times('*', 65536);
      c.expected[OK] = [msg(payload, binary)];
      normalClose(c);
      p.sendFrame({ opcode: binary ? 2 : 1, payload, chopsize: 997 });
      p.killAfter(10);
    },
  });
}

// ---- 2 Pings/Pongs --------------------------------------------------------------------------

const pingCase = (id: string, description: string, payload: Bytes, chopsize?: number, after = 1): void =>
  add({
    id,
    description,
    onOpen(p, c) {
      c.expected[OK] = [pong(payload)];
      normalClose(c);
      p.sendFrame({ opcode: 9, payload, ...(chopsize ? { chopsize } : {}) });
      p.closeAfter(after);
    },
  });
pingCase('2.1', 'Send ping without payload.', '');
pingCase('2.2', 'Send ping with small text payload.', 'Hello, world!');
pingCase('2.3', 'Send ping with small binary (non UTF-8) payload.', hex('00fffefdfcfb00ff'));
pingCase('2.4', 'Send ping with binary payload of 125 octets.', fe(125));
add({
  id: '2.5',
  description: 'Send ping with binary payload of 126 octets.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c);
    p.sendFrame({ opcode: 9, payload: fe(126) });
    p.killAfter(1);
  },
});
pingCase('2.6', 'Send ping with binary payload of 125 octets, send in octet-wise chops.', fe(125), 1, 2);
for (const [id, payload] of [['2.7', ''], ['2.8', 'unsolicited pong payload']] as const) {
  add({
    id,
    description: `Send unsolicited pong ${payload === '' ? 'without' : 'with'} payload. Verify nothing is received. Clean close with normal code.`,
    onOpen(p, c) {
      c.expected[OK] = [];
      normalClose(c);
      p.sendFrame({ opcode: 10, payload });
      p.sendClose(CLOSE_NORMAL);
      p.closeAfter(1);
    },
  });
}
add({
  id: '2.9',
  description: 'Send unsolicited pong with payload. Send ping with payload. Verify pong for ping is received.',
  onOpen(p, c) {
    c.expected[OK] = [pong('ping payload')];
    normalClose(c);
    p.sendFrame({ opcode: 10, payload: 'unsolicited pong payload' });
    p.sendFrame({ opcode: 9, payload: 'ping payload' });
    p.closeAfter(1);
  },
});
for (const [id, chopsize] of [['2.10', 0], ['2.11', 1]] as const) {
  add({
    id,
    description: `Send 10 Pings with payload.${chopsize ? ' Send out octets in octet-wise chops.' : ''}`,
    onOpen(p, c) {
      c.expected[OK] = [];
      for (let i = 0; i < 10; i++) {
        const payload = `payload-${i}`;
        c.expected[OK].push(pong(payload));
        p.sendFrame({ opcode: 9, payload, ...(chopsize ? { chopsize } : {}) });
      }
      normalClose(c);
      p.closeAfter(3);
    },
  });
}

// ---- 3 Reserved Bits ------------------------------------------------------------------------

add({
  id: '3.1',
  description: 'Send small text message with RSV = 1.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c);
    p.sendFrame({ opcode: 1, payload: 'Hello, world!', rsv: 1 });
    p.killAfter(1);
  },
});
for (const [id, rsv, mode] of [['3.2', 2, 'plain'], ['3.3', 3, 'sync'], ['3.4', 4, 'chop']] as const) {
  add({
    id,
    description: `Send small text message, then send again with RSV = ${rsv}, then send Ping.${mode === 'sync' ? ' Octets are sent in frame-wise chops.' : mode === 'chop' ? ' Octets are sent in octet-wise chops.' : ''}`,
    onOpen(p, c) {
      const payload = 'Hello, world!';
      c.expected[OK] = [msg(payload)];
      c.expected[NON_STRICT] = [];
      serverFails(c);
      const how = mode === 'sync' ? { sync: true } : mode === 'chop' ? { chopsize: 1 } : {};
      p.sendFrame({ opcode: 1, payload, ...how });
      p.sendFrame({ opcode: 1, payload, rsv, ...how });
      p.sendFrame({ opcode: 9, ...how });
      p.killAfter(1);
    },
  });
}
add({
  id: '3.5',
  description: 'Send small binary message with RSV = 5.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c);
    p.sendFrame({ opcode: 2, payload: hex('00fffefdfcfb00ff'), rsv: 5 });
    p.killAfter(1);
  },
});
add({
  id: '3.6',
  description: 'Send Ping with RSV = 6.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c);
    // As in case3_6.py (opcode 2 there, despite the description).
    p.sendFrame({ opcode: 2, payload: 'Hello, world!', rsv: 6 });
    p.killAfter(1);
  },
});
add({
  id: '3.7',
  description: 'Send Close with RSV = 7.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c);
    p.sendFrame({ opcode: 8, rsv: 7 });
    p.killAfter(1);
  },
});

// ---- 4 Opcodes ------------------------------------------------------------------------------

for (const [sub, base] of [[1, 3], [2, 11]] as const) {
  const kind = sub === 1 ? 'non-control' : 'control';
  add({
    id: `4.${sub}.1`,
    description: `Send frame with reserved ${kind} Opcode = ${base}.`,
    onOpen(p, c) {
      c.expected[OK] = [];
      serverFails(c);
      p.sendFrame({ opcode: base });
      p.killAfter(1);
    },
  });
  add({
    id: `4.${sub}.2`,
    description: `Send frame with reserved ${kind} Opcode = ${base + 1} and non-empty payload.`,
    onOpen(p, c) {
      c.expected[OK] = [];
      serverFails(c);
      p.sendFrame({ opcode: base + 1, payload: 'reserved opcode payload' });
      p.killAfter(1);
    },
  });
  for (const [n, opcode, withPayload, chop] of [[3, base + 2, false, false], [4, base + 3, true, false], [5, base + 4, true, true]] as const) {
    add({
      id: `4.${sub}.${n}`,
      description: `Send small text message, then send frame with reserved ${kind} Opcode = ${opcode}${withPayload ? ' and non-empty payload' : ''}, then send Ping.`,
      onOpen(p, c) {
        const payload = 'Hello, world!';
        c.expected[OK] = [msg(payload)];
        c.expected[NON_STRICT] = [];
        serverFails(c);
        const how = chop ? { chopsize: 1 } : {};
        p.sendFrame({ opcode: 1, payload, ...how });
        p.sendFrame({ opcode, ...(withPayload ? { payload } : {}), ...how });
        p.sendFrame({ opcode: 9, ...how });
        p.killAfter(1);
      },
    });
  }
}

// ---- 5 Fragmentation ------------------------------------------------------------------------

for (const [id, opcode, name] of [['5.1', 9, 'Ping'], ['5.2', 10, 'Pong']] as const) {
  add({
    id,
    description: `Send ${name} fragmented into 2 fragments.`,
    onOpen(p, c) {
      c.expected[OK] = [];
      serverFails(c);
      p.sendFrame({ opcode, fin: false, payload: 'fragment1' });
      p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2' });
      p.killAfter(1);
    },
  });
}
const modes = [
  ['', {}],
  [' Octets are sent in frame-wise chops.', { sync: true }],
  [' Octets are sent in octet-wise chops.', { chopsize: 1 }],
] as const;
modes.forEach(([words, how], i) => {
  add({
    id: `5.${3 + i}`,
    description: `Send text Message fragmented into 2 fragments.${words}`,
    onOpen(p, c) {
      c.expected[OK] = [msg('fragment1fragment2')];
      normalClose(c);
      p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1', ...how });
      p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2', ...how });
      p.closeAfter(1);
    },
  });
  add({
    id: `5.${6 + i}`,
    description: `Send text Message fragmented into 2 fragments, one ping with payload in-between.${words}`,
    onOpen(p, c) {
      c.expected[OK] = [pong('ping payload'), msg('fragment1fragment2')];
      normalClose(c);
      p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1', ...how });
      p.sendFrame({ opcode: 9, fin: true, payload: 'ping payload', ...how });
      p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2', ...how });
      p.closeAfter(1);
    },
  });
  add({
    id: `5.${9 + i}`,
    description: `Send unfragmented Text Message after Continuation Frame with FIN = true, where there is nothing to continue.${words}`,
    onOpen(p, c) {
      c.expected[OK] = [];
      serverFails(c);
      p.sendFrame({ opcode: 0, fin: true, payload: 'non-continuation payload', ...how });
      p.sendFrame({ opcode: 1, fin: true, payload: 'Hello, world!', ...how });
      p.killAfter(1);
    },
  });
  add({
    id: `5.${12 + i}`,
    description: `Send unfragmented Text Message after Continuation Frame with FIN = false, where there is nothing to continue.${words}`,
    onOpen(p, c) {
      c.expected[OK] = [];
      serverFails(c);
      p.sendFrame({ opcode: 0, fin: false, payload: 'non-continuation payload', ...how });
      p.sendFrame({ opcode: 1, fin: true, payload: 'Hello, world!', ...how });
      p.killAfter(1);
    },
  });
});
add({
  id: '5.15',
  description: 'Send text Message fragmented into 2 fragments, then Continuation Frame with FIN = false where there is nothing to continue, then unfragmented Text Message, all sent in one chop.',
  onOpen(p, c) {
    c.expected[OK] = [msg('fragment1fragment2')];
    c.expected[NON_STRICT] = [];
    serverFails(c);
    p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1' });
    p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2' });
    p.sendFrame({ opcode: 0, fin: false, payload: 'fragment3' });
    p.sendFrame({ opcode: 1, fin: true, payload: 'fragment4' });
    p.killAfter(1);
  },
});
for (const [id, fin] of [['5.16', false], ['5.17', true]] as const) {
  add({
    id,
    description: `Repeated 2x: Continuation Frame with FIN = ${fin} (where there is nothing to continue), then text Message fragmented into 2 fragments.`,
    onOpen(p, c) {
      c.expected[OK] = [];
      serverFails(c);
      for (let i = 0; i < 2; i++) {
        p.sendFrame({ opcode: 0, fin, payload: 'fragment1' });
        p.sendFrame({ opcode: 1, fin: false, payload: 'fragment2' });
        p.sendFrame({ opcode: 0, fin: true, payload: 'fragment3' });
      }
      p.killAfter(1);
    },
  });
}
add({
  id: '5.18',
  description: 'Send text Message fragmented into 2 fragments, with both frame opcodes set to text, sent in one chop.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c);
    p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1' });
    p.sendFrame({ opcode: 1, fin: true, payload: 'fragment2' });
    p.killAfter(1);
  },
});
for (const [id, sync] of [['5.19', false], ['5.20', true]] as const) {
  add({
    id,
    description: `A fragmented text message is sent in multiple frames. After sending the first 2 frames, a Ping is sent; 1 s later 2 more fragments, another Ping and the final fragment.${sync ? ' All frames with SYNC = True.' : ''}`,
    onOpen(p, c) {
      const fragments = ['fragment1', 'fragment2', 'fragment3', 'fragment4', 'fragment5'];
      const pings = ['pongme 1!', 'pongme 2!'];
      c.expected[OK] = [pong(pings[0]!), pong(pings[1]!), msg(fragments.join(''))];
      normalClose(c);
      p.sendFrame({ opcode: 1, fin: false, payload: fragments[0], sync });
      p.sendFrame({ opcode: 0, fin: false, payload: fragments[1], sync });
      p.sendFrame({ opcode: 9, fin: true, payload: pings[0], sync });
      p.continueLater(1, () => {
        p.sendFrame({ opcode: 0, fin: false, payload: fragments[2], sync });
        p.sendFrame({ opcode: 0, fin: false, payload: fragments[3], sync });
        p.sendFrame({ opcode: 9, fin: true, payload: pings[1], sync });
        p.sendFrame({ opcode: 0, fin: true, payload: fragments[4], sync });
        p.closeAfter(1);
      });
    },
  });
}

// ---- 6 UTF-8 Handling -----------------------------------------------------------------------

add({
  id: '6.1.1',
  description: 'Send text message of length 0.',
  onOpen(p, c) {
    c.expected[OK] = [msg('')];
    normalClose(c);
    p.sendFrame({ opcode: 1, payload: '' });
    p.closeAfter(1);
  },
});
add({
  id: '6.1.2',
  description: 'Send fragmented text message, 3 fragments each of length 0.',
  onOpen(p, c) {
    c.expected[OK] = [msg('')];
    normalClose(c);
    p.sendFrame({ opcode: 1, fin: false, payload: '' });
    p.sendFrame({ opcode: 0, fin: false, payload: '' });
    p.sendFrame({ opcode: 0, fin: true, payload: '' });
    p.closeAfter(1);
  },
});
add({
  id: '6.1.3',
  description: 'Send fragmented text message, 3 fragments, first and last of length 0, middle non-empty.',
  onOpen(p, c) {
    c.expected[OK] = [msg('middle frame payload')];
    normalClose(c);
    p.sendFrame({ opcode: 1, fin: false, payload: '' });
    p.sendFrame({ opcode: 0, fin: false, payload: 'middle frame payload' });
    p.sendFrame({ opcode: 0, fin: true, payload: '' });
    p.closeAfter(1);
  },
});
const HELLO = 'Hello-µ@ßöäüàá-UTF-8!!';
const KOSME = hex('cebae1bdb9cf83cebcceb5');
add({
  id: '6.2.1',
  description: 'Send a valid UTF-8 text message in one fragment.',
  onOpen(p, c) {
    c.expected[OK] = [msg(HELLO)];
    normalClose(c);
    p.sendMessage(HELLO, false);
    p.closeAfter(1);
  },
});
add({
  id: '6.2.2',
  description: 'Send a valid UTF-8 text message in two fragments, fragmented on UTF-8 code point boundary.',
  onOpen(p, c) {
    c.expected[OK] = [msg('Hello-µ@ßöäüàá-UTF-8!!')];
    normalClose(c);
    p.sendFrame({ opcode: 1, fin: false, payload: 'Hello-µ@ßöä' });
    p.sendFrame({ opcode: 0, fin: true, payload: 'üàá-UTF-8!!' });
    p.closeAfter(1);
  },
});
for (const [id, payload] of [['6.2.3', bytes(HELLO)], ['6.2.4', KOSME]] as const) {
  add({
    id,
    description: 'Send a valid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends.',
    onOpen(p, c) {
      c.expected[OK] = [msg(payload)];
      normalClose(c);
      p.sendMessage(payload, false, 1);
      p.closeAfter(1);
    },
  });
}
const INVALID_631 = Buffer.concat([KOSME, hex('eda080'), hex('656469746564')]);
add({
  id: '6.3.1',
  description: 'Send invalid UTF-8 text message unfragmented.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c, CLOSE_INVALID_PAYLOAD, true);
    p.sendMessage(INVALID_631, false);
    p.killAfter(1);
  },
});
add({
  id: '6.3.2',
  description: 'Send invalid UTF-8 text message in fragments of 1 octet, resulting in frames ending on positions which are not code point ends.',
  onOpen(p, c) {
    c.expected[OK] = [];
    serverFails(c, CLOSE_INVALID_PAYLOAD, true);
    p.sendMessage(INVALID_631, false, 1);
    p.killAfter(1);
  },
});
// 6.4.x: fail fast. PART2 makes the sequence invalid (0xf4 0x90: above U+10FFFF at its 2nd byte).
const P1 = KOSME;
const P2 = hex('f4908080');
const P3 = hex('656469746564');
const P641 = Buffer.concat([P1, P2, P3]);
const failFast = (c: CaseState): void => {
  c.expected[OK] = [timeout('A')];
  c.expected[NON_STRICT] = [timeout('A'), timeout('B')];
  serverFails(c, CLOSE_INVALID_PAYLOAD, true);
};
for (const [id, parts, asFrames] of [
  ['6.4.1', [P1, P2, P3], true],
  ['6.4.2', [P641.subarray(0, 12), P641.subarray(12, 13), P641.subarray(13)], true],
  ['6.4.3', [P1, P2, P3], false],
  ['6.4.4', [P641.subarray(0, 12), P641.subarray(12, 13), P641.subarray(13)], false],
] as const) {
  add({
    id,
    description: asFrames
      ? 'Send invalid UTF-8 text message in 3 fragments (frames): the 2nd makes it invalid; it must be rejected before the 3rd (fail fast).'
      : 'Send invalid UTF-8 text message as 3 chops of one frame: the 2nd chop makes it invalid; it must be rejected before the 3rd (fail fast).',
    budget: 6000,
    onOpen(p, c) {
      failFast(c);
      const total = parts.reduce((n, x) => n + x.length, 0);
      if (asFrames) p.sendFrame({ opcode: 1, fin: false, payload: parts[0] });
      else {
        p.beginMessage();
        p.beginMessageFrame(total);
        p.sendMessageFrameData(parts[0]);
      }
      p.continueLater(
        1,
        () => {
          if (p.state !== 'OPEN') return;
          c.received.push(timeout('A'));
          if (asFrames) p.sendFrame({ opcode: 0, fin: false, payload: parts[1] });
          else p.sendMessageFrameData(parts[1]);
          p.continueLater(
            1,
            () => {
              if (p.state !== 'OPEN') return;
              c.received.push(timeout('B'));
              if (asFrames) p.sendFrame({ opcode: 0, fin: true, payload: parts[2] });
              else {
                p.sendMessageFrameData(parts[2]);
                p.endMessage();
              }
              p.killAfter(1);
            },
            'B',
          );
        },
        'A',
      );
    },
  });
}

/** createUtf8TestSequences() from case6_x_x.py (Markus Kuhn's UTF-8-test.txt), validity from the case file. */
function utf8Sequences(): [string, [boolean, Buffer][]][] {
  const out: [string, [boolean, Buffer][]][] = [];
  const h = hex;
  const vss = KOSME;
  out.push(['Some valid UTF-8 sequences', [
    [true, Buffer.from('hello$world')],
    [true, Buffer.concat([Buffer.from('hello'), h('c2a2'), Buffer.from('world')])],
    [true, Buffer.concat([Buffer.from('hello'), h('e282ac'), Buffer.from('world')])],
    [true, Buffer.concat([Buffer.from('hello'), h('f0a4ada2'), Buffer.from('world')])],
    [true, vss],
  ]]);
  const prefixes: [boolean, Buffer][] = [];
  for (let i = 1; i <= vss.length; i++) prefixes.push([isValidUtf8(vss.subarray(0, i)), vss.subarray(0, i)]);
  out.push(['All prefixes of a valid UTF-8 string that contains multi-byte code points', prefixes]);
  out.push(['First possible sequence of a certain length', [[true, h('00')], [true, h('c280')], [true, h('e0a080')], [true, h('f0908080')]]]);
  out.push(['First possible sequence length 5/6 (invalid codepoints)', [[false, h('f888808080')], [false, h('fc8480808080')]]]);
  out.push(['Last possible sequence of a certain length', [[true, h('7f')], [true, h('dfbf')], [true, h('efbfbf')], [true, h('f48fbfbf')]]]);
  out.push(['Last possible sequence length 4/5/6 (invalid codepoints)', [[false, h('f7bfbfbf')], [false, h('fbbfbfbfbf')], [false, h('fdbfbfbfbfbf')]]]);
  out.push(['Other boundary conditions', [[true, h('ed9fbf')], [true, h('ee8080')], [true, h('efbfbd')], [true, h('f48fbfbf')], [false, h('f4908080')]]]);
  const cont: [boolean, Buffer][] = ['80', 'bf', '80bf', '80bf80', '80bf80bf', '80bf80bf80', '80bf80bf80bf'].map((x) => [false, h(x)]);
  const all = Buffer.alloc(0xbf - 0x80);
  for (let i = 0x80; i < 0xbf; i++) all[i - 0x80] = i;
  cont.push([false, all]);
  out.push(['Unexpected continuation bytes', cont]);
  const lonely: [boolean, Buffer][] = [];
  for (const [a, b] of [[0xc0, 0xdf], [0xe0, 0xef], [0xf0, 0xf7], [0xf8, 0xfb], [0xfc, 0xfd]] as const) {
    const s: number[] = [];
    for (let i = a; i < b; i++) s.push(i, 0x20);
    lonely.push([false, Buffer.from(s)]);
  }
  out.push(['Lonely start characters', lonely]);
  const k = ['c0', 'e080', 'f08080', 'f8808080', 'fc80808080', 'df', 'efbf', 'f7bfbf', 'fbbfbfbf', 'fdbfbfbfbf'].map(h);
  out.push(['Sequences with last continuation byte missing', k.map((x) => [false, x])]);
  out.push(['Concatenation of incomplete sequences', [[false, Buffer.concat(k)]]]);
  out.push(['Impossible bytes', [[false, h('fe')], [false, h('ff')], [false, h('fefeffff')]]]);
  out.push(['Examples of an overlong ASCII character', ['c0af', 'e080af', 'f08080af', 'f8808080af', 'fc80808080af'].map((x) => [false, h(x)])]);
  out.push(['Maximum overlong sequences', ['c1bf', 'e09fbf', 'f08fbfbf', 'f887bfbfbf', 'fc83bfbfbfbf'].map((x) => [false, h(x)])]);
  out.push(['Overlong representation of the NUL character', ['c080', 'e08080', 'f0808080', 'f880808080', 'fc8080808080'].map((x) => [false, h(x)])]);
  out.push(['Single UTF-16 surrogates', ['eda080', 'edadbf', 'edae80', 'edafbf', 'edb080', 'edbe80', 'edbfbf'].map((x) => [false, h(x)])]);
  out.push(['Paired UTF-16 surrogates', ['eda080edb080', 'eda080edbfbf', 'edadbfedb080', 'edadbfedbfbf', 'edae80edb080', 'edae80edbfbf', 'edafbfedb080', 'edafbfedbfbf'].map((x) => [false, h(x)])]);
  const nonchars: [boolean, Buffer][] = [[true, h('efbfbe')], [true, h('efbfbf')]];
  for (const z1 of ['f0', 'f1', 'f2', 'f3', 'f4']) {
    for (const z2 of ['8f', '9f', 'af', 'bf']) {
      if (z1 === 'f4' && z2 !== '8f') continue; // above U+10FFFF
      for (const z3 of ['be', 'bf']) {
        const zz = `${z1}${z2}bf${z3}`;
        if (zz === 'f08fbfbe' || zz === 'f08fbfbf') continue; // overlong
        nonchars.push([true, h(zz)]);
      }
    }
  }
  out.push(['Non-character code points (valid UTF-8)', nonchars]);
  out.push(['Unicode specials (i.e. replacement char)', ['efbfb9', 'efbfba', 'efbfbb', 'efbfbc', 'efbfbd', 'efbfbe', 'efbfbf'].map((x) => [true, h(x)])]);
  return out;
}

utf8Sequences().forEach(([category, list], i) => {
  list.forEach(([valid, payload], j) => {
    add({
      id: `6.${i + 5}.${j + 1}`,
      description: `${category}: ${valid ? 'valid' : 'invalid'} UTF-8 in one frame: 0x${payload.toString('hex')}`,
      onOpen(p, c) {
        if (valid) {
          c.expected[OK] = [msg(payload)];
          normalClose(c);
        } else {
          c.expected[OK] = [];
          serverFails(c, CLOSE_INVALID_PAYLOAD, true);
        }
        p.sendMessage(payload, false);
        p.killAfter(0.5);
      },
    });
  });
});

// ---- 7 Close Handling -----------------------------------------------------------------------

const closeCase = (id: string, description: string, codes: number[], requireClean: boolean, send: (p: FuzzingClient) => void, expected: Received[] = []): void =>
  add({
    id,
    description,
    onOpen(p, c) {
      c.suppressClose = true;
      c.expected[OK] = expected;
      c.expectedClose = { closedByMe: true, closeCode: codes, requireClean };
      send(p);
      p.killAfter(1);
    },
    onConnectionLost: wrongCodeFails,
  });

add({
  id: '7.1.1',
  description: 'Send a message followed by a close frame',
  onOpen(p, c) {
    c.expected[OK] = [msg('Hello World!')];
    normalClose(c);
    p.sendFrame({ opcode: 1, payload: 'Hello World!' });
    p.killAfter(1);
  },
  onConnectionLost: wrongCodeFails,
});
closeCase('7.1.2', 'Send two close frames', [CLOSE_NORMAL], true, (p) => {
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 8 });
});
closeCase('7.1.3', 'Send a ping after close message', [CLOSE_NORMAL], true, (p) => {
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 9 });
});
closeCase('7.1.4', 'Send text message after sending a close frame.', [CLOSE_NORMAL], true, (p) => {
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 1, payload: 'Hello World!' });
});
closeCase('7.1.5', 'Send message fragment1 followed by close then fragment', [CLOSE_NORMAL], true, (p) => {
  p.sendFrame({ opcode: 1, fin: false, payload: 'fragment1' });
  p.sendClose(CLOSE_NORMAL);
  p.sendFrame({ opcode: 0, fin: true, payload: 'fragment2' });
});
add({
  id: '7.1.6',
  description: 'Send 256K message followed by close then a ping',
  onOpen(p, c) {
    c.suppressClose = true;
    c.expected[OK] = [msg('Hello World!')];
    c.expected[NON_STRICT] = [];
    normalClose(c);
    p.sendFrame({ opcode: 1, payload: 'BAsd7&jh23', payloadLen: 256 * 1024 });
    p.sendFrame({ opcode: 1, payload: 'Hello World!' });
    p.sendClose(CLOSE_NORMAL);
    p.sendFrame({ opcode: 9 });
    p.killAfter(1);
  },
  onConnectionLost(_p, c) {
    // Informational in Autobahn; noted: what came back before the close.
    c.notes.push(`received: ${c.received.map((e) => (e[0] === 'message' ? `message(${e[1].length})` : e[0])).join(', ') || 'nothing'}`);
    informational(_p, c);
  },
});
closeCase('7.3.1', 'Send a close frame with payload length 0 (no close code, no close reason)', [CLOSE_NORMAL], true, (p) => p.sendCloseFrame());
closeCase('7.3.2', 'Send a close frame with payload length 1', [CLOSE_PROTOCOL_ERROR], false, (p) => p.sendCloseFrame(undefined, 'a'));
closeCase('7.3.3', 'Send a close frame with payload length 2 (regular close with a code)', [CLOSE_NORMAL], true, (p) => p.sendClose(CLOSE_NORMAL));
closeCase('7.3.4', 'Send a close frame with close code and close reason', [CLOSE_NORMAL], true, (p) => p.sendClose(CLOSE_NORMAL, 'Hello World!'));
closeCase('7.3.5', 'Send a close frame with close code and close reason of maximum length (123)', [CLOSE_NORMAL], true, (p) => p.sendClose(CLOSE_NORMAL, '*'.repeat(123)));
closeCase('7.3.6', 'Send a close frame with close code and close reason which is too long (124) - total frame payload 126 octets', [CLOSE_PROTOCOL_ERROR], false, (p) =>
  p.sendCloseFrame(CLOSE_NORMAL, '*'.repeat(124)),
);
closeCase('7.5.1', 'Send a close frame with invalid UTF8 payload', [CLOSE_PROTOCOL_ERROR, CLOSE_INVALID_PAYLOAD], false, (p) =>
  p.sendCloseFrame(CLOSE_NORMAL, hex('cebae1bdb9cf83cebcceb5eda080656469746564')),
);
[1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999].forEach((code, i) =>
  closeCase(`7.7.${i + 1}`, `Send close with valid close code ${code}`, [CLOSE_NORMAL, code], true, (p) => p.sendCloseFrame(code)),
);
[0, 999, 1004, 1005, 1006, 1016, 1100, 2000, 2999].forEach((code, i) =>
  closeCase(`7.9.${i + 1}`, `Send close with invalid close code ${code}`, [CLOSE_PROTOCOL_ERROR], false, (p) => p.sendCloseFrame(code)),
);
for (const [id, code] of [['7.13.1', 5000], ['7.13.2', 65535]] as const) {
  add({
    id,
    description: `Send close with close code ${code}`,
    onOpen(p, c) {
      c.suppressClose = true;
      c.expected[OK] = [];
      c.expectedClose = { closedByMe: true, closeCode: [CLOSE_NORMAL, code, CLOSE_PROTOCOL_ERROR], requireClean: false };
      p.sendCloseFrame(code);
      p.killAfter(1);
    },
    onConnectionLost(p, c) {
      c.notes.push(`server answered ${p.remoteCloseCode ?? 'no code'}`);
      informational(p, c);
    },
  });
}

// ---- 9 Limits/Performance -------------------------------------------------------------------

/** 9.x: one big message back, checked for type and length (Autobahn) and byte for byte (here). */
function bigEcho(id: string, description: string, binary: boolean, sent: Buffer, send: (p: FuzzingClient) => void, waitSecs: number, budget: number): void {
  add({
    id,
    description,
    budget,
    onOpen(p, c) {
      c.behavior = FAILED;
      normalClose(c);
      c.result = `Did not receive message within ${waitSecs} seconds.`;
      send(p);
      p.closeAfter(waitSecs);
    },
    onMessage(p, c, payload, isBinary) {
      if (isBinary !== binary) c.result = `Expected ${binary ? 'binary' : 'text'} message with payload, but got ${isBinary ? 'binary' : 'text'}.`;
      else if (payload.length !== sent.length) c.result = `Expected message with payload of length ${sent.length}, but got ${payload.length}.`;
      else {
        c.behavior = OK;
        c.result = `Received message of length ${payload.length}.`;
      }
      c.contentOk = payload.equals(sent);
      c.notes.push(`round trip ${p.elapsed.toFixed(0)} ms`);
      p.sendClose(CLOSE_NORMAL);
    },
  });
}

const KiB = 1024;
const MiB = 1024 * 1024;
const sizeName = (n: number): string => (n >= MiB ? `${n / MiB}M` : `${n / KiB}k`);
const repeat = (pattern: Buffer, n: number): Buffer => {
  const out = Buffer.alloc(n);
  for (let at = 0; at < n; at += pattern.length) pattern.copy(out, at, 0, Math.min(pattern.length, n - at));
  return out;
};

[64 * KiB, 256 * KiB, MiB, 4 * MiB, 8 * MiB, 16 * MiB].forEach((n, i) => {
  const wait = [10, 10, 20, 40, 80, 100][i]!;
  const text = repeat(Buffer.from('BAsd7&jh23'), n);
  bigEcho(`9.1.${i + 1}`, `Send text message with payload of length ${sizeName(n)}.`, false, text, (p) => p.sendFrame({ opcode: 1, payload: 'BAsd7&jh23', payloadLen: n }), wait, 20_000);
  const bin = repeat(hex('00fe23faf0'), n);
  bigEcho(`9.2.${i + 1}`, `Send binary message with payload of length ${sizeName(n)}.`, true, bin, (p) => p.sendFrame({ opcode: 2, payload: hex('00fe23faf0'), payloadLen: n }), wait, 20_000);
});
[64, 256, KiB, 4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB].forEach((frag, i) => {
  const text = Buffer.alloc(4 * MiB, '*');
  bigEcho(`9.3.${i + 1}`, `Send fragmented text message with message payload of length 4M. Sent out in fragments of ${frag < KiB ? frag : sizeName(frag)}.`, false, text, (p) => p.sendMessage(text, false, frag), 100, 20_000);
  const bin = fe(4 * MiB);
  bigEcho(`9.4.${i + 1}`, `Send fragmented binary message with message payload of length 4M. Sent out in fragments of ${frag < KiB ? frag : sizeName(frag)}.`, true, bin, (p) => p.sendMessage(bin, true, frag), 100, 20_000);
});
[64, 128, 256, 512, 1024, 2048].forEach((chop, i) => {
  const text = repeat(Buffer.from('BAsd7&jh23'), MiB);
  bigEcho(`9.5.${i + 1}`, `Send text message with payload of length 1M. Sent out data in chops of ${chop} octets.`, false, text, (p) => p.sendFrame({ opcode: 1, payload: 'BAsd7&jh23', payloadLen: MiB, chopsize: chop }), 1000, 20_000);
  const bin = repeat(hex('00fe23faf0'), MiB);
  bigEcho(`9.6.${i + 1}`, `Send binary message with payload of length 1M. Sent out data in chops of ${chop} octets.`, true, bin, (p) => p.sendFrame({ opcode: 2, payload: hex('00fe23faf0'), payloadLen: MiB, chopsize: chop }), 1000, 20_000);
});
for (const binary of [false, true]) {
  [[0, 1000, 60], [16, 1000, 60], [64, 1000, 60], [256, 1000, 120], [1024, 1000, 240], [4096, 1000, 480]].forEach(([len, count, wait], i) => {
    let sent = 0;
    const sendOne = (p: FuzzingClient): void => {
      p.sendFrame(binary ? { opcode: 2, payload: hex('fe'), payloadLen: len } : { opcode: 1, payload: '*', payloadLen: len });
      sent++;
    };
    add({
      id: `9.${binary ? 8 : 7}.${i + 1}`,
      description: `Send ${count} ${binary ? 'binary' : 'text'} messages of payload size ${len} to measure implementation/network RTT (round trip time) / latency.`,
      budget: 20_000,
      onOpen(p, c) {
        sent = 0;
        c.behavior = FAILED;
        normalClose(c);
        c.result = `Case did not finish within ${wait} seconds.`;
        c.contentOk = true;
        p.closeAfter(wait!);
        sendOne(p);
      },
      onMessage(p, c, payload, isBinary) {
        const expected = binary ? fe(len!) : Buffer.alloc(len!, '*');
        if (!payload.equals(expected)) c.contentOk = false;
        if (isBinary !== binary || payload.length !== len) {
          c.behavior = FAILED;
          c.result = `Echo'ed message type or length differs from what I sent (got binary = ${isBinary}, payload length = ${payload.length}).`;
          p.sendClose(CLOSE_NORMAL);
        } else if (sent < count!) {
          sendOne(p);
        } else {
          c.behavior = OK;
          c.result = 'Ok, received all echo\'ed messages in time.';
          c.notes.push(`${count} round trips in ${p.elapsed.toFixed(0)} ms`);
          p.sendClose(CLOSE_NORMAL);
        }
      },
    });
  });
}

// ---- 10 Misc --------------------------------------------------------------------------------

add({
  id: '10.1.1',
  description: 'Send text message with payload of length 65536 auto-fragmented with autoFragmentSize = 1300.',
  onOpen(p, c) {
    const payload = '*'.repeat(65536);
    p.autoFragmentSize = 1300;
    c.expected[OK] = [msg(payload)];
    normalClose(c);
    p.sendMessage(payload, false);
    p.killAfter(10);
  },
  onConnectionLost(p, c) {
    // As case10_1_1.py: data frames sent, by opcode (0: continuation, 1: text).
    const size = 65536;
    const fragment = p.autoFragmentSize;
    const expected = { 0: Math.floor(size / fragment), 1: size % fragment > 0 ? 1 : 0 };
    if ((p.txFrameStats[0] ?? 0) !== expected[0] || (p.txFrameStats[1] ?? 0) !== expected[1]) {
      c.behavior = FAILED;
      c.result = `Frames transmitted ${JSON.stringify(p.txFrameStats)} does not match what we expected ${JSON.stringify(expected)}.`;
    }
  },
});

// ---- x Beyond Autobahn: UTF-8 in long payloads ----------------------------------------------
// Autobahn's 6.x payloads are short; a validator may take another path on long ones (an ASCII fast
// path, word at a time). The same rules, with the sequences after long runs of ASCII and split
// across reads at every kind of boundary.

const ascii = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => 0x20 + (i % 90)));
const mixed = (n: number): Buffer => {
  const parts: Buffer[] = [];
  let length = 0;
  for (let i = 0; length < n; i++) {
    const piece = i % 5 === 4 ? bytes(['é', '€', '😀', 'κόσμε', '\u{10ffff}'][i % 5 === 4 ? (i / 5) % 5 | 0 : 0]!) : ascii(1 + ((i * 37) % 300));
    parts.push(piece);
    length += piece.length;
  }
  return Buffer.concat(parts);
};
[
  ['300 bytes of ASCII, then a lone continuation byte', Buffer.concat([ascii(300), hex('80'), ascii(700)])],
  ['1000 bytes of ASCII, then a surrogate', Buffer.concat([ascii(1000), hex('eda080'), ascii(500)])],
  ['4093 bytes of ASCII, then U+110000', Buffer.concat([ascii(4093), hex('f4908080'), ascii(100)])],
  ['mixed text, then an overlong NUL', Buffer.concat([mixed(2000), hex('c080'), mixed(300)])],
].forEach(([what, payload], i) => {
  const bad = firstInvalidByte(payload as Buffer);
  add({
    id: `x.6.${i + 1}`,
    description: `Fail fast in a long text frame: ${what as string}; the frame's first part ends at the bad byte, the rest comes 0.5 s later.`,
    budget: 4000,
    onOpen(p, c) {
      const data = payload as Buffer;
      c.expected[OK] = [];
      c.expected[NON_STRICT] = [timeout('A')];
      serverFails(c, CLOSE_INVALID_PAYLOAD, true);
      p.beginMessage();
      p.beginMessageFrame(data.length);
      // In pieces of 97 bytes, so the bad byte falls at some offset inside a read.
      for (let at = 0; at <= bad; at += 97) p.sendMessageFrameData(data.subarray(at, Math.min(at + 97, bad + 1)));
      p.continueLater(0.5, () => {
        if (p.state !== 'OPEN') return;
        c.received.push(timeout('A'));
        p.sendMessageFrameData(data.subarray(bad + 1));
        p.killAfter(1);
      }, 'A');
    },
  });
});
[1000, 65536, 300_000].forEach((n, i) => {
  const data = mixed(n);
  add({
    id: `x.6.${5 + i}`,
    description: `A valid ${data.length}-byte text message of ASCII runs and 2-, 3- and 4-byte characters, in chops of 1, 7 and 1000 bytes (in turn): echoed.`,
    onOpen(p, c) {
      c.expected[OK] = [msg(data)];
      normalClose(c);
      p.sendFrame({ opcode: 1, payload: data, chopsize: [1, 7, 1000][i] });
      p.killAfter(5);
    },
  });
});

export const CASES: readonly CaseDef[] = cases;
