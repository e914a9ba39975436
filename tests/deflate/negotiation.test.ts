/**
 * Negotiating permessage-deflate (RFC 7692 §5, §7.1): the offers read as RFC 6455 §9.1 writes them,
 * the first offer the server can honour accepted, the others declined with a reason, and a
 * response that is valid for the offer it answers (checked with the client's own reading of it).
 */
import { describe, expect, test } from 'vitest';
import { negotiateDeflate, parseExtensions, readDeflateResponse, type DeflateServerConfig } from '../../src/protocol';

const negotiate = (header: string, config: DeflateServerConfig = {}) => negotiateDeflate(parseExtensions(header), config);
const response = (header: string, config: DeflateServerConfig = {}) => negotiate(header, config).accepted?.response ?? null;

describe('offers', () => {
  test('several offers, parameters with and without values, quoted values', () => {
    const offers = parseExtensions(['permessage-deflate; client_max_window_bits="10"; server_no_context_takeover, permessage-deflate', 'x-webkit-deflate-frame']);
    expect(offers.map((o) => o.name)).toEqual(['permessage-deflate', 'permessage-deflate', 'x-webkit-deflate-frame']);
    expect(offers[0]!.params).toEqual([
      { name: 'client_max_window_bits', value: '10', quoted: true },
      { name: 'server_no_context_takeover', value: null, quoted: false },
    ]);
  });

  test('a quoted value that is not a token once unquoted, or an unfinished quote, breaks §9.1', () => {
    expect(parseExtensions('permessage-deflate; client_max_window_bits="1 0"')[0]!.error).toMatch(/not a token once unquoted/);
    expect(parseExtensions('permessage-deflate; client_max_window_bits="10')[0]!.error).toMatch(/unfinished quoted string/);
  });
});

describe('what the server answers', () => {
  test.each([
    // What browsers send: Chromium and Firefox both offer this.
    ['permessage-deflate; client_max_window_bits', 'permessage-deflate'],
    ['permessage-deflate', 'permessage-deflate'],
    ['permessage-deflate; server_no_context_takeover', 'permessage-deflate; server_no_context_takeover'],
    ['permessage-deflate; client_no_context_takeover', 'permessage-deflate; client_no_context_takeover'],
    ['permessage-deflate; server_max_window_bits=8', 'permessage-deflate; server_max_window_bits=8'],
    ['permessage-deflate; server_max_window_bits="12"', 'permessage-deflate; server_max_window_bits=12'],
    ['permessage-deflate; client_max_window_bits=9', 'permessage-deflate; client_max_window_bits=9'],
    ['PerMessage-Deflate; Client_Max_Window_Bits', 'permessage-deflate'],
    // The first offer that can be honoured wins; the bad one before it is declined.
    ['permessage-deflate; server_max_window_bits=16, permessage-deflate; client_no_context_takeover', 'permessage-deflate; client_no_context_takeover'],
    ['x-webkit-deflate-frame, permessage-deflate', 'permessage-deflate'],
  ])('%s → %s', (offer, answer) => {
    expect(response(offer)).toBe(answer);
    // The answer is valid for the offer, as a client checks it.
    const accepted = negotiate(offer);
    const element = parseExtensions(accepted.accepted!.response)[0]!;
    expect(readDeflateResponse(element, parseExtensions(offer)[accepted.accepted!.index]!).ok).toBe(true);
  });

  test.each([
    ['permessage-deflate; server_max_window_bits', /server_max_window_bits has no value/],
    ['permessage-deflate; server_max_window_bits=7', /not a number from 8 to 15/],
    ['permessage-deflate; server_max_window_bits=016', /without leading zeroes/],
    ['permessage-deflate; client_max_window_bits=16', /not a number from 8 to 15/],
    ['permessage-deflate; client_max_window_bits=08', /without leading zeroes/],
    ['permessage-deflate; server_no_context_takeover=1', /takes none/],
    ['permessage-deflate; client_no_context_takeover; client_no_context_takeover', /twice/],
    ['permessage-deflate; mystery=1', /does not define/],
    ['permessage-deflate; client_max_window_bits="1 0"', /grammar/],
  ])('declines %s, with the reason', (offer, reason) => {
    const result = negotiate(offer);
    expect(result.accepted).toBeNull();
    expect(result.verdicts[0]!.accepted).toBe(false);
    expect(result.verdicts[0]!.reasons.join(' ')).toMatch(reason);
  });

  test('§7.1.2.2: client_max_window_bits only in answer to an offer that has it', () => {
    expect(response('permessage-deflate', { clientMaxWindowBits: 10 })).toBe('permessage-deflate');
    expect(response('permessage-deflate; client_max_window_bits', { clientMaxWindowBits: 10 })).toBe('permessage-deflate; client_max_window_bits=10');
    expect(response('permessage-deflate; client_max_window_bits=12', { clientMaxWindowBits: 10 })).toBe('permessage-deflate; client_max_window_bits=10');
    expect(response('permessage-deflate; client_max_window_bits=9', { clientMaxWindowBits: 10 })).toBe('permessage-deflate; client_max_window_bits=9');
  });

  test('§7.1.2.1: server_max_window_bits the same or smaller; the server may set it unasked', () => {
    expect(response('permessage-deflate; server_max_window_bits=12', { serverMaxWindowBits: 10 })).toBe('permessage-deflate; server_max_window_bits=10');
    expect(response('permessage-deflate; server_max_window_bits=9', { serverMaxWindowBits: 10 })).toBe('permessage-deflate; server_max_window_bits=9');
    expect(response('permessage-deflate', { serverMaxWindowBits: 10 })).toBe('permessage-deflate; server_max_window_bits=10');
    expect(response('permessage-deflate', { serverNoContextTakeover: true, clientNoContextTakeover: true })).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    );
  });

  test('only one offer is accepted; the later ones are listed as not considered', () => {
    const result = negotiate('permessage-deflate, permessage-deflate; server_no_context_takeover');
    expect(result.verdicts.map((v) => v.accepted)).toEqual([true, false]);
    expect(result.verdicts[1]!.reasons[0]).toMatch(/earlier permessage-deflate offer was accepted/);
  });

  test('the client rejects a response not valid for its offer', () => {
    const offer = parseExtensions('permessage-deflate; server_max_window_bits=10')[0]!;
    expect(readDeflateResponse(parseExtensions('permessage-deflate; client_max_window_bits=10')[0]!, offer)).toMatchObject({ ok: false });
    expect(readDeflateResponse(parseExtensions('permessage-deflate; server_max_window_bits=12')[0]!, offer)).toMatchObject({ ok: false });
    expect(readDeflateResponse(parseExtensions('permessage-deflate; client_max_window_bits')[0]!, null)).toMatchObject({ ok: false });
  });
});
