/**
 * Negotiating permessage-deflate (RFC 7692 §5, §7.1): the server reads the client's offers in
 * order, declines each one it may not accept (with the reason, for the page and the log), accepts
 * the first one it can honour, and answers with a response element valid for that offer.
 *
 * The four parameters (§7.1):
 *   server_no_context_takeover  no value; the server starts every message with an empty window
 *   client_no_context_takeover  no value; the client does
 *   server_max_window_bits      8..15; the window the server compresses with
 *   client_max_window_bits      no value, or 8..15, in an offer; 8..15 in a response
 */
import type { ExtensionElement, ExtensionParam } from './offers.ts';

export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** What was agreed, as each side must act on it. */
export interface DeflateParams {
  /** The server resets its compressor after every message (§7.1.1.1). */
  serverNoContextTakeover: boolean;
  /** The client resets its compressor after every message (§7.1.1.2). */
  clientNoContextTakeover: boolean;
  /** The server's LZ77 window is at most 2^bits bytes, 8..15 (§7.1.2.1; 15 when not said). */
  serverMaxWindowBits: number;
  /** The client's LZ77 window is at most 2^bits bytes, 8..15 (§7.1.2.2; 15 when not said). */
  clientMaxWindowBits: number;
}

/** What the server asks for on its own account (each optional; none: whatever the offer says). */
export interface DeflateServerConfig {
  serverNoContextTakeover?: boolean;
  clientNoContextTakeover?: boolean;
  /** The largest window the server compresses with (8..15). */
  serverMaxWindowBits?: number;
  /** A window to ask the client to keep to, where its offer allows a value (8..15). */
  clientMaxWindowBits?: number;
}

/** One offer and what became of it. */
export interface OfferVerdict {
  offer: ExtensionElement;
  /** Position in the header's list (0 is the client's first choice). */
  index: number;
  accepted: boolean;
  /** Why: a declined offer's reason, or for the accepted one how each parameter was answered. */
  reasons: string[];
}

export interface Negotiation {
  /** The accepted offer's parameters and the response element, or null (no extension in the 101). */
  accepted: { params: DeflateParams; response: string; index: number } | null;
  verdicts: OfferVerdict[];
}

const PARAM_NAMES = ['server_no_context_takeover', 'client_no_context_takeover', 'server_max_window_bits', 'client_max_window_bits'] as const;
type ParamName = (typeof PARAM_NAMES)[number];

/** RFC 7692 §7.1.2.1: "a decimal integer value without leading zeroes between 8 to 15, inclusive". */
const WINDOW_BITS = /^(?:[89]|1[0-5])$/;

function isWindowBits(n: number | undefined): n is number {
  return n !== undefined && Number.isInteger(n) && n >= 8 && n <= 15;
}

/** The offer's parameters by name, or the reason §5 makes the server decline it. */
function readOffer(offer: ExtensionElement): Map<ParamName, ExtensionParam> | string {
  if (offer.error !== null) return `it does not follow the grammar of RFC 6455 §9.1: ${offer.error}`;
  const seen = new Map<ParamName, ExtensionParam>();
  for (const param of offer.params) {
    const name = param.name.toLowerCase() as ParamName;
    // RFC 7692 §5: decline if "The negotiation offer contains an extension parameter not defined for use in an offer."
    if (!PARAM_NAMES.includes(name)) return `it has the parameter ${param.name}, which permessage-deflate does not define (RFC 7692 §5)`;
    // RFC 7692 §5: "... contains multiple extension parameters with the same name."
    if (seen.has(name)) return `it has ${name} twice; each parameter may appear once (RFC 7692 §5)`;
    seen.set(name, param);
    const value = param.value;
    if (name === 'server_no_context_takeover' || name === 'client_no_context_takeover') {
      // §7.1.1.1, §7.1.1.2: "This extension parameter has no value."
      if (value !== null) return `${name} has the value ${value}, but it takes none (RFC 7692 §7.1.1)`;
    } else if (name === 'server_max_window_bits') {
      // §7.1.2.1: a value is required, 8 to 15.
      if (value === null) return 'server_max_window_bits has no value; in an offer it takes 8 to 15 (RFC 7692 §7.1.2.1)';
      if (!WINDOW_BITS.test(value)) return `server_max_window_bits is ${value}, not a number from 8 to 15 without leading zeroes (RFC 7692 §7.1.2.1)`;
    } else if (value !== null && !WINDOW_BITS.test(value)) {
      // §7.1.2.2: "no value or a decimal integer value without leading zeroes between 8 to 15".
      return `client_max_window_bits is ${value}, not a number from 8 to 15 without leading zeroes (RFC 7692 §7.1.2.2)`;
    }
  }
  return seen;
}

/**
 * Answer one valid offer: the parameters agreed, the response element, and why each parameter
 * is (or is not) in it.
 */
function answer(params: Map<ParamName, ExtensionParam>, config: DeflateServerConfig): { params: DeflateParams; response: string; reasons: string[] } {
  const parts: string[] = [PERMESSAGE_DEFLATE];
  const reasons: string[] = [];

  const serverReset = params.has('server_no_context_takeover') || config.serverNoContextTakeover === true;
  if (serverReset) {
    parts.push('server_no_context_takeover');
    // §7.1.1.1: the server accepts it "by including the "server_no_context_takeover" extension
    // parameter in the corresponding extension negotiation response", and "MAY include" it unasked.
    reasons.push(
      params.has('server_no_context_takeover')
        ? 'server_no_context_takeover: the client asked, so the server compresses every message with an empty window (RFC 7692 §7.1.1.1).'
        : 'server_no_context_takeover: the server chose to compress every message with an empty window (RFC 7692 §7.1.1.1).',
    );
  } else {
    reasons.push('Context takeover, server to client: the server keeps its LZ77 window between messages, so a repeated message compresses to a few bytes (RFC 7692 §7.1.1.1).');
  }

  const clientReset = params.has('client_no_context_takeover') || config.clientNoContextTakeover === true;
  if (clientReset) {
    parts.push('client_no_context_takeover');
    // §7.1.1.2: the server "MAY include the "client_no_context_takeover" extension parameter".
    reasons.push(
      params.has('client_no_context_takeover')
        ? 'client_no_context_takeover: the client said it empties its window after every message; the server confirms it (RFC 7692 §7.1.1.2).'
        : 'client_no_context_takeover: the server asks the client to empty its window after every message (RFC 7692 §7.1.1.2).',
    );
  } else {
    reasons.push('Context takeover, client to server: the client may keep its window between messages; the server keeps its decompressor\u2019s window too (RFC 7692 §7.1.1.2).');
  }

  const offeredServerBits = params.get('server_max_window_bits')?.value ?? null;
  const limit = isWindowBits(config.serverMaxWindowBits) ? config.serverMaxWindowBits : 15;
  let serverBits = 15;
  if (offeredServerBits !== null) {
    // §7.1.2.1: the server answers "with the same or smaller value as the offer".
    serverBits = Math.min(Number(offeredServerBits), limit);
    parts.push(`server_max_window_bits=${serverBits}`);
    reasons.push(`server_max_window_bits=${serverBits}: the client offered ${offeredServerBits}; the server answers with the same or a smaller value and compresses with a window of ${2 ** serverBits} bytes (RFC 7692 §7.1.2.1).`);
  } else if (limit < 15) {
    serverBits = limit;
    parts.push(`server_max_window_bits=${serverBits}`);
    reasons.push(`server_max_window_bits=${serverBits}: the server chose a ${2 ** serverBits}-byte window on its own, as §7.1.2.1 allows.`);
  }

  let clientBits = 15;
  const clientOffer = params.get('client_max_window_bits');
  if (clientOffer === undefined) {
    // §7.1.2.2: "If a received extension negotiation offer doesn't have the
    // "client_max_window_bits" extension parameter, the corresponding extension negotiation
    // response to the offer MUST NOT include the "client_max_window_bits" extension parameter."
    reasons.push('No client_max_window_bits: the client did not offer it, so the response may not carry it; the client compresses with up to 32 KiB of window (RFC 7692 §7.1.2.2).');
  } else {
    const offered = clientOffer.value === null ? null : Number(clientOffer.value);
    const wanted = isWindowBits(config.clientMaxWindowBits) ? config.clientMaxWindowBits : null;
    const chosen = offered !== null && wanted !== null ? Math.min(offered, wanted) : (offered ?? wanted);
    if (chosen === null) {
      reasons.push('client_max_window_bits was offered without a value: the client could take a limit, and this server sets none, so the client keeps a 32 KiB window (RFC 7692 §7.1.2.2).');
    } else {
      clientBits = chosen;
      parts.push(`client_max_window_bits=${chosen}`);
      reasons.push(
        offered !== null && chosen === offered
          ? `client_max_window_bits=${chosen}: the client offered ${offered}; the server answers with that value (RFC 7692 §7.1.2.2).`
          : `client_max_window_bits=${chosen}: the client offered the parameter${offered !== null ? ` with ${offered}` : ' without a value'}; the server asks for a ${2 ** chosen}-byte window (RFC 7692 §7.1.2.2).`,
      );
    }
  }

  return {
    params: { serverNoContextTakeover: serverReset, clientNoContextTakeover: clientReset, serverMaxWindowBits: serverBits, clientMaxWindowBits: clientBits },
    response: parts.join('; '),
    reasons,
  };
}

/**
 * The server's side: accept the first permessage-deflate offer it can honour (RFC 7692 §5), decline
 * the others with their reasons. Elements of other extensions are listed as declined (this server
 * knows no other extension; RFC 6455 §9.1 lets it answer with none of them).
 */
export function negotiateDeflate(offers: readonly ExtensionElement[], config: DeflateServerConfig = {}): Negotiation {
  const verdicts: OfferVerdict[] = [];
  let accepted: Negotiation['accepted'] = null;
  offers.forEach((offer, index) => {
    if (offer.name !== PERMESSAGE_DEFLATE) {
      verdicts.push({ offer, index, accepted: false, reasons: [`${offer.name} is not an extension this server knows; it is declined by leaving it out of the response (RFC 6455 §9.1).`] });
      return;
    }
    if (accepted !== null) {
      verdicts.push({ offer, index, accepted: false, reasons: ['An earlier permessage-deflate offer was accepted; only one may be (RFC 7692 §5).'] });
      return;
    }
    const read = readOffer(offer);
    if (typeof read === 'string') {
      verdicts.push({ offer, index, accepted: false, reasons: [`Declined: ${read}.`] });
      return;
    }
    const made = answer(read, config);
    accepted = { params: made.params, response: made.response, index };
    verdicts.push({ offer, index, accepted: true, reasons: made.reasons });
  });
  return { accepted, verdicts };
}

/**
 * The client's side: what a response element agrees to, or why a client must fail the
 * connection on it (RFC 7692 §5: "the client MUST _Fail the WebSocket Connection_" when the
 * response is not valid for its offer). `offer` is the client's offer it answers.
 */
export function readDeflateResponse(response: ExtensionElement, offer: ExtensionElement | null = null): { ok: true; params: DeflateParams } | { ok: false; reason: string } {
  if (response.name !== PERMESSAGE_DEFLATE) return { ok: false, reason: `${response.name} is not permessage-deflate` };
  const read = readOffer(response);
  if (typeof read === 'string') return { ok: false, reason: read.replace('an offer', 'a response') };
  const client = read.get('client_max_window_bits');
  if (client !== undefined) {
    // §7.1.2.2: in a response the parameter carries a value, and only if the offer had the parameter.
    if (client.value === null) return { ok: false, reason: 'client_max_window_bits in a response must have a value (RFC 7692 §7.1.2.2)' };
    if (offer !== null && !offer.params.some((p) => p.name.toLowerCase() === 'client_max_window_bits')) {
      return { ok: false, reason: 'client_max_window_bits is in the response but was not in the offer (RFC 7692 §7.1.2.2)' };
    }
  }
  const server = read.get('server_max_window_bits');
  const offeredServer = offer?.params.find((p) => p.name.toLowerCase() === 'server_max_window_bits')?.value ?? null;
  if (server?.value != null && offeredServer !== null && Number(server.value) > Number(offeredServer)) {
    return { ok: false, reason: `server_max_window_bits=${server.value} is larger than the ${offeredServer} offered (RFC 7692 §7.1.2.1)` };
  }
  return {
    ok: true,
    params: {
      serverNoContextTakeover: read.has('server_no_context_takeover'),
      clientNoContextTakeover: read.has('client_no_context_takeover'),
      serverMaxWindowBits: server?.value != null ? Number(server.value) : 15,
      clientMaxWindowBits: client?.value != null ? Number(client.value) : 15,
    },
  };
}
