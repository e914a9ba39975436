/**
 * The groups of cases in the reader's language: SECTIONS (src/wire/conformance.ts) holds the
 * grader's English, which the CLI and the HTML report print; the page says the same from the
 * catalogue (sections.test.ts checks the English is word for word the grader's).
 */
import * as m from '../../paraglide/messages.js';
import type { Section } from '../../wire/conformance';

/** Message functions by section prefix, called where shown. */
type Text = typeof m.conformance_section_1_name;
export const SECTION_TEXT: Record<string, { name: Text; checks: Text }> = {
  'x.0': { name: m.conformance_section_x0_name, checks: m.conformance_section_x0_checks },
  '1': { name: m.conformance_section_1_name, checks: m.conformance_section_1_checks },
  '2': { name: m.conformance_section_2_name, checks: m.conformance_section_2_checks },
  '3': { name: m.conformance_section_3_name, checks: m.conformance_section_3_checks },
  '4': { name: m.conformance_section_4_name, checks: m.conformance_section_4_checks },
  '5': { name: m.conformance_section_5_name, checks: m.conformance_section_5_checks },
  '6': { name: m.conformance_section_6_name, checks: m.conformance_section_6_checks },
  '7': { name: m.conformance_section_7_name, checks: m.conformance_section_7_checks },
  '9': { name: m.conformance_section_9_name, checks: m.conformance_section_9_checks },
  '10': { name: m.conformance_section_10_name, checks: m.conformance_section_10_checks },
  'x.1': { name: m.conformance_section_x1_name, checks: m.conformance_section_x1_checks },
  'x.6': { name: m.conformance_section_x6_name, checks: m.conformance_section_x6_checks },
};

/** A section's name, in the reader's language (the grader's English for one the catalogue lacks). */
export function sectionName(section: Section): string {
  return SECTION_TEXT[section.prefix]?.name() ?? section.name;
}

/** What a section's cases check, in the reader's language. */
export function sectionChecks(section: Section): string {
  return SECTION_TEXT[section.prefix]?.checks() ?? section.checks;
}
