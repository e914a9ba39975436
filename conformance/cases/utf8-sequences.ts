/**
 * The UTF-8 sequences of Autobahn's 6.x cases: createUtf8TestSequences() from case6_x_x.py
 * (after Markus Kuhn's UTF-8-test.txt), each with its validity, and where a byte string stops
 * being able to become valid UTF-8.
 */
import { hex } from '../case.ts';

/** "κόσμε" (Greek), the sample of valid multi-byte UTF-8 the cases use. */
/** Valid UTF-8, by the platform's decoder (independent of the codec's validator). */
function isValidUtf8(data: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}

export const KOSME = hex('cebae1bdb9cf83cebcceb5');

/**
 * Index of the first byte after which `data` can no longer become valid UTF-8 (-1 if none), by
 * the platform's streaming decoder (independent of the codec's validator).
 */
export function firstInvalidByte(data: Uint8Array): number {
  // Binary search: "the prefix can still be completed" is monotone in the prefix length.
  const ok = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (ok(data.length)) return -1;
  let lo = 0; // ok(lo) holds
  let hi = data.length; // ok(hi) fails
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

/** createUtf8TestSequences() from case6_x_x.py (Markus Kuhn's UTF-8-test.txt), validity from the case file. */
export function utf8Sequences(): [string, [boolean, Buffer][]][] {
  const out: [string, [boolean, Buffer][]][] = [];
  const h = hex;
  const vss = KOSME;
  out.push(['Some valid UTF-8 sequences', [
    [true, Buffer.from('hello$world')],
    [true, Buffer.concat([Buffer.from('hello'), h('c2a2'), Buffer.from('world')])],
    [true, Buffer.concat([Buffer.from('hello'), h('e282ac'), Buffer.from('world')])],
    [true, Buffer.concat([Buffer.from('hello'), h('f0a4ada2'), Buffer.from('world')])],
    [true, vss],
  ]]);
  const prefixes: [boolean, Buffer][] = [];
  for (let i = 1; i <= vss.length; i++) prefixes.push([isValidUtf8(vss.subarray(0, i)), vss.subarray(0, i)]);
  out.push(['All prefixes of a valid UTF-8 string that contains multi-byte code points', prefixes]);
  out.push(['First possible sequence of a certain length', [[true, h('00')], [true, h('c280')], [true, h('e0a080')], [true, h('f0908080')]]]);
  out.push(['First possible sequence length 5/6 (invalid codepoints)', [[false, h('f888808080')], [false, h('fc8480808080')]]]);
  out.push(['Last possible sequence of a certain length', [[true, h('7f')], [true, h('dfbf')], [true, h('efbfbf')], [true, h('f48fbfbf')]]]);
  out.push(['Last possible sequence length 4/5/6 (invalid codepoints)', [[false, h('f7bfbfbf')], [false, h('fbbfbfbfbf')], [false, h('fdbfbfbfbfbf')]]]);
  out.push(['Other boundary conditions', [[true, h('ed9fbf')], [true, h('ee8080')], [true, h('efbfbd')], [true, h('f48fbfbf')], [false, h('f4908080')]]]);
  const cont: [boolean, Buffer][] = ['80', 'bf', '80bf', '80bf80', '80bf80bf', '80bf80bf80', '80bf80bf80bf'].map((x) => [false, h(x)]);
  const all = Buffer.alloc(0xbf - 0x80);
  for (let i = 0x80; i < 0xbf; i++) all[i - 0x80] = i;
  cont.push([false, all]);
  out.push(['Unexpected continuation bytes', cont]);
  const lonely: [boolean, Buffer][] = [];
  for (const [a, b] of [[0xc0, 0xdf], [0xe0, 0xef], [0xf0, 0xf7], [0xf8, 0xfb], [0xfc, 0xfd]] as const) {
    const s: number[] = [];
    for (let i = a; i < b; i++) s.push(i, 0x20);
    lonely.push([false, Buffer.from(s)]);
  }
  out.push(['Lonely start characters', lonely]);
  const k = ['c0', 'e080', 'f08080', 'f8808080', 'fc80808080', 'df', 'efbf', 'f7bfbf', 'fbbfbfbf', 'fdbfbfbfbf'].map(h);
  out.push(['Sequences with last continuation byte missing', k.map((x) => [false, x])]);
  out.push(['Concatenation of incomplete sequences', [[false, Buffer.concat(k)]]]);
  out.push(['Impossible bytes', [[false, h('fe')], [false, h('ff')], [false, h('fefeffff')]]]);
  out.push(['Examples of an overlong ASCII character', ['c0af', 'e080af', 'f08080af', 'f8808080af', 'fc80808080af'].map((x) => [false, h(x)])]);
  out.push(['Maximum overlong sequences', ['c1bf', 'e09fbf', 'f08fbfbf', 'f887bfbfbf', 'fc83bfbfbfbf'].map((x) => [false, h(x)])]);
  out.push(['Overlong representation of the NUL character', ['c080', 'e08080', 'f0808080', 'f880808080', 'fc8080808080'].map((x) => [false, h(x)])]);
  out.push(['Single UTF-16 surrogates', ['eda080', 'edadbf', 'edae80', 'edafbf', 'edb080', 'edbe80', 'edbfbf'].map((x) => [false, h(x)])]);
  out.push(['Paired UTF-16 surrogates', ['eda080edb080', 'eda080edbfbf', 'edadbfedb080', 'edadbfedbfbf', 'edae80edb080', 'edae80edbfbf', 'edafbfedb080', 'edafbfedbfbf'].map((x) => [false, h(x)])]);
  const nonchars: [boolean, Buffer][] = [[true, h('efbfbe')], [true, h('efbfbf')]];
  for (const z1 of ['f0', 'f1', 'f2', 'f3', 'f4']) {
    for (const z2 of ['8f', '9f', 'af', 'bf']) {
      if (z1 === 'f4' && z2 !== '8f') continue; // above U+10FFFF
      for (const z3 of ['be', 'bf']) {
        const zz = `${z1}${z2}bf${z3}`;
        if (zz === 'f08fbfbe' || zz === 'f08fbfbf') continue; // overlong
        nonchars.push([true, h(zz)]);
      }
    }
  }
  out.push(['Non-character code points (valid UTF-8)', nonchars]);
  out.push(['Unicode specials (i.e. replacement char)', ['efbfb9', 'efbfba', 'efbfbb', 'efbfbc', 'efbfbd', 'efbfbe', 'efbfbf'].map((x) => [true, h(x)])]);
  return out;
}

