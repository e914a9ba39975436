/**
 * `/inspect`: a subscriber's connection to the inspector hub. It receives JSON text messages
 * about the connections it may watch (docs/inspector.md), and may send commands that make the
 * server do something on one of those connections (the playground's demonstrations).
 *
 *   /inspect?session=TOKEN          the connections opened with ?session=TOKEN
 *   /inspect?all&teacher=SECRET     every connection (only when the server runs with --class,
 *                                   and only with the teacher's token): the teacher's view, which
 *                                   also hears of the students and may broadcast a demonstration
 *   ...&batch                       each text message a JSON array of messages (many per event for a page)
 *
 * A session's page may also name its student (`{"type":"name"}`, class-commands.ts).
 */
import { decodeUtf8, encodeUtf8, isValidCloseCode, type MessageEvent } from '../../src/protocol/index.ts';
import type { Endpoint, UpgradeRequest } from '../endpoints/types.ts';
import type { ResolvedOptions } from '../options.ts';
import type { InspectorHub } from './hub.ts';
import type { FloodProgress } from '../connection/flood.ts';
import { ackSaid, type AckSaid } from './ack-sentences.ts';
import { broadcast, setStudentName } from './class-commands.ts';
import { CommandError } from './command-error.ts';
import { MAX_FLOOD_COUNT, MAX_FLOOD_SIZE, MISBEHAVE_KINDS, stamp, type MisbehaveKind } from './messages.ts';
import { Subscriber } from './subscriber.ts';
import { TEACHER_PARAM, teacherTokenMatches } from './teacher.ts';
import type { SubscriberScope, WatchedConnection } from './types.ts';

/** Most fragments `fragment-next` may ask for. */
export const MAX_FRAGMENTS = 1000;

function scopeOf(request: UpgradeRequest): SubscriberScope {
  return request.url.searchParams.has('all') ? { session: null, all: true } : { session: request.session, all: false };
}

/** Said with the 403 when `/inspect?all` comes without the teacher's token, or with another. */
export const NO_TEACHER_TOKEN =
  'Watching every connection (/inspect?all) is for the teacher only: it needs the teacher\'s token (&teacher=…), in the teacher link the server printed when it started.';

export function inspectEndpoint(hub: InspectorHub, options: ResolvedOptions): Endpoint {
  return {
    description: 'streams the frames of your session\'s connections as JSON (?session=TOKEN)',
    // A subscriber only listens; a dead one is found by the pings.
    noIdleTimeout: true,
    check(request) {
      const wantsAll = request.url.searchParams.has('all');
      if (wantsAll && !hub.classMode) {
        return { status: 403, reason: 'Watching every connection (/inspect?all) needs the server started with --class.' };
      }
      if (wantsAll && !teacherTokenMatches(request.url.searchParams.get(TEACHER_PARAM), options.teacherToken)) {
        return { status: 403, reason: NO_TEACHER_TOKEN };
      }
      if (!wantsAll && request.session === null) {
        return {
          status: 400,
          reason: '/inspect needs ?session=TOKEN: it streams the connections opened with the same token (such as /echo?session=TOKEN).',
        };
      }
      return null;
    },
    open(connection, request) {
      const subscriber = new Subscriber(connection, scopeOf(request), hub.limits, { batch: request.url.searchParams.has('batch') });
      hub.subscribe(subscriber);
      subscriber.reply({
        type: 'hello',
        ...stamp(),
        session: subscriber.scope.session,
        all: subscriber.scope.all,
        classMode: hub.classMode,
        limits: {
          queueCount: hub.limits.queueCount,
          queueBytes: hub.limits.queueBytes,
          maxFrameBytes: hub.limits.maxFrameBytes,
          rateMessages: hub.limits.rateMessages,
          rateBytes: hub.limits.rateBytes,
          maxPayload: options.maxPayload,
          maxMessage: options.maxMessage,
        },
        connections: hub.snapshot(subscriber),
        ...(subscriber.scope.all ? { students: hub.studentList() } : {}),
      });
      return {
        message(message) {
          runCommand(hub, subscriber, message);
        },
        drain() {
          subscriber.pump();
        },
        closed() {
          hub.unsubscribe(subscriber);
        },
      };
    },
  };
}

type Id = string | number | null;



/** Carry out one command from a subscriber and answer it with `ack` or `error`. */
export function runCommand(hub: InspectorHub, subscriber: Subscriber, message: MessageEvent): void {
  let id: Id = null;
  let connectionId: number | null = null;
  let action: string | null = null;
  try {
    if (message.binary) throw new CommandError('commands are JSON text messages');
    let command: unknown;
    try {
      command = JSON.parse(decodeUtf8(message.data));
    } catch {
      throw new CommandError('not JSON');
    }
    if (typeof command !== 'object' || command === null || Array.isArray(command)) throw new CommandError('a command is a JSON object');
    const c = command as Record<string, unknown>;
    if (typeof c.id === 'string' || typeof c.id === 'number') id = c.id;
    if (c.type === 'name') return setStudentName(hub, subscriber, c);
    if (c.type === 'broadcast') {
      // A flood is one page's demonstration (its progress goes to the page that asked): not for the whole class.
      if (c.action === 'flood') throw new CommandError('a flood is not broadcast: send it to one connection');
      return broadcast(hub, subscriber, c, id, (target, command) => act(target, command, () => {}));
    }
    if (c.type !== 'command') throw new CommandError('"type" must be "command" (or "name", "broadcast")');
    if (typeof c.action === 'string') action = c.action;
    if (typeof c.connection !== 'number' || !Number.isInteger(c.connection)) throw new CommandError('"connection" must be a connection id (a number)');
    connectionId = c.connection;
    const target = hub.connection(c.connection);
    // Connections of other sessions are reported as absent: a session sees nothing of the others.
    if (target === undefined || !subscriber.watches(target.session)) {
      throw new CommandError(`no open connection ${c.connection} ${subscriber.scope.all ? 'on this server' : 'in this session'}`);
    }
    const said = actSaid(target, c, (progress) => {
      // Progress goes to the page that asked, whatever its budget (it asked for it).
      subscriber.reply({ type: 'flood', ...stamp(), id, connection: target.id, ...progress });
    });
    subscriber.reply({ type: 'ack', ...stamp(), id, connection: target.id, action: action!, detail: said.text, detailId: said.id, detailValues: said.values });
  } catch (error) {
    if (!(error instanceof CommandError) && !(error instanceof RangeError)) throw error;
    subscriber.reply({ type: 'error', ...stamp(), id, connection: connectionId, action, message: error.message });
  }
}

/** Carry out `c` on `target`; returns what was done, throws CommandError when it cannot be. `report` hears a flood's progress. */
export function act(target: WatchedConnection, c: Record<string, unknown>, report: (progress: FloodProgress) => void): string {
  return actSaid(target, c, report).text;
}

/** `act`, with the sentence's id and values beside its English. */
function actSaid(target: WatchedConnection, c: Record<string, unknown>, report: (progress: FloodProgress) => void): AckSaid {
  if (target.relay) throw new CommandError(`connection ${target.id} goes through /proxy: Framescope only relays its bytes and never sends a frame of its own`);
  if (target.state !== 'OPEN') throw new CommandError(`connection ${target.id} is ${target.state.toLowerCase()}`);
  switch (c.action) {
    case 'ping': {
      const text = c.payload === undefined ? '' : c.payload;
      if (typeof text !== 'string') throw new CommandError('"payload" must be a string');
      const payload = encodeUtf8(text);
      if (payload.length > 125) throw new CommandError(`a ping payload is at most 125 bytes (RFC 6455 §5.5); this one is ${payload.length}`);
      target.ping(payload);
      return ackSaid('ping', { count: payload.length });
    }
    case 'fragment-next': {
      const count = c.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_FRAGMENTS) {
        throw new CommandError(`"count" must be an integer from 1 to ${MAX_FRAGMENTS}`);
      }
      if (c.ping !== undefined && typeof c.ping !== 'boolean') throw new CommandError('"ping" must be true or false');
      // A compressed message's fragments are the codec's to cut: no ping between them there.
      const compressed = target.info.deflate?.response != null;
      const ping = c.ping === true && count > 1 && !compressed;
      target.fragmentNext(count, ping);
      // The codec puts at least one byte in each fragment, so a message shorter than `count` gets fewer.
      return ackSaid(ping ? 'fragment-ping' : c.ping === true && compressed ? 'fragment-compressed' : 'fragment', { count });
    }
    case 'close': {
      const code = c.code;
      const reason = c.reason ?? '';
      if (code !== undefined && (typeof code !== 'number' || !isValidCloseCode(code))) {
        throw new CommandError(`${JSON.stringify(code)} may not be sent in a close frame (RFC 6455 §7.4)`);
      }
      if (typeof reason !== 'string') throw new CommandError('"reason" must be a string');
      if (reason !== '' && code === undefined) throw new CommandError('a close reason needs a code');
      const bytes = encodeUtf8(reason);
      if (bytes.length > 123) throw new CommandError(`a close reason is at most 123 bytes of UTF-8; this one is ${bytes.length}`);
      target.close(code as number | undefined, reason, 'command');
      return code === undefined ? ackSaid('close-no-code', {}) : ackSaid('close', { code: code as number });
    }
    case 'misbehave': {
      const kind = c.kind;
      if (typeof kind !== 'string' || !(MISBEHAVE_KINDS as readonly string[]).includes(kind)) {
        throw new CommandError(`"kind" must be one of ${MISBEHAVE_KINDS.join(', ')}`);
      }
      return ackSaid('misbehave', { kind: kind as MisbehaveKind, rule: target.misbehave(kind as MisbehaveKind) });
    }
    case 'flood': {
      const { count, size = 0 } = c;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_FLOOD_COUNT) {
        throw new CommandError(`"count" must be an integer from 0 (stop) to ${MAX_FLOOD_COUNT}`);
      }
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_FLOOD_SIZE) {
        throw new CommandError(`"size" must be an integer from 0 to ${MAX_FLOOD_SIZE} (bytes per message)`);
      }
      target.flood(count, size, report);
      return count === 0 ? ackSaid('flood-stop', {}) : ackSaid('flood', { count });
    }
    default:
      throw new CommandError(`unknown action ${JSON.stringify(c.action)}; one of ping, fragment-next, close, misbehave, flood`);
  }
}
