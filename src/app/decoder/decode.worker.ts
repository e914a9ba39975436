/**
 * The decoder's Web Worker: hex text in, decoded frames out, with progress, so a 1 MiB paste never
 * blocks the page. Built by Vite from `new Worker(new URL('./decode.worker.ts', import.meta.url))`.
 */
import { decodeTextSteps } from './analyze';
import { transferables, type WorkerReply, type WorkerRequest } from './worker-messages';

/** The part of the worker scope used here (the DOM lib types `self` as a Window). */
interface Scope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as Scope;

scope.onmessage = (event) => {
  const { id, text, sender, deflate } = event.data;
  try {
    const steps = decodeTextSteps(text, sender, undefined, deflate ?? false);
    for (;;) {
      const step = steps.next();
      if (step.done) {
        scope.postMessage({ id, type: 'result', outcome: step.value }, transferables(step.value));
        return;
      }
      scope.postMessage({ id, type: 'progress', progress: step.value });
    }
  } catch (error) {
    scope.postMessage({ id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
