/**
 * A scriptable stand-in for the browser's WebSocket, for the app's unit tests (the playground's
 * connection, the chat, the inspector client). It behaves as the WebSocket API does where a page
 * can tell: send() throws while CONNECTING and discards data once CLOSING or CLOSED; close() moves
 * to CLOSING; the close event carries code, reason and wasClean.
 */
import type { PageSocket } from './socket';

export class FakeSocket extends EventTarget implements PageSocket {
  readyState = 0;
  bufferedAmount = 0;
  protocol = '';
  extensions = '';
  binaryType: BinaryType = 'blob';
  /** What the page sent while OPEN, in order. */
  sent: unknown[] = [];
  /** What the page sent while CLOSING or CLOSED (the browser discards it). */
  discarded: unknown[] = [];
  closeCalls: { code?: number; reason?: string }[] = [];
  readonly url: string;

  constructor(url: string) {
    super();
    this.url = url;
  }

  send(data: unknown): void {
    if (this.readyState === 0) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
    if (this.readyState === 1) this.sent.push(data);
    else this.discarded.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  /** `sent`, each one read as JSON (for the JSON protocols: chat, inspector commands). */
  sentJson(): unknown[] {
    return this.sent.map((data) => JSON.parse(data as string));
  }

  // What the network does:
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  receive(data: string | ArrayBuffer): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }

  /** A text message holding `value` as JSON. */
  receiveJson(value: unknown): void {
    this.receive(JSON.stringify(value));
  }

  /** The browser fails the connection: an error event, then close 1006 (not clean). */
  fail(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('error'));
    this.dispatchEvent(Object.assign(new Event('close'), { code: 1006, reason: '', wasClean: false }));
  }

  closed(code: number, reason = '', wasClean = true): void {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason, wasClean }));
  }
}
