/**
 * The filter in the URL hash, so a link shows the same view (`#/?dir=s2c&kind=ping`,
 * `#/decode?hex=…&find=616c696365&in=hex`). Only what differs from "no filter" is written; reading
 * never throws, and a value it cannot use is reported in `notes` and left at its default. The keys
 * stay clear of the pages' own (`hex`, `text`, `role`, `frame`, `view`, `watch`).
 */
import { FILTER_KINDS, FILTER_STATES, NO_FILTER, type FilterKind, type FilterState, type FrameFilter } from './filter';

export const FILTER_KEYS = ['dir', 'kind', 'only', 'find', 'in', 're'] as const;

const DIRECTIONS: Readonly<Record<string, FrameFilter['direction']>> = { c2s: 'client-to-server', s2c: 'server-to-client' };

/** Query parameters for the filter (none for no filter), in a stable order. */
export function writeFilterQuery(filter: FrameFilter): Record<string, string> {
  const query: Record<string, string> = {};
  if (filter.direction !== 'all') query['dir'] = filter.direction === 'client-to-server' ? 'c2s' : 's2c';
  if (filter.kind !== 'all') query['kind'] = filter.kind;
  if (filter.states.length > 0) query['only'] = filter.states.join(',');
  if (filter.search !== '') {
    query['find'] = filter.search;
    if (filter.mode === 'hex') query['in'] = 'hex';
    if (filter.regex) query['re'] = '1';
  }
  return query;
}

/** A value in the link the filter could not use: the key and the value as written. */
export interface FilterQueryNote {
  key: 'dir' | 'kind' | 'only';
  value: string;
}

/** The filter a query describes, and what in it could not be used (left at its default, or ignored). */
export function readFilterQuery(query: Readonly<Record<string, string>>): { filter: FrameFilter; notes: FilterQueryNote[] } {
  const notes: FilterQueryNote[] = [];
  const filter: FrameFilter = { ...NO_FILTER, states: [] };
  const dir = query['dir'];
  if (dir !== undefined) {
    const direction = DIRECTIONS[dir];
    if (direction) filter.direction = direction;
    else notes.push({ key: 'dir', value: dir });
  }
  const kind = query['kind'];
  if (kind !== undefined) {
    if ((FILTER_KINDS as readonly string[]).includes(kind)) filter.kind = kind as FilterKind;
    else notes.push({ key: 'kind', value: kind });
  }
  const only = query['only'];
  if (only !== undefined && only !== '') {
    const asked = new Set(only.split(','));
    for (const name of asked) {
      if (!(FILTER_STATES as readonly string[]).includes(name)) notes.push({ key: 'only', value: name });
    }
    filter.states = FILTER_STATES.filter((state: FilterState) => asked.has(state));
  }
  const find = query['find'];
  if (find !== undefined && find !== '') {
    filter.search = find;
    filter.mode = query['in'] === 'hex' ? 'hex' : 'text';
    filter.regex = query['re'] === '1';
  }
  return { filter, notes };
}

/** The query without the filter's keys (the page's own parameters), then the filter's. */
export function withFilterQuery(query: Readonly<Record<string, string>>, filter: FrameFilter): Record<string, string> {
  const rest: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (!(FILTER_KEYS as readonly string[]).includes(key)) rest[key] = value;
  return { ...rest, ...writeFilterQuery(filter) };
}

export function sameFilter(a: FrameFilter, b: FrameFilter): boolean {
  return (
    a.direction === b.direction &&
    a.kind === b.kind &&
    a.states.join() === b.states.join() &&
    a.search === b.search &&
    (a.search === '' || (a.mode === b.mode && a.regex === b.regex))
  );
}
