/**
 * Every sentence of the sequence diagram, in one module, so they move into the message catalogues
 * (zh-CN, en) in one step. RFC words (FIN, opcode names) stay as the RFC spells them.
 */
import { formatCount } from '../format';

export const SEQUENCE_TEXT = {
  title: 'Sequence diagram',
  browser: 'Browser',
  server: 'Server',
  label: (count: number) => `Sequence diagram, browser and server: ${formatCount(count)} step${count === 1 ? '' : 's'}`,
  empty: 'No frames yet: connect, and each frame appears here as an arrow.',
  exportSvg: 'Export as SVG',
  exportNote: (shown: number, total: number) =>
    shown < total ? `The newest ${formatCount(shown)} of ${formatCount(total)} steps go into the SVG.` : '',
  request: (method: string, target: string) => `${method} ${target} · Upgrade: websocket`,
  response: (status: number) => (status === 101 ? '101 Switching Protocols' : `${status}`),
  closed: (code: number, clean: boolean) => `TCP closed · ${code}${clean ? '' : ' (not clean)'}`,
  requestLabel: (connection: number, method: string, target: string) =>
    `Connection ${connection}: the browser's opening handshake, ${method} ${target} with Upgrade: websocket`,
  responseLabel: (connection: number, status: number) => `Connection ${connection}: the server answers ${status === 101 ? '101 Switching Protocols' : status}`,
  closedLabel: (connection: number, code: number, clean: boolean) =>
    `Connection ${connection}: TCP closed, close code ${code}${clean ? ', clean' : ', not clean'}`,
  readLabel: (count: number) => `in ${formatCount(count)} TCP read${count === 1 ? '' : 's'} of the server`,
  readTitle: 'A TCP read of the server: the bytes one read() returned',
  fault: 'fault',
  legend: 'Brackets on the server lane: the bytes one TCP read returned. Red: a fault or a frame broken on purpose.',
} as const;
