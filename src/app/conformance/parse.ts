/**
 * Reading a report someone hands the page (a file, a dropped file, a link): the JSON that
 * `npm run conformance -- --json` prints (docs/conformance.md), checked field by field. A file
 * that is not one gets a message that says what and where; wire entries the page cannot show are
 * left out and counted, never a crash.
 */
import * as m from '../../paraglide/messages.js';
import { FAULT_RULES, type Fault } from '../../protocol';
import {
  BEHAVIORS,
  CLOSE_BEHAVIORS,
  NOT_PLAYED,
  summarize,
  type Behavior,
  type CaseReport,
  type CloseBehavior,
  type ConformanceReport,
  type WireDirection,
  type WireEntry,
  type WireMark,
} from '../../wire/conformance';

/** `error` is made when read, in the page's language at that moment. */
export type ParsedReport = { ok: true; report: ConformanceReport; skipped: number } | { ok: false; readonly error: string };

function failed(say: () => string): ParsedReport {
  return {
    ok: false,
    get error() {
      return say();
    },
  };
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => isNumber(v) && Number.isInteger(v) && v >= 0;
const DIRECTIONS: readonly WireDirection[] = ['client-to-server', 'server-to-client'];
const HEX = /^(?:[0-9a-f]{2})*$/;

/** A field that is not what a report holds: where, what it should be, and what it was. */
class Invalid extends Error {
  constructor(
    readonly where: () => string,
    readonly what: () => string,
    readonly value: unknown,
  ) {
    super('conformance-report-invalid');
  }

  sentence(): string {
    const value = this.value === undefined ? m.conformance_parse_missing() : (JSON.stringify(this.value)?.slice(0, 60) ?? String(this.value));
    return m.conformance_parse_should({ where: this.where(), what: this.what(), value });
  }
}

function need<T>(ok: boolean, value: unknown, where: string | (() => string), what: () => string): T {
  if (!ok) throw new Invalid(typeof where === 'string' ? () => where : where, what, value);
  return value as T;
}

function mark(v: unknown): WireMark | null {
  if (!isObject(v) || !isCount(v['offset']) || !isCount(v['length']) || typeof v['text'] !== 'string') return null;
  return { offset: v['offset'], length: v['length'], text: v['text'] };
}

/** A fault as the codec makes it; anything else is dropped (the frame is still shown). */
function fault(v: unknown): Fault | null {
  if (!isObject(v)) return null;
  const ok = v['kind'] === 'fault' && (FAULT_RULES as readonly unknown[]).includes(v['rule']) && isCount(v['offset']) && isCount(v['frameOffset'])
    && isCount(v['length']) && typeof v['message'] === 'string' && typeof v['rfc'] === 'string' && isNumber(v['closeCode']);
  return ok ? ({ ...v, detail: isObject(v['detail']) ? v['detail'] : {} } as unknown as Fault) : null;
}

function entry(v: unknown): WireEntry | null {
  if (!isObject(v) || !isNumber(v['t'])) return null;
  const t = v['t'];
  const direction = v['direction'] as WireDirection;
  switch (v['kind']) {
    case 'event':
      return typeof v['text'] === 'string' ? { kind: 'event', t, text: v['text'] } : null;
    case 'http':
      return DIRECTIONS.includes(direction) && typeof v['head'] === 'string' ? { kind: 'http', t, direction, head: v['head'], mark: mark(v['mark']) } : null;
    case 'bytes':
      return DIRECTIONS.includes(direction) && isCount(v['offset']) && typeof v['bytes'] === 'string' && HEX.test(v['bytes'])
        ? { kind: 'bytes', t, direction, offset: v['offset'], bytes: v['bytes'], truncated: v['truncated'] === true, note: typeof v['note'] === 'string' ? v['note'] : '' }
        : null;
    case 'frame': {
      const ok = DIRECTIONS.includes(direction) && isCount(v['offset']) && isCount(v['size']) && typeof v['bytes'] === 'string' && HEX.test(v['bytes'])
        && v['bytes'].length >= 4 && isCount(v['opcode']) && v['opcode'] < 16 && typeof v['fin'] === 'boolean' && isCount(v['payloadLength']);
      if (!ok) return null;
      return {
        kind: 'frame', t, direction, offset: v['offset'] as number, size: v['size'] as number, bytes: v['bytes'] as string, truncated: v['truncated'] === true,
        opcode: v['opcode'] as number, fin: v['fin'] as boolean, payloadLength: v['payloadLength'] as number, fault: fault(v['fault']), mark: mark(v['mark']),
        note: typeof v['note'] === 'string' ? v['note'] : null,
      };
    }
    default:
      return null;
  }
}

function caseOf(v: unknown, at: string, skipped: { count: number }): CaseReport {
  need(isObject(v), v, at, m.conformance_parse_object);
  const c = v as Json;
  const text = (key: string): string => need(typeof c[key] === 'string', c[key], `${at}.${key}`, m.conformance_parse_string);
  const wire = need<unknown[]>(Array.isArray(c['wire']), c['wire'], `${at}.wire`, m.conformance_parse_array);
  const entries: WireEntry[] = [];
  for (const raw of wire) {
    const e = entry(raw);
    if (e === null) skipped.count++;
    else entries.push(e);
  }
  const behavior = need<Behavior>((BEHAVIORS as readonly unknown[]).includes(c['behavior']), c['behavior'], `${at}.behavior`, () => m.conformance_parse_one_of({ values: BEHAVIORS.join(', ') }));
  const result = text('result');
  // Reports written before NOT PLAYED was a verdict of its own called a case never played FAILED.
  const old = behavior === 'FAILED' && result.startsWith('Not played: ') && entries.length === 0;
  return {
    id: text('id'),
    description: text('description'),
    expectation: text('expectation'),
    behavior: old ? NOT_PLAYED : behavior,
    behaviorClose: old ? NOT_PLAYED : (CLOSE_BEHAVIORS as readonly unknown[]).includes(c['behaviorClose']) ? (c['behaviorClose'] as CloseBehavior) : 'FAILED',
    result,
    durationMs: isNumber(c['durationMs']) ? c['durationMs'] : 0,
    wire: entries,
  };
}

/** Read the text of a report file. */
export function parseReport(text: string): ParsedReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const html = text.trimStart().startsWith('<');
    const message = (error as Error).message;
    return failed(() => m.conformance_parse_not_json({ error: message }) + (html ? m.conformance_parse_html() : ''));
  }
  try {
    need(isObject(value), value, m.conformance_parse_the_file, m.conformance_parse_report_object);
    const v = value as Json;
    const cases = need<unknown[]>(Array.isArray(v['cases']), v['cases'], 'cases', m.conformance_parse_array);
    const skipped = { count: 0 };
    const parsed = cases.map((c, i) => caseOf(c, `cases[${i}]`, skipped));
    return {
      ok: true,
      skipped: skipped.count,
      report: {
        target: need(typeof v['target'] === 'string', v['target'], 'target', m.conformance_parse_target),
        startedAt: typeof v['startedAt'] === 'string' ? v['startedAt'] : '',
        durationMs: isNumber(v['durationMs']) ? v['durationMs'] : 0,
        cases: parsed,
        // Counted from the cases, so the numbers always match what is listed.
        summary: summarize(parsed),
      },
    };
  } catch (error) {
    if (error instanceof Invalid) {
      const invalid = error;
      return failed(() => m.conformance_parse_not_report({ why: invalid.sentence() }));
    }
    throw error;
  }
}
