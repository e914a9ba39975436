import type { ConformanceReport } from '../src/wire/conformance.ts';
export function renderHtmlReport(report: ConformanceReport): string {
  return JSON.stringify(report);
}
