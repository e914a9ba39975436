/**
 * `--record DIR` (and `FRAMESCOPE_RECORD=DIR npm run dev`): one pcapng and one Framescope JSON
 * capture per connection, written when it closes (recorder.ts keeps the traffic, sink.ts hooks it
 * where the tap reports it, writer.ts writes the files). docs/server.md describes it.
 */
import type { InspectorSink } from '../inspector/types.ts';
import type { Logger } from '../log.ts';
import { MiB } from '../options.ts';
import { TrafficRecorder } from './recorder.ts';
import { RecordingSink } from './sink.ts';
import { checkRecordDir, RecordWriter, type RecordFormat } from './writer.ts';

export { RecordDirError, checkRecordDir, type RecordFormat } from './writer.ts';

export interface RecordOptions {
  /** The folder (made if missing; it must be writable, or the server does not start). */
  dir: string;
  /** Frame bytes kept per connection (default 32 MiB): past it, its file marks a gap. */
  maxBytes?: number;
  /** Frame bytes kept for all open connections together (default 256 MiB, at least 4 × maxBytes). */
  maxMemory?: number;
  formats?: readonly RecordFormat[];
}

export const RECORD_DEFAULT_MAX = 32 * MiB;

export interface Recording {
  /** The folder, as an absolute path. */
  readonly dir: string;
  /** The sink the connections and the proxy report to (it passes everything on to `hub`). */
  readonly sink: InspectorSink;
  readonly recorder: TrafficRecorder;
  readonly writer: RecordWriter;
  /** Write what is still open and wait for every file (the server is stopping). */
  close(): Promise<void>;
}

/** Throws RecordDirError when the folder cannot be written. `maxFrame`: the largest frame the server accepts (header included). */
export function startRecording(options: RecordOptions, hub: InspectorSink, logger: Logger, maxFrame: number): Recording {
  const dir = checkRecordDir(options.dir);
  const maxBytes = options.maxBytes ?? RECORD_DEFAULT_MAX;
  const maxMemory = options.maxMemory ?? Math.max(256 * MiB, 4 * maxBytes);
  const writer = new RecordWriter({ dir, formats: options.formats ?? ['pcapng', 'json'], logger, maxQueued: maxMemory });
  const recorder = new TrafficRecorder({ maxBytes, maxMemory, maxFrameBytes: Math.min(maxFrame, maxBytes) }, (done) => writer.write(done));
  return {
    dir,
    sink: new RecordingSink(hub, recorder),
    recorder,
    writer,
    async close() {
      recorder.drain();
      await writer.flush();
    },
  };
}
