/**
 * `/chat`: the chat room (docs/chat-protocol.md). A thin loop around `ChatRoom`
 * (server/chat/room.ts), which holds all the logic: this file turns connection events into room
 * commands and the room's actions into frames and closes. Each broadcast is serialized and
 * UTF-8-encoded once, then the same bytes go to every recipient.
 */
import { ChatRoom, type ChatAction, type ChatRoomOptions } from '../chat/room.ts';
import type { Endpoint, EndpointConnection } from './types.ts';

export interface ChatEndpoint extends Endpoint {
  /** The room behind the endpoint (one per server), for tests and the log. */
  readonly room: ChatRoom<EndpointConnection>;
}

export function createChatEndpoint(options: Partial<ChatRoomOptions> = {}): ChatEndpoint {
  const room = new ChatRoom<EndpointConnection>(options);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  function perform(actions: ChatAction<EndpointConnection>[]): void {
    for (const action of actions) {
      if (action.kind === 'send') {
        const bytes = encoder.encode(JSON.stringify(action.message));
        for (const connection of action.to) connection.sendMessage(bytes, false);
      } else {
        // RFC 6455 §7.4.1: 1008, the endpoint "received a message that violates its policy".
        action.to.close(action.code, action.reason, 'chat: too many errors');
      }
    }
  }

  return {
    description: 'a chat room: nicknames, broadcast, @name private messages (docs/chat-protocol.md)',
    room,
    open(connection) {
      perform(room.connect(connection));
      return {
        message(message) {
          perform(
            message.binary
              ? room.receiveBinary(connection, message.data.byteLength)
              : room.receiveText(connection, decoder.decode(message.data)),
          );
        },
        closed() {
          perform(room.disconnect(connection));
        },
      };
    },
  };
}
