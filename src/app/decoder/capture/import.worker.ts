/**
 * The decoder page's capture worker: a capture file (pcap, pcapng, Framescope JSON) read in
 * chunks straight from the File the page hands over, through the importer, with progress, so a
 * 100 MB file never blocks the page. It keeps what it found and answers the page's questions
 * (a connection's frame table, one frame's bytes) one at a time.
 */
import { readCapture } from './read';
import { tableTransfer, type ImportReply, type ImportRequest } from './messages';
import type { CaptureSession } from './session';

interface Scope {
  onmessage: ((event: MessageEvent<ImportRequest>) => void) | null;
  postMessage(message: ImportReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as Scope;
let session: CaptureSession | null = null;

scope.onmessage = (event) => {
  const request = event.data;
  const { id } = request;
  try {
    switch (request.type) {
      case 'open':
        session = null;
        readCapture(request.file, request.name, (progress) => scope.postMessage({ id, type: 'progress', progress })).then(
          ({ session: read, summary }) => {
            session = read;
            scope.postMessage({ id, type: 'summary', summary });
          },
          (error: unknown) => scope.postMessage({ id, type: 'error', message: error instanceof Error ? error.message : String(error) }),
        );
        break;
      case 'table': {
        const table = session?.table(request.connection) ?? null;
        scope.postMessage({ id, type: 'table', table }, tableTransfer(table));
        break;
      }
      case 'frame': {
        const bytes = session?.frameBytes(request.connection, request.row) ?? null;
        scope.postMessage({ id, type: 'frame', bytes }, bytes ? [bytes.buffer as ArrayBuffer] : []);
        break;
      }
    }
  } catch (error) {
    scope.postMessage({ id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
