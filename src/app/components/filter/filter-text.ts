/**
 * The filter's words, from the find catalogue: called where the text is shown (never at module
 * level), so they follow the language switch.
 */
import * as m from '../../../paraglide/messages.js';
import type { FilterError, FilterKind, FilterState, FrameFilter } from './filter';

const STATE_TEXT: Readonly<Record<FilterState, () => string>> = {
  faulty: m.find_state_faulty,
  fragmented: m.find_state_fragmented,
  masked: m.find_state_masked,
  rsv: m.find_state_rsv,
};

const KIND_TEXT: Readonly<Record<FilterKind, () => string>> = {
  all: m.find_kind_all,
  data: m.find_kind_data,
  control: m.find_kind_control,
  text: m.find_kind_text,
  binary: m.find_kind_binary,
  continuation: m.find_kind_continuation,
  close: m.find_kind_close,
  ping: m.find_kind_ping,
  pong: m.find_kind_pong,
};

export function stateText(state: FilterState): string {
  return STATE_TEXT[state]();
}

export function kindText(kind: FilterKind): string {
  return KIND_TEXT[kind]();
}

export function filterErrorText(error: FilterError): string {
  return error.kind === 'regex' ? m.find_error_regex({ detail: error.detail }) : m.find_error_hex({ line: error.line, column: error.column });
}

/** How the search box reads its text ("hex bytes, regular expression"), for its accessible name. */
export function searchHow(filter: FrameFilter): string {
  if (filter.mode === 'hex') return filter.regex ? m.find_how_hex_regex() : m.find_how_hex();
  return filter.regex ? m.find_how_text_regex() : m.find_how_text();
}

/** "server → client, ping, faulty, text /x/": the filter in words, for a status line. */
export function describeFilter(filter: FrameFilter): string {
  const parts: string[] = [];
  if (filter.direction !== 'all') parts.push(filter.direction === 'client-to-server' ? m.find_describe_c2s() : m.find_describe_s2c());
  if (filter.kind !== 'all') parts.push(kindText(filter.kind));
  for (const state of filter.states) parts.push(stateText(state).toLowerCase());
  if (filter.search !== '') {
    const search = filter.search;
    if (filter.mode === 'hex') parts.push(filter.regex ? m.find_describe_hex_regex({ search }) : m.find_describe_hex({ search }));
    else parts.push(filter.regex ? m.find_describe_text_regex({ search }) : m.find_describe_text({ search }));
  }
  return parts.join(', ');
}
