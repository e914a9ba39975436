/**
 * The proxy's and the handshake check's sentences told from the catalogue (src/app/playground/proxy/proxy-text.ts):
 * in English word for word what the producers say (the codec's `upgradeResponseSteps`, the server's
 * findings and refusal reasons, which the CLI and the logs print), and in Chinese with no English
 * sentence left beside the values. Unknown ids and broken values fall back to the producer's English.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeAccept, RESPONSE_STEP_ENGLISH, upgradeResponseSteps, type ResponseStep } from '../../src/protocol';
import { findingSentence, refusalReason, stepSentence } from '../../src/app/playground/proxy/proxy-text';
import type { FindingMessage, RefusedMessage } from '../../src/app/inspector/messages';
import { FINDING_ENGLISH, type FindingSentence, type FindingSentences } from '../../server/proxy/findings';
import { REFUSAL_ENGLISH, reason, type RefusalReasons } from '../../server/proxy/reasons';
import { isSentence } from './literals';

const en = { locale: 'en' } as const;
const zh = { locale: 'zh-CN' } as const;
const HAN = /[\u3400-\u9fff]/;

/** Words the Chinese keeps as they are: header names, RFC terms, code a student types. */
const KEPT = [
  'Switching Protocols', 'Sec-WebSocket-Accept', 'Sec-WebSocket-Protocol', 'Upgrade: websocket', 'Connection: Upgrade',
  'CR LF CR LF', 'sha1($s, true)', '.hexdigest()', '.digest()', 'wasClean', 'NODE_EXTRA_CA_CERTS=your-ca.pem', '--max-payload',
];

/** The English left in a Chinese sentence once its values and the kept words are taken out. */
function english(text: string, values: readonly string[]): string[] {
  let rest = text;
  for (const value of [...values].sort((a, b) => b.length - a.length)) if (value !== '') rest = rest.split(value).join(' ');
  for (const kept of KEPT) rest = rest.split(kept).join(' ');
  return rest.split(/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+/).filter((piece) => isSentence(piece));
}

it('the check finds English left in Chinese (as QA saw it)', () => {
  expect(english('浏览器拒绝了你服务器的 101：Sec-WebSocket-Accept is \'OWM4\', but the key gives s3p', ['\'OWM4\''])).not.toEqual([]);
  expect(english('服务器：sent a frame that breaks RFC 6455 §8.1', [])).not.toEqual([]);
  expect(english('响应头不是有效的 HTTP/1.1：{error}。', [])).toEqual([]);
});

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = computeAccept(KEY);
const HEX = createHash('sha1').update(`${KEY}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('hex');
const head = (lines: string, status = 'HTTP/1.1 101 Switching Protocols'): string => `${status}\r\n${lines}\r\n`;
const ok = `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n`;

/** Responses that between them say every step sentence. */
const RESPONSES: { head: string; extensions?: string[]; protocols?: string[] }[] = [
  { head: head(ok) },
  { head: head(`${ok}Sec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Protocol: chat\r\n`), extensions: ['permessage-deflate'], protocols: ['chat'] },
  { head: head('Upgrade: h2c\r\nConnection: keep-alive\r\nSec-WebSocket-Accept: nope\r\nSec-WebSocket-Extensions: x-foo\r\nSec-WebSocket-Protocol: a, b\r\n'), protocols: ['a', 'b'] },
  { head: head('Sec-WebSocket-Protocol: other\r\n'), protocols: ['chat'] },
  { head: head(`Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${Buffer.from(HEX).toString('base64')}\r\n`) },
  { head: head(`Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${ACCEPT}\r\nSec-WebSocket-Accept: ${ACCEPT}\r\n`) },
  { head: head(ok, 'HTTP/1.0 101 Switching Protocols') },
  { head: head('Content-Length: 0\r\n', 'HTTP/1.1 404 Not Found') },
  { head: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' },
  { head: `HTTP/1.1 101 Switching Protocols\n${ok.replace(/\r\n/g, '\n')}\n` },
];

function allSteps(): ResponseStep[] {
  return RESPONSES.flatMap((r) => upgradeResponseSteps(r.head, { key: KEY, extensions: r.extensions, protocols: r.protocols }).steps);
}

describe('handshake steps told from the catalogue', () => {
  const steps = allSteps();

  it('the samples say every step sentence the codec has', () => {
    expect(new Set(steps.map((s) => s.id))).toEqual(new Set(Object.keys(RESPONSE_STEP_ENGLISH)));
  });

  it('in English, word for word the codec\'s message', () => {
    for (const step of steps) expect(stepSentence(step, en), step.id).toBe(step.message);
  });

  it('in Chinese, with no English sentence left', () => {
    for (const step of steps) {
      const text = stepSentence(step, zh);
      expect(text, step.id).toMatch(HAN);
      expect(english(text, Object.values(step.values)), `${step.id}: ${text}`).toEqual([]);
    }
  });

  it('names the hex-digest slip in Chinese too', () => {
    const accept = steps.find((s) => s.id === 'accept-hex')!;
    expect(stepSentence(accept, zh)).toContain('你编码的是十六进制摘要，而不是 20 个原始字节');
  });

  it('an unknown id, or missing values, fall back to the English', () => {
    const step = steps.find((s) => s.id === 'accept-mismatch')!;
    expect(stepSentence({ ...step, id: 'from-a-newer-server' } as never, zh)).toBe(step.message);
    expect(stepSentence({ ...step, values: {} }, zh)).toBe(step.message);
    expect(stepSentence({ ...step, id: undefined } as never, zh)).toBe(step.message);
  });
});

const FINDING_SAMPLES: { readonly [I in FindingSentence]: readonly FindingSentences[I][] } = {
  'bytes-after-close': [{ count: 1, end: 8 }, { count: 5, end: 1234 }],
  'bytes-right-after-close': [{ count: 1 }, { count: 17 }],
  'ended-mid-frame': [{ offset: 0, have: 1, needed: 1 }, { offset: 120, have: 3, needed: 125 }],
  'decoding-stopped-after-close': [{ at: 9 }],
  'decoding-stopped-limit': [{ at: 0, frame: 0, limit: 65536 }],
  'decoding-stopped-fault': [{ at: 14 }],
  'frames-merged': [{ size: 1, start: 0 }, { size: 40, start: 7 }],
  'frame-split': [{ start: 3 }],
  'close-not-answered': [{}],
  'close-not-answered-code': [{ code: 1000 }],
  'no-close-frame': [{}],
};

function findingOf(sentence: string, direction: 'in' | 'out', values: Record<string, number>, message: string): FindingMessage {
  return { type: 'finding', t: 0, wall: 0, connection: 1, direction, rule: 'x', level: 'info', offset: 0, length: 0, rfc: '5.5.1', sentence, values, message };
}

describe('proxy findings told from the catalogue', () => {
  const cases = (Object.keys(FINDING_SAMPLES) as FindingSentence[]).flatMap((id) =>
    (['in', 'out'] as const).flatMap((direction) =>
      (FINDING_SAMPLES[id] as readonly Record<string, number>[]).map((values) =>
        findingOf(id, direction, values, (FINDING_ENGLISH[id] as (d: 'in' | 'out', v: Record<string, number>) => string)(direction, values)),
      ),
    ),
  );

  it('in English, word for word the server\'s message', () => {
    for (const finding of cases) expect(findingSentence(finding, en), `${finding.sentence} ${finding.direction}`).toBe(finding.message);
  });

  it('in Chinese, with no English sentence left', () => {
    for (const finding of cases) {
      const text = findingSentence(finding, zh);
      expect(text, finding.sentence).toMatch(HAN);
      expect(english(text, Object.values(finding.values!).map(String)), text).toEqual([]);
    }
  });

  it('falls back to the English for an unknown sentence or values that do not fit', () => {
    const finding = cases[0]!;
    expect(findingSentence({ ...finding, sentence: 'newer' }, zh)).toBe(finding.message);
    expect(findingSentence({ ...finding, values: { count: -1, end: 3 } }, zh)).toBe(finding.message);
    expect(findingSentence({ ...finding, sentence: undefined, values: undefined }, zh)).toBe(finding.message);
  });
});

const REASON_SAMPLES: { readonly [I in keyof RefusalReasons]: readonly RefusalReasons[I][] } = {
  'connect-refused': [{ shown: '127.0.0.1:9413' }],
  'connect-reset': [{ shown: 'localhost (127.0.0.1:9413)' }],
  'connect-unreachable': [{ shown: '10.0.0.9:80', code: 'EHOSTUNREACH' }],
  'connect-not-available': [{ shown: '[::1]:9' }],
  'tls-failed': [{ shown: 'example.test (127.0.0.1:443)', error: 'self-signed certificate', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, { shown: 'a:1', error: 'oops', code: '' }],
  'connect-failed': [{ shown: '127.0.0.1:1', error: 'connect EACCES 127.0.0.1:1', code: 'EACCES' }, { shown: 'a:1', error: 'oops', code: '' }],
  'tcp-timeout': [{ shown: '127.0.0.1:9424', timeout: '5000' }],
  silent: [{ shown: '127.0.0.1:9424', timeout: '5000' }],
  'head-incomplete': [{ shown: '127.0.0.1:9424', size: '127 B', timeout: '5000', preview: '"HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket"' }],
  'not-http': [{ shown: '127.0.0.1:9424', preview: '"hello\\n"' }],
  'head-too-long': [{ shown: '127.0.0.1:9424', max: '16.0 KiB' }],
  'closed-silent': [{ shown: '127.0.0.1:9424' }],
  'closed-mid-head': [{ shown: '127.0.0.1:9424', size: '12 B', preview: '"HTTP/1.1 101"' }],
  'browser-left': [{}],
  'answered-not-101': [{ line: 'HTTP/1.1 404 Not Found' }],
};

function refusedOf(id: string, values: Record<string, string>, text: string): RefusedMessage {
  return {
    type: 'refused', t: 0, wall: 0, path: '/proxy', session: null, peer: '127.0.0.1', status: 502, reason: text,
    request: { method: 'GET', url: '/proxy', httpVersion: '1.1', headers: [] }, response: { status: 502, head: '' },
    proxy: { target: 'ws://127.0.0.1:9424/', address: '127.0.0.1:9424', stage: 'connect', received: '', reasonId: id, reasonValues: values },
  };
}

describe('proxy refusal reasons told from the catalogue', () => {
  const cases = (Object.keys(REASON_SAMPLES) as (keyof RefusalReasons)[]).flatMap((id) =>
    (REASON_SAMPLES[id] as readonly Record<string, string>[]).map((values) => {
      const said = (reason as (id: string, values: Record<string, string>) => { text: string })(id, values);
      expect(said.text).toBe((REFUSAL_ENGLISH[id] as (v: Record<string, string>) => string)(values));
      return refusedOf(id, values, said.text);
    }),
  );

  it('in English, word for word the server\'s reason', () => {
    for (const refusal of cases) expect(refusalReason(refusal, en), refusal.proxy!.reasonId).toBe(refusal.reason);
  });

  it('in Chinese, with no English sentence left beside the values', () => {
    for (const refusal of cases) {
      const text = refusalReason(refusal, zh);
      expect(text, refusal.proxy!.reasonId).toMatch(HAN);
      expect(english(text, Object.values(refusal.proxy!.reasonValues!)), text).toEqual([]);
    }
  });

  it('a refusal without an id (an older server, the policy\'s own reasons) keeps its English', () => {
    const refusal = cases[0]!;
    expect(refusalReason({ ...refusal, proxy: { ...refusal.proxy!, reasonId: undefined } }, zh)).toBe(refusal.reason);
    expect(refusalReason({ ...refusal, proxy: undefined }, zh)).toBe(refusal.reason);
  });
});
