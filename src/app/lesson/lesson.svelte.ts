/**
 * The lesson's progress as rune state: the step shown, the steps done (kept in localStorage, so a
 * reload or another day picks up where the class was), whether a step's answer is shown, and the
 * button running now.
 */
import { runButton, type LessonPlayground, type Outcome, type RunOptions } from './actions';
import { PROGRESS_KEY, readProgress, type Progress } from './progress';
import { LESSON_STEPS, type LessonButton, type LessonStep } from './steps';

export class LessonState {
  readonly steps: readonly LessonStep[];
  #step = $state(0);
  #done = $state<string[]>([]);
  #answer = $state(false);
  #running = $state<string | null>(null);
  #outcome = $state<Outcome | null>(null);
  #storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  #page: LessonPlayground;
  #run: RunOptions;

  constructor(page: LessonPlayground, options: { storage?: Pick<Storage, 'getItem' | 'setItem'> | null; steps?: readonly LessonStep[]; run?: RunOptions } = {}) {
    this.#page = page;
    this.steps = options.steps ?? LESSON_STEPS;
    this.#storage = options.storage === undefined ? safeStorage() : options.storage;
    this.#run = options.run ?? {};
    let raw: string | null = null;
    try {
      raw = this.#storage?.getItem(PROGRESS_KEY) ?? null;
    } catch {
      raw = null;
    }
    const progress = readProgress(raw, this.steps);
    this.#step = progress.step;
    this.#done = progress.done;
  }

  get index(): number {
    return this.#step;
  }

  get step(): LessonStep {
    return this.steps[this.#step]!;
  }

  get done(): readonly string[] {
    return this.#done;
  }

  isDone(step: LessonStep): boolean {
    return this.#done.includes(step.id);
  }

  get finished(): boolean {
    return this.#done.length === this.steps.length;
  }

  get answerShown(): boolean {
    return this.#answer;
  }

  toggleAnswer(): void {
    this.#answer = !this.#answer;
  }

  /** The label of the button running now, or null. */
  get running(): string | null {
    return this.#running;
  }

  get outcome(): Outcome | null {
    return this.#outcome;
  }

  /** Jump to any step. */
  go(index: number): void {
    if (index < 0 || index >= this.steps.length) return;
    this.#step = index;
    this.#answer = false;
    this.#outcome = null;
    this.#save();
  }

  next(): void {
    this.go(this.#step + 1);
  }

  previous(): void {
    this.go(this.#step - 1);
  }

  restart(): void {
    this.#done = [];
    this.go(0);
  }

  /** Runs one of the current step's buttons on the playground; the step counts as done when it worked. */
  async run(button: LessonButton): Promise<Outcome> {
    const step = this.step;
    this.#running = button.label();
    this.#outcome = null;
    try {
      const outcome = await runButton(this.#page, button, this.#run);
      this.#outcome = outcome;
      if (outcome.ok && !this.#done.includes(step.id)) this.#done = [...this.#done, step.id];
      this.#save();
      return outcome;
    } finally {
      this.#running = null;
    }
  }

  #save(): void {
    try {
      this.#storage?.setItem(PROGRESS_KEY, JSON.stringify({ step: this.#step, done: this.#done } satisfies Progress));
    } catch {
      // Storage off: progress lasts as long as the page.
    }
  }
}

function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
