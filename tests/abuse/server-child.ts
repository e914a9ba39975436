/**
 * A Framescope server in a child process, so that the abuse tests can measure the server's own
 * memory (heap after a forced GC, RSS) apart from the test's clients. Options come as JSON in
 * argv[2]; the parent talks over IPC: {type:'mem'} and {type:'stats'} are answered, {type:'stop'}
 * closes the server and exits.
 */
import { createFramescopeServer } from '../../server/index';

const options = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
const server = createFramescopeServer({ quiet: true, ...options });
const { port } = await server.listen(0, '127.0.0.1');

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m: { type: string; id: number }) => {
  if (m.type === 'mem') {
    gc?.();
    gc?.();
    const mem = process.memoryUsage();
    process.send!({ type: 'mem', id: m.id, rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, arrayBuffers: mem.arrayBuffers });
  } else if (m.type === 'stats') {
    const connections = [...server.connections].map((c) => ({
      id: c.id,
      path: c.path,
      state: c.state,
      bufferedAmount: c.bufferedAmount,
      readingPaused: c.readingPaused,
      bytesRead: c.bytesRead,
      stats: { ...c.stats },
    }));
    process.send!({ type: 'stats', id: m.id, connections });
  } else if (m.type === 'stop') {
    void server.close({ timeout: 200 }).then(() => process.exit(0));
  }
});
process.send!({ type: 'ready', port });
