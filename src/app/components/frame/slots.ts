/**
 * A catalogue sentence with markup inside (a <var>, a code span): the message is rendered with a
 * marker in place of each marked-up placeholder, then cut at the markers, so the words around the
 * markup stay in the translator's order.
 */
const MARK = '\u0000';

/** The value to pass for a placeholder the markup draws: `m.key({ i: slot('i') })`. */
export function slot(name: string): string {
  return `${MARK}${name}${MARK}`;
}

export interface Piece {
  text: string;
  /** The placeholder's name where the markup goes, or null for plain text. */
  slot: string | null;
}

/** The sentence cut into text and slots, in order. */
export function pieces(rendered: string): Piece[] {
  return rendered.split(MARK).map((text, i) => (i % 2 === 1 ? { text: '', slot: text } : { text, slot: null })).filter((piece) => piece.slot !== null || piece.text !== '');
}
