/**
 * The chat's message box as state: the draft, why it was not sent, and the last message sent, which
 * comes back into the box when the server refuses it (too fast, too long, unknown recipient).
 */
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import { characters } from './protocol';

export class ChatComposer {
  #draft = $state('');
  /** Made when read, so the sentence follows the language switch. */
  #error = $state.raw<(() => string) | null>(null);
  #lastSent: string | null = null;

  get draft(): string {
    return this.#draft;
  }

  /** Typing something clears the last complaint. */
  set draft(value: string) {
    this.#draft = value;
    if (this.#error && value.trim() !== '') this.#error = null;
  }

  /** Why the draft was not sent (the page's check or the server's refusal), or null. */
  get error(): string | null {
    return this.#error?.() ?? null;
  }

  /** The last message taken to be sent (the server's refusal of it quotes it). */
  get lastSent(): string | null {
    return this.#lastSent;
  }

  /**
   * Takes the draft to send it: returns its text and empties the box, or returns null and says
   * why in `error`. `connected`: the page may send now; `maxLength`: the room's limit, if known.
   */
  take(connected: boolean, maxLength: number | undefined): string | null {
    const text = this.#draft;
    if (text.trim() === '') {
      this.#error = () => m.chat_draft_empty();
      return null;
    }
    if (!connected) {
      this.#error = () => m.chat_draft_offline();
      return null;
    }
    if (maxLength !== undefined) {
      const length = characters(text);
      if (length > maxLength) {
        this.#error = () => m.chat_draft_too_long({ length: formatCount(length), max: formatCount(maxLength) });
        return null;
      }
    }
    this.#lastSent = text;
    this.#draft = '';
    this.#error = null;
    return text;
  }

  /** The server refused the last message: say why (`say` makes the sentence), and put it back if the box is empty. */
  refused(say: () => string): void {
    this.#error = say;
    if (this.#draft === '' && this.#lastSent !== null) this.#draft = this.#lastSent;
  }
}
