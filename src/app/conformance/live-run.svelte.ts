/**
 * A run of the grader through this page's server (`/conformance`, docs/conformance.md): the page
 * asks, the server grades the target and streams each case as it finishes; the report grows here
 * as they come. Refusals (a target not allowed, a busy server) and a lost connection are said in
 * `message`, never left hanging.
 */
import type { CaseReport, ConformanceEvent, ConformanceReport } from '../../wire/conformance';
import { emptySummary, summarize } from '../../wire/conformance';
import { createBrowserSocket, describeClose, openSocket, type CreateSocket, type PageSocket } from '../socket/socket';

export type RunStatus = 'idle' | 'connecting' | 'running' | 'done' | 'refused' | 'error';

export interface RunRequest {
  target: string;
  /** Ids and globs ("1.*,5.1.*"); empty: every case. */
  cases: string;
}

export class LiveRun {
  status = $state<RunStatus>('idle');
  /** What the run is doing, or why it is not, in a sentence. */
  message = $state('');
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

  get available(): boolean {
    return this.#endpoint !== null;
  }

  get active(): boolean {
    return this.status === 'connecting' || this.status === 'running';
  }

  start(request: RunRequest): void {
    if (this.active) return;
    if (this.#endpoint === null) {
      this.#end('error', 'This page was opened from a file, so there is no server to run the grader. Start one with npm run dev or npm start, or use npm run conformance.');
      return;
    }
    this.#close();
    this.report = null;
    this.total = this.done = this.failed = 0;
    this.status = 'connecting';
    this.message = `Connecting to ${this.#endpoint}…`;
    const message = JSON.stringify({ type: 'run', target: request.target.trim(), ...(request.cases.trim() ? { cases: request.cases.trim() } : {}) });
    const opened = openSocket(
      this.#endpoint,
      {
        open: (socket) => {
          socket.send(message);
          this.message = `Asking the server to grade ${request.target.trim()}…`;
        },
        message: (data) => {
          if (typeof data === 'string') this.#receive(data);
        },
        close: (close) => {
          if (this.active) this.#end('error', `The connection to the server closed (${describeClose(close.code, close.reason)}) before the run ended.`);
          this.#close();
        },
      },
      this.#create,
    );
    if (!opened.ok) {
      this.#end('error', `Cannot open ${this.#endpoint}: ${opened.message}`);
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
        this.#end('refused', event.reason);
        this.#close();
        return;
      case 'error':
        this.#end('error', event.message);
        this.#close();
        return;
      case 'started':
        this.status = 'running';
        this.total = event.total;
        this.#ids = event.ids;
        this.#slots = event.ids.map(() => null);
        this.report = { target: event.target, startedAt: event.startedAt, durationMs: 0, cases: [], summary: emptySummary() };
        this.message = `Grading ${event.target}: 0 of ${event.total} cases.`;
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
        this.message = `Grading ${this.report.target}: ${this.done} of ${this.total} cases (last: ${event.case.id} ${event.case.behavior}).`;
        return;
      }
      case 'done': {
        if (this.report !== null) this.report = { ...this.report, durationMs: event.durationMs, summary: summarize(this.report.cases) };
        const s = event.summary;
        // INFORMATIONAL and UNIMPLEMENTED only when there are some, so the counts add up.
        const other = (['INFORMATIONAL', 'UNIMPLEMENTED'] as const).filter((b) => s[b] > 0).map((b) => `, ${s[b]} ${b}`).join('');
        const counts = `${s.OK} OK, ${s['NON-STRICT']} NON-STRICT${other}, ${s.FAILED} FAILED`;
        this.#end('done', event.stopped ? `The run ended early: ${event.stopped}. ${counts}.` : `Done: ${this.done} cases in ${(event.durationMs / 1000).toFixed(1)} s, ${counts}.`);
        this.#close();
        if (this.report !== null) this.#ondone(this.report);
        return;
      }
    }
  }

  #end(status: RunStatus, message: string): void {
    this.status = status;
    this.message = message;
  }

  #close(): void {
    this.#detach?.();
    this.#detach = null;
    if (this.#socket !== null && this.#socket.readyState < 2) this.#socket.close(1000, 'done');
    this.#socket = null;
  }
}
