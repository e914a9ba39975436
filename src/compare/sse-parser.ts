/**
 * An event-stream parser (WHATWG HTML §9.2.6, "Interpreting an event stream") for a client that
 * has no EventSource (Node 20): text in, events out. Pure and incremental: feed the stream's
 * text in any pieces (a line may be cut anywhere, a CRLF between two pieces included).
 */

export interface SseEvent {
  /** The event type ("message" unless an `event:` field said otherwise). */
  type: string;
  data: string;
  /** The last event ID buffer when the event was dispatched. */
  lastEventId: string;
}

export class SseParser {
  #buffer = '';
  /** The last piece ended with CR: a LF at the start of the next one belongs to it. */
  #afterCr = false;
  #data = '';
  #type = '';
  #lastEventId = '';
  /** Set by a `retry:` field: the reconnection time in ms, or null if never given. */
  retry: number | null = null;

  get lastEventId(): string {
    return this.#lastEventId;
  }

  /** Feed decoded text; returns the events it completed. */
  push(text: string): SseEvent[] {
    let chunk = text;
    if (this.#afterCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.#afterCr = false;
    this.#buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (match === null) break;
      // A CR at the very end may be the first half of a CRLF still on its way.
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) this.#afterCr = true;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      const event = this.#line(line);
      if (event !== null) events.push(event);
    }
    return events;
  }

  #line(line: string): SseEvent | null {
    // "If the line is empty (a blank line): Dispatch the event".
    if (line === '') return this.#dispatch();
    // "If the line starts with a U+003A COLON character (:): Ignore the line."
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    // "If value starts with a U+0020 SPACE character, remove it from value."
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data += `${value}\n`;
        break;
      case 'event':
        this.#type = value;
        break;
      case 'id':
        // "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field value."
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        // "If the field value consists of only ASCII digits, then interpret the field value as an integer in base ten".
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
    return null;
  }

  #dispatch(): SseEvent | null {
    const buffer = this.#data;
    const type = this.#type === '' ? 'message' : this.#type;
    this.#data = '';
    this.#type = '';
    // "If the data buffer is an empty string, set the data buffer and the event type buffer to the empty string and return."
    if (buffer === '') return null;
    // "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the last character from the data buffer."
    return { type, data: buffer.slice(0, -1), lastEventId: this.#lastEventId };
  }
}
