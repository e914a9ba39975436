/**
 * A run of the grader through this page's server (`/conformance`, docs/conformance.md): the page
 * asks, the server grades the target and streams each case as it finishes; the report grows here
 * as they come. Refusals (a target not allowed, a busy server) and a lost connection are said in
 * `message`, never left hanging.
 */
import * as m from '../../paraglide/messages.js';
import type { Behavior, CaseReport, ConformanceEvent, ConformanceReport } from '../../wire/conformance';
import { formatCount, formatOneDecimal } from '../components/format';
import { emptySummary, NOT_PLAYED, summarize } from '../../wire/conformance';
import { targetProblem } from './target-check';
import { VERDICT_NAME } from './verdict';
import { createBrowserSocket, describeClose, openSocket, type CreateSocket, type PageSocket } from '../socket/socket';

export type RunStatus = 'idle' | 'connecting' | 'running' | 'done' | 'refused' | 'error';

export interface RunRequest {
  target: string;
  /** Ids and globs ("1.*,5.1.*"); empty: every case. */
  cases: string;
}

export class LiveRun {
  status = $state<RunStatus>('idle');
  /** Made when read, so the sentence follows the language switch. */
  #message = $state.raw<() => string>(() => '');
  total = $state(0);
  done = $state(0);
  failed = $state(0);
  /** The cases so far, in run order (replaced, never mutated). */
  report = $state.raw<ConformanceReport | null>(null);

  readonly #endpoint: string | null;
  readonly #create: CreateSocket;
  #socket: PageSocket | null = null;
  #detach: (() => void) | null = null;
  /** The run's case ids in order, and each one's report once it has come. */
  #ids: string[] = [];
  #slots: (CaseReport | null)[] = [];

  readonly #ondone: (report: ConformanceReport) => void;

  /**
   * `endpoint`: the server's /conformance URL, or null when the page has no server (opened from a
   * file). `ondone`: the run has ended with this report.
   */
  constructor(endpoint: string | null, create: CreateSocket = createBrowserSocket, ondone: (report: ConformanceReport) => void = () => {}) {
    this.#endpoint = endpoint;
    this.#create = create;
    this.#ondone = ondone;
  }

  /** What the run is doing, or why it is not, in a sentence. */
  get message(): string {
    return this.#message();
  }

  get available(): boolean {
    return this.#endpoint !== null;
  }

  get active(): boolean {
    return this.status === 'connecting' || this.status === 'running';
  }

  start(request: RunRequest): void {
    if (this.active) return;
    if (this.#endpoint === null) {
      this.#end('error', () => m.conformance_live_no_server());
      return;
    }
    this.#close();
    this.report = null;
    this.total = this.done = this.failed = 0;
    const problem = targetProblem(request.target.trim());
    if (problem !== null) {
      this.#end('refused', problem);
      return;
    }
    this.status = 'connecting';
    const url = this.#endpoint;
    this.#message = () => m.conformance_live_connecting({ url });
    const message = JSON.stringify({ type: 'run', target: request.target.trim(), ...(request.cases.trim() ? { cases: request.cases.trim() } : {}) });
    const opened = openSocket(
      this.#endpoint,
      {
        open: (socket) => {
          socket.send(message);
          const target = request.target.trim();
          this.#message = () => m.conformance_live_asking({ target });
        },
        message: (data) => {
          if (typeof data === 'string') this.#receive(data);
        },
        close: (close) => {
          if (this.active) this.#end('error', () => m.conformance_live_closed({ close: describeClose(close.code, close.reason) }));
          this.#close();
        },
      },
      this.#create,
    );
    if (!opened.ok) {
      const message = opened.message;
      this.#end('error', () => m.conformance_live_cannot_open({ url, message }));
      return;
    }
    this.#socket = opened.socket;
    this.#detach = opened.detach;
  }

  cancel(): void {
    if (this.#socket !== null && this.#socket.readyState === 1) this.#socket.send(JSON.stringify({ type: 'cancel' }));
    else this.#close();
  }

  destroy(): void {
    this.#close();
  }

  #receive(text: string): void {
    let event: ConformanceEvent;
    try {
      event = JSON.parse(text) as ConformanceEvent;
    } catch {
      return;
    }
    switch (event.type) {
      case 'refused':
        {
          const reason = event.reason;
          this.#end('refused', () => reason);
        }
        this.#close();
        return;
      case 'error':
        {
          const message = event.message;
          this.#end('error', () => message);
        }
        this.#close();
        return;
      case 'started':
        this.status = 'running';
        this.total = event.total;
        this.#ids = event.ids;
        this.#slots = event.ids.map(() => null);
        this.report = { target: event.target, startedAt: event.startedAt, durationMs: 0, cases: [], summary: emptySummary() };
        {
          const target = event.target;
          const total = event.total;
          this.#message = () => m.conformance_live_started({ target, total: formatCount(total) });
        }
        return;
      case 'case': {
        if (this.report === null) return;
        const slot = this.#ids.indexOf(event.case.id);
        if (slot === -1) return;
        this.#slots[slot] = event.case;
        const cases = this.#slots.filter((c): c is CaseReport => c !== null);
        this.done = cases.length;
        if (event.case.behavior === 'FAILED') this.failed++;
        this.report = { ...this.report, cases, summary: summarize(cases) };
        const progress = { target: this.report.target, done: this.done, total: this.total, id: event.case.id, behavior: event.case.behavior };
        this.#message = () =>
          m.conformance_live_progress({ ...progress, behavior: VERDICT_NAME[progress.behavior](), done: formatCount(progress.done), total: formatCount(progress.total) });
        return;
      }
      case 'done': {
        if (this.report !== null) this.report = { ...this.report, durationMs: event.durationMs, summary: summarize(this.report.cases) };
        const s = event.summary;
        // INFORMATIONAL and UNIMPLEMENTED only when there are some, so the counts add up.
        const shown: Behavior[] = ['OK', 'NON-STRICT', ...(['INFORMATIONAL', 'UNIMPLEMENTED'] as const).filter((b) => (s[b] ?? 0) > 0), 'FAILED', ...([NOT_PLAYED] as Behavior[]).filter((b) => (s[b] ?? 0) > 0)];
        const counts = (): string => shown.map((b) => m.conformance_count({ count: formatCount(s[b] ?? 0), behavior: VERDICT_NAME[b]() })).join(', ');
        const stopped = event.stopped;
        const done = this.done;
        const seconds = event.durationMs / 1000;
        this.#end(
          'done',
          stopped
            ? () => m.conformance_live_stopped({ why: stopped, counts: counts() })
            : () => m.conformance_live_done({ count: formatCount(done), seconds: formatOneDecimal(seconds), counts: counts() }),
        );
        this.#close();
        if (this.report !== null) this.#ondone(this.report);
        return;
      }
    }
  }

  #end(status: RunStatus, say: () => string): void {
    this.status = status;
    this.#message = say;
  }

  #close(): void {
    this.#detach?.();
    this.#detach = null;
    if (this.#socket !== null && this.#socket.readyState < 2) this.#socket.close(1000, 'done');
    this.#socket = null;
  }
}
