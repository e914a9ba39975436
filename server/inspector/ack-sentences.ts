/**
 * What a demonstration command did, as its `ack` says it: each sentence's id, values and English
 * (the logs' and the CLI's). The page tells the same sentence in its reader's language from
 * `detailId` and `detailValues` on the ack.
 */
import type { MisbehaveKind } from './messages.ts';

export interface AckSentences {
  ping: { count: number };
  fragment: { count: number };
  'fragment-ping': { count: number };
  'fragment-compressed': { count: number };
  'close-no-code': Record<string, never>;
  close: { code: number };
  misbehave: { kind: MisbehaveKind; rule: string };
  'flood-stop': Record<string, never>;
  flood: { count: number };
}
export type AckSentence = keyof AckSentences;

const fragments = (count: number, extra: string): string =>
  `the next message will go out in ${count} fragment${count === 1 ? '' : 's'} (at most one per byte)${extra}`;

export const ACK_ENGLISH: { readonly [I in AckSentence]: (v: AckSentences[I]) => string } = {
  ping: (v) => `sent a ping with ${v.count} bytes of payload`,
  fragment: (v) => fragments(v.count, ''),
  'fragment-ping': (v) => fragments(v.count, ', with a ping after the first'),
  'fragment-compressed': (v) => fragments(v.count, ' (no ping between: this connection compresses its messages)'),
  'close-no-code': () => 'sent a close frame with no status code',
  close: (v) => `sent a close frame with code ${v.code}`,
  misbehave: (v) => `sent a frame that breaks ${v.rule}`,
  'flood-stop': () => 'stopped the flood',
  flood: (v) => `sending ${v.count} text message${v.count === 1 ? '' : 's'} as fast as the browser reads them (progress follows as "flood" messages)`,
};

/** A sentence: its id, values and English. */
export type AckSaid = { [I in AckSentence]: { id: I; values: AckSentences[I]; text: string } }[AckSentence];

export function ackSaid<I extends AckSentence>(id: I, values: AckSentences[I]): AckSaid {
  return { id, values, text: ACK_ENGLISH[id](values) } as AckSaid;
}
