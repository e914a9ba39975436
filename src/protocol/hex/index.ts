/**
 * Hex in and out, for the decoder page and the CLI, a file per notation:
 *
 *   parse.ts    parseHex: any notation below, mixed or not; a problem is a value, never thrown
 *   bare.ts     bare hex and 0x numbers           escapes.ts  \x escapes and quoted strings
 *   dump.ts     xxd, hexdump -C, Wireshark        code.ts     the code around data (C, JS, Python)
 *   write.ts    toHex, formatHex, formatHexDump   types.ts    the results and errors
 */
export * from './types.ts';
export { parseHex } from './parse.ts';
export { formatHex, formatHexDump, toHex } from './write.ts';
