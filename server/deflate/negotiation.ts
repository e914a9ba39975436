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

/** Does this connection try permessage-deflate, and why? */
function wanted(url: URL, options: ResolvedDeflate): { wanted: boolean; why: string } {
  const asked = url.searchParams.get('deflate');
  const value = asked?.trim().toLowerCase() ?? null;
  if (value !== null && ON.includes(value)) {
    return { wanted: true, why: 'The URL asks for compression (?deflate), so the server negotiates permessage-deflate for this connection.' };
  }
  if (value !== null && OFF.includes(value)) {
    return { wanted: false, why: 'The URL turns compression off (?deflate=0): every extension offered is declined.' };
  }
  return options.enabled
    ? { wanted: true, why: 'The server was started with --deflate (or FRAMESCOPE_DEFLATE=1): it negotiates permessage-deflate on every connection that offers it.' }
    : {
        wanted: false,
        why: 'The server runs without --deflate, so frames stay readable: every extension offered is declined by leaving it out of the response (RFC 6455 §9.1). Add ?deflate to the URL to ask for compression.',
      };
}

export function chooseDeflate(headers: IncomingHttpHeaders | Record<string, string[] | undefined>, url: URL, options: ResolvedDeflate): DeflateChoice {
  const decision = wanted(url, options);
  const offered = parseExtensions(headers['sec-websocket-extensions'] ?? null);
  if (!decision.wanted) {
    return {
      agreed: null,
      report: { ...decision, offers: offered.map((o) => ({ offer: o.text, accepted: false, reasons: ['Declined: compression is off for this connection.'] })), response: null, threshold: options.threshold },
    };
  }
  const negotiation = negotiateDeflate(offered, options.config);
  const report: DeflateNegotiation = {
    ...decision,
    offers: negotiation.verdicts.map((v) => ({ offer: v.offer.text, accepted: v.accepted, reasons: v.reasons })),
    response: negotiation.accepted?.response ?? null,
    threshold: options.threshold,
  };
  if (offered.length === 0) report.why += ' The client offered no extension, so none is used.';
  const agreed = negotiation.accepted ? { params: negotiation.accepted.params, response: negotiation.accepted.response } : null;
  return { agreed, report };
}
