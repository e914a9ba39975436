/**
 * The sequence diagram's sentences, as message functions from the catalogues
 * (messages/<locale>/sequence.json), called where they are shown so the diagram follows the
 * language switch. RFC words (FIN, opcode names, 101 Switching Protocols) stay as the RFC spells them.
 */
import * as m from '../../../paraglide/messages.js';
import { formatCount } from '../format';

export const SEQUENCE_TEXT = {
  title: m.sequence_title,
  browser: m.sequence_browser,
  server: m.sequence_server,
  label: (count: number) => m.sequence_label({ count, shown: formatCount(count) }),
  empty: m.sequence_empty,
  exportSvg: m.sequence_export_svg,
  exportNote: (shown: number, total: number) => (shown < total ? m.sequence_export_note({ shown: formatCount(shown), total: formatCount(total) }) : ''),
  request: (method: string, target: string) => m.sequence_request({ method, target }),
  response: (status: number) => (status === 101 ? m.sequence_response_101() : `${status}`),
  closed: (code: number, clean: boolean) => (clean ? m.sequence_closed({ code }) : m.sequence_closed_unclean({ code })),
  requestLabel: (connection: number, method: string, target: string) => m.sequence_request_label({ connection, method, target }),
  responseLabel: (connection: number, status: number) =>
    status === 101 ? m.sequence_response_label_101({ connection }) : m.sequence_response_label({ connection, status }),
  closedLabel: (connection: number, code: number, clean: boolean) =>
    clean ? m.sequence_closed_label_clean({ connection, code }) : m.sequence_closed_label_unclean({ connection, code }),
  readLabel: (count: number) => m.sequence_read_label({ count, shown: formatCount(count) }),
  readTitle: (size: number) => m.sequence_read_title({ size: formatCount(size) }),
  fault: m.sequence_fault,
  legend: m.sequence_legend,
} as const;
