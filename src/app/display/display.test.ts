import { describe, expect, it } from 'vitest';
import {
  addressWithProjector,
  DEFAULT_DISPLAY,
  hashWithProjector,
  parseDisplay,
  projectorRequested,
  serializeDisplay,
  stepTextSize,
  TEXT_SIZES,
} from './display';

describe('stored display settings', () => {
  it('round-trips a theme and a text size', () => {
    expect(parseDisplay(serializeDisplay({ theme: 'dark', textSize: 130 }))).toEqual({ theme: 'dark', textSize: 130 });
    expect(parseDisplay(serializeDisplay({ theme: 'light', textSize: 90 }))).toEqual({ theme: 'light', textSize: 90 });
  });

  it('falls back to the defaults for anything missing, unknown or broken, part by part', () => {
    expect(DEFAULT_DISPLAY).toEqual({ theme: 'auto', textSize: 100 });
    for (const text of [null, '', 'not json', '[]', 'null', '42', '{"theme":"pink","textSize":"big"}']) {
      expect(parseDisplay(text), String(text)).toEqual(DEFAULT_DISPLAY);
    }
    expect(parseDisplay('{"theme":"dark","textSize":133}')).toEqual({ theme: 'dark', textSize: 100 });
    expect(parseDisplay('{"theme":"sepia","textSize":150}')).toEqual({ theme: 'auto', textSize: 150 });
  });

  it('steps the text size along the offered sizes, and stops at either end', () => {
    expect(TEXT_SIZES).toEqual([90, 100, 115, 130, 150, 175]);
    expect(stepTextSize(100, 1)).toBe(115);
    expect(stepTextSize(100, -1)).toBe(90);
    expect(stepTextSize(175, 1)).toBe(175);
    expect(stepTextSize(90, -1)).toBe(90);
    // A size not offered steps from 100%.
    expect(stepTextSize(123, 1)).toBe(115);
  });
});

describe('projector mode in the address', () => {
  it('reads ?projector in the hash query or before the hash', () => {
    expect(projectorRequested('', '#/?projector')).toBe(true);
    expect(projectorRequested('?projector', '#/')).toBe(true);
    expect(projectorRequested('', '#/?watch=class&projector=1')).toBe(true);
    expect(projectorRequested('', '#/?projector=0')).toBe(false);
    expect(projectorRequested('?projector=off', '#/')).toBe(false);
    expect(projectorRequested('', '#/')).toBeNull();
    expect(projectorRequested('', '#/decode?hex=8100')).toBeNull();
    // The hash's word wins over the query's.
    expect(projectorRequested('?projector', '#/?projector=no')).toBe(false);
  });

  it('writes it into the hash, keeping the rest', () => {
    expect(hashWithProjector('#/', true)).toBe('#/?projector');
    expect(hashWithProjector('', true)).toBe('#/?projector');
    expect(hashWithProjector('#/?watch=class', true)).toBe('#/?watch=class&projector');
    expect(hashWithProjector('#/?watch=class&projector', false)).toBe('#/?watch=class');
    expect(hashWithProjector('#/?projector=1', false)).toBe('#/');
    expect(addressWithProjector({ pathname: '/index.html', search: '?projector&x=1', hash: '#/' }, false)).toBe('/index.html?x=1#/');
    expect(addressWithProjector({ pathname: '/', search: '', hash: '#/' }, true)).toBe('/#/?projector');
  });
});
