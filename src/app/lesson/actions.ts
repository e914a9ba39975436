/**
 * Carries out a lesson step's button on the real playground: connects (once, or again after a
 * close), sends, asks the server for a demonstration, closes; then selects the frame to look at
 * (the newest that fits the step's pick, waiting a moment for the tap to report it). Plain
 * TypeScript over what the playground offers (`LessonPlayground`), so tests can drive a fake.
 */
import type { CapturedFrame } from '../inspector/capture';
import type { FrameSource } from '../inspector/capture.svelte';
import { composeGenerated, composeText, type Outgoing } from '../playground/composer';
import type { DemoRequest } from '../playground/demos';
import { LESSON_TEXT, type FramePick, type LessonAction, type LessonButton } from './steps';

/** What the lesson needs from the playground (PlaygroundState has it all). */
export interface LessonPlayground {
  readonly connection: { readonly current: { readonly state: string } | null };
  readonly tapped: boolean;
  /** The page's permessage-deflate toggle (an open connection reconnects when it changes). */
  readonly compression: boolean;
  setCompression(on: boolean): Promise<void>;
  readonly inspector: { readonly capture: { readonly frames: FrameSource<CapturedFrame>; flush(): void } } | null;
  connect(): Promise<{ ok: boolean; message?: string }>;
  disconnect(code: number, reason: string): { ok: boolean; message?: string };
  send(outgoing: Outgoing): { ok: boolean; message?: string };
  demo(request: DemoRequest): Promise<{ ok: boolean; message: string }>;
  select(frame: CapturedFrame): void;
}

export type Outcome = { ok: true; message: string } | { ok: false; message: string };

export interface RunOptions {
  /** How long to wait for OPEN, and for the frame to show (ms). */
  timeout?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Does `frame` fit `pick`? */
export function fits(frame: CapturedFrame, pick: FramePick): boolean {
  if (pick.direction !== undefined && frame.direction !== pick.direction) return false;
  if (pick.opcode !== undefined && frame.opcode !== pick.opcode) return false;
  if (pick.fin !== undefined && frame.fin !== pick.fin) return false;
  if (pick.payloadLength !== undefined && frame.payloadLength !== pick.payloadLength) return false;
  if (pick.broken !== undefined && (frame.misbehave !== null || frame.fault !== null) !== pick.broken) return false;
  return true;
}

/** The newest frame from sequence `fromSeq` on that fits `pick`, or null. */
export function newestFitting(frames: FrameSource<CapturedFrame>, pick: FramePick, fromSeq: number): CapturedFrame | null {
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames.at(i);
    if (!frame || frame.seq < fromSeq) break;
    if (fits(frame, pick)) return frame;
  }
  return null;
}

/** The first of a run of fragments is picked by its own frame; every other pick by the newest. */
function firstFitting(frames: FrameSource<CapturedFrame>, pick: FramePick, fromSeq: number): CapturedFrame | null {
  for (let i = 0; i < frames.length; i++) {
    const frame = frames.at(i);
    if (frame && frame.seq >= fromSeq && fits(frame, pick)) return frame;
  }
  return null;
}

async function until(check: () => boolean, timeout: number, sleep: (ms: number) => Promise<void>): Promise<boolean> {
  for (let waited = 0; ; waited += 50) {
    if (check()) return true;
    if (waited >= timeout) return false;
    await sleep(50);
  }
}

function isOpen(page: LessonPlayground): boolean {
  return page.connection.current?.state === 'OPEN';
}

async function act(page: LessonPlayground, action: LessonAction, options: Required<RunOptions>): Promise<Outcome | null> {
  switch (action.do) {
    case 'connect': {
      const compression = action.compression ?? false;
      if (page.compression !== compression) {
        await page.setCompression(compression);
        if (!(await until(() => isOpen(page), options.timeout, options.sleep))) return { ok: false, message: LESSON_TEXT.notConnected() };
      }
      if (isOpen(page) && page.tapped) return null;
      const result = await page.connect();
      if (!result.ok) return { ok: false, message: result.message ?? LESSON_TEXT.notConnected() };
      if (!(await until(() => isOpen(page), options.timeout, options.sleep))) return { ok: false, message: LESSON_TEXT.notConnected() };
      return null;
    }
    case 'send-text':
    case 'send-size': {
      const composed = action.do === 'send-text' ? composeText(typeof action.text === 'string' ? action.text : action.text()) : composeGenerated(action.size, 'text');
      if (!composed.ok) return { ok: false, message: composed.problem.message };
      const result = page.send(composed.outgoing);
      return result.ok ? null : { ok: false, message: result.message ?? LESSON_TEXT.notConnected() };
    }
    case 'fragment-next': {
      const result = await page.demo({ demo: 'fragment-next', count: action.count, ping: action.ping });
      return result.ok ? null : result;
    }
    case 'ping': {
      const result = await page.demo({ demo: 'ping', payload: 'lesson' });
      return result.ok ? null : result;
    }
    case 'violation': {
      const result = await page.demo({ demo: 'misbehave', kind: action.kind });
      return result.ok ? null : result;
    }
    case 'close': {
      const result = page.disconnect(action.code, action.reason);
      return result.ok ? null : { ok: false, message: result.message ?? LESSON_TEXT.notConnected() };
    }
  }
}

/** Runs a button's actions in order, then selects the frame its step looks at. */
export async function runButton(page: LessonPlayground, button: LessonButton, options: RunOptions = {}): Promise<Outcome> {
  const opts: Required<RunOptions> = { timeout: options.timeout ?? 5_000, sleep: options.sleep ?? defaultSleep };
  const framesNow = page.inspector?.capture.frames;
  let fromSeq = framesNow ? (framesNow.at(framesNow.length - 1)?.seq ?? -1) + 1 : 0;
  for (const action of button.actions) {
    if (action.do === 'connect' && !(isOpen(page) && page.tapped && page.compression === (action.compression ?? false))) {
      // A new connection may come with a new tap (a new capture): look from its start.
      const outcome = await act(page, action, opts);
      if (outcome) return outcome;
      const frames = page.inspector?.capture.frames;
      fromSeq = Math.min(fromSeq, frames ? (frames.at(frames.length - 1)?.seq ?? -1) + 1 : 0);
      continue;
    }
    const outcome = await act(page, action, opts);
    if (outcome) return outcome;
  }
  const pick = button.pick;
  if (!pick) return { ok: true, message: LESSON_TEXT.done() };
  let found: CapturedFrame | null = null;
  const look = (): boolean => {
    const capture = page.inspector?.capture;
    if (!capture) return false;
    capture.flush();
    found = pick.fin === false ? firstFitting(capture.frames, pick, fromSeq) : newestFitting(capture.frames, pick, fromSeq);
    return found !== null;
  };
  if (!(await until(look, opts.timeout, opts.sleep)) || found === null) return { ok: true, message: LESSON_TEXT.noFrame() };
  page.select(found);
  return { ok: true, message: LESSON_TEXT.done() };
}
