/**
 * docs/chat-protocol.md is the contract: every JSON example in it parses, every client example is
 * accepted by the server's parser, every server example by the page's, and every message type
 * and error code is shown or listed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, parseClientMessage } from '../../server/chat/messages';
import { colourForName } from '../../server/chat/names';
import { parseServerMessage } from '../../src/app/chat/protocol';

const doc = readFileSync(new URL('../../docs/chat-protocol.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
const parsed = examples.map((text) => JSON.parse(text) as { type: string });

const CLIENT = new Set(['join', 'message', 'private']);

describe('docs/chat-protocol.md', () => {
  it('has a JSON example of every message, both ways', () => {
    const clientTypes = new Set<string>();
    const serverTypes = new Set<string>();
    // The first examples are the client's (join, message, private), in its section.
    const serverStart = doc.indexOf('## Server to client');
    let offset = 0;
    for (const [index, example] of examples.entries()) {
      offset = doc.indexOf(example, offset);
      const type = parsed[index]?.type ?? '';
      (offset < serverStart ? clientTypes : serverTypes).add(type);
    }
    expect([...clientTypes].sort()).toEqual(['join', 'message', 'private']);
    expect([...serverTypes].sort()).toEqual(['error', 'hello', 'join', 'leave', 'message', 'private', 'status', 'welcome']);
  });

  it('shows client messages the server accepts and server messages the page reads', () => {
    const serverStart = doc.indexOf('## Server to client');
    let offset = 0;
    for (const [index, example] of examples.entries()) {
      offset = doc.indexOf(example, offset);
      const value = parsed[index];
      if (offset < serverStart) {
        expect(CLIENT.has(value?.type ?? '')).toBe(true);
        expect(parseClientMessage(JSON.stringify(value), 100_000)).toMatchObject({ ok: true });
      } else {
        expect(parseServerMessage(JSON.stringify(value))).toMatchObject({ ok: true, message: { type: value?.type } });
      }
    }
  });

  it('shows each name with the colour the server really gives it', () => {
    const pairs: [string, string][] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        const name = record['name'] ?? record['from'];
        if (typeof name === 'string' && typeof record['colour'] === 'string') pairs.push([name, record['colour']]);
        if (typeof record['to'] === 'string' && typeof record['toColour'] === 'string') pairs.push([record['to'], record['toColour']]);
        Object.values(record).forEach(walk);
      }
    };
    parsed.forEach(walk);
    expect(pairs.length).toBeGreaterThan(10);
    for (const [name, colour] of pairs) expect(colour, name).toBe(colourForName(name));
  });

  it('lists every error code', () => {
    for (const code of ERROR_CODES) expect(doc).toContain(`\`${code}\``);
  });
});
