/**
 * Every case, in the order a run plays them: the opening handshake first (x.0), then Autobahn's
 * sections 1-7, 9 and 10, then ours on TCP reads (x.1) and long UTF-8 payloads (x.6). Ids are
 * Autobahn's where the case is Autobahn's; ours start with "x." (docs/your-own-server.md).
 */
import type { CaseDef } from '../case.ts';
import { BITS_CASES } from './bits.ts';
import { CLOSE_CASES } from './close.ts';
import { FRAGMENTATION_CASES, MISC_CASES } from './fragmentation.ts';
import { FRAMING_CASES } from './framing.ts';
import { HANDSHAKE_CASES } from './handshake.ts';
import { LIMITS_CASES } from './limits.ts';
import { READS_CASES } from './reads.ts';
import { UTF8_CASES } from './utf8.ts';

const autobahnAndX6 = [...FRAMING_CASES, ...BITS_CASES, ...FRAGMENTATION_CASES, ...UTF8_CASES, ...CLOSE_CASES, ...LIMITS_CASES, ...MISC_CASES];

export const CASES: readonly CaseDef[] = [
  ...HANDSHAKE_CASES,
  ...autobahnAndX6.filter((c) => !c.id.startsWith('x.')),
  ...READS_CASES,
  ...autobahnAndX6.filter((c) => c.id.startsWith('x.')),
];
