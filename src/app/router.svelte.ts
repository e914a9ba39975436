import { parseRoute, type Route } from './route';

/** Where the router reads the hash: `window` in the app, a plain EventTarget in tests. */
export interface HashSource extends Pick<EventTarget, 'addEventListener' | 'removeEventListener'> {
  readonly location: { hash: string };
}

/**
 * The current page, from `location.hash`, kept up to date on `hashchange`.
 * Create one in the root component and call `destroy()` when it goes away.
 */
export class Router {
  #source: HashSource;
  #route = $state.raw<Route>(parseRoute(''));
  #onHashChange = (): void => {
    this.#route = parseRoute(this.#source.location.hash);
  };

  constructor(source: HashSource) {
    this.#source = source;
    this.#onHashChange();
    source.addEventListener('hashchange', this.#onHashChange);
  }

  /** The parsed route; reading it in a template or `$derived` tracks it. */
  get route(): Route {
    return this.#route;
  }

  destroy(): void {
    this.#source.removeEventListener('hashchange', this.#onHashChange);
  }
}
