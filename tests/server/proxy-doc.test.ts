/**
 * docs/inspector.md's examples of a proxied connection are messages the page accepts (the page's
 * own parser), and name only fields and values the wire types have.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInspectorMessage } from '../../src/app/inspector/messages';
import { PROXY_FINDING_RULES } from '../../src/wire/inspector';
import { FINDINGS } from '../../server/proxy/findings';

const doc = readFileSync(path.resolve(__dirname, '../../docs/inspector.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Proxied connections (`/proxy`)'));

describe('docs/inspector.md, proxied connections', () => {
  const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

  it('has an example of each new message or field', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  for (const [i, text] of examples.entries()) {
    it(`example ${i + 1} is a message the page reads`, () => {
      const parsed = parseInspectorMessage(text);
      expect(parsed, text.slice(0, 80)).toMatchObject({ ok: true });
    });
  }

  it('lists every finding rule with its level and section, as the server\'s table has them', () => {
    for (const rule of PROXY_FINDING_RULES) {
      const row = new RegExp(`\\| \`${rule}\` \\| ${FINDINGS[rule].level} \\| ${FINDINGS[rule].rfc.replace(/\./g, '\\.')} \\|`);
      expect(section, rule).toMatch(row);
    }
  });
});
