/**
 * `npm run compare`: the command line, read with node:util's `parseArgs`, and the usage text. Pure.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkSettings, DEFAULT_SETTINGS, isTransportName, TRANSPORT_NAMES, type CompareSettings, type TransportName } from '../../wire/compare.ts';

const D = DEFAULT_SETTINGS;

export const USAGE = `Usage: npm run --silent compare -- [--json] [--messages N] [--size B] [--rate R] [options]

Why WebSocket: runs one echo conversation over short polling, long polling, Server-Sent Events
and WebSocket against a Framescope server started in this process on a free loopback port, and
prints what each put on the wire (counted by the server, bytes of HTTP heads and framing against
message payload), its requests, its latency and what it lost.

The conversation: N small messages of B bytes, then the large ones, R messages a second.
  --messages N        small messages (default ${D.messages})
  --size B            bytes in each small message (default ${D.size}; units allowed: 1KiB)
  --large N           large messages after them (default ${D.largeMessages})
  --large-size B      bytes in each large message (default ${D.largeSize})
  --rate R            messages a second (default ${D.rate})
  --poll-interval MS  how often short polling asks (default ${D.pollIntervalMs})
  --late MS           an echo slower than this is late (default ${D.lateMs})
  --wait MS           after the last message, how long to wait for missing echoes (default ${D.drainMs})
  --only LIST         some transports only, comma-separated: ${TRANSPORT_NAMES.join(',')}
  --json              print one JSON object: { transports: [...], settings }
  -h, --help          print this help

Not counted: TCP/IP headers (40-60 bytes per packet, and the ACKs), nor TLS.
Exit status: 0 when the comparison ran, 1 when it could not (the server did not start),
2 on bad usage.
`;

export interface CompareArgs {
  json: boolean;
  help: boolean;
  settings: CompareSettings;
  transports: TransportName[];
}

export type ParsedCompareArgs = { ok: true; args: CompareArgs } | { ok: false; error: string };

const NUMERIC = {
  messages: 'messages',
  size: 'size',
  large: 'largeMessages',
  'large-size': 'largeSize',
  rate: 'rate',
  'poll-interval': 'pollIntervalMs',
  late: 'lateMs',
  wait: 'drainMs',
} as const satisfies Record<string, keyof CompareSettings>;

const SIZE_OPTIONS = new Set(['size', 'large-size']);

const OPTIONS = {
  ...Object.fromEntries(Object.keys(NUMERIC).map((name) => [name, { type: 'string' }])),
  only: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** "20", "1.5", "10KiB", "1MiB", "2k" (sizes are 1024-based). */
function readNumber(name: string, raw: string): number | string {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  if (match === null) return `--${name} takes a number, not ${JSON.stringify(raw)}`;
  const value = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  if (unit === '') return value;
  if (!SIZE_OPTIONS.has(name)) return `--${name} takes a plain number, not ${JSON.stringify(raw)}`;
  const scale = ({ k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 } as Record<string, number>)[unit];
  return scale === undefined ? `--${name}: unknown unit ${JSON.stringify(match[2])} (use KiB or MiB)` : value * scale;
}

export function parseCompareArgs(argv: readonly string[]): ParsedCompareArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message.replace(/\. To specify .*$/s, '') : String(error) };
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const input: Partial<CompareSettings> = {};
  for (const [flag, key] of Object.entries(NUMERIC)) {
    const raw = values[flag];
    if (typeof raw !== 'string') continue;
    const value = readNumber(flag, raw);
    if (typeof value === 'string') return { ok: false, error: value };
    input[key] = value;
  }
  const checked = checkSettings(input);
  if (!checked.ok) return { ok: false, error: checked.errors.join('; ') };
  let transports: TransportName[] = [...TRANSPORT_NAMES];
  if (typeof values['only'] === 'string') {
    const names = values['only'].split(',').map((name) => name.trim()).filter((name) => name !== '');
    const unknown = names.filter((name) => !isTransportName(name));
    if (unknown.length > 0 || names.length === 0) {
      return { ok: false, error: `--only takes transports from ${TRANSPORT_NAMES.join(', ')}${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}` };
    }
    transports = TRANSPORT_NAMES.filter((name) => names.includes(name));
  }
  return { ok: true, args: { json: values['json'] === true, help: values['help'] === true, settings: checked.settings, transports } };
}
