/**
 * The "browsers compared" table (docs/browsers-compared.md), written from what the e2e run saw
 * each browser do (tests/e2e/browsers-compared.test.ts), never by hand.
 */

import type { BrowserRecord, ReactionFacts } from '../../src/app/lesson/browsers-compared';

export type { BrowserRecord, ComparedData, DemoRecord, ReactionFacts } from '../../src/app/lesson/browsers-compared';

/**
 * The line after the generated part of docs/browsers-compared.md: what follows it is written by
 * hand (the differences measured outside the e2e run) and kept when the generated part is rewritten.
 */
export const HAND_WRITTEN = '<!-- Above: generated. Below: written by hand, kept when the table is regenerated. -->';

/** The new generated part, followed by the hand-written part of `existing` (if it has one). */
export function withHandWritten(generated: string, existing: string | null): string {
  const at = existing?.indexOf(HAND_WRITTEN) ?? -1;
  return at < 0 ? generated : `${generated}\n${existing!.slice(at)}`;
}

/** The reaction to a broken frame, as the test observed it, in a few words. */
export function describeReaction(observed: ReactionFacts): { did: string; departs: boolean } {
  const parts: string[] = [];
  if (observed.messages > 0) parts.push(`delivered it as ${observed.messages} message${observed.messages === 1 ? '' : 's'}`);
  if (observed.close) {
    parts.push(`${observed.error ? 'error, then ' : ''}close ${observed.close.code}, wasClean ${observed.close.wasClean}`);
    parts.push(observed.sentClose === 'none' ? 'sent no Close frame' : `sent Close ${observed.sentClose ?? '(no code)'}`);
  } else {
    if (observed.messages === 0) parts.push('no event');
    parts.push(`stayed ${observed.readyState}`);
  }
  const failed = observed.close !== null && observed.close.code === 1006 && !observed.close.wasClean;
  return { did: parts.join('; '), departs: !failed };
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown page: one row per demonstration, one column per browser. */
export function browsersTable(records: readonly BrowserRecord[], when: string): string {
  const demos: { demo: string; rfc: string }[] = [];
  for (const record of records) {
    for (const d of record.demos) if (!demos.some((x) => x.demo === d.demo)) demos.push({ demo: d.demo, rfc: d.rfc });
  }
  const head = `| demonstration | the RFC asks the client to | ${records.map((r) => cell(r.browser)).join(' | ')} |`;
  const rule = `|---|---|${records.map(() => '---|').join('')}`;
  const rows = demos.map(({ demo, rfc }) => {
    const cells = records.map((r) => {
      const d = r.demos.find((x) => x.demo === demo);
      if (!d) return 'not run';
      return `${d.departs ? '**departs:** ' : ''}${cell(d.did)}`;
    });
    return `| ${cell(demo)} | ${cell(rfc)} | ${cells.join(' | ')} |`;
  });
  return [
    '# Browsers compared',
    '',
    '<!-- Written by tests/e2e/browsers-compared.test.ts (`npm run browsers-compared` writes this file); do not edit by hand. -->',
    '',
    `What each browser did in the playground's demonstrations, as the e2e suite saw it (${when}): the`,
    "browser's own events (error, message, close with its code and wasClean), its readyState, and the",
    "frames the server's tap saw it send. **departs** marks a reaction other than the one the RFC asks for",
    '(a MUST, or the close code it gives); a Close frame not sent before dropping TCP is a SHOULD (§7.1.7), not marked.',
    'The playground says the same for the browser it runs in (src/app/playground/reaction.ts).',
    '',
    head,
    rule,
    ...rows,
    '',
    'User agents:',
    '',
    ...records.map((r) => `- ${r.browser}: \`${r.userAgent}\``),
    '',
  ].join('\n');
}
