/**
 * Whether a connection negotiates permessage-deflate, and with what: the server's flag
 * (`--deflate`, `FRAMESCOPE_DEFLATE=1`) or the URL's `?deflate` decide whether to try; the codec's
 * negotiation (src/protocol/deflate) decides what to answer. The report goes to the tap, so the
 * page can show the offer, the answer, and why.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { negotiateDeflate, parseExtensions, type DeflateParams } from '../../src/protocol/index.ts';
import type { DeflateNegotiation } from '../inspector/messages.ts';
import type { ResolvedDeflate } from '../options.ts';

export interface DeflateChoice {
  /** The parameters agreed and the response element, or null: no extension in the 101. */
  agreed: { params: DeflateParams; response: string } | null;
  report: DeflateNegotiation;
}

const ON = ['', '1', 'on', 'true', 'yes'];
const OFF = ['0', 'off', 'false', 'no'];

/**
 * The sentences of the report's `why` and of a declined offer: their ids and English (the logs'
 * and the CLI's; the page tells them in its reader's language from `whyId`, `whyNoOffer`).
 */
export const DEFLATE_WHY_ENGLISH = {
  'url-on': 'The URL asks for compression (?deflate), so the server negotiates permessage-deflate for this connection.',
  'url-off': 'The URL turns compression off (?deflate=0): every extension offered is declined.',
  'flag-on': 'The server was started with --deflate (or FRAMESCOPE_DEFLATE=1): it negotiates permessage-deflate on every connection that offers it.',
  'flag-off':
    'The server runs without --deflate, so frames stay readable: every extension offered is declined by leaving it out of the response (RFC 6455 §9.1). Add ?deflate to the URL to ask for compression.',
  'no-offer': 'The client offered no extension, so none is used.',
  off: 'Declined: compression is off for this connection.',
} as const;

type WhyId = 'url-on' | 'url-off' | 'flag-on' | 'flag-off';

/** Does this connection try permessage-deflate, and why? */
function wanted(url: URL, options: ResolvedDeflate): { wanted: boolean; why: string; whyId: WhyId } {
  const asked = url.searchParams.get('deflate');
  const value = asked?.trim().toLowerCase() ?? null;
  const said = (on: boolean, whyId: WhyId): { wanted: boolean; why: string; whyId: WhyId } => ({ wanted: on, why: DEFLATE_WHY_ENGLISH[whyId], whyId });
  if (value !== null && ON.includes(value)) return said(true, 'url-on');
  if (value !== null && OFF.includes(value)) return said(false, 'url-off');
  return options.enabled ? said(true, 'flag-on') : said(false, 'flag-off');
}

export function chooseDeflate(headers: IncomingHttpHeaders | Record<string, string[] | undefined>, url: URL, options: ResolvedDeflate): DeflateChoice {
  const decision = wanted(url, options);
  const offered = parseExtensions(headers['sec-websocket-extensions'] ?? null);
  if (!decision.wanted) {
    return {
      agreed: null,
      report: { ...decision, offers: offered.map((o) => ({ offer: o.text, accepted: false, reasons: [DEFLATE_WHY_ENGLISH.off] })), response: null, threshold: options.threshold },
    };
  }
  const negotiation = negotiateDeflate(offered, options.config);
  const report: DeflateNegotiation = {
    ...decision,
    offers: negotiation.verdicts.map((v) => ({ offer: v.offer.text, accepted: v.accepted, reasons: v.reasons })),
    response: negotiation.accepted?.response ?? null,
    threshold: options.threshold,
  };
  if (offered.length === 0) {
    report.why += ` ${DEFLATE_WHY_ENGLISH['no-offer']}`;
    report.whyNoOffer = true;
  }
  const agreed = negotiation.accepted ? { params: negotiation.accepted.params, response: negotiation.accepted.response } : null;
  return { agreed, report };
}
