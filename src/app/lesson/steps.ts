/**
 * The guided lesson (#/lesson): its twelve steps and every sentence the lesson panel shows, as
 * message functions from the catalogues (messages/<locale>/lesson.json), called at render time. Each step says
 * what to do (buttons that drive the real playground), what to look at (fields highlighted in the
 * bit grid, or a panel), a short explanation, one question with its answer, and the RFC sections.
 * The actions are data (lesson/actions.ts carries them out); RFC words stay as the RFC spells them.
 */
import type { FieldKey } from '../../protocol';
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import type { MisbehaveKind } from '../inspector/messages';

/** One thing a button does to the playground, in order. */
export type LessonAction =
  /** Connect unless open; with `compression` (default off) the page's permessage-deflate toggle first. */
  | { do: 'connect'; compression?: boolean }
  /** The text: as it is (`Hello`), or a message function (words that read in the page's language). */
  | { do: 'send-text'; text: string | (() => string) }
  | { do: 'send-size'; size: number }
  | { do: 'fragment-next'; count: number; ping: boolean }
  | { do: 'ping' }
  | { do: 'close'; code: number; reason: string }
  | { do: 'violation'; kind: MisbehaveKind };

/** Which frame to select afterwards (the newest that matches), so the grid shows it. */
export interface FramePick {
  direction?: 'client-to-server' | 'server-to-client';
  opcode?: number;
  fin?: boolean;
  payloadLength?: number;
  broken?: boolean;
}

/** A sentence from the catalogues, called where it is shown (the language may switch). */
export type Text = () => string;

export interface LessonButton {
  label: Text;
  actions: LessonAction[];
  pick?: FramePick;
}

/** What to look at: fields of the selected frame's grid, or a panel of the playground. */
export type Look = { fields: FieldKey[] } | { panel: 'handshake' | 'tcp' | 'timeline' | 'frames' | 'sequence' };

export interface LessonStep {
  id: string;
  title: Text;
  buttons: LessonButton[];
  look: Look;
  lookText: Text;
  explain: Text;
  question: Text;
  answer: Text;
  /** RFC sections: `6455 §5.2`, `7692 §6`. */
  rfc: { rfc: 6455 | 7692; section: string }[];
}

export const LESSON_STEPS: readonly LessonStep[] = [
  {
    id: 'handshake',
    title: m.lesson_handshake_title,
    buttons: [{ label: m.lesson_handshake_button, actions: [{ do: 'connect' }] }],
    look: { panel: 'handshake' },
    lookText: m.lesson_handshake_look,
    explain: m.lesson_handshake_explain,
    question: m.lesson_handshake_question,
    answer: m.lesson_handshake_answer,
    rfc: [
      { rfc: 6455, section: '4.2.2' },
      { rfc: 6455, section: '1.3' },
    ],
  },
  {
    id: 'text-frame',
    title: m.lesson_text_frame_title,
    buttons: [{ label: m.lesson_text_frame_button, actions: [{ do: 'connect' }, { do: 'send-text', text: 'Hello' }], pick: { direction: 'server-to-client', opcode: 0x1 } }],
    look: { fields: ['fin', 'opcode', 'payload-length', 'payload'] },
    lookText: m.lesson_text_frame_look,
    explain: m.lesson_text_frame_explain,
    question: m.lesson_text_frame_question,
    answer: m.lesson_text_frame_answer,
    rfc: [
      { rfc: 6455, section: '5.2' },
      { rfc: 6455, section: '5.6' },
    ],
  },
  {
    id: 'masking',
    title: m.lesson_masking_title,
    buttons: [{ label: m.lesson_masking_button, actions: [{ do: 'connect' }, { do: 'send-text', text: 'Hello' }], pick: { direction: 'client-to-server', opcode: 0x1 } }],
    look: { fields: ['mask', 'masking-key', 'payload'] },
    lookText: m.lesson_masking_look,
    explain: m.lesson_masking_explain,
    question: m.lesson_masking_question,
    answer: m.lesson_masking_answer,
    rfc: [
      { rfc: 6455, section: '5.3' },
      { rfc: 6455, section: '10.3' },
    ],
  },
  {
    id: 'lengths',
    title: m.lesson_lengths_title,
    buttons: [
      { label: m.lesson_lengths_button1, actions: [{ do: 'connect' }, { do: 'send-size', size: 5 }], pick: { direction: 'client-to-server', payloadLength: 5 } },
      { label: m.lesson_lengths_button2, actions: [{ do: 'connect' }, { do: 'send-size', size: 200 }], pick: { direction: 'client-to-server', payloadLength: 200 } },
      { label: m.lesson_lengths_button3, actions: [{ do: 'connect' }, { do: 'send-size', size: 70_000 }], pick: { direction: 'client-to-server', payloadLength: 70_000 } },
    ],
    look: { fields: ['payload-length', 'extended-payload-length'] },
    lookText: m.lesson_lengths_look,
    explain: m.lesson_lengths_explain,
    question: m.lesson_lengths_question,
    answer: m.lesson_lengths_answer,
    rfc: [{ rfc: 6455, section: '5.2' }],
  },
  {
    id: 'fragmentation',
    title: m.lesson_fragmentation_title,
    buttons: [
      {
        label: m.lesson_fragmentation_button,
        actions: [{ do: 'connect' }, { do: 'fragment-next', count: 3, ping: false }, { do: 'send-text', text: m.lesson_fragmentation_payload }],
        pick: { direction: 'server-to-client', opcode: 0x1, fin: false },
      },
    ],
    look: { fields: ['fin', 'opcode'] },
    lookText: m.lesson_fragmentation_look,
    explain: m.lesson_fragmentation_explain,
    question: m.lesson_fragmentation_question,
    answer: m.lesson_fragmentation_answer,
    rfc: [{ rfc: 6455, section: '5.4' }],
  },
  {
    id: 'control-between',
    title: m.lesson_control_between_title,
    buttons: [
      {
        label: m.lesson_control_between_button,
        actions: [{ do: 'connect' }, { do: 'fragment-next', count: 3, ping: true }, { do: 'send-text', text: m.lesson_control_between_payload }],
        pick: { direction: 'server-to-client', opcode: 0x9 },
      },
    ],
    look: { fields: ['fin', 'opcode'] },
    lookText: m.lesson_control_between_look,
    explain: m.lesson_control_between_explain,
    question: m.lesson_control_between_question,
    answer: m.lesson_control_between_answer,
    rfc: [
      { rfc: 6455, section: '5.4' },
      { rfc: 6455, section: '5.5' },
    ],
  },
  {
    id: 'ping-pong',
    title: m.lesson_ping_pong_title,
    buttons: [{ label: m.lesson_ping_pong_button, actions: [{ do: 'connect' }, { do: 'ping' }], pick: { direction: 'client-to-server', opcode: 0xa } }],
    look: { fields: ['opcode', 'payload'] },
    lookText: m.lesson_ping_pong_look,
    explain: m.lesson_ping_pong_explain,
    question: m.lesson_ping_pong_question,
    answer: m.lesson_ping_pong_answer,
    rfc: [
      { rfc: 6455, section: '5.5.2' },
      { rfc: 6455, section: '5.5.3' },
    ],
  },
  {
    id: 'closing',
    title: m.lesson_closing_title,
    buttons: [{ label: m.lesson_closing_button, actions: [{ do: 'connect' }, { do: 'close', code: 1000, reason: 'bye' }], pick: { direction: 'client-to-server', opcode: 0x8 } }],
    look: { fields: ['opcode', 'payload'] },
    lookText: m.lesson_closing_look,
    explain: m.lesson_closing_explain,
    question: m.lesson_closing_question,
    answer: m.lesson_closing_answer,
    rfc: [
      { rfc: 6455, section: '5.5.1' },
      { rfc: 6455, section: '7.4.1' },
    ],
  },
  {
    id: 'violation',
    title: m.lesson_violation_title,
    buttons: [
      { label: m.lesson_violation_button, actions: [{ do: 'connect' }, { do: 'violation', kind: 'rsv1' }], pick: { direction: 'server-to-client', broken: true } },
    ],
    look: { fields: ['rsv1'] },
    lookText: m.lesson_violation_look,
    explain: m.lesson_violation_explain,
    question: m.lesson_violation_question,
    answer: m.lesson_violation_answer,
    rfc: [
      { rfc: 6455, section: '5.2' },
      { rfc: 6455, section: '7.1.7' },
    ],
  },
  {
    id: 'tcp-reads',
    title: m.lesson_tcp_reads_title,
    buttons: [{ label: m.lesson_tcp_reads_button, actions: [{ do: 'connect' }, { do: 'send-size', size: 70_000 }], pick: { direction: 'client-to-server', payloadLength: 70_000 } }],
    look: { panel: 'tcp' },
    lookText: m.lesson_tcp_reads_look,
    explain: m.lesson_tcp_reads_explain,
    question: m.lesson_tcp_reads_question,
    answer: m.lesson_tcp_reads_answer,
    rfc: [{ rfc: 6455, section: '5.2' }],
  },
  {
    id: 'compression',
    title: m.lesson_compression_title,
    buttons: [
      {
        label: m.lesson_compression_button,
        actions: [{ do: 'connect', compression: true }, { do: 'send-text', text: 'Hello' }, { do: 'send-text', text: 'Hello' }],
        pick: { direction: 'server-to-client', opcode: 0x1 },
      },
    ],
    look: { fields: ['rsv1', 'payload'] },
    lookText: m.lesson_compression_look,
    explain: m.lesson_compression_explain,
    question: m.lesson_compression_question,
    answer: m.lesson_compression_answer,
    rfc: [
      { rfc: 7692, section: '6' },
      { rfc: 6455, section: '9.1' },
    ],
  },
  {
    id: 'summary',
    title: m.lesson_summary_title,
    buttons: [
      {
        label: m.lesson_summary_button,
        actions: [{ do: 'connect' }, { do: 'send-text', text: m.lesson_summary_payload }],
        pick: { direction: 'server-to-client', opcode: 0x1 },
      },
    ],
    look: { panel: 'sequence' },
    lookText: m.lesson_summary_look,
    explain: m.lesson_summary_explain,
    question: m.lesson_summary_question,
    answer: m.lesson_summary_answer,
    rfc: [{ rfc: 6455, section: '5' }],
  },
];

/** The panel's words: message functions, called where they are shown. */
export const LESSON_TEXT = {
  title: m.lesson_title,
  intro: m.lesson_intro,
  stepOf: (n: number, total: number) => m.lesson_step_of({ n: formatCount(n), total: formatCount(total) }),
  steps: m.lesson_steps,
  jump: (n: number, title: string, done: boolean) => (done ? m.lesson_jump_done({ n: formatCount(n), title }) : m.lesson_jump({ n: formatCount(n), title })),
  doIt: m.lesson_do_it,
  lookAt: m.lesson_look_at,
  why: m.lesson_why,
  check: m.lesson_check,
  showAnswer: m.lesson_show_answer,
  hideAnswer: m.lesson_hide_answer,
  previous: m.lesson_previous,
  next: m.lesson_next,
  restart: m.lesson_restart,
  running: m.lesson_running,
  done: m.lesson_done,
  finished: m.lesson_finished,
  progress: (done: number, total: number) => m.lesson_progress({ done: formatCount(done), total: formatCount(total) }),
  rfcLink: (rfc: number, section: string) => `RFC ${rfc} §${section}`,
  notConnected: m.lesson_not_connected,
  noFrame: m.lesson_no_frame,
} as const;
