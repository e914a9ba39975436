/**
 * The server's choice of subprotocol (RFC 6455 §1.9, §4.2.2): the client offers a list in
 * `Sec-WebSocket-Protocol`, the server answers with one of them or with none. Which one is the
 * server's to decide; here, the first of the server's own list, in its order of preference, that
 * the client offered (the client's order is only a hint). Pure: lists in, a choice and its reason out.
 */
import { TOKEN } from './fields.ts';

export interface SubprotocolChoice {
  /** What the client offered, in its order. */
  offered: string[];
  /** What the server speaks, most preferred first. */
  supported: string[];
  /** The subprotocol for the 101's `Sec-WebSocket-Protocol`, or null for none. */
  chosen: string | null;
  /** Why, in a sentence a student can read (English). */
  why: string;
  /** Which sentence `why` is, and its values, for a page to tell it in its reader's language. */
  whyId?: SubprotocolWhy;
  whyValues?: Record<string, string>;
}

/** The sentences of `why`: their ids, values and English (the one place these words are written). */
export const SUBPROTOCOL_WHY_ENGLISH = {
  'none-offered': () => 'The client offered no subprotocol, so the server names none (RFC 6455 §4.2.2).',
  'none-supported': (v: { offered: string }) =>
    `The client offered ${v.offered}; this endpoint speaks no subprotocol, so it names none and the connection opens without one: a client that needs one should close it (RFC 6455 §4.2.2, §1.9).`,
  'none-matching': (v: { offered: string; supported: string }) =>
    `The client offered ${v.offered}; the server speaks ${v.supported}, none of them offered, so it names none and the connection opens without one: a client that needs one should close it (RFC 6455 §4.2.2, §1.9).`,
  chosen: (v: { supported: string; chosen: string }) =>
    `The server speaks ${v.supported}, in its order of preference, and picks the first the client offered: ${v.chosen} (RFC 6455 §4.2.2).`,
  'chosen-not-first': (v: { supported: string; chosen: string; first: string }) =>
    `The server speaks ${v.supported}, in its order of preference, and picks the first the client offered: ${v.chosen} (the client listed ${v.first} first, but the choice is the server's) (RFC 6455 §4.2.2).`,
} as const;
export type SubprotocolWhy = keyof typeof SUBPROTOCOL_WHY_ENGLISH;

/** Checks a server's list (from `--subprotocols`): tokens, each once. Returns a problem, or null. */
export function subprotocolListProblem(list: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const name of list) {
    // RFC 6455 §4.1: subprotocol names are "characters in the range U+0021 to U+007E not including separator characters".
    if (!TOKEN.test(name)) return `${JSON.stringify(name)} is not a subprotocol name: a token, no spaces or separators (RFC 6455 §4.1)`;
    if (seen.has(name)) return `${JSON.stringify(name)} is listed twice`;
    seen.add(name);
  }
  return null;
}

/**
 * RFC 6455 §4.2.2 /subprotocol/: chosen "by selecting one of the values from the
 * |Sec-WebSocket-Protocol| field that the server is willing to use for this connection (if any)";
 * offered nothing, or nothing the server speaks: null, and the 101 carries no such header.
 */
export function selectSubprotocol(offered: readonly string[], supported: readonly string[]): SubprotocolChoice {
  const base = { offered: [...offered], supported: [...supported] };
  const list = (names: readonly string[]): string => names.join(', ');
  if (offered.length === 0) {
    return { ...base, chosen: null, why: SUBPROTOCOL_WHY_ENGLISH['none-offered'](), whyId: 'none-offered', whyValues: {} };
  }
  const chosen = supported.find((name) => offered.includes(name)) ?? null;
  if (chosen === null) {
    if (supported.length === 0) {
      const whyValues = { offered: list(offered) };
      return { ...base, chosen: null, why: SUBPROTOCOL_WHY_ENGLISH['none-supported'](whyValues), whyId: 'none-supported', whyValues };
    }
    const whyValues = { offered: list(offered), supported: list(supported) };
    return { ...base, chosen: null, why: SUBPROTOCOL_WHY_ENGLISH['none-matching'](whyValues), whyId: 'none-matching', whyValues };
  }
  if (offered[0] === chosen) {
    const whyValues = { supported: list(supported), chosen };
    return { ...base, chosen, why: SUBPROTOCOL_WHY_ENGLISH.chosen(whyValues), whyId: 'chosen', whyValues };
  }
  const whyValues = { supported: list(supported), chosen, first: offered[0]! };
  return { ...base, chosen, why: SUBPROTOCOL_WHY_ENGLISH['chosen-not-first'](whyValues), whyId: 'chosen-not-first', whyValues };
}
