/**
 * The #/conformance page's state: the report shown (opened from a file, a drop, a link, or
 * growing from a live run), the case selected, the filter, and what went wrong opening one.
 */
import * as m from '../../paraglide/messages.js';
import type { CaseReport, ConformanceReport } from '../../wire/conformance';
import { formatCount } from '../components/format';
import type { CreateSocket } from '../socket/socket';
import { LiveRun } from './live-run.svelte';
import { parseReport } from './parse';
import type { CaseFilter } from './wire-view';

/** Larger files are refused before they are read (a full run's report is a few megabytes). */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;

export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string> }>;

export class ConformancePage {
  /** A report opened from a file or a link (a live run's report is `live.report`). */
  opened = $state.raw<ConformanceReport | null>(null);
  /** Sentences made when read, so they follow the language switch. */
  #source = $state.raw<() => string>(() => '');
  #error = $state.raw<(() => string) | null>(null);
  #notice = $state.raw<(() => string) | null>(null);
  loading = $state(false);
  selectedId = $state<string | null>(null);
  filter = $state<CaseFilter>('all');
  /** Show the live run's report (true after Run) or the opened one. */
  showingLive = $state(false);

  readonly live: LiveRun;
  readonly #fetch: Fetch;

  constructor(endpoint: string | null, options: { create?: CreateSocket; fetch?: Fetch } = {}) {
    this.live = new LiveRun(endpoint, options.create, (report) => {
      if (this.showingLive && this.selectedId === null) this.selectedId = firstProblem(report);
    });
    this.#fetch = options.fetch ?? ((url) => globalThis.fetch(url));
  }

  /** Where the report shown came from, in words. */
  get source(): string {
    return this.#source();
  }

  /** Why a report could not be opened, or null. */
  get error(): string | null {
    return this.#error?.() ?? null;
  }

  /** What was left out of the report opened, or null. */
  get notice(): string | null {
    return this.#notice?.() ?? null;
  }

  get report(): ConformanceReport | null {
    return this.showingLive ? this.live.report : this.opened;
  }

  get selected(): CaseReport | null {
    const report = this.report;
    if (report === null || this.selectedId === null) return null;
    return report.cases.find((c) => c.id === this.selectedId) ?? null;
  }

  select(id: string | null): void {
    this.selectedId = id;
  }

  /** Show `text` (a report's JSON) as the report from `source`. */
  openText(text: string, source: string): boolean {
    const parsed = parseReport(text);
    if (!parsed.ok) {
      this.#error = () => m.conformance_source_error({ source, error: parsed.error });
      return false;
    }
    this.#error = null;
    const skipped = parsed.skipped;
    this.#notice = skipped > 0 ? () => m.conformance_skipped({ count: skipped, shown: formatCount(skipped), source }) : null;
    this.opened = parsed.report;
    this.#source = () => source;
    this.showingLive = false;
    this.selectedId = firstProblem(parsed.report);
    return true;
  }

  async openFile(file: File): Promise<boolean> {
    if (file.size > MAX_REPORT_BYTES) {
      const size = formatCount(Math.round(file.size / 1048576));
      this.#error = () => m.conformance_too_big({ name: file.name, size });
      return false;
    }
    this.loading = true;
    try {
      return this.openText(await file.text(), file.name);
    } catch (error) {
      const message = (error as Error).message;
      this.#error = () => m.conformance_unreadable({ name: file.name, error: message });
      return false;
    } finally {
      this.loading = false;
    }
  }

  async openUrl(url: string): Promise<boolean> {
    this.loading = true;
    try {
      const response = await this.#fetch(url);
      if (!response.ok) {
        const status = `${response.status} ${response.statusText}`.trimEnd();
        this.#error = () => m.conformance_http_error({ url, status });
        return false;
      }
      return this.openText(await response.text(), url);
    } catch (error) {
      const message = (error as Error).message;
      this.#error = () => m.conformance_unloadable({ url, error: message });
      return false;
    } finally {
      this.loading = false;
    }
  }

  run(target: string, cases: string): void {
    this.#error = null;
    this.#notice = null;
    this.selectedId = null;
    this.showingLive = true;
    const graded = target.trim();
    this.#source = () => m.conformance_source_run({ target: graded });
    this.live.start({ target, cases });
  }

  destroy(): void {
    this.live.destroy();
  }
}

/** The case to open first: the first FAILED, else the first NON-STRICT, else none. */
export function firstProblem(report: ConformanceReport): string | null {
  return (report.cases.find((c) => c.behavior === 'FAILED') ?? report.cases.find((c) => c.behavior === 'NON-STRICT'))?.id ?? null;
}
