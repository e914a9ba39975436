/**
 * The opening handshake (RFC 6455 §4): the client's HTTP/1.1 Upgrade request, the server's
 * 101 Switching Protocols response, and the `Sec-WebSocket-Accept` that proves the server read
 * the client's `Sec-WebSocket-Key`.
 *
 * Strings in, strings out: the server reads the head's bytes (`findHeadEnd` says when it has them
 * all), decodes them as latin1, and passes the text here; what `build*Response` returns is ASCII
 * (a refusal's body is UTF-8), to be written as UTF-8. Everything is synchronous, SHA-1 included.
 *
 *   base64.ts     base64 (RFC 4648)            sha1.ts     SHA-1 (FIPS 180-4)
 *   http-head.ts  the HTTP/1.1 head            fields.ts   tokens, lists, header values
 *   accept.ts     Sec-WebSocket-Accept         server.ts   the server's side (§4.2)
 *   client.ts     the client's side (§4.1)
 *   response-steps.ts  the server's 101 checked step by step (§4.1), for a proxy
 *   subprotocol.ts  the server's choice of subprotocol (§4.2.2)
 */
export { base64Decode, base64Encode } from './base64.ts';
export { sha1 } from './sha1.ts';
export { headerValue, splitList } from './fields.ts';
export * from './http-head.ts';
export * from './accept.ts';
export * from './server.ts';
export * from './client.ts';
export * from './response-steps.ts';
export * from './subprotocol.ts';
