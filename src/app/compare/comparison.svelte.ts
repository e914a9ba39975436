/**
 * The `#/compare` page's state: the settings being edited, the run under way and what it has
 * measured so far. The work is the runner's (src/compare/run.ts); this wraps it in runes.
 */
import type { RunEnvironment } from '../../compare/environment';
import * as m from '../../paraglide/messages.js';
import { runComparison, type Progress } from '../../compare/run';
import { checkSettings, DEFAULT_SETTINGS, type CompareSettings, type TransportMeasurement } from '../../wire/compare';

export type SettingsForm = Record<keyof CompareSettings, number | null>;

export type RunFunction = typeof runComparison;

export class Comparison {
  /** The form's values (null: the field is empty). */
  form = $state<SettingsForm>({ ...DEFAULT_SETTINGS });
  #running = $state(false);
  #progress = $state.raw<Progress | null>(null);
  #results = $state.raw<TransportMeasurement[]>([]);
  #settings = $state.raw<CompareSettings | null>(null);
  /** Made when read, so the sentence follows the language switch. */
  #problem = $state.raw<(() => string) | null>(null);
  #controller: AbortController | null = null;
  readonly #env: RunEnvironment | null;
  readonly #run: RunFunction;

  /** `env` null: no server to measure against (the page was opened from a file). */
  constructor(env: RunEnvironment | null, run: RunFunction = runComparison) {
    this.#env = env;
    this.#run = run;
  }

  get available(): boolean {
    return this.#env !== null;
  }

  get running(): boolean {
    return this.#running;
  }

  get progress(): Progress | null {
    return this.#progress;
  }

  /** Each transport's measurement, as they finish. */
  get results(): readonly TransportMeasurement[] {
    return this.#results;
  }

  /** The settings the results were measured with. */
  get settings(): CompareSettings | null {
    return this.#settings;
  }

  /** Why the last run did not start or did not finish, or null. */
  get problem(): string | null {
    return this.#problem?.() ?? null;
  }

  /** Run the conversation over every transport. Resolves when it is done (or stopped). */
  async start(): Promise<void> {
    if (this.#running) return;
    if (this.#env === null) {
      this.#problem = () => m.compare_problem_no_server();
      return;
    }
    const input = Object.fromEntries(Object.entries(this.form).map(([key, value]) => [key, value ?? Number.NaN])) as Partial<CompareSettings>;
    const checked = checkSettings(input);
    if (!checked.ok) {
      const errors = checked.errors.join('; ');
      this.#problem = () => m.compare_problem_settings({ errors });
      return;
    }
    this.#problem = null;
    this.#settings = checked.settings;
    this.#results = [];
    this.#running = true;
    const controller = (this.#controller = new AbortController());
    try {
      await this.#run(this.#env, {
        settings: checked.settings,
        signal: controller.signal,
        onProgress: (progress) => (this.#progress = progress),
        onMeasured: (measurement) => (this.#results = [...this.#results, measurement]),
      });
    } catch (error) {
      const stopped = error instanceof DOMException && error.name === 'AbortError';
      const message = error instanceof Error ? error.message : String(error);
      this.#problem = stopped ? () => m.compare_problem_stopped() : () => m.compare_problem_failed({ error: message });
    } finally {
      this.#running = false;
      this.#progress = null;
      this.#controller = null;
    }
  }

  stop(): void {
    this.#controller?.abort();
  }

  /** The settings' defaults again. */
  reset(): void {
    this.form = { ...DEFAULT_SETTINGS };
  }
}
