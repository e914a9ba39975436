/**
 * Name colours that stay readable in both themes. The server gives each user one `#rrggbb`
 * (docs/chat-protocol.md); no single colour has 4.5:1 contrast on both a light and a dark
 * background, so the page keeps its hue and saturation and picks a lightness for each theme.
 * WCAG 2.x relative luminance and contrast ratio.
 */

/** The darkest background a name sits on in the light theme (app.css `--surface-2`). */
export const LIGHT_BACKGROUND = '#e9ecf1';
/** The lightest background a name sits on in the dark theme (app.css `--surface-2`). */
export const DARK_BACKGROUND = '#242a33';
/** WCAG AA for normal text. */
export const MIN_CONTRAST = 4.5;

export interface NameColours {
  light: string;
  dark: string;
}

/** Used when the server sent no colour or not a `#rrggbb`. */
export const FALLBACK_COLOURS: NameColours = { light: '#4a5361', dark: '#a6afbd' };

type Rgb = [number, number, number];

/** `#rrggbb` or `#rgb` as 0–255 channels, or null for anything else. */
export function parseHexColour(text: string): Rgb | null {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  if (!match?.[1]) return null;
  let hex = match[1];
  if (hex.length === 3) hex = [...hex].map((digit) => digit + digit).join('');
  const value = Number.parseInt(hex, 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}

export function relativeLuminance([r, g, b]: Rgb): number {
  const linear = (channel: number): number => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** The contrast of two `#rrggbb` colours (0 when either does not parse). */
export function contrast(a: string, b: string): number {
  const ca = parseHexColour(a);
  const cb = parseHexColour(b);
  return ca && cb ? contrastRatio(ca, cb) : 0;
}

function toHsl([r, g, b]: Rgb): [number, number, number] {
  const rn = r / 255;
  const gn = g / 255;
  const bn = b / 255;
  const max = Math.max(rn, gn, bn);
  const min = Math.min(rn, gn, bn);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  let h: number;
  if (max === rn) h = (gn - bn) / d + (gn < bn ? 6 : 0);
  else if (max === gn) h = (bn - rn) / d + 2;
  else h = (rn - gn) / d + 4;
  return [h * 60, s, l];
}

function fromHsl(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] =
    h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255].map((v) => Math.min(255, Math.max(0, Math.round(v)))) as Rgb;
}

/**
 * The same hue at the lightness nearest the original that reaches `MIN_CONTRAST` against
 * `background`: darker for a light background, lighter for a dark one.
 */
export function readableOn(colour: Rgb, background: Rgb): Rgb {
  if (contrastRatio(colour, background) >= MIN_CONTRAST) return colour;
  const [h, s, l] = toHsl(colour);
  const lighter = relativeLuminance(background) < 0.18;
  // Binary search over lightness between the original and black (or white).
  let lo = lighter ? l : 0;
  let hi = lighter ? 1 : l;
  for (let i = 0; i < 24; i++) {
    const mid = (lo + hi) / 2;
    const ok = contrastRatio(fromHsl(h, s, mid), background) >= MIN_CONTRAST;
    if (lighter === ok) hi = mid;
    else lo = mid;
  }
  const result = fromHsl(h, s, lighter ? hi : lo);
  // Rounding to whole channels can land a hair short; step once more if so.
  if (contrastRatio(result, background) >= MIN_CONTRAST) return result;
  return fromHsl(h, s, lighter ? Math.min(1, hi + 0.01) : Math.max(0, lo - 0.01));
}

/** A user's name colour for each theme, from the server's `colour` (anything unparsable falls back). */
export function nameColours(colour: string): NameColours {
  const rgb = parseHexColour(colour);
  const light = parseHexColour(LIGHT_BACKGROUND);
  const dark = parseHexColour(DARK_BACKGROUND);
  if (!rgb || !light || !dark) return FALLBACK_COLOURS;
  return { light: toHex(readableOn(rgb, light)), dark: toHex(readableOn(rgb, dark)) };
}
