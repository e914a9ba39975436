/**
 * Every sentence of the class view (the teacher's page, `#/class`) and of the student's name field,
 * in one module, so they move into the message catalogues (zh-CN, en) in one step. Functions take
 * the values a sentence needs; numbers are formatted by the caller's locale helper.
 */
import { formatCount } from '../components/format';

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

export const CLASS_TEXT = {
  title: 'The class',
  intro: 'Every student\u2019s connection on this server, by name, and a demonstration for all of them at once.',
  checking: 'Asking the server for the class\u2026',
  // The refusals (the server answered 403, or there is no server).
  teacherOnlyTitle: 'This page is for the teacher only (403 Forbidden)',
  teacherOnlyText:
    'The class view shows every student\u2019s traffic, so the server asks for the teacher\u2019s token. Open the teacher link the server printed when it started (it ends in #/class?teacher=\u2026).',
  teacherOnlyStudent: 'Are you a student? Your own frames are on the playground.',
  goPlayground: 'Go to the playground',
  notClassTitle: 'The server is not in class mode (403 Forbidden)',
  notClassText: 'Without class mode each page sees only its own connections, so students\u2019 frames stay private.',
  notClassFix: 'Start the server with `npm start -- --class` (after `npm run build`), or `FRAMESCOPE_CLASS=1 npm run dev`, and open the teacher link it prints.',
  noServerTitle: 'No Framescope server here (404)',
  noServerText: 'This page comes from a plain file host, which has no class to show.',
  noServerFix: 'Start the server with `npm start -- --class` (after `npm run build`) and open the teacher link it prints.',
  socketRefusedTitle: 'The server did not let the class view in',
  socketRefusedText: 'It may be at its connection limit, or shutting down, or restarted with another token.',
  closedText: 'The class view closed: the server stopped or restarted. Press Try again to watch again.',
  tryAgain: 'Try again',
  toFix: 'To fix it:',
  forgetToken: 'Forget the token on this tab',
  // Joining.
  joinTitle: 'Students join here',
  joinHelp: 'Scan the code, or type the address in a browser on the classroom network.',
  joinQr: (url: string) => `QR code for ${url}`,
  notReachable: 'Students on other machines cannot reach this address.',
  // Status.
  watching: (students: number, open: number) => `Watching the class: ${plural(students, 'student', 'students')}, ${plural(open, 'connection', 'connections')} open.`,
  connecting: 'Opening the class view\u2026',
  notWatching: 'Not watching: the connection to the server closed.',
  // The roster.
  rosterTitle: 'Students',
  rosterEmpty: 'No student yet: when a student opens the playground and connects, they appear here.',
  colStudent: 'Student',
  colPages: 'Page',
  colConnections: 'Connections',
  colFrames: 'Frames in / out',
  colReaction: 'Reaction',
  colActions: 'Show',
  studentN: (n: number) => `student ${n}`,
  noPage: (peer: string) => `no page (${peer})`,
  nameSource: { nickname: 'chat nickname', name: 'typed name', none: 'no name given' },
  pageOnline: 'open',
  pageOffline: 'closed',
  connectionsCell: (open: number, total: number) => `${formatCount(open)} open / ${formatCount(total)}`,
  framesCell: (inCount: number, outCount: number) => `${formatCount(inCount)} / ${formatCount(outCount)}`,
  onlyThis: (name: string) => `Show only ${name}`,
  fullScreen: (name: string) => `${name} full screen`,
  fullScreenShort: 'Full screen',
  onlyShort: 'Only',
  showing: (name: string) => `Showing ${name}\u2019s frames only.`,
  showAll: 'Show everyone',
  // Frames.
  framesTitle: 'Frames of the whole class',
  framesOf: (name: string) => `Frames of ${name}`,
  framesListed: (listed: number, kept: number, capacity: number) =>
    `${plural(listed, 'frame', 'frames')} listed (${formatCount(kept)} / ${formatCount(capacity)} kept)`,
  dropped: (n: number) => `${formatCount(n)} not sent by the server (too many per second for the page; the echo was not slowed)`,
  follow: 'Follow newest',
  clear: 'Clear',
  selectedTitle: (connection: number, who: string) => `Selected frame: connection #${connection}, ${who}`,
  selectHint: 'Select a frame in the list to see its bits, its masking and its payload.',
  truncated: (shown: number, size: number) => `The tap reported the first ${formatCount(shown)} of ${formatCount(size)} bytes of this frame.`,
  // The full-screen view.
  closeFullScreen: 'Close',
  fullScreenTitle: (name: string) => `${name}\u2019s traffic`,
  // Broadcast.
  demoTitle: 'Show the whole class',
  demoHelp: 'One demonstration to every student\u2019s open playground connection (/echo) at once; each row above shows how that browser reacted.',
  demoPing: 'Ping everyone',
  demoFragment: 'Fragment everyone\u2019s next echo',
  demoFragmentCount: 'Fragments',
  demoFragmentPing: 'with a ping between',
  demoViolation: 'Send a violation',
  demoViolationKind: 'Violation',
  demoSent: (count: number, skipped: number) =>
    count === 0 ? 'No open playground connection to send to: ask the students to press Connect.' : `Sent to ${plural(count, 'connection', 'connections')}${skipped > 0 ? ` (${formatCount(skipped)} skipped)` : ''}.`,
  demoFailed: (message: string) => `The server could not do that: ${message}`,
  // Reactions.
  reaction: {
    none: '',
    waiting: 'waiting\u2026',
    notTargeted: 'not sent (no open playground connection)',
    pingSent: 'ping sent, no pong yet',
    pong: (ms: string) => `pong after ${ms}`,
    fragmentWaiting: 'armed: the next message the student sends comes back in fragments',
    fragments: (n: number, withPing: boolean) => `echo in ${formatCount(n)} fragments${withPing ? ' with a ping between' : ''}, reassembled: still open`,
    violationSent: 'violation sent, waiting for the browser',
    failed: (code: number, clean: boolean) =>
      code === 1006 || !clean ? `failed the connection: closed ${code}, no clean close` : `closed the connection with ${code}`,
    closeFrame: (code: number | null) => `sent a close frame${code === null ? '' : ` (${code})`} and closed`,
    closed: (code: number) => `closed ${code} before reacting`,
  },
} as const;

/** The student's name field on the playground (class mode). */
export const NAME_TEXT = {
  label: 'Your name for the class',
  help: 'Your teacher sees your connections under this name. It stays on this browser.',
  save: 'Save',
  saved: (name: string) => `Saved: your teacher sees you as ${name}.`,
  cleared: 'Name removed: your teacher sees you as \u201cstudent N\u201d.',
  tooLong: (max: number) => `A name has at most ${max} characters.`,
  sentLater: 'Saved; your teacher sees it when you connect.',
} as const;
