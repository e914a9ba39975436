import { describe, expect, it } from 'vitest';
import { hrefFor, labelOf, parseRoute, ROUTES } from './route';

describe('parseRoute', () => {
  it.each([
    ['', 'playground', '/'],
    ['#', 'playground', '/'],
    ['#/', 'playground', '/'],
    ['#//', 'playground', '/'],
    ['#/decode', 'decode', '/decode'],
    ['#/decode/', 'decode', '/decode'],
    ['#decode', 'decode', '/decode'],
    ['/decode', 'decode', '/decode'],
    ['#/chat', 'chat', '/chat'],
    ['#/chat?room=lab', 'chat', '/chat'],
    ['#/nope', 'not-found', '/nope'],
    ['#/decode/extra', 'not-found', '/decode/extra'],
    ['#/Decode', 'not-found', '/Decode'],
    ['#main', 'not-found', '/main'],
  ])('%j is %s at %s', (hash, name, path) => {
    const route = parseRoute(hash);
    expect(route.name).toBe(name);
    expect(route.path).toBe(path);
  });

  it('reads the query after ?', () => {
    expect(parseRoute('#/decode?hex=81+05&mode=xxd').query).toEqual({ hex: '81 05', mode: 'xxd' });
    expect(parseRoute('#/decode?hex=0x81%2C0x05').query).toEqual({ hex: '0x81,0x05' });
    expect(parseRoute('#/decode').query).toEqual({});
    expect(parseRoute('#/?').query).toEqual({});
  });
});

describe('hrefFor', () => {
  it('writes a link every page can be found by', () => {
    expect(hrefFor('playground')).toBe('#/');
    expect(hrefFor('decode')).toBe('#/decode');
    expect(hrefFor('chat')).toBe('#/chat');
    expect(hrefFor('decode', { hex: '81 00' })).toBe('#/decode?hex=81+00');
  });

  it('round-trips through parseRoute', () => {
    for (const route of ROUTES) {
      const query = { hex: '8a 00 ff', note: 'a&b=c' };
      const parsed = parseRoute(hrefFor(route.name, query));
      expect(parsed.name).toBe(route.name);
      expect(parsed.query).toEqual(query);
    }
  });
});

describe('labelOf', () => {
  it('names each page and no other', () => {
    expect(labelOf('decode')).toBe('Decoder');
    expect(labelOf('not-found')).toBeNull();
  });
});
