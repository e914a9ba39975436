/**
 * permessage-deflate between a connection and its engines: a received compressed message inflated
 * (now, or later when the engine is asynchronous; the connection parses nothing more meanwhile),
 * and a message to send compressed or not (by the threshold), its frames taking their place in the
 * outgoing order even when its bytes come later. The connection is seen through `PipelineHost`.
 */
import type { Fault } from '../fault.ts';
import type { MessageEvent } from '../message.ts';
import type { OutgoingQueue } from '../outgoing.ts';
import type { Utf8Check } from '../utf8.ts';
import { isPending, type InflateOutcome, type PerMessageDeflate } from './extension.ts';
import { inflatedMessage } from './received.ts';

/** What the pipeline needs from its connection. */
export interface PipelineHost {
  /** Is the connection still reading (not failed or closed)? A late result is dropped otherwise. */
  reading(): boolean;
  /** A compressed message was inflated (the message), or could not be (the fault that fails the connection). */
  received(result: MessageEvent | Fault): void;
  /** Queue one message's frames: `fragments` of them, the first with the opcode and `rsv1`. */
  queueFrames(opcode: number, payload: Uint8Array, fragments: number, rsv1: boolean): void;
  /** Compressing failed (the engine threw): fail the connection. */
  failed(reason: string): void;
}

export interface PipelineOptions {
  /** Largest message, inflated (RFC 6455 §7.4.1: over it, 1009). */
  maxMessage: number;
  utf8Check: Utf8Check | null;
  /** Called when asynchronous work is done (the connection's `wake`). */
  wake: (() => void) | null;
}

export class DeflatePipeline {
  readonly #pmd: PerMessageDeflate;
  readonly #outgoing: OutgoingQueue;
  readonly #host: PipelineHost;
  readonly #options: PipelineOptions;
  #inflating = false;

  constructor(pmd: PerMessageDeflate, outgoing: OutgoingQueue, host: PipelineHost, options: PipelineOptions) {
    this.#pmd = pmd;
    this.#outgoing = outgoing;
    this.#host = host;
    this.#options = options;
  }

  /** A received message is being inflated elsewhere: the connection parses nothing more until it is done. */
  get inflating(): boolean {
    return this.#inflating;
  }

  /** A compressed message (as assembled), whose first frame starts at stream offset `start`: inflate it (RFC 7692 §7.2.2). */
  receive(event: MessageEvent, start: number): void {
    const result = this.#pmd.inflate(event.data, this.#options.maxMessage);
    if (!isPending(result)) {
      this.#host.received(inflatedMessage(event, result, start, this.#options.utf8Check));
      return;
    }
    this.#inflating = true;
    const done = (outcome: InflateOutcome): void => {
      this.#inflating = false;
      // A connection that failed or closed meanwhile reads nothing more.
      if (this.#host.reading()) this.#host.received(inflatedMessage(event, outcome, start, this.#options.utf8Check));
      this.#options.wake?.();
    };
    result.then(done, (error: unknown) => done({ kind: 'invalid', reason: error instanceof Error ? error.message : String(error) }));
  }

  /** Send a message: compressed, with RSV1, at or over the threshold (RFC 7692 §6); as it is below. */
  send(opcode: number, data: Uint8Array, binary: boolean, fragments: number): void {
    if (!this.#pmd.compresses(data.length)) {
      this.#host.queueFrames(opcode, data, fragments, false);
      return;
    }
    const compressed = this.#pmd.deflate(data);
    const write = (payload: Uint8Array): void => {
      this.#host.queueFrames(opcode, payload, fragments, true);
      this.#outgoing.report({ data, wireLength: payload.length, binary });
    };
    if (!isPending(compressed)) {
      write(compressed);
      return;
    }
    // Its place in the outgoing order is held; what is sent after it waits behind it.
    const place = this.#outgoing.reserve();
    compressed
      .then(
        (payload) => this.#outgoing.fill(place, () => write(payload)),
        (error: unknown) => {
          this.#outgoing.fill(place, () => {});
          this.#host.failed(`compression failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      )
      .then(() => this.#options.wake?.());
  }
}
