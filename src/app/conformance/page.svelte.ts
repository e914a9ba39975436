/**
 * The #/conformance page's state: the report shown (opened from a file, a drop, a link, or
 * growing from a live run), the case selected, the filter, and what went wrong opening one.
 */
import type { CaseReport, ConformanceReport } from '../../wire/conformance';
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
  /** Where the report shown came from, in words. */
  source = $state('');
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
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
      this.error = `${source}: ${parsed.error}`;
      return false;
    }
    this.error = null;
    this.notice = parsed.skipped > 0 ? `${parsed.skipped} wire log entr${parsed.skipped === 1 ? 'y' : 'ies'} in ${source} could not be read and are left out.` : null;
    this.opened = parsed.report;
    this.source = source;
    this.showingLive = false;
    this.selectedId = firstProblem(parsed.report);
    return true;
  }

  async openFile(file: File): Promise<boolean> {
    if (file.size > MAX_REPORT_BYTES) {
      this.error = `${file.name} is ${(file.size / 1048576).toFixed(0)} MiB: a conformance report is a few MiB at most.`;
      return false;
    }
    this.loading = true;
    try {
      return this.openText(await file.text(), file.name);
    } catch (error) {
      this.error = `${file.name} could not be read: ${(error as Error).message}`;
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
        this.error = `${url}: the server answered ${response.status} ${response.statusText}`.trimEnd() + '.';
        return false;
      }
      return this.openText(await response.text(), url);
    } catch (error) {
      this.error = `${url} could not be loaded (${(error as Error).message}). A report link must be on this page's server or allow it (CORS).`;
      return false;
    } finally {
      this.loading = false;
    }
  }

  run(target: string, cases: string): void {
    this.error = null;
    this.notice = null;
    this.selectedId = null;
    this.showingLive = true;
    this.source = `a run against ${target.trim()}`;
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
