import { describe, expect, it } from 'vitest';
import { contrast, DARK_BACKGROUND, FALLBACK_COLOURS, LIGHT_BACKGROUND, nameColours, parseHexColour } from './colour';

// The themes' backgrounds from app.css: every name must be readable on each.
const LIGHT = ['#ffffff', '#f7f8fa', LIGHT_BACKGROUND];
const DARK = ['#0f1216', '#171b21', DARK_BACKGROUND];

describe('nameColours', () => {
  // The server's own palette is checked in tests/server/chat-names.test.ts (src/app never imports server/).
  it('fixes any colour a server might send, and falls back for non-colours', () => {
    for (const colour of ['#ffff00', '#000000', '#ffffff', '#777', '#00ff00', '#0000ff']) {
      const { light, dark } = nameColours(colour);
      for (const background of LIGHT) expect(contrast(light, background)).toBeGreaterThanOrEqual(4.5);
      for (const background of DARK) expect(contrast(dark, background)).toBeGreaterThanOrEqual(4.5);
    }
    for (const junk of ['', 'red', 'url(javascript:alert(1))', '#12345g', '"><img src=x>']) {
      expect(nameColours(junk)).toEqual(FALLBACK_COLOURS);
    }
  });

  it('parses #rgb and #rrggbb only', () => {
    expect(parseHexColour('#fff')).toEqual([255, 255, 255]);
    expect(parseHexColour('#0b5cad')).toEqual([11, 92, 173]);
    expect(parseHexColour('0b5cad')).toBeNull();
    expect(parseHexColour('#0b5cad; color: red')).toBeNull();
  });
});
