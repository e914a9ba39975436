/** How a verdict is shown on the page: its CSS class and what it means, in a sentence. */
import * as m from '../../paraglide/messages.js';
import type { Behavior } from '../../wire/conformance';

export const VERDICT_CLASS: Record<Behavior, string> = {
  OK: 'v-ok',
  'NON-STRICT': 'v-lenient',
  INFORMATIONAL: 'v-info',
  UNIMPLEMENTED: 'v-unimpl',
  FAILED: 'v-failed',
};

/** What each verdict means; message functions, called where shown. */
export const VERDICT_MEANING: Record<Behavior, () => string> = {
  OK: m.conformance_verdict_ok,
  'NON-STRICT': m.conformance_verdict_non_strict,
  INFORMATIONAL: m.conformance_verdict_informational,
  UNIMPLEMENTED: m.conformance_verdict_unimplemented,
  FAILED: m.conformance_verdict_failed,
};
