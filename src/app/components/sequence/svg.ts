/**
 * The sequence diagram as a standalone SVG file, for slides: the two lanes, one arrow per row with
 * its label, the server's TCP reads as brackets, faults in red. Light colours, no external fonts or
 * styles, so it looks the same wherever it is opened.
 */
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

/** `rows` (with the brackets of each row by its index in `rows`) as an SVG document. */
export function sequenceSvg(rows: readonly SequenceItem[], brackets: ReadonlyMap<number, readonly BracketPart[]>): string {
  const height = TOP + rows.length * ROW + 16;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<title>${escapeXml(SEQUENCE_TEXT.title)}</title>`,
    '<defs>',
    ...Object.entries(COLOURS).map(
      ([tone, colour]) => `<marker id="a-${tone}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="${colour}"/></marker>`,
    ),
    '</defs>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" text-anchor="middle" font-weight="700" fill="#1f2328">${escapeXml(SEQUENCE_TEXT.browser)}</text>`,
    `<text x="${RIGHT}" y="24" text-anchor="middle" font-weight="700" fill="#1f2328">${escapeXml(SEQUENCE_TEXT.server)}</text>`,
    `<line x1="${LEFT}" y1="32" x2="${LEFT}" y2="${height - 8}" stroke="#8c959f" stroke-width="2"/>`,
    `<line x1="${RIGHT}" y1="32" x2="${RIGHT}" y2="${height - 8}" stroke="#8c959f" stroke-width="2"/>`,
  );
  rows.forEach((item, i) => {
    const y = TOP + i * ROW + ROW * 0.7;
    const tone = toneOf(item);
    const colour = COLOURS[tone];
    const arrow = arrowOf(item);
    const label = escapeXml(shortLabel(item));
    if (arrow === 'across') {
      out.push(`<line x1="${LEFT}" y1="${y}" x2="${RIGHT}" y2="${y}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4"/>`);
    } else {
      const [x1, x2] = arrow === 'right' ? [LEFT + 2, RIGHT - 2] : [RIGHT - 2, LEFT + 2];
      const dash = tone === 'control' ? ' stroke-dasharray="6 3"' : '';
      out.push(`<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" stroke="${colour}" stroke-width="2"${dash} marker-end="url(#a-${tone})"/>`);
    }
    out.push(`<text x="${(LEFT + RIGHT) / 2}" y="${y - 5}" text-anchor="middle" fill="${colour}">${label}</text>`);
    for (const part of brackets.get(i) ?? []) {
      const x = RIGHT + 10 + part.column * 8;
      const top = TOP + i * ROW + (part.top ? 6 : 0);
      const bottom = TOP + (i + 1) * ROW - (part.bottom ? 6 : 0);
      out.push(`<path d="M${x + (part.top ? 5 : 0)} ${top}H${x}V${bottom}H${x + (part.bottom ? 5 : 0)}" fill="none" stroke="#9a6700" stroke-width="2"/>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
