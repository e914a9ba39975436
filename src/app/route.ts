/**
 * Hash routes (`#/`, `#/decode`, `#/chat`, `#/compare`, `#/conformance`): pure parsing, so the static build works from any
 * file host and the logic is testable without a browser.
 */
import * as m from '../paraglide/messages.js';

export type RouteName = 'playground' | 'lesson' | 'decode' | 'chat' | 'compare' | 'conformance' | 'class';

export interface RouteInfo {
  name: RouteName;
  /** The path after `#`, as written in links. */
  path: string;
  /** The page's name in the navigation and the document title, in the reader's language. */
  label: () => string;
  /** Left out of the navigation (the teacher's page: reached by the link the server prints). */
  hidden?: boolean;
}

export const ROUTES: readonly RouteInfo[] = [
  { name: 'playground', path: '/', label: m.app_nav_playground },
  { name: 'lesson', path: '/lesson', label: m.app_nav_lesson },
  { name: 'decode', path: '/decode', label: m.app_nav_decode },
  { name: 'chat', path: '/chat', label: m.app_nav_chat },
  { name: 'compare', path: '/compare', label: m.app_nav_compare },
  { name: 'conformance', path: '/conformance', label: m.app_nav_conformance },
  { name: 'class', path: '/class', label: m.app_nav_class, hidden: true },
];

export interface Route {
  /** The page to show; `not-found` for a hash that names no page. */
  name: RouteName | 'not-found';
  /** The normalized path: leading `/`, no trailing `/`, no query (`/decode`). */
  path: string;
  /** Parameters after `?` in the hash: `#/decode?hex=81+00` gives `{ hex: '81 00' }`. */
  query: Readonly<Record<string, string>>;
}

/** Reads a `location.hash` value (`''`, `'#'`, `'#/decode?hex=8100'`, `'#decode/'`) as a route. */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const queryStart = raw.indexOf('?');
  const pathPart = queryStart === -1 ? raw : raw.slice(0, queryStart);
  const queryPart = queryStart === -1 ? '' : raw.slice(queryStart + 1);

  const trimmed = pathPart.replace(/^\/+|\/+$/g, '');
  const path = `/${trimmed}`;
  const match = ROUTES.find((route) => route.path === path);

  return {
    name: match ? match.name : 'not-found',
    path,
    query: Object.fromEntries(new URLSearchParams(queryPart)),
  };
}

/** The `href` of a page's link: `hrefFor('decode', { hex: '81 00' })` is `#/decode?hex=81+00`. */
export function hrefFor(name: RouteName, query: Readonly<Record<string, string>> = {}): string {
  const route = ROUTES.find((candidate) => candidate.name === name);
  if (!route) throw new Error(`unknown route: ${name}`);
  const search = new URLSearchParams(query).toString();
  return `#${route.path}${search ? `?${search}` : ''}`;
}

/** The page's label, or null for `not-found`. */
export function labelOf(name: Route['name']): string | null {
  return ROUTES.find((route) => route.name === name)?.label() ?? null;
}
