/**
 * `/echo`: every message comes back with its type (text stays text, binary stays binary), as one
 * frame whatever the size (up to the limits) and however the client fragmented it. The
 * demonstrations (ping, fragment the next echo, close, misbehave) are asked for over `/inspect`,
 * so this stays a pure echo.
 */
import type { Endpoint } from './types.ts';

export const echoEndpoint: Endpoint = {
  description: 'echoes every message with its type',
  open(connection) {
    return {
      message(message) {
        connection.sendMessage(message.data, message.binary);
      },
    };
  },
};
