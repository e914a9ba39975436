/** How a verdict is shown on the page: its CSS class and what it means, in a sentence. */
import * as m from '../../paraglide/messages.js';
import { FAILED_BY_CLIENT, NOT_PLAYED, WRONG_CODE, type Behavior, type CloseBehavior } from '../../wire/conformance';

export const VERDICT_CLASS: Record<Behavior, string> = {
  OK: 'v-ok',
  'NON-STRICT': 'v-lenient',
  INFORMATIONAL: 'v-info',
  UNIMPLEMENTED: 'v-unimpl',
  FAILED: 'v-failed',
  [NOT_PLAYED]: 'v-notplayed',
};

/** What each verdict means; message functions, called where shown. */
export const VERDICT_MEANING: Record<Behavior, () => string> = {
  OK: m.conformance_verdict_ok,
  'NON-STRICT': m.conformance_verdict_non_strict,
  INFORMATIONAL: m.conformance_verdict_informational,
  UNIMPLEMENTED: m.conformance_verdict_unimplemented,
  FAILED: m.conformance_verdict_failed,
  [NOT_PLAYED]: m.conformance_verdict_not_played,
};

/** The verdict's name as the page shows it: Autobahn's word in English, its translation in Chinese. */
export const VERDICT_NAME: Record<Behavior, () => string> = {
  OK: m.conformance_behavior_ok,
  'NON-STRICT': m.conformance_behavior_non_strict,
  INFORMATIONAL: m.conformance_behavior_informational,
  UNIMPLEMENTED: m.conformance_behavior_unimplemented,
  FAILED: m.conformance_behavior_failed,
  [NOT_PLAYED]: m.conformance_behavior_not_played,
};

/** Autobahn's verdict on the close alone (`behaviorClose`), as the page shows it. */
export const CLOSE_NAME: Record<CloseBehavior, () => string> = {
  OK: m.conformance_close_ok,
  FAILED: m.conformance_close_failed,
  [WRONG_CODE]: m.conformance_close_wrong_code,
  UNCLEAN: m.conformance_close_unclean,
  [FAILED_BY_CLIENT]: m.conformance_close_failed_by_client,
  INFORMATIONAL: m.conformance_close_informational,
  UNIMPLEMENTED: m.conformance_close_unimplemented,
  [NOT_PLAYED]: m.conformance_close_not_played,
};
