/**
 * The tap's sink with `--record` on: every connection is watched (the recorder watches them all),
 * each message is built once and given both to the recorder and to the inspector hub, which sends
 * it on to the pages watching as before. The connections and the hub do not know the recorder is
 * there: this wraps the `InspectorSink` they are given.
 *
 * The recorder keeps frames whole up to its own `maxFrameBytes` (the tap copies that much of a
 * frame in progress); pages get them cut to the inspector's limit, as without recording.
 */
import type { InspectorMessage } from '../inspector/messages.ts';
import type { InspectorSink, TrafficBuilder, WatchedConnection } from '../inspector/types.ts';
import type { TrafficRecorder } from './recorder.ts';

export class RecordingSink implements InspectorSink {
  readonly #hub: InspectorSink;
  readonly #recorder: TrafficRecorder;
  readonly limits: { readonly maxFrameBytes: number };

  constructor(hub: InspectorSink, recorder: TrafficRecorder) {
    this.#hub = hub;
    this.#recorder = recorder;
    this.limits = { maxFrameBytes: Math.max(hub.limits.maxFrameBytes, recorder.limits.maxFrameBytes) };
  }

  watching(_session: string | null): boolean {
    return true;
  }

  wanted(session: string | null): boolean {
    return this.#recorder.wants || this.#hub.wanted(session);
  }

  skip(session: string | null, count: number): void {
    this.#recorder.skipped(session, count);
    this.#hub.skip(session, count);
  }

  publish(session: string | null, build: () => InspectorMessage): void {
    const message = build();
    this.#recorder.accept(message);
    this.#hub.publish(session, () => message);
  }

  publishTraffic(session: string | null, bytes: number, build: TrafficBuilder): void {
    const cap = this.limits.maxFrameBytes;
    let whole: InspectorMessage | null = null;
    if (this.#recorder.wants) {
      whole = build(cap);
      this.#recorder.accept(whole);
    } else {
      this.#recorder.skipped(session, 1);
    }
    // The pages' own limit (the hub asks for it) is smaller: build theirs; the whole one serves only at the same cap.
    this.#hub.publishTraffic(session, bytes, (hubCap) => (whole !== null && hubCap >= cap ? whole : build(hubCap)));
  }

  addConnection(connection: WatchedConnection): void {
    this.#hub.addConnection(connection);
  }

  removeConnection(connection: WatchedConnection): void {
    this.#hub.removeConnection(connection);
  }
}
