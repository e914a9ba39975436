/**
 * What the server says it did for a demonstration (its `ack`), told in the reader's language from
 * the ack's `detailId` and `detailValues`; an ack without an id this page knows keeps its English.
 */
import * as m from '../../paraglide/messages.js';
import type { Locale } from '../../paraglide/runtime.js';
import type { AckMessage } from '../inspector/messages';

export interface TextOptions {
  locale?: Locale;
}

type Values = Readonly<Record<string, unknown>>;

function count(values: Values, name: string): number {
  const n = values[name];
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new TypeError(`missing value ${name}`);
  return n;
}

const counted = (n: number): { count: number; shown: string } => ({ count: n, shown: String(n) });

const BREAKS: Readonly<Record<string, (options: TextOptions) => string>> = {
  'masked-frame': (o) => m.playground_ack_breaks_masked_frame({}, o),
  rsv1: (o) => m.playground_ack_breaks_rsv1({}, o),
  'reserved-opcode': (o) => m.playground_ack_breaks_reserved_opcode({}, o),
  'invalid-utf8': (o) => m.playground_ack_breaks_invalid_utf8({}, o),
  'long-control': (o) => m.playground_ack_breaks_long_control({}, o),
  'fragmented-ping': (o) => m.playground_ack_breaks_fragmented_ping({}, o),
};

const SENTENCES: Readonly<Record<string, (values: Values, options: TextOptions) => string>> = {
  ping: (v, o) => m.playground_ack_ping({ shown: String(count(v, 'count')) }, o),
  fragment: (v, o) => m.playground_ack_fragment(counted(count(v, 'count')), o),
  'fragment-ping': (v, o) => m.playground_ack_fragment_ping(counted(count(v, 'count')), o),
  'fragment-compressed': (v, o) => m.playground_ack_fragment_compressed(counted(count(v, 'count')), o),
  'close-no-code': (_v, o) => m.playground_ack_close_no_code({}, o),
  close: (v, o) => m.playground_ack_close({ code: String(count(v, 'code')) }, o),
  misbehave: (v, o) => {
    const kind = v.kind;
    if (typeof kind !== 'string' || !Object.hasOwn(BREAKS, kind)) throw new TypeError('unknown kind');
    return BREAKS[kind]!(o);
  },
  'flood-stop': (_v, o) => m.playground_ack_flood_stop({}, o),
  flood: (v, o) => m.playground_ack_flood(counted(count(v, 'count')), o),
};

/** The ack's `detail`, in the reader's language. */
export function ackSentence(ack: AckMessage, options: TextOptions = {}): string {
  const id = ack.detailId;
  const sentence = id !== undefined && Object.hasOwn(SENTENCES, id) ? SENTENCES[id] : undefined;
  const values: unknown = ack.detailValues;
  if (sentence === undefined || typeof values !== 'object' || values === null) return ack.detail;
  try {
    return sentence(values as Values, options);
  } catch {
    return ack.detail;
  }
}
