/**
 * The class view's sentences (the teacher's page, `#/class`, and the student's name field), as
 * message functions from the catalogues (messages/<locale>/class.json): each is called where it is
 * shown, so the page follows the language switch. Functions take the values a sentence needs;
 * numbers are formatted here for the page's language.
 */
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';

const students = (n: number): string => m.class_students({ count: n, shown: formatCount(n) });
const connections = (n: number): string => m.class_connections({ count: n, shown: formatCount(n) });

export const CLASS_TEXT = {
  title: m.class_title,
  intro: m.class_intro,
  checking: m.class_checking,
  // The refusals (the server answered 403, or there is no server).
  teacherOnlyTitle: m.class_teacher_only_title,
  teacherOnlyText: m.class_teacher_only_text,
  teacherOnlyStudent: m.class_teacher_only_student,
  goPlayground: m.class_go_playground,
  notClassTitle: m.class_not_class_title,
  notClassText: m.class_not_class_text,
  notClassFix: m.class_not_class_fix,
  noServerTitle: m.class_no_server_title,
  noServerText: m.class_no_server_text,
  noServerFix: m.class_no_server_fix,
  socketRefused: m.class_socket_refused,
  closedText: m.class_closed_text,
  tryAgain: m.class_try_again,
  toFix: m.class_to_fix,
  forgetToken: m.class_forget_token,
  // Joining.
  joinTitle: m.class_join_title,
  joinHelp: m.class_join_help,
  joinQr: (url: string) => m.class_join_qr({ url }),
  notReachable: m.class_not_reachable,
  hintLoopback: m.class_hint_loopback,
  hintNoAddress: m.class_hint_no_address,
  // Status.
  watching: (studentCount: number, open: number) => m.class_watching({ students: students(studentCount), connections: connections(open) }),
  connecting: m.class_connecting,
  notWatching: m.class_not_watching,
  // The roster.
  rosterTitle: m.class_roster_title,
  rosterEmpty: m.class_roster_empty,
  rosterNoneHere: m.class_roster_none_here,
  leftTitle: (n: number) => m.class_left_title({ count: formatCount(n) }),
  leftHelp: m.class_left_help,
  leftTable: m.class_left_table,
  colStudent: m.class_col_student,
  colConnections: m.class_col_connections,
  colFrames: m.class_col_frames,
  colReaction: m.class_col_reaction,
  colActions: m.class_col_actions,
  studentN: (n: number) => m.class_student_n({ n: formatCount(n) }),
  noPage: (peer: string) => m.class_no_page({ peer }),
  nameSource: { nickname: m.class_source_nickname, name: m.class_source_name, none: m.class_source_none },
  pageOnline: m.class_page_online,
  pageOffline: m.class_page_offline,
  connectionsCell: (open: number, total: number) => m.class_connections_cell({ open: formatCount(open), total: formatCount(total) }),
  /** "12 / 14"; "12 / 14 reported" when the server did not send this page every report (the counts are of those it did). */
  framesCell: (inCount: number, outCount: number, reported = false) =>
    reported ? m.class_frames_cell_reported({ in: formatCount(inCount), out: formatCount(outCount) }) : `${formatCount(inCount)} / ${formatCount(outCount)}`,
  onlyThis: (name: string) => m.class_only_this({ name }),
  fullScreen: (name: string) => m.class_full_screen({ name }),
  fullScreenShort: m.class_full_screen_short,
  onlyShort: m.class_only_short,
  showing: (name: string) => m.class_showing({ name }),
  showAll: m.class_show_all,
  // Frames.
  framesTitle: m.class_frames_title,
  framesOf: (name: string) => m.class_frames_of({ name }),
  framesListed: (listed: number, kept: number, capacity: number) =>
    m.class_frames_listed({ frames: m.class_frames({ count: listed, shown: formatCount(listed) }), kept: formatCount(kept), capacity: formatCount(capacity) }),
  dropped: (n: number) => m.class_dropped({ count: formatCount(n) }),
  follow: m.class_follow,
  clear: m.class_clear,
  selectedTitle: (connection: number, who: string) => m.class_selected_title({ connection, who }),
  selectHint: m.class_select_hint,
  truncated: (shown: number, size: number) => m.class_truncated({ shown: formatCount(shown), size: formatCount(size) }),
  keptHint: m.class_kept_hint,
  contextWholeClass: m.class_context_whole_class,
  contextFullScreen: m.class_context_full_screen,
  // The full-screen view.
  closeFullScreen: m.class_close_full_screen,
  fullScreenTitle: (name: string) => m.class_full_screen_title({ name }),
  // Broadcast.
  demoTitle: m.class_demo_title,
  demoHelp: m.class_demo_help,
  demoPing: m.class_demo_ping,
  demoPingPayload: m.class_demo_ping_payload,
  demoFragment: m.class_demo_fragment,
  demoFragmentCount: m.class_demo_fragment_count,
  demoFragmentPing: m.class_demo_fragment_ping,
  demoViolation: m.class_demo_violation,
  demoViolationKind: m.class_demo_violation_kind,
  demoSent: (count: number, skipped: number) =>
    count === 0
      ? m.class_demo_none()
      : skipped > 0
        ? m.class_demo_sent_skipped({ connections: connections(count), skipped: formatCount(skipped) })
        : m.class_demo_sent({ connections: connections(count) }),
  demoPingTiming: m.class_demo_ping_timing,
  demoFailed: (message: string) => m.class_demo_failed({ message }),
  // Reactions.
  reaction: {
    waiting: m.class_reaction_waiting,
    notTargeted: m.class_reaction_not_targeted,
    pingSent: m.class_reaction_ping_sent,
    pong: (ms: string) => m.class_reaction_pong({ ms }),
    fragmentWaiting: m.class_reaction_fragment_waiting,
    fragments: (n: number, withPing: boolean) =>
      withPing ? m.class_reaction_fragments_ping({ count: formatCount(n) }) : m.class_reaction_fragments({ count: formatCount(n) }),
    violationSent: m.class_reaction_violation_sent,
    failed: (code: number, clean: boolean) => (code === 1006 || !clean ? m.class_reaction_failed({ code }) : m.class_reaction_closed_with({ code })),
    closeFrame: (code: number | null) => (code === null ? m.class_reaction_close_frame() : m.class_reaction_close_frame_code({ code })),
    closed: (code: number) => m.class_reaction_closed({ code }),
  },
  noSession: m.class_no_session,
} as const;

/** The student's name field on the playground (class mode). */
export const NAME_TEXT = {
  label: m.class_name_label,
  help: m.class_name_help,
  save: m.class_name_save,
  saved: (name: string) => m.class_name_saved({ name }),
  cleared: m.class_name_cleared,
  tooLong: (max: number) => m.class_name_too_long({ max: formatCount(max) }),
  sentLater: m.class_name_sent_later,
} as const;
