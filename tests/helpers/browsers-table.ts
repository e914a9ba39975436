/**
 * The "browsers compared" table (docs/browsers-compared.md), written from what the e2e run saw
 * each browser do (tests/e2e/browsers-compared.test.ts), never by hand.
 */

/** One demonstration in one browser: what the RFC asks, and what the browser did. */
export interface DemoRecord {
  demo: string;
  /** What RFC 6455 (or RFC 7692) requires of the client, in a few words. */
  rfc: string;
  /** What this browser did, in a few words, from the events and the wire. */
  did: string;
  /** The browser departed from what the RFC requires. */
  departs: boolean;
}

export interface BrowserRecord {
  /** "Firefox 153", from the user agent. */
  browser: string;
  userAgent: string;
  demos: DemoRecord[];
}

/** The reaction to a broken frame, as the test observed it, in a few words. */
export function describeReaction(observed: {
  error: boolean;
  messages: number;
  readyState: string;
  close: { code: number; wasClean: boolean } | null;
  sentClose: number | null | 'none';
}): { did: string; departs: boolean } {
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
