import { describe, expect, it } from 'vitest';
import { ChatComposer } from './composer.svelte';

describe('ChatComposer', () => {
  it('takes the draft when it may be sent, and empties the box', () => {
    const composer = new ChatComposer();
    composer.draft = 'hello\nworld';
    expect(composer.take(true, 20)).toBe('hello\nworld');
    expect(composer.draft).toBe('');
    expect(composer.error).toBeNull();
  });

  it('keeps the draft and says why when it cannot be sent', () => {
    const composer = new ChatComposer();
    composer.draft = ' \n ';
    expect(composer.take(true, 20)).toBeNull();
    expect(composer.error).toBe('Nothing to send: type a message first (Shift+Enter makes a new line).');
    composer.draft = 'hi';
    expect(composer.error).toBeNull();
    expect(composer.take(false, 20)).toBeNull();
    expect(composer.error).toBe('Not connected: the message was not sent. It stays here until the connection is back.');
    expect(composer.draft).toBe('hi');
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    const composer = new ChatComposer();
    // Three emoji are 6 UTF-16 units but 3 characters.
    composer.draft = '\u{1F600}\u{1F600}\u{1F600}';
    expect(composer.take(true, 3)).toBe('\u{1F600}\u{1F600}\u{1F600}');
    composer.draft = '\u{1F600}\u{1F600}\u{1F600}\u{1F600}';
    expect(composer.take(true, 3)).toBeNull();
    expect(composer.error).toBe('Too long: 4 characters; the room takes at most 3.');
    expect(composer.take(true, undefined)).toBe('\u{1F600}\u{1F600}\u{1F600}\u{1F600}');
  });

  it('puts a refused message back only into an empty box', () => {
    const composer = new ChatComposer();
    composer.draft = 'too fast';
    composer.take(true, undefined);
    composer.refused(() => 'Too fast.');
    expect(composer.draft).toBe('too fast');
    expect(composer.error).toBe('Too fast.');
    composer.draft = 'next one';
    composer.take(true, undefined);
    composer.draft = 'typing';
    composer.refused(() => 'Too fast.');
    expect(composer.draft).toBe('typing');
  });
});
