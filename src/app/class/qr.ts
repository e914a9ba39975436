/**
 * A QR code as one SVG path, from the `qrcode` library's module matrix (so the page draws it as
 * markup, never as HTML from a string).
 */
import { create } from 'qrcode';

export interface QrPath {
  /** Modules per side, the quiet zone included. */
  size: number;
  /** One `M x y h1 v1 h-1 z` square per dark module (runs on a row merged). */
  d: string;
}

/** The QR code of `text` (error correction M, a 4-module quiet zone around it). */
export function qrPath(text: string, margin = 4): QrPath {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let d = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < n && modules.get(row, col + run)) run++;
      d += ['M', col + margin, ' ', row + margin, 'h', run, 'v1h-', run, 'z'].join('');
      col += run;
    }
  }
  return { size: n + 2 * margin, d };
}
