/**
 * The room's refusals as sentences in the reader's language. The server sends an `error` with a
 * `code` (src/wire/chat.ts `ERROR_CODES`), a few values (`suggestion`, `retryAfterMs`) and an
 * English `reason` for other clients; this page makes its own sentence from the code and what it
 * knows: the nickname it asked for, the message it sent, and the room's limits from `hello`.
 */
import * as m from '../../paraglide/messages.js';
import { formatCount, formatOneDecimal } from '../components/format';
import { characters, type ChatLimits, type ErrorMessage } from './protocol';

export interface RefusalContext {
  /** The nickname this page asked to join with, if the refusal is about joining. */
  name?: string | null;
  /** The message this page sent last, if the refusal is about a message. */
  text?: string | null;
  limits: ChatLimits | null;
}

/** The recipient a private message names: "@kim hello" → "kim". */
function recipientOf(text: string | null | undefined): string | null {
  if (!text?.startsWith('@')) return null;
  const name = text.slice(1).split(/\s/u, 1)[0] ?? '';
  return name === '' ? null : name;
}

/** A nickname as the room quotes it: at most 40 characters. */
function quoted(name: string): string {
  const chars = [...name.trim()];
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : chars.join('');
}

/** The sentence for one refusal (call it where it is shown: it follows the language switch). */
export function refusalSentence(error: ErrorMessage, context: RefusalContext): string {
  const { limits } = context;
  const name = context.name ?? null;
  const text = context.text ?? null;
  switch (error.code) {
    case 'name-taken':
      if (name !== null && error.suggestion) return m.chat_refused_name_taken({ name: name.trim(), suggestion: error.suggestion });
      if (name !== null) return m.chat_refused_name_taken_cut_off({ name: name.trim() });
      return m.chat_refused_name_taken_plain();
    case 'name-empty':
      return m.chat_refused_name_empty();
    case 'name-too-long':
      if (name !== null && limits) {
        return m.chat_name_too_long({ max: formatCount(limits.nameMaxLength), name: quoted(name), length: formatCount(characters(name.trim())) });
      }
      return m.chat_refused_name_control();
    case 'name-invalid':
      return name?.trim().startsWith('@') ? m.chat_refused_name_at() : m.chat_refused_name_control();
    case 'room-full':
      return limits ? m.chat_refused_room_full({ max: formatCount(limits.maxUsers) }) : m.chat_refused_room_full_plain();
    case 'already-joined':
      return m.chat_refused_already_joined();
    case 'message-empty': {
      const to = recipientOf(text);
      return to === null ? m.chat_refused_message_empty() : m.chat_refused_private_empty({ name: to });
    }
    case 'message-too-long':
      return text !== null && limits
        ? m.chat_refused_message_too_long({ max: formatCount(limits.messageMaxLength), length: formatCount(characters(text)) })
        : m.chat_refused_message_too_long_plain();
    case 'message-invalid':
      return m.chat_refused_message_invalid();
    case 'rate-limited':
      return limits && error.retryAfterMs !== null
        ? m.chat_refused_rate({
            perSecond: formatCount(limits.messagesPerSecond),
            burst: formatCount(limits.burst),
            seconds: formatOneDecimal(error.retryAfterMs / 1000),
          })
        : m.chat_refused_rate_plain();
    case 'unknown-recipient': {
      const to = recipientOf(text);
      return m.chat_refused_unknown_recipient({ name: to === null ? '' : to.slice(0, 40) });
    }
    case 'too-many-errors':
      return limits
        ? m.chat_refused_too_many_errors({ count: formatCount(limits.maxErrors), seconds: formatCount(Math.round(limits.errorWindowMs / 1000)) })
        : m.chat_refused_too_many_errors_plain();
    case 'unavailable':
      return m.chat_refused_unavailable();
    case 'not-joined':
      return m.chat_refused_not_joined();
    default:
      return m.chat_refused_other({ code: error.code });
  }
}
