/** How a verdict is shown on the page: its CSS class and what it means, in a sentence. */
import type { Behavior } from '../../wire/conformance';

export const VERDICT_CLASS: Record<Behavior, string> = {
  OK: 'v-ok',
  'NON-STRICT': 'v-lenient',
  INFORMATIONAL: 'v-info',
  UNIMPLEMENTED: 'v-unimpl',
  FAILED: 'v-failed',
};

export const VERDICT_MEANING: Record<Behavior, string> = {
  OK: 'what RFC 6455 asks, exactly',
  'NON-STRICT': 'allowed, but not what a strict server does (a SHOULD, or a lenient order)',
  INFORMATIONAL: 'not graded: shown to compare servers',
  UNIMPLEMENTED: 'not graded: the server refused a message over its own limit (1009 or 1008)',
  FAILED: 'breaks a MUST of RFC 6455: fix these first',
};
