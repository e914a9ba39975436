/**
 * No sentence a person reads is written in the app's code: markup text, read attributes and
 * sentence-like string literals come from the catalogues (messages/<locale>/<area>.json).
 * docs/i18n.md says how to move a string there.
 *
 * PENDING lists the files not yet moved; it only shrinks. A file on it that no longer holds a
 * literal fails too, so the list cannot go stale.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { componentScripts, isSentence, scriptLiterals, svelteLiterals, type Literal } from './literals';

const PENDING = new Set<string>([

]);

function appFiles(): string[] {
  return execFileSync('git', ['ls-files', 'src/app'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((file) => /\.(svelte|ts)$/.test(file) && !/\.test\.|\/fixtures|\/fake-|\.d\.ts$/.test(file));
}

function literalsOf(file: string): Literal[] {
  const source = readFileSync(file, 'utf8');
  return file.endsWith('.svelte') ? [...svelteLiterals(file, source), ...scriptLiterals(file, componentScripts(source))] : scriptLiterals(file, source);
}

describe('no literal sentences outside the catalogues', () => {
  const files = appFiles();

  it('finds the app\'s files', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('every file not on the pending list reads its sentences from the catalogues', () => {
    const found = files.filter((file) => !PENDING.has(file)).flatMap(literalsOf);
    expect(found.map((l) => `${l.file}:${l.line} ${JSON.stringify(l.text)}`)).toEqual([]);
  });

  it('every file on the pending list still holds a literal (take it off once it is moved)', () => {
    const stale = [...PENDING].filter((file) => !files.includes(file) || literalsOf(file).length === 0);
    expect(stale).toEqual([]);
  });
});

describe('what counts as a sentence', () => {
  it('flags words a reader must translate', () => {
    expect(isSentence('No frames yet.')).toBe(true);
    expect(isSentence('Send a message')).toBe(true);
  });

  it('leaves names the RFC spells the same in every language, identifiers and symbols', () => {
    expect(isSentence('FIN')).toBe(false);
    expect(isSentence('Payload len')).toBe(false);
    expect(isSentence('rsv1-not-first-frame')).toBe(false);
    expect(isSentence('C → S')).toBe(false);
    expect(isSentence('CONNECTING (0)')).toBe(false);
  });

  it('finds text, read attributes and string expressions in markup, not code attributes', () => {
    const source = '<p>Hello there</p><button aria-label="Close the panel" class="big red">x</button><span>{ok ? \'All good now\' : \'\'}</span><code>npm run build</code>';
    expect(svelteLiterals('x.svelte', source).map((l) => l.text)).toEqual(['Hello there', 'Close the panel', 'All good now']);
  });

  it('finds sentences in TypeScript, not developer errors', () => {
    const source = "const a = 'The server refused the handshake'; throw new Error('not a valid state here');";
    expect(scriptLiterals('x.ts', source).map((l) => l.text)).toEqual(['The server refused the handshake']);
  });
});
