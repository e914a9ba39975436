/** What went wrong with the captures kept in this browser, in the page's language. */
import * as m from '../../paraglide/messages.js';
import type { StorageProblem } from './saved-store';

export function storageProblemText(problem: StorageProblem): string {
  switch (problem.kind) {
    case 'no-indexeddb':
      return m.capture_storage_no_indexeddb();
    case 'gone':
      return m.capture_storage_gone();
    case 'unreadable':
      return m.capture_storage_unreadable({ reason: problem.reason });
    case 'busy':
      return m.capture_storage_busy();
    case 'other':
      return problem.reason;
    case 'refused': {
      const what =
        problem.action === 'open' ? m.capture_storage_open()
          : problem.action === 'use' ? m.capture_storage_use()
            : problem.action === 'store' ? m.capture_storage_store()
              : m.capture_storage_read();
      const reason = problem.reason || m.capture_storage_no_reason();
      if (problem.quota) return m.capture_storage_full({ what, reason });
      return m.capture_storage_refused({ what, reason: problem.name ? `${problem.name}: ${reason}` : reason });
    }
  }
}
