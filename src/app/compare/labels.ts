/**
 * The transports' names and the run's phases in the reader's language (src/wire/compare.ts keeps
 * the English names for the CLI). Functions, called where the text is shown.
 */
import * as m from '../../paraglide/messages.js';
import type { Progress } from '../../compare/run';
import type { TransportName } from '../../wire/compare';

const TRANSPORTS: Readonly<Record<TransportName, () => string>> = {
  'short-polling': m.compare_transport_short_polling,
  'long-polling': m.compare_transport_long_polling,
  sse: m.compare_transport_sse,
  websocket: m.compare_transport_websocket,
};

const PHASES: Readonly<Record<Progress['phase'], () => string>> = {
  opening: m.compare_phase_opening,
  sending: m.compare_phase_sending,
  waiting: m.compare_phase_waiting,
  closing: m.compare_phase_closing,
  counting: m.compare_phase_counting,
  done: m.compare_phase_done,
};

export function transportLabel(name: TransportName): string {
  return TRANSPORTS[name]();
}

export function phaseLabel(phase: Progress['phase']): string {
  return PHASES[phase]();
}
