/**
 * The sequence diagram as a standalone SVG file, for slides: the two lanes, one arrow per row with
 * its label, the server's TCP reads as brackets, faults in red. Light colours, no external fonts or
 * styles, so it looks the same wherever it is opened; its words are in the page's language
 * (`xml:lang` says which, so a viewer picks a CJK font for Chinese).
 */
import { getLocale } from '../../../paraglide/runtime.js';
import { arrowOf, shortLabel, toneOf, type Tone } from './labels';
import type { BracketPart, SequenceItem } from './sequence';
import { SEQUENCE_TEXT } from './strings';

const COLOURS: Record<Tone, string> = {
  handshake: '#57606a',
  client: '#0b5cad',
  server: '#1a7f37',
  control: '#8250df',
  fault: '#b42318',
  end: '#57606a',
};

const ROW = 30;
const WIDTH = 760;
const LEFT = 110;
const RIGHT = 650;
const TOP = 48;

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

type Attributes = Record<string, string | number>;

/** One element: `<name a="1">text</name>`, or `<name a="1"/>` without text; attribute values and text escaped. */
function el(name: string, attributes: Attributes, text?: string): string {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => [' ', key, '="', escapeXml(String(value)), '"'].join(''))
    .join('');
  return text === undefined ? ['<', name, attrs, '/>'].join('') : ['<', name, attrs, '>', escapeXml(text), '</', name, '>'].join('');
}

/** An element holding other elements (already made). */
function wrap(name: string, attributes: Attributes, children: string[]): string {
  return [el(name, attributes).slice(0, -2), '>', ...children, '</', name, '>'].join('');
}

/** `rows` (with the brackets of each row by its index in `rows`) as an SVG document. */
export function sequenceSvg(rows: readonly SequenceItem[], brackets: ReadonlyMap<number, readonly BracketPart[]>): string {
  const height = TOP + rows.length * ROW + 16;
  const heading = { y: 24, 'text-anchor': 'middle', 'font-weight': 700, fill: '#1f2328' };
  const lane = { y1: 32, y2: height - 8, stroke: '#8c959f', 'stroke-width': 2 };
  const body: string[] = [
    el('title', {}, SEQUENCE_TEXT.title()),
    wrap(
      'defs',
      {},
      Object.entries(COLOURS).map(([tone, colour]) =>
        wrap('marker', { id: `a-${tone}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, [
          el('path', { d: ['M0 0', 'L10 5', 'L0 10', 'z'].join(''), fill: colour }),
        ]),
      ),
    ),
    el('rect', { width: WIDTH, height, fill: '#ffffff' }),
    el('text', { x: LEFT, ...heading }, SEQUENCE_TEXT.browser()),
    el('text', { x: RIGHT, ...heading }, SEQUENCE_TEXT.server()),
    el('line', { x1: LEFT, x2: LEFT, ...lane }),
    el('line', { x1: RIGHT, x2: RIGHT, ...lane }),
  ];
  rows.forEach((item, i) => {
    const y = TOP + i * ROW + ROW * 0.7;
    const tone = toneOf(item);
    const colour = COLOURS[tone];
    const arrow = arrowOf(item);
    if (arrow === 'across') {
      body.push(el('line', { x1: LEFT, y1: y, x2: RIGHT, y2: y, stroke: colour, 'stroke-width': 1.5, 'stroke-dasharray': '5 4' }));
    } else {
      const [x1, x2] = arrow === 'right' ? [LEFT + 2, RIGHT - 2] : [RIGHT - 2, LEFT + 2];
      const dash: Attributes = tone === 'control' ? { 'stroke-dasharray': '6 3' } : {};
      body.push(el('line', { x1, y1: y, x2, y2: y, stroke: colour, 'stroke-width': 2, ...dash, 'marker-end': `url(#a-${tone})` }));
    }
    body.push(el('text', { x: (LEFT + RIGHT) / 2, y: y - 5, 'text-anchor': 'middle', fill: colour }, shortLabel(item)));
    for (const part of brackets.get(i) ?? []) {
      const x = RIGHT + 10 + part.column * 8;
      const top = TOP + i * ROW + (part.top ? 6 : 0);
      const bottom = TOP + (i + 1) * ROW - (part.bottom ? 6 : 0);
      const d = ['M', x + (part.top ? 5 : 0), ' ', top, 'H', x, 'V', bottom, 'H', x + (part.bottom ? 5 : 0)].join('');
      body.push(el('path', { d, fill: 'none', stroke: '#9a6700', 'stroke-width': 2 }));
    }
  });
  const svg = wrap(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', 'xml:lang': getLocale(), width: WIDTH, height, viewBox: `0 0 ${WIDTH} ${height}`, 'font-family': ['system-ui', 'sans-serif'].join(', '), 'font-size': 13 },
    body.map((line) => `\n${line}`),
  );
  return `${svg.replace(/<\/svg>$/, '\n</svg>')}\n`;
}
