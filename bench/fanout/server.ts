/**
 * A chat server in its own process for the fan-out benchmark: Framescope's server with its
 * `/chat` room, in memory (`memory`) or in Redis (`redis URL PREFIX`: every process started with
 * the same URL and prefix serves one room). The room's rate limit and user limit are lifted, so the
 * load generator measures the fan-out, not the limits. Announces its port; answers `cpu`.
 */
import { createChatEndpoint } from '../../server/endpoints/chat';
import { RedisStore } from '../../server/chat/redis-store';
import { createFramescopeServer } from '../../server/index';
import { serve } from '../lib/child';

const [kind, url, prefix] = process.argv.slice(2);
const store = kind === 'redis' ? new RedisStore({ url: url!, prefix }) : undefined;
const chat = createChatEndpoint({ store, rate: { perSecond: 1e9, burst: 1e9 }, maxUsers: 1e6, maxQueued: 1e6 });
await chat.ready;
const server = createFramescopeServer({ quiet: true, pingInterval: 0, idleTimeout: 0, endpoints: { '/chat': chat } });
const { port } = await server.listen(0, '127.0.0.1');

serve((message) => {
  if (message.op === 'cpu') {
    const { user, system } = process.cpuUsage();
    return { cpuMicros: user + system };
  }
  throw new Error(`unknown op ${String(message.op)}`);
});
process.send!({ type: 'ready', port });
