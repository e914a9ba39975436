/**
 * The endpoint registry: path -> endpoint. The server routes each upgrade by its path through
 * it; a path that is not here gets 404.
 *
 * Adding an endpoint (the chat room, for one) never touches the server core: write
 * `server/endpoints/<name>.ts` exporting an `Endpoint`, and list it in `builtinEndpoints()`
 * (server/endpoints/index.ts), or pass it to `createFramescopeServer({ endpoints: { '/x': e } })`,
 * or call `server.endpoints.register('/x', e)` on a running server.
 */
import type { Endpoint } from './types.ts';

export class EndpointRegistry {
  readonly #endpoints = new Map<string, Endpoint>();

  constructor(initial: Record<string, Endpoint> = {}) {
    for (const [path, endpoint] of Object.entries(initial)) this.register(path, endpoint);
  }

  /** Serve `endpoint` at `path` ("/chat"). Replaces whatever was there. */
  register(path: string, endpoint: Endpoint): void {
    if (!path.startsWith('/') || path.includes('?') || path.includes('#')) {
      throw new RangeError(`an endpoint path starts with "/" and has no query: ${JSON.stringify(path)}`);
    }
    this.#endpoints.set(path, endpoint);
  }

  unregister(path: string): boolean {
    return this.#endpoints.delete(path);
  }

  get(path: string): Endpoint | undefined {
    return this.#endpoints.get(path);
  }

  has(path: string): boolean {
    return this.#endpoints.has(path);
  }

  paths(): string[] {
    return [...this.#endpoints.keys()].sort();
  }
}
