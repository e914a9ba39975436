/**
 * The upstream policy (server/upstream/policy.ts): which targets /proxy may open TCP to. Names are
 * resolved by a fake resolver here (no DNS traffic), except `localhost`, which the system resolves
 * from /etc/hosts.
 */
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../server/args';
import { isLoopback, parseAllowList, upstreamPolicy, type Resolve } from '../../server/upstream/policy';
import { optionsFromEnv } from '../../server/vite-plugin';

const names: Record<string, string[]> = {
  'student-pc': ['192.168.1.20'],
  'rebound.example': ['127.0.0.1'],
  'lan-and-loop': ['10.0.0.9', '127.0.0.1'],
  'v6host': ['fd00::7'],
  'dual': ['::1', '127.0.0.1', '::1'],
};
const resolve: Resolve = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('the default policy: loopback only', () => {
  const policy = upstreamPolicy(undefined, { resolve });

  it('admits 127.0.0.0/8 and ::1 at any port, and answers with the address to connect to', async () => {
    expect(await policy.check('127.0.0.1', 9001)).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
    expect(await policy.check('127.8.9.10', 80)).toEqual({ ok: true, address: '127.8.9.10', family: 4 });
    expect(await policy.check('::1', 9001)).toEqual({ ok: true, address: '::1', family: 6 });
    expect(await policy.check('[::1]', 9001)).toEqual({ ok: true, address: '::1', family: 6 });
    expect(await policy.check('::ffff:127.0.0.1', 9001)).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
  });

  it('refuses everything else, saying how to allow it', async () => {
    for (const host of ['192.0.2.1', '10.0.0.1', 'fd00::1', '0.0.0.0', '::']) {
      const verdict = await policy.check(host, 9001);
      expect(verdict.ok, host).toBe(false);
      if (!verdict.ok) expect(verdict.reason).toMatch(/--allow-upstream/);
    }
  });

  it('checks the address a name resolves to, not the name (a name that points at the LAN is refused)', async () => {
    expect(await policy.check('student-pc', 9001)).toMatchObject({ ok: false, reason: expect.stringMatching(/student-pc \(192\.168\.1\.20\)/) });
    expect(await policy.check('rebound.example', 9001)).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
    // Several addresses: the first allowed one is the one to connect to, the others allowed next.
    expect(await policy.check('lan-and-loop', 9001)).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
    expect(await policy.check('dual', 9001)).toEqual({ ok: true, address: '::1', family: 6, alternatives: [{ address: '127.0.0.1', family: 4 }] });
  });

  it('resolves localhost with the system resolver, to a loopback address', async () => {
    const verdict = await upstreamPolicy().check('localhost', 9001);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(isLoopback(verdict.address)).toBe(true);
  });

  it('refuses loopback targets for a browser on another machine (this machine\'s loopback is not theirs)', async () => {
    const verdict = await policy.check('127.0.0.1', 9001, { peer: '192.168.1.33:51000' });
    expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/another one/) });
    expect(await policy.check('127.0.0.1', 9001, { peer: '127.0.0.1:51000' })).toMatchObject({ ok: true });
    expect(await policy.check('127.0.0.1', 9001, { peer: '[::1]:51000' })).toMatchObject({ ok: true });
  });

  it('a name that does not resolve, a bad port: a reason each', async () => {
    expect(await policy.check('no-such-host', 80)).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be resolved \(ENOTFOUND\)/) });
    expect(await policy.check('127.0.0.1', 0)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a TCP port/) });
    expect(await policy.check('bad_host!', 80)).toMatchObject({ ok: false });
  });
});

describe('an allow list', () => {
  it('host:port admits that port only; a CIDR block any port in it; a name that name only', async () => {
    const policy = upstreamPolicy('127.0.0.1:9001, 192.168.1.0/24, student-pc:8080, [::1]:7000, fd00::/8', { resolve });
    expect(await policy.check('127.0.0.1', 9001)).toMatchObject({ ok: true });
    expect(await policy.check('127.0.0.1', 9002)).toMatchObject({ ok: false, reason: expect.stringMatching(/127\.0\.0\.1 port 9002 is not an allowed target/) });
    expect(await policy.check('192.168.1.200', 1)).toMatchObject({ ok: true });
    expect(await policy.check('192.168.2.1', 80)).toMatchObject({ ok: false });
    expect(await policy.check('student-pc', 8080)).toEqual({ ok: true, address: '192.168.1.20', family: 4 });
    expect(await policy.check('::1', 7000)).toMatchObject({ ok: true });
    expect(await policy.check('::1', 7001)).toMatchObject({ ok: false });
    expect(await policy.check('v6host', 1)).toEqual({ ok: true, address: 'fd00::7', family: 6 });
    // A list replaces the default: other loopback ports are refused, whoever asks.
    expect(await policy.check('127.0.0.2', 9001)).toMatchObject({ ok: false });
    // The peer rule is the default's alone.
    expect(await policy.check('192.168.1.20', 80, { peer: '192.168.1.33:5000' })).toMatchObject({ ok: true });
  });

  it('"loopback" names the default block', async () => {
    const policy = upstreamPolicy('loopback,10.1.2.3', { resolve });
    expect(await policy.check('127.0.0.5', 1)).toMatchObject({ ok: true });
    expect(await policy.check('10.1.2.3', 1)).toMatchObject({ ok: true });
    expect(policy.describe()).toBe('loopback (127.0.0.0/8 and ::1), 10.1.2.3');
  });

  it('refuses entries it cannot read, naming them', () => {
    expect(() => parseAllowList('10.0.0.0/33')).toThrow(/prefix length must be 0 to 32/);
    expect(() => parseAllowList('host:99999')).toThrow(/port must be 1 to 65535/);
    expect(() => parseAllowList('not a host')).toThrow(/"not a host" is not a host/);
    expect(() => parseAllowList('fe80::zz/64')).toThrow(/CIDR block starts with/);
    expect(parseAllowList(' a , ,b:1 ')).toEqual(['a', 'b:1']);
  });

  it('--allow-upstream and FRAMESCOPE_ALLOW_UPSTREAM read the same lists', () => {
    expect(parseCli(['--allow-upstream', '192.168.1.0/24,loopback'])).toMatchObject({ kind: 'run', options: { allowUpstream: ['192.168.1.0/24', 'loopback'] } });
    expect(parseCli(['--allow-upstream', '10.0.0.0/99'])).toMatchObject({ kind: 'error', message: expect.stringMatching(/--allow-upstream: .*prefix length/) });
    expect(parseCli(['--allow-upstream', ' , '])).toMatchObject({ kind: 'error' });
    expect(optionsFromEnv({ FRAMESCOPE_ALLOW_UPSTREAM: '127.0.0.1:9001' })).toEqual({ allowUpstream: ['127.0.0.1:9001'] });
    expect(optionsFromEnv({})).toEqual({});
    expect(() => optionsFromEnv({ FRAMESCOPE_ALLOW_UPSTREAM: 'x y' })).toThrow(/FRAMESCOPE_ALLOW_UPSTREAM: "x y" is not a host/);
  });
});
