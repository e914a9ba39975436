/**
 * The chat page's side panel: this page's own frames, from the server's inspector tap
 * (`/inspect?session=<token>`, the same token as `/chat?session=`), drawn with the playground's
 * FrameList and the decoder's FrameView. The tap is opened before the chat connects (and again
 * after a reconnect) so it sees the handshake and the server's `hello`.
 */
import { connectInspector, readyWithin, type InspectorClient } from '../inspector/client.svelte';
import type { CapturedFrame } from '../inspector/capture';
import type { FramesView } from '../inspector/capture.svelte';

export interface ChatFramesOptions {
  /** Opens the tap (tests pass a fake). */
  open?: (url: string, session: string) => InspectorClient;
  /** How long the chat waits for the tap before connecting without it (ms). */
  wait?: number;
}

export class ChatFrames {
  /** `ws://host/inspect`, or null when the page has no server (then there is no panel content). */
  readonly url: string | null;
  readonly session: string;
  #client = $state.raw<InspectorClient | null>(null);
  #selected = $state<number | null>(null);
  #open: (url: string, session: string) => InspectorClient;
  #wait: number;

  constructor(url: string | null, session: string, options: ChatFramesOptions = {}) {
    this.url = url;
    this.session = session;
    this.#open = options.open ?? ((u, s) => connectInspector(u, s, { capacity: 5_000 }));
    this.#wait = options.wait ?? 2_000;
  }

  get client(): InspectorClient | null {
    return this.#client;
  }

  get frames(): FramesView | null {
    return this.#client?.capture.frames ?? null;
  }

  /** The frame the reader picked, or null (the panel then shows the newest). */
  get selected(): number | null {
    return this.#selected;
  }

  /** The picked frame while the capture still holds it, else the newest one. */
  get shown(): { frame: CapturedFrame; pinned: boolean } | null {
    const frames = this.frames;
    if (!frames) return null;
    const picked = this.#selected === null ? undefined : frames.bySeq(this.#selected);
    if (picked) return { frame: picked, pinned: true };
    const newest = frames.at(frames.length - 1);
    return newest ? { frame: newest, pinned: false } : null;
  }

  select(frame: CapturedFrame | null): void {
    this.#selected = frame?.seq ?? null;
  }

  /** Opens the tap if it is not open (or opening), and waits a moment for it. */
  async ensure(): Promise<boolean> {
    if (!this.url) return false;
    let client = this.#client;
    if (!client || client.status === 'closed' || client.status === 'unavailable') {
      client = this.#open(this.url, this.session);
      this.#client = client;
      this.#selected = null;
    }
    return readyWithin(client, this.#wait);
  }

  close(): void {
    this.#client?.close();
  }
}
