/**
 * Where a run from `/conformance` may go: the upstream policy (server/upstream/policy.ts, the same
 * allow list as `/proxy`: loopback by default, `--allow-upstream` / `FRAMESCOPE_ALLOW_UPSTREAM`)
 * decides, with the page's own address as context (by default a page from another machine may not
 * grade this machine's loopback servers). The run then connects to the address the policy resolved,
 * never to the name again (a name that resolves elsewhere a second later gains nothing); the Host
 * header keeps the name as the URL wrote it.
 *
 * When one resolution gave several allowed addresses (`localhost`: ::1 and 127.0.0.1), the first
 * that accepts TCP is taken, as the proxy does: a student's server often listens on one of them only.
 */
import net from 'node:net';
import type { Target } from '../../conformance/index.ts';
import type { UpstreamPolicy } from '../upstream/policy.ts';

export type AllowedTarget = { ok: true; target: Target } | { ok: false; reason: string };

/** How long one address is given to accept TCP when there is another to try. */
const TRY_MS = 1000;

function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), TRY_MS);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** May `target` be graded for the page at `peer` ("address:port")? If so, the target to connect to. */
export async function allowedTarget(policy: UpstreamPolicy, target: Target, peer: string): Promise<AllowedTarget> {
  const verdict = await policy.check(target.host, target.port, { peer });
  if (!verdict.ok) return { ok: false, reason: verdict.reason };
  const addresses = [verdict.address, ...(verdict.alternatives ?? []).map((a) => a.address)];
  let address = addresses[0]!;
  if (addresses.length > 1) {
    for (const candidate of addresses) {
      if (await accepts(candidate, target.port)) {
        address = candidate;
        break;
      }
    }
  }
  return { ok: true, target: { ...target, host: address } };
}
