/**
 * A demonstration's ack told from the catalogue (src/app/playground/ack-text.ts): English word for
 * word the server's (server/inspector/ack-sentences.ts, the misbehaviours' rules from
 * server/connection/demonstrations.ts), Chinese with no English sentence left. The QA saw
 * "服务器：sent a frame that breaks RFC 6455 §8.1: …" on a Chinese page.
 */
import { describe, expect, it } from 'vitest';
import { ackSentence } from '../../src/app/playground/ack-text';
import type { AckMessage } from '../../src/app/inspector/messages';
import { ackSaid, type AckSaid } from '../../server/inspector/ack-sentences';
import { misbehaviour } from '../../server/connection/demonstrations';
import { MISBEHAVE_KINDS } from '../../server/inspector/messages';
import { isSentence } from './literals';

const en = { locale: 'en' } as const;
const zh = { locale: 'zh-CN' } as const;
const HAN = /[\u3400-\u9fff]/;

const SAID: AckSaid[] = [
  ackSaid('ping', { count: 0 }),
  ackSaid('ping', { count: 10 }),
  ...[1, 3].flatMap((count) => [ackSaid('fragment', { count }), ackSaid('fragment-ping', { count }), ackSaid('fragment-compressed', { count })]),
  ackSaid('close-no-code', {}),
  ackSaid('close', { code: 4000 }),
  ...MISBEHAVE_KINDS.map((kind) => ackSaid('misbehave', { kind, rule: misbehaviour(kind).rule })),
  ackSaid('flood-stop', {}),
  ackSaid('flood', { count: 1 }),
  ackSaid('flood', { count: 10000 }),
];

const ackOf = (said: AckSaid): AckMessage => ({
  type: 'ack', t: 0, wall: 0, id: 1, connection: 1, action: 'x', detail: said.text, detailId: said.id, detailValues: { ...said.values },
});

describe('demonstration acks told from the catalogue', () => {
  it('in English, word for word the server\'s', () => {
    for (const said of SAID) expect(ackSentence(ackOf(said), en)).toBe(said.text);
  });

  it('in Chinese, with no English sentence left', () => {
    for (const said of SAID) {
      const text = ackSentence(ackOf(said), zh);
      expect(text).toMatch(HAN);
      const left = text.replace('"flood"', '').split(/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+/).filter((piece) => isSentence(piece));
      expect(left, text).toEqual([]);
    }
  });

  it('an ack without a known id, or with values that do not fit, keeps its English', () => {
    const ack = ackOf(ackSaid('misbehave', { kind: 'rsv1', rule: misbehaviour('rsv1').rule }));
    expect(ackSentence({ ...ack, detailId: undefined }, zh)).toBe(ack.detail);
    expect(ackSentence({ ...ack, detailValues: { kind: 'newer-kind' } }, zh)).toBe(ack.detail);
  });
});
