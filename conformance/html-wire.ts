/**
 * A case's wire log as HTML, for the report: HTTP heads as text, frames and stray bytes as hex
 * rows of 16 with their stream offsets, and the first wrong byte (the codec's fault, or the
 * grader's mark) in a <mark> with its reason. Every string from the wire is escaped.
 */
import { closeCodeInfo, opcodeInfo } from '../src/protocol/index.ts';
import type { WireBytes, WireEntry, WireFrame, WireHttp, WireMark } from '../src/wire/conformance.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values; control characters shown as escapes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const ARROW = { 'client-to-server': 'grader → server', 'server-to-client': 'server → grader' } as const;

/** The bytes at fault in an entry: the codec's fault, else the grader's mark. */
function markOf(entry: WireFrame | WireBytes): WireMark | null {
  if (entry.kind === 'frame' && entry.fault) return { offset: entry.fault.offset, length: Math.max(1, entry.fault.length), text: entry.fault.message };
  return entry.kind === 'frame' ? entry.mark : null;
}

function hexRows(hex: string, start: number, mark: WireMark | null): string {
  const bytes = hex.match(/../g) ?? [];
  const rows: string[] = [];
  for (let row = 0; row < bytes.length; row += 16) {
    const cells: string[] = [];
    for (let i = row; i < Math.min(row + 16, bytes.length); i++) {
      const at = start + i;
      const marked = mark !== null && at >= mark.offset && at < mark.offset + mark.length;
      const cell = escapeHtml(bytes[i]!);
      cells.push(marked ? `<mark title="${escapeHtml(mark.text)}">${cell}</mark>` : cell);
    }
    rows.push(`<span class="off">${(start + row).toString().padStart(7)}</span>  ${cells.join(' ')}`);
  }
  return rows.join('\n');
}

function frameTitle(f: WireFrame): string {
  const op = opcodeInfo(f.opcode);
  const parts = [`${op.name} frame`, `FIN=${f.fin ? 1 : 0}`, `${f.payloadLength.toLocaleString('en-US')}-byte payload`, `at byte ${f.offset.toLocaleString('en-US')}`];
  if (f.opcode === 8 && f.payloadLength >= 2 && f.bytes.length >= 2 * (f.size - f.payloadLength) + 4) {
    const at = (f.size - f.payloadLength) * 2;
    const code = parseInt(f.bytes.slice(at, at + 4), 16);
    if (!f.fault) parts.push(`code ${code} ${closeCodeInfo(code).name}`);
  }
  return parts.join(', ');
}

function renderFrame(f: WireFrame): string {
  const mark = markOf(f);
  const truncated = f.truncated ? `<p class="note">The first ${(f.bytes.length / 2).toLocaleString('en-US')} of ${f.size.toLocaleString('en-US')} bytes are shown.</p>` : '';
  const note = f.note ? ` <span class="note">(${escapeHtml(f.note)})</span>` : '';
  const fault = f.fault
    ? `<p class="fault"><strong>${f.direction === 'server-to-client' ? 'The server broke a rule' : 'Broken on purpose by the grader'}:</strong> ${escapeHtml(f.fault.message)}</p>`
    : '';
  const why = !f.fault && f.mark ? `<p class="fault"><strong>First wrong byte:</strong> ${escapeHtml(f.mark.text)}</p>` : '';
  return `<div class="head">${escapeHtml(frameTitle(f))}${note}</div>${fault}${why}<pre class="hex">${hexRows(f.bytes, f.offset, mark)}</pre>${truncated}`;
}

function renderHttp(h: WireHttp): string {
  const text = h.head;
  let body: string;
  if (h.mark !== null && h.mark.offset <= text.length) {
    const end = Math.min(text.length, h.mark.offset + h.mark.length);
    body = `${escapeHtml(text.slice(0, h.mark.offset))}<mark title="${escapeHtml(h.mark.text)}">${escapeHtml(text.slice(h.mark.offset, end)) || '␍␊'}</mark>${escapeHtml(text.slice(end))}`;
  } else {
    body = escapeHtml(text);
  }
  const why = h.mark !== null ? `<p class="fault"><strong>First wrong part:</strong> ${escapeHtml(h.mark.text)}</p>` : '';
  return `<div class="head">HTTP ${h.direction === 'client-to-server' ? 'request' : 'response'}</div>${why}<pre class="http">${body.replace(/\r\n/g, '↵\n')}</pre>`;
}

function renderEntry(e: WireEntry): string {
  const t = `<span class="t">${e.t.toFixed(1)} ms</span>`;
  switch (e.kind) {
    case 'event':
      return `<li class="event">${t} <span class="dir">event</span> ${escapeHtml(e.text)}</li>`;
    case 'http':
      return `<li class="${e.direction}">${t} <span class="dir">${ARROW[e.direction]}</span>${renderHttp(e)}</li>`;
    case 'frame':
      return `<li class="${e.direction}${e.fault || e.mark ? ' wrong' : ''}">${t} <span class="dir">${ARROW[e.direction]}</span>${renderFrame(e)}</li>`;
    case 'bytes':
      return `<li class="${e.direction}">${t} <span class="dir">${ARROW[e.direction]}</span><div class="head">${e.bytes.length / 2} bytes: ${escapeHtml(e.note)}</div><pre class="hex">${hexRows(e.bytes, e.offset, null)}</pre></li>`;
  }
}

export function renderWire(wire: readonly WireEntry[]): string {
  if (wire.length === 0) return '<p class="note">Nothing crossed the wire.</p>';
  return `<ol class="wire">${wire.map(renderEntry).join('')}</ol>`;
}
