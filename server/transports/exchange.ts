/**
 * One HTTP request to a comparison endpoint, once its run is known: the request, its metered
 * response, the run and the transport's ledger (the request's head is already counted). Also the
 * two things every HTTP transport does alike: take a message (POST .../send) and answer with
 * echoes (the JSON of a poll, bounded by PollAnswers).
 */
import type { IncomingMessage } from 'node:http';
import type { HttpTransportName, PollResponse, EchoItem } from '../../src/wire/compare.ts';
import type { TrafficLedger } from './accounting.ts';
import { utf8Length } from './accounting.ts';
import { readBody, type BodyLimits, type ResponseMeter } from './meter.ts';
import type { Run } from './runs.ts';
import type { UnsentBytes } from './unsent.ts';

export interface Exchange {
  req: IncomingMessage;
  url: URL;
  meter: ResponseMeter;
  run: Run;
  ledger: TrafficLedger;
}

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

/** A non-negative whole number from the query (`?after=12`), `fallback` when absent, null when malformed. */
export function queryNumber(url: URL, name: string, fallback: number | null): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * POST .../send?run=R&seq=N, the message as the body: queue its echo and answer 204. `seq` must
 * grow by the client's order (a seq already seen is a retry: answered 204, not queued twice).
 * For SSE the queue may drop echoes the event stream already wrote to make room. `queued` runs
 * once the echo is waiting, so the transport can deliver it.
 */
export async function receiveMessage(ex: Exchange, transport: HttpTransportName, bodies: BodyLimits, queued: () => void): Promise<void> {
  const seq = queryNumber(ex.url, 'seq', null);
  if (seq === null || seq < 1) {
    ex.req.resume();
    ex.meter.text(400, 'Say which message this is: ?seq=N, a whole number from 1, growing with each message.');
    return;
  }
  const body = await readBody(ex.req, bodies, ex.ledger);
  if (!body.ok) {
    ex.meter.text(body.status, body.reason);
    return;
  }
  let text: string;
  try {
    text = strictUtf8.decode(body.body);
  } catch {
    ex.meter.text(400, 'The message is not valid UTF-8 text.');
    return;
  }
  const evictUpTo = transport === 'sse' ? ex.run.sseWritten : 0;
  const result = ex.run.queues[transport].accept(seq, text, body.body.length, evictUpTo);
  if (result === 'full') {
    ex.meter.text(503, 'Too many echoes are waiting (for this client, or for every client together): fetch them first, or try again in a second.', { 'Retry-After': '1' });
    return;
  }
  ex.meter.send(204, NO_STORE, '');
  if (result === 'queued') queued();
}

/** How polls are answered: at most `maxBytes` of echo text each, within what clients have not read yet. */
export interface PollAnswers {
  maxBytes: number;
  unsent: UnsentBytes;
}

/**
 * Answer a poll with `messages` as JSON; their texts are the payload, the JSON around them
 * framing. If the answer does not fit among the bytes clients have not read yet, 503: nothing is
 * acknowledged by it, so the client's next poll asks for the same echoes. `what` names the
 * request in the log.
 */
export function answerPoll(meter: ResponseMeter, messages: EchoItem[], answers: PollAnswers, what: string): void {
  let payload = 0;
  for (const message of messages) payload += utf8Length(message.text);
  const full = (): void => meter.text(503, 'The server holds too many answers that clients have not read yet; ask again in a second.', { 'Retry-After': '1' });
  // The texts alone do not fit: refuse before paying for the JSON (escaping can make it 6 times
  // longer). An empty answer (a held poll's time is up) always goes out.
  if (messages.length > 0 && !answers.unsent.fits(payload)) return full();
  const response: PollResponse = { messages };
  const body = JSON.stringify(response);
  if (messages.length > 0 && !answers.unsent.fits(Buffer.byteLength(body))) return full();
  meter.send(200, { 'Content-Type': 'application/json', ...NO_STORE }, body, payload);
  answers.unsent.watch(meter.res.req.socket, what);
}
