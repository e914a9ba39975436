/**
 * Short polling, the way the classic chat tutorials began: the client POSTs each message and asks
 * "anything new?" every N ms, whether or not there is. Each question is a whole HTTP request and
 * response, headers and all.
 */
import { answerPoll, queryNumber, type Exchange, type PollAnswers } from './exchange.ts';

/** GET /compare/short-polling/poll?run=R&after=N: the echoes after N, at once (often none). */
export function shortPoll(ex: Exchange, answers: PollAnswers): void {
  const after = queryNumber(ex.url, 'after', 0);
  if (after === null) {
    ex.meter.text(400, '?after= is the last seq the client has: a whole number.');
    return;
  }
  const queue = ex.run.queues['short-polling'];
  queue.ack(after);
  answerPoll(ex.meter, queue.since(after, answers.maxBytes), answers, `GET ${ex.url.pathname} run=${ex.run.token}`);
}
