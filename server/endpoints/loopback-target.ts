/**
 * Which targets this server may grade for a page (`/conformance`): only servers on this machine
 * (127.0.0.0/8, ::1), so that the grader is not a way to probe other hosts from the teacher's
 * network. A name must resolve to loopback addresses only.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';

/** Is `address` (an IP literal) a loopback address? */
export function isLoopback(address: string): boolean {
  const a = address.startsWith('[') ? address.slice(1, -1) : address;
  if (net.isIPv4(a)) return a.split('.')[0] === '127';
  if (!net.isIPv6(a)) return false;
  const lower = a.toLowerCase();
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped !== null && isLoopback(mapped[1]!);
}

/** null when `url` names a loopback target, else the reason it is refused. */
export async function loopbackOnly(url: string): Promise<string | null> {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `${JSON.stringify(url)} is not a URL.`;
  }
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const refuse = `${host} is not on this machine: this server grades only loopback targets (127.0.0.0/8, ::1). To grade another host, run npm run conformance there.`;
  if (net.isIP(bare) !== 0) return isLoopback(bare) ? null : refuse;
  try {
    const addresses = await lookup(bare, { all: true });
    return addresses.length > 0 && addresses.every((a) => isLoopback(a.address)) ? null : refuse;
  } catch {
    return `${host} does not resolve to an address.`;
  }
}
