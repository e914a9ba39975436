/**
 * Which upstream servers this Framescope server may open TCP to on a page's behalf (`/proxy`, and
 * the grader's runs): never an open relay.
 *
 *   upstreamPolicy()                                 loopback only: 127.0.0.0/8 and ::1, and only
 *                                                    for a browser on this machine (see below)
 *   upstreamPolicy('192.168.1.0/24,teacher-pc:9001,loopback')
 *
 * An entry is a CIDR block (`10.0.0.0/8`, `fd00::/8`, any port), a host (`192.168.1.20`, `::1`,
 * `student-pc`, any port), a host and port (`192.168.1.20:9001`, `[::1]:9001`), or the word
 * `loopback`. A list replaces the default.
 *
 * `check(host, port)` resolves a name once (`localhost` included), checks the addresses it got,
 * and answers with the address to connect to: the caller connects to that address, never to the
 * name again, so a name that resolves differently a second later (DNS rebinding) gains nothing. A
 * name entry admits a target spelled with that name; an address or CIDR entry admits any target
 * that resolves into it.
 *
 * The default (no list) also looks at the browser: loopback targets are this server's own machine,
 * so a page opened from another machine (a classroom network, `--host 0.0.0.0`) may not reach
 * them through the proxy unless a list says so: otherwise any student could read the answers of
 * services that listen on the teacher's 127.0.0.1.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * `address`: where to connect. `alternatives`: the other allowed addresses the same resolution gave,
 * in order, to try when `address` refuses TCP (`localhost` may be ::1 and 127.0.0.1, and a server
 * often listens on one of them only), absent when there are none.
 */
export type UpstreamCheck =
  | { ok: true; address: string; family: 4 | 6; alternatives?: { address: string; family: 4 | 6 }[] }
  | { ok: false; reason: string };

/** What `check` may know about the request: the browser's address ("127.0.0.1:53211", "[::1]:53211"). */
export interface UpstreamContext {
  peer?: string;
}

export interface UpstreamPolicy {
  /** The list as given, or empty for the default (loopback only). */
  readonly entries: readonly string[];
  /** One line for logs, errors and the page: what is allowed. */
  describe(): string;
  /** May the server connect to `host` (a name or an address, IPv6 with or without brackets) at `port`? */
  check(host: string, port: number, context?: UpstreamContext): Promise<UpstreamCheck>;
}

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export interface PolicyOptions {
  /** Name resolution (default: the system's, `dns.lookup` with every address). */
  resolve?: Resolve;
}

type Entry =
  | { kind: 'block'; text: string; list: BlockList }
  | { kind: 'name'; text: string; name: string; port: number | null }
  | { kind: 'address'; text: string; address: string; family: 4 | 6; port: number | null };

const LOOPBACK = 'loopback';
const LOOPBACK_TEXT = 'loopback (127.0.0.0/8 and ::1)';
/** A host name (RFC 1123 labels): letters, digits, hyphens, dots. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

function loopbackBlock(): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return list;
}

const LOOPBACK_BLOCK = loopbackBlock();

/** An address without brackets, and an IPv4-mapped IPv6 address (::ffff:127.0.0.1) as IPv4. */
export function normalizeAddress(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return (mapped ? mapped[1]! : bare).toLowerCase();
}

function familyOf(address: string): 4 | 6 | 0 {
  const family = isIP(address);
  return family === 4 || family === 6 ? family : 0;
}

/** Is `address` (an IP literal) a loopback address? */
export function isLoopback(address: string): boolean {
  const normal = normalizeAddress(address);
  const family = familyOf(normal);
  return family !== 0 && LOOPBACK_BLOCK.check(normal, family === 4 ? 'ipv4' : 'ipv6');
}

/** "address:port" to its address ("[::1]:9000" to "::1"); null when it has no port. */
function peerAddress(peer: string): string | null {
  const m = /^\[([^\]]+)\]:\d+$/.exec(peer) ?? /^([^:]+):\d+$/.exec(peer);
  return m ? m[1]! : null;
}

function parsePort(text: string, entry: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new RangeError(`${JSON.stringify(entry)}: the port must be 1 to 65535`);
  return port;
}

function parseEntry(text: string): Entry {
  const entry = text.trim();
  if (entry.toLowerCase() === LOOPBACK) return { kind: 'block', text: LOOPBACK_TEXT, list: LOOPBACK_BLOCK };
  const slash = entry.indexOf('/');
  if (slash !== -1) {
    const base = normalizeAddress(entry.slice(0, slash));
    const family = familyOf(base);
    const prefixText = entry.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (family === 0) throw new RangeError(`${JSON.stringify(entry)}: a CIDR block starts with an IPv4 or IPv6 address`);
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) {
      throw new RangeError(`${JSON.stringify(entry)}: the prefix length must be 0 to ${family === 4 ? 32 : 128}`);
    }
    const list = new BlockList();
    list.addSubnet(base, prefix, family === 4 ? 'ipv4' : 'ipv6');
    return { kind: 'block', text: entry, list };
  }
  let host = entry;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
  if (bracketed) {
    host = bracketed[1]!;
    if (bracketed[2] !== undefined) port = parsePort(bracketed[2], entry);
  } else if (familyOf(entry) === 6) {
    host = entry;
  } else {
    const colon = entry.lastIndexOf(':');
    if (colon !== -1) {
      host = entry.slice(0, colon);
      port = parsePort(entry.slice(colon + 1), entry);
    }
  }
  const address = normalizeAddress(host);
  const family = familyOf(address);
  if (family !== 0) return { kind: 'address', text: entry, address, family, port };
  if (!HOST_NAME.test(host)) throw new RangeError(`${JSON.stringify(entry)} is not a host, host:port or CIDR block`);
  return { kind: 'name', text: entry, name: host.toLowerCase().replace(/\.$/, ''), port };
}

/**
 * Read an allow list: entries separated by commas (or given as an array). Throws a RangeError that
 * names the entry at fault; an empty list is the default.
 */
export function parseAllowList(list: string | readonly string[] | null | undefined): string[] {
  if (list === null || list === undefined) return [];
  const items = (typeof list === 'string' ? list.split(',') : list.flatMap((item) => item.split(','))).map((item) => item.trim());
  const entries = items.filter((item) => item !== '');
  for (const entry of entries) parseEntry(entry);
  return entries;
}

const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * The policy for an allow list (`--allow-upstream`, `FRAMESCOPE_ALLOW_UPSTREAM`); none: loopback
 * only, for browsers on this machine. Throws a RangeError on an entry it cannot read.
 */
export function upstreamPolicy(list?: string | readonly string[] | null, options: PolicyOptions = {}): UpstreamPolicy {
  const texts = parseAllowList(list);
  const entries = texts.map(parseEntry);
  const byDefault = entries.length === 0;
  const rules: readonly Entry[] = byDefault ? [{ kind: 'block', text: LOOPBACK_TEXT, list: LOOPBACK_BLOCK }] : entries;
  const resolve = options.resolve ?? systemResolve;
  const describe = (): string => (byDefault ? `${LOOPBACK_TEXT} only, the default` : rules.map((rule) => rule.text).join(', '));
  const how = byDefault
    ? 'This Framescope server only connects to its own machine (127.0.0.0/8, ::1) unless it is started with --allow-upstream LIST (FRAMESCOPE_ALLOW_UPSTREAM=LIST with npm run dev).'
    : `This Framescope server connects only to: ${describe()} (--allow-upstream).`;

  const admits = (rule: Entry, name: string | null, address: string, family: 4 | 6, port: number): boolean => {
    switch (rule.kind) {
      case 'block':
        return rule.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
      case 'address':
        return rule.address === address && (rule.port === null || rule.port === port);
      case 'name':
        return name !== null && rule.name === name && (rule.port === null || rule.port === port);
    }
  };

  async function check(host: string, port: number, context: UpstreamContext = {}): Promise<UpstreamCheck> {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, reason: `Port ${port} is not a TCP port (1 to 65535).` };
    const literal = normalizeAddress(host);
    const literalFamily = familyOf(literal);
    const name = literalFamily === 0 ? host.toLowerCase().replace(/\.$/, '') : null;
    if (name !== null && !HOST_NAME.test(name)) return { ok: false, reason: `${JSON.stringify(host)} is not a host name or an IP address.` };

    if (byDefault && context.peer !== undefined) {
      const from = peerAddress(context.peer);
      if (from !== null && !isLoopback(from)) {
        return {
          ok: false,
          reason: `${host} would be this server's own machine, and this browser (${from}) is on another one. ${how}`,
        };
      }
    }

    let candidates: { address: string; family: 4 | 6 }[];
    if (literalFamily !== 0) {
      candidates = [{ address: literal, family: literalFamily }];
    } else {
      try {
        const found = await resolve(name!);
        candidates = found
          .map((r) => ({ address: normalizeAddress(r.address), family: familyOf(normalizeAddress(r.address)) }))
          .filter((r): r is { address: string; family: 4 | 6 } => r.family !== 0);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        return { ok: false, reason: `The name ${host} could not be resolved${code ? ` (${code})` : ''}: check its spelling, or use its IP address.` };
      }
      if (candidates.length === 0) return { ok: false, reason: `The name ${host} resolves to no address.` };
    }

    // "Any address" (0.0.0.0, ::) is not a host, whatever a rule says.
    const allowed = candidates.filter(
      (c) => c.address !== '0.0.0.0' && c.address !== '::' && rules.some((rule) => admits(rule, name, c.address, c.family, port)),
    );
    const unique = allowed.filter((c, i) => allowed.findIndex((d) => d.address === c.address) === i);
    if (unique.length > 0) {
      const [first, ...rest] = unique;
      return rest.length > 0 ? { ok: true, ...first!, alternatives: rest } : { ok: true, ...first! };
    }
    const where = literalFamily !== 0 ? literal : `${host} (${candidates.map((c) => c.address).join(', ')})`;
    return { ok: false, reason: `${where} port ${port} is not an allowed target. ${how}` };
  }

  return { entries: texts, describe, check };
}
