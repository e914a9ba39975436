/**
 * The filter and the page's URL hash: read it when the page opens or the hash changes (a link
 * pasted, Back), write it (replacing, not adding history) when the filter changes. The page's
 * other parameters stay as they are.
 */
import { hrefFor, parseRoute, type RouteName } from '../../route';
import type { FrameFilter } from './filter';
import { readFilterQuery, sameFilter, withFilterQuery } from './filter-url';

export interface HashHost {
  readonly location: { hash: string };
  readonly history: Pick<History, 'replaceState' | 'state'>;
}

/** The filter in the hash, if the hash is this page's; null otherwise. */
export function filterFromHash(host: HashHost, page: RouteName): FrameFilter | null {
  const route = parseRoute(host.location.hash);
  return route.name === page ? readFilterQuery(route.query).filter : null;
}

/** Writes `filter` into the hash if the hash is this page's and says something else. */
export function writeFilterHash(host: HashHost, page: RouteName, filter: FrameFilter): void {
  const route = parseRoute(host.location.hash);
  if (route.name !== page) return;
  if (sameFilter(readFilterQuery(route.query).filter, filter)) return;
  host.history.replaceState(host.history.state, '', hrefFor(page, withFilterQuery(route.query, filter)));
}
