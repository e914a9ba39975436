/** The lesson's progress as kept in localStorage: the step shown and the steps done. */
import { LESSON_STEPS, type LessonStep } from './steps';

export const PROGRESS_KEY = 'framescope.lesson';

export interface Progress {
  step: number;
  done: string[];
}

/** Progress as stored, checked: a bad or old value gives the start. */
export function readProgress(raw: string | null, steps: readonly LessonStep[] = LESSON_STEPS): Progress {
  try {
    const value = JSON.parse(raw ?? 'null') as Partial<Progress> | null;
    const ids = new Set(steps.map((s) => s.id));
    const step = typeof value?.step === 'number' && Number.isInteger(value.step) && value.step >= 0 && value.step < steps.length ? value.step : 0;
    const done = Array.isArray(value?.done) ? value.done.filter((id): id is string => typeof id === 'string' && ids.has(id)) : [];
    return { step, done: [...new Set(done)] };
  } catch {
    return { step: 0, done: [] };
  }
}

