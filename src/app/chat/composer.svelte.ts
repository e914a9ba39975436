/**
 * The chat's message box as state: the draft, why it was not sent, and the last message sent, which
 * comes back into the box when the server refuses it (too fast, too long, unknown recipient).
 */
import { characters } from './protocol';

export class ChatComposer {
  #draft = $state('');
  #error = $state<string | null>(null);
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
    return this.#error;
  }

  /**
   * Takes the draft to send it: returns its text and empties the box, or returns null and says
   * why in `error`. `connected`: the page may send now; `maxLength`: the room's limit, if known.
   */
  take(connected: boolean, maxLength: number | undefined): string | null {
    const text = this.#draft;
    if (text.trim() === '') {
      this.#error = 'Nothing to send: type a message first (Shift+Enter makes a new line).';
      return null;
    }
    if (!connected) {
      this.#error = 'Not connected: the message was not sent. It stays here until the connection is back.';
      return null;
    }
    if (maxLength !== undefined) {
      const length = characters(text);
      if (length > maxLength) {
        this.#error = `Too long: ${length} characters; the room takes at most ${maxLength}.`;
        return null;
      }
    }
    this.#lastSent = text;
    this.#draft = '';
    this.#error = null;
    return text;
  }

  /** The server refused the last message: say why, and put it back if the box is empty. */
  refused(reason: string): void {
    this.#error = reason;
    if (this.#draft === '' && this.#lastSent !== null) this.#draft = this.#lastSent;
  }
}
