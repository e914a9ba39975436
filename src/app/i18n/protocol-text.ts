/**
 * The protocol told in the reader's language. The codec gives rule ids, opcodes, close codes and
 * field keys with their values (and English sentences for the CLI); the page asks here for the
 * sentence to show. Every part of the app that shows a fault, an opcode's or a close code's meaning
 * or a field's explanation goes through these functions, never `fault.message` or `.explanation`.
 *
 * The catalogue-backed versions (messages/<locale>/frame.json) replace the English fallbacks below
 * one by one; the signatures stay.
 */
import { closeCodeInfo, FAULTS, opcodeInfo, type Fault, type FaultRule, type LayoutField } from '../../protocol';

/** One fault as a sentence with its values ("The frame is not masked (MASK=0), but …"). */
export function faultSentence(fault: Fault): string {
  return fault.message;
}

/** A rule in one line, without the values of any one fault. */
export function faultRuleExplanation(rule: FaultRule): string {
  return FAULTS[rule].explanation;
}

/** What an opcode means ("Starts a text message: …"). */
export function opcodeExplanation(opcode: number): string {
  return opcodeInfo(opcode).explanation;
}

/** A close code's name as the RFC and IANA registry give it ("Normal Closure"), kept as is. */
export function closeCodeName(code: number): string {
  return closeCodeInfo(code).name;
}

/** What a close code means. */
export function closeCodeExplanation(code: number): string {
  return closeCodeInfo(code).explanation;
}

/** A header field's explanation in the bit grid, with the frame's values. */
export function fieldExplanation(field: LayoutField): string {
  return field.explanation;
}
