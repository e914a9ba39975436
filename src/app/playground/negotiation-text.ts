/**
 * The server's reasons in the handshake panel (permessage-deflate wanted or not, the subprotocol
 * chosen or not), told in the reader's language: the server gives a sentence id and its values
 * beside its English (`whyId`, `whyValues`); the page tells it from the catalogue. A report
 * without an id this page knows (an older server, a demonstration's own words) keeps its English.
 */
import * as m from '../../paraglide/messages.js';
import type { Locale } from '../../paraglide/runtime.js';
import type { DeflateNegotiation, SubprotocolNegotiation } from '../inspector/messages';

export interface TextOptions {
  locale?: Locale;
}

const DEFLATE_WHY: Readonly<Record<string, (options: TextOptions) => string>> = {
  'url-on': (o) => m.playground_deflate_why_url_on({}, o),
  'url-off': (o) => m.playground_deflate_why_url_off({}, o),
  'flag-on': (o) => m.playground_deflate_why_flag_on({}, o),
  'flag-off': (o) => m.playground_deflate_why_flag_off({}, o),
};

/** Why the server negotiated permessage-deflate for this connection, or did not. */
export function deflateWhy(negotiation: DeflateNegotiation, options: TextOptions = {}): string {
  const id = negotiation.whyId;
  const why = id !== undefined && Object.hasOwn(DEFLATE_WHY, id) ? DEFLATE_WHY[id] : undefined;
  if (why === undefined) return negotiation.why;
  return negotiation.whyNoOffer === true ? `${why(options)} ${m.playground_deflate_why_no_offer({}, options)}` : why(options);
}

/** Why an offer was declined or accepted: the "compression is off" sentence told, the codec's own reasons as they are. */
export function deflateOfferReason(negotiation: DeflateNegotiation, reason: string, options: TextOptions = {}): string {
  const known = negotiation.whyId !== undefined && Object.hasOwn(DEFLATE_WHY, negotiation.whyId);
  return known && !negotiation.wanted ? m.playground_deflate_declined_off({}, options) : reason;
}

type Values = Record<string, string>;

function needs(values: Values, ...names: string[]): Values {
  for (const name of names) if (typeof values[name] !== 'string') throw new TypeError(`missing value ${name}`);
  return values;
}

const SUBPROTOCOL_WHY: Readonly<Record<string, (values: Values, options: TextOptions) => string>> = {
  'none-offered': (_v, o) => m.playground_subprotocol_why_none_offered({}, o),
  'none-supported': (v, o) => m.playground_subprotocol_why_none_supported(needs(v, 'offered') as { offered: string }, o),
  'none-matching': (v, o) => m.playground_subprotocol_why_none_matching(needs(v, 'offered', 'supported') as { offered: string; supported: string }, o),
  chosen: (v, o) => m.playground_subprotocol_why_chosen(needs(v, 'supported', 'chosen') as { supported: string; chosen: string }, o),
  'chosen-not-first': (v, o) =>
    m.playground_subprotocol_why_chosen_not_first(needs(v, 'supported', 'chosen', 'first') as { supported: string; chosen: string; first: string }, o),
};

/** Why the server chose the subprotocol it chose, or none. */
export function subprotocolWhy(negotiation: SubprotocolNegotiation, options: TextOptions = {}): string {
  const id = negotiation.whyId;
  const why = id !== undefined && Object.hasOwn(SUBPROTOCOL_WHY, id) ? SUBPROTOCOL_WHY[id] : undefined;
  const values: unknown = negotiation.whyValues ?? {};
  if (why === undefined || typeof values !== 'object' || values === null) return negotiation.why;
  try {
    return why(values as Values, options);
  } catch {
    return negotiation.why;
  }
}
