/**
 * What an inflated message becomes (RFC 7692 §7.2.2, then RFC 6455's rules on the result): the
 * message with its bytes inflated, or the fault that fails the connection: past the size limit
 * (1009), not DEFLATE data (1007), text that is not UTF-8 once inflated (1007, RFC 6455 §8.1).
 */
import { fault, type Fault } from '../fault.ts';
import type { MessageEvent } from '../message.ts';
import { Utf8Validator, type Utf8Check } from '../utf8.ts';
import type { InflateOutcome } from './extension.ts';

/** `event` is the message as assembled (compressed bytes); `start` its first frame's stream offset. */
export function inflatedMessage(event: MessageEvent, outcome: InflateOutcome, start: number, utf8Check: Utf8Check | null): MessageEvent | Fault {
  const site = { offset: start, frameOffset: start };
  if (outcome.kind === 'too-large') return fault('inflated-too-large', site, { limit: outcome.limit });
  if (outcome.kind === 'invalid') return fault('inflate-failed', site, { reason: outcome.reason });
  const data = outcome.data;
  if (!event.binary) {
    // RFC 6455 §8.1, on the inflated bytes: a text message is UTF-8.
    const validator = new Utf8Validator(utf8Check);
    const bad = validator.update(data);
    if (bad !== -1 || !validator.complete) {
      const at = bad !== -1 ? bad : data.length - validator.pendingBytes;
      return fault('inflated-invalid-utf8', site, { byte: bad !== -1 ? data[bad]! : null, at });
    }
  }
  return { kind: 'message', binary: event.binary, data, frames: event.frames, compressed: event.compressed };
}
