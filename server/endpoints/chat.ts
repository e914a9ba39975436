/**
 * `/chat`: the chat room (docs/chat-protocol.md). A thin loop around `ChatRoom`
 * (server/chat/room.ts), which holds all the logic: this file turns connection events into room
 * commands and the room's actions into frames and closes. Each message is serialized and
 * UTF-8-encoded once, then the same bytes go to every recipient on this process.
 *
 * The room's shared state is in this process's memory unless a store is given: `--redis URL`
 * passes a `RedisStore` (server/chat/redis-store.ts), and any number of processes serve one room.
 */
import { ChatRoom, type ChatAction, type ChatRoomOptions } from '../chat/room.ts';
import type { ChatStore } from '../chat/store.ts';
import type { Endpoint, EndpointConnection } from './types.ts';

export interface ChatEndpoint extends Endpoint {
  /** The room behind the endpoint (one per server), for tests and the log. */
  readonly room: ChatRoom<EndpointConnection>;
  /** Resolves once the room's store is open; rejects with a clear error when it cannot be. */
  readonly ready: Promise<void>;
  /** Stops the store once the connections are closed (their users have left by then). */
  close(): Promise<void>;
}

export interface ChatEndpointOptions extends Partial<ChatRoomOptions> {
  /** Where the room's shared state lives (default: this process's memory). */
  store?: ChatStore;
}

export function createChatEndpoint(options: ChatEndpointOptions = {}): ChatEndpoint {
  const { store, ...roomOptions } = options;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  // What the room sends in one turn of the event loop (every socket read in it: several users'
  // messages, or many arriving together from Redis) goes out per connection in one corked write,
  // right after the reads (setImmediate): one writev per recipient instead of one write per message.
  const pending = new Map<EndpointConnection, Uint8Array[]>();
  let scheduled = false;
  /** The server's listener for nicknames (class mode), set through `names()`. */
  let nameListener: ((session: string, name: string) => void) | null = null;

  function flush(): void {
    scheduled = false;
    for (const [connection, messages] of pending) {
      if (messages.length === 1) connection.sendMessage(messages[0]!, false);
      else connection.corked(() => messages.forEach((bytes) => connection.sendMessage(bytes, false)));
    }
    pending.clear();
  }

  function perform(action: ChatAction<EndpointConnection>): void {
    if (action.kind === 'send') {
      if (action.message.type === 'welcome' && nameListener !== null) {
        // A connection joined the room under this nickname: the teacher's view names its student.
        for (const connection of action.to) if (connection.session !== null) nameListener(connection.session, action.message.you.name);
      }
      const bytes = encoder.encode(JSON.stringify(action.message));
      for (const connection of action.to) {
        const queued = pending.get(connection);
        if (queued) queued.push(bytes);
        else pending.set(connection, [bytes]);
      }
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    } else {
      flush();
      // RFC 6455 §7.4.1: 1008, the endpoint "received a message that violates its policy".
      action.to.close(action.code, action.reason, `chat: ${action.reason}`);
    }
  }

  const room = new ChatRoom<EndpointConnection>(perform, roomOptions, store);

  return {
    description: 'a chat room: nicknames, broadcast, @name private messages (docs/chat-protocol.md)',
    room,
    ready: room.ready,
    close: () => room.close(),
    names(report) {
      nameListener = report;
    },
    open(connection) {
      room.connect(connection);
      return {
        message(message) {
          if (message.binary) room.receiveBinary(connection, message.data.byteLength);
          else void room.receiveText(connection, decoder.decode(message.data));
        },
        closed() {
          void room.disconnect(connection);
        },
      };
    },
  };
}
