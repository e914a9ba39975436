/**
 * What a subscriber may say besides a `command` (docs/inspector.md):
 *
 *   {"type":"name","name":"Maria"}          a student's page names its session for the teacher's view
 *   {"type":"broadcast","id":7,"action":…}  the teacher's view (`?all`) sends one demonstration to
 *                                           every open `/echo` connection at once
 */
import { CommandError } from './command-error.ts';
import type { InspectorHub } from './hub.ts';
import { stamp } from './messages.ts';
import { cleanName } from './students.ts';
import type { Subscriber } from './subscriber.ts';
import type { WatchedConnection } from './types.ts';

/** The endpoint a broadcast acts on: the playground's echo connections. */
export const BROADCAST_PATH = '/echo';

/** `{"type":"name"}` from a session's page: its student's name, in class mode (ignored otherwise). */
export function setStudentName(hub: InspectorHub, subscriber: Subscriber, c: Record<string, unknown>): void {
  const session = subscriber.scope.session;
  if (subscriber.scope.all || session === null) throw new CommandError('only a session\'s page (/inspect?session=…) names a student');
  const cleaned = cleanName(c.name);
  if (!cleaned.ok) throw new CommandError(cleaned.reason);
  if (hub.classMode) hub.students.name(session, cleaned.name);
}

/**
 * `{"type":"broadcast"}` from the teacher's view: `act` (the same as a `command`'s) on every open,
 * not proxied `/echo` connection; those it cannot act on are listed with the reason.
 */
export function broadcast(
  hub: InspectorHub,
  subscriber: Subscriber,
  c: Record<string, unknown>,
  id: string | number | null,
  act: (target: WatchedConnection, c: Record<string, unknown>) => string,
): void {
  if (!subscriber.scope.all) throw new CommandError('only the teacher\'s view (/inspect?all) may send to every connection');
  const action = typeof c.action === 'string' ? c.action : null;
  if (action === null) throw new CommandError('"action" must be one of ping, fragment-next, close, misbehave');
  const connections: number[] = [];
  const skipped: { connection: number; reason: string }[] = [];
  let detail = '';
  for (const target of hub.openConnections()) {
    if (target.info.path !== BROADCAST_PATH) continue;
    try {
      detail = act(target, c);
      connections.push(target.id);
    } catch (error) {
      if (!(error instanceof CommandError) && !(error instanceof RangeError)) throw error;
      // The same mistake for every connection (a bad argument): one error, not a list of skips.
      if (connections.length === 0 && skipped.length === 0 && !target.relay && target.state === 'OPEN') throw error;
      skipped.push({ connection: target.id, reason: error.message });
    }
  }
  const count = connections.length;
  subscriber.reply({
    type: 'broadcast-ack',
    ...stamp(),
    id,
    action,
    connections,
    skipped,
    detail: count === 0 ? `no open ${BROADCAST_PATH} connection to send to` : `${detail}, on ${count} connection${count === 1 ? '' : 's'}`,
  });
}
