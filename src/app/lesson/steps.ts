/**
 * The guided lesson (#/lesson): its twelve steps and every sentence the lesson panel shows, in one
 * module, so the text moves into the message catalogues (zh-CN, en) in one step. Each step says
 * what to do (buttons that drive the real playground), what to look at (fields highlighted in the
 * bit grid, or a panel), a short explanation, one question with its answer, and the RFC sections.
 * The actions are data (lesson/actions.ts carries them out); RFC words stay as the RFC spells them.
 */
import type { FieldKey } from '../../protocol';
import type { MisbehaveKind } from '../inspector/messages';

/** One thing a button does to the playground, in order. */
export type LessonAction =
  /** Connect unless open; with `compression` (default off) the page's permessage-deflate toggle first. */
  | { do: 'connect'; compression?: boolean }
  | { do: 'send-text'; text: string }
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

export interface LessonButton {
  label: string;
  actions: LessonAction[];
  pick?: FramePick;
}

/** What to look at: fields of the selected frame's grid, or a panel of the playground. */
export type Look = { fields: FieldKey[] } | { panel: 'handshake' | 'tcp' | 'timeline' | 'frames' | 'sequence' };

export interface LessonStep {
  id: string;
  title: string;
  buttons: LessonButton[];
  look: Look;
  lookText: string;
  explain: string;
  question: string;
  answer: string;
  /** RFC sections: `6455 §5.2`, `7692 §6`. */
  rfc: { rfc: 6455 | 7692; section: string }[];
}

export const LESSON_STEPS: readonly LessonStep[] = [
  {
    id: 'handshake',
    title: 'The opening handshake',
    buttons: [{ label: 'Connect', actions: [{ do: 'connect' }] }],
    look: { panel: 'handshake' },
    lookText: 'The Opening handshake panel: the browser\u2019s Sec-WebSocket-Key, then SHA-1 of key + GUID, then base64: the page recomputes Sec-WebSocket-Accept live and checks it against the server\u2019s 101.',
    explain:
      'A WebSocket starts as an HTTP GET with Upgrade: websocket. The server proves it understood by hashing the client\u2019s random key with a GUID fixed by the RFC and answering 101 Switching Protocols. From then on the same TCP connection carries frames, not HTTP.',
    question: 'Why does the server not simply answer 101 without Sec-WebSocket-Accept?',
    answer:
      'The accept value proves that the server read this very request as a WebSocket handshake: a plain HTTP server, or a cache replaying an old answer, cannot produce SHA-1(key + GUID) for a key it never saw. The browser fails the connection when the value is wrong.',
    rfc: [
      { rfc: 6455, section: '4.2.2' },
      { rfc: 6455, section: '1.3' },
    ],
  },
  {
    id: 'text-frame',
    title: 'A text frame',
    buttons: [{ label: 'Send \u201cHello\u201d', actions: [{ do: 'connect' }, { do: 'send-text', text: 'Hello' }], pick: { direction: 'server-to-client', opcode: 0x1 } }],
    look: { fields: ['fin', 'opcode', 'payload-length', 'payload'] },
    lookText: 'The server\u2019s echo in the bit grid: FIN = 1, opcode 0x1 (text), payload length 5, and the five bytes of \u201cHello\u201d.',
    explain:
      'Every message travels in frames. The first two bytes say it all: FIN (is this the last fragment?), three RSV bits, a 4-bit opcode (what kind of frame), MASK, and a 7-bit payload length. Then the payload.',
    question: 'What does opcode 0x1 tell the browser about the payload?',
    answer: 'That the message is text: its payload must be valid UTF-8, and the browser hands it to JavaScript as a string (0x2 would be binary, a Blob or ArrayBuffer).',
    rfc: [
      { rfc: 6455, section: '5.2' },
      { rfc: 6455, section: '5.6' },
    ],
  },
  {
    id: 'masking',
    title: 'Why clients mask',
    buttons: [{ label: 'Send \u201cHello\u201d', actions: [{ do: 'connect' }, { do: 'send-text', text: 'Hello' }], pick: { direction: 'client-to-server', opcode: 0x1 } }],
    look: { fields: ['mask', 'masking-key', 'payload'] },
    lookText: 'The browser\u2019s frame: MASK = 1, a 4-byte masking key, and the payload XORed with it (the walkthrough below the grid undoes it byte by byte).',
    explain:
      'Every frame from a browser is masked with a fresh random key, and no frame from a server is. The masking is not secrecy (the key travels in the frame): it keeps a script from choosing the bytes that cross the wire, so it cannot make a proxy in the middle read them as an HTTP request and cache an answer of the attacker\u2019s choice (cache poisoning).',
    question: 'Why must the browser mask, but the server not?',
    answer:
      'The attack comes from a script in a browser talking through proxies that do not understand WebSocket: the script chooses the payload, the random key keeps it from choosing the wire bytes. The server\u2019s bytes are not chosen by a hostile script, so they need no mask; a masked server frame is a protocol error.',
    rfc: [
      { rfc: 6455, section: '5.3' },
      { rfc: 6455, section: '10.3' },
    ],
  },
  {
    id: 'lengths',
    title: 'Three length forms',
    buttons: [
      { label: '5 bytes', actions: [{ do: 'connect' }, { do: 'send-size', size: 5 }], pick: { direction: 'client-to-server', payloadLength: 5 } },
      { label: '200 bytes', actions: [{ do: 'connect' }, { do: 'send-size', size: 200 }], pick: { direction: 'client-to-server', payloadLength: 200 } },
      { label: '70,000 bytes', actions: [{ do: 'connect' }, { do: 'send-size', size: 70_000 }], pick: { direction: 'client-to-server', payloadLength: 70_000 } },
    ],
    look: { fields: ['payload-length', 'extended-payload-length'] },
    lookText: 'Payload length: 5 fits in the 7 bits; 200 gives 126 and a 16-bit extended length; 70,000 gives 127 and a 64-bit extended length.',
    explain:
      'Lengths up to 125 fit in the 7-bit field. 126 means \u201cthe next 2 bytes hold the length\u201d, 127 means \u201cthe next 8 bytes do\u201d. The shortest form must be used: a 16-bit length under 126 is a protocol error.',
    question: 'How many header bytes does the browser\u2019s 70,000-byte frame have?',
    answer: '14: 2 bytes of FIN, RSV, opcode, MASK and length 127, 8 bytes of extended payload length, and 4 bytes of masking key.',
    rfc: [{ rfc: 6455, section: '5.2' }],
  },
  {
    id: 'fragmentation',
    title: 'Fragmentation',
    buttons: [
      {
        label: 'Echo the next message in 3 fragments, send \u201cfragment me\u201d',
        actions: [{ do: 'connect' }, { do: 'fragment-next', count: 3, ping: false }, { do: 'send-text', text: 'fragment me' }],
        pick: { direction: 'server-to-client', opcode: 0x1, fin: false },
      },
    ],
    look: { fields: ['fin', 'opcode'] },
    lookText: 'The first fragment: FIN = 0 and opcode 0x1; the next ones in the list: opcode 0x0 (continuation), the last with FIN = 1.',
    explain:
      'A message may be cut into fragments: the first frame carries the opcode, the others are continuation frames (opcode 0), and FIN = 1 marks the last. The browser joins them and fires one message event.',
    question: 'How does the browser know that continuation frames belong to a text message?',
    answer: 'From the first fragment\u2019s opcode (0x1): continuation frames carry opcode 0 and only continue the message that is open; the text is checked as UTF-8 across all of them.',
    rfc: [{ rfc: 6455, section: '5.4' }],
  },
  {
    id: 'control-between',
    title: 'Control frames between fragments',
    buttons: [
      {
        label: 'Fragment the next echo with a ping between, send \u201cinterrupted\u201d',
        actions: [{ do: 'connect' }, { do: 'fragment-next', count: 3, ping: true }, { do: 'send-text', text: 'interrupted' }],
        pick: { direction: 'server-to-client', opcode: 0x9 },
      },
    ],
    look: { fields: ['fin', 'opcode'] },
    lookText: 'The ping between the first fragment (FIN = 0) and the continuation frames: opcode 0x9, FIN = 1. In the list and the sequence diagram it sits in the middle of the message.',
    explain:
      'Control frames (close, ping, pong) may come in the middle of a fragmented message, so a long message never holds up a ping or a close. They are never fragmented themselves, and carry at most 125 bytes.',
    question: 'A ping may come between two fragments. May a text frame of another message?',
    answer: 'No: only control frames may be injected. Fragments of two data messages may not interleave (unless an extension says so); the browser would fail the connection with 1002.',
    rfc: [
      { rfc: 6455, section: '5.4' },
      { rfc: 6455, section: '5.5' },
    ],
  },
  {
    id: 'ping-pong',
    title: 'Ping and pong',
    buttons: [{ label: 'Ask the server to ping', actions: [{ do: 'connect' }, { do: 'ping' }], pick: { direction: 'client-to-server', opcode: 0xa } }],
    look: { fields: ['opcode', 'payload'] },
    lookText: 'The browser\u2019s pong: opcode 0xA, the same payload as the ping, masked like every client frame.',
    explain:
      'A ping asks \u201care you there?\u201d; the other side must answer with a pong carrying the same payload. Servers use it to find dead connections. JavaScript never sees pings or pongs: the browser answers by itself.',
    question: 'Who answered the ping: your page\u2019s JavaScript or the browser?',
    answer: 'The browser itself. The WebSocket API has no ping or pong events; only the inspector tap on the server shows that the pong was sent.',
    rfc: [
      { rfc: 6455, section: '5.5.2' },
      { rfc: 6455, section: '5.5.3' },
    ],
  },
  {
    id: 'closing',
    title: 'The closing handshake',
    buttons: [{ label: 'Close with 1000 \u201cbye\u201d', actions: [{ do: 'connect' }, { do: 'close', code: 1000, reason: 'bye' }], pick: { direction: 'client-to-server', opcode: 0x8 } }],
    look: { fields: ['opcode', 'payload'] },
    lookText: 'The browser\u2019s close frame: opcode 0x8, a payload that starts with the status code (03 e8 = 1000) followed by the reason in UTF-8; then the server\u2019s close frame and the timeline\u2019s CLOSING \u2192 CLOSED.',
    explain:
      'Either side sends a close frame with a status code and a reason; the other answers with its own close frame; then the server closes TCP. The close event says the code and wasClean = true.',
    question: 'Why is 1006 never seen inside a close frame?',
    answer: '1006 is reserved for \u201cthe connection closed without a close frame\u201d: an endpoint may not send it, only report it (the browser\u2019s close event does, after a failure or a lost connection).',
    rfc: [
      { rfc: 6455, section: '5.5.1' },
      { rfc: 6455, section: '7.4.1' },
    ],
  },
  {
    id: 'violation',
    title: 'A protocol violation',
    buttons: [
      { label: 'Reconnect, then the server sets RSV1', actions: [{ do: 'connect' }, { do: 'violation', kind: 'rsv1' }], pick: { direction: 'server-to-client', broken: true } },
    ],
    look: { fields: ['rsv1'] },
    lookText: 'The server\u2019s frame with RSV1 = 1 (marked in red), then the timeline: error, close 1006, wasClean false.',
    explain:
      'RSV1 means something only if an extension was negotiated; none was. The browser must fail the connection: it drops TCP, fires error, then close with code 1006. JavaScript is never told which rule broke; the server\u2019s tap shows it.',
    question: 'The rule broken asks for close code 1002. Why does the page see 1006?',
    answer: 'Failing the connection means closing TCP; whatever was or was not sent, the close event reports 1006 (no close frame received) and wasClean = false, so a script cannot learn the details of the failure.',
    rfc: [
      { rfc: 6455, section: '5.2' },
      { rfc: 6455, section: '7.1.7' },
    ],
  },
  {
    id: 'tcp-reads',
    title: 'One read is not one frame',
    buttons: [{ label: 'Send 70,000 bytes', actions: [{ do: 'connect' }, { do: 'send-size', size: 70_000 }], pick: { direction: 'client-to-server', payloadLength: 70_000 } }],
    look: { panel: 'tcp' },
    lookText: 'TCP reads on the server: this one frame arrived in several reads (and in the sequence diagram, its arrow has several brackets). Small frames sent together may arrive in one read.',
    explain:
      'TCP delivers a stream of bytes, not messages: one recv() may return half a frame, or three frames and the start of a fourth. A server must buffer and parse; it can never assume one read is one frame.',
    question: 'A PHP server calls socket_read($s, 2048) once and decodes that as one frame. What goes wrong?',
    answer: 'Frames over 2,048 bytes are cut and the rest is taken for a new frame (garbage); two small frames in one read lose the second. Both happen under load, never in a quick test.',
    rfc: [{ rfc: 6455, section: '5.2' }],
  },
  {
    id: 'compression',
    title: 'Compression (permessage-deflate)',
    buttons: [
      {
        label: 'Turn compression on, send \u201cHello\u201d twice',
        actions: [{ do: 'connect', compression: true }, { do: 'send-text', text: 'Hello' }, { do: 'send-text', text: 'Hello' }],
        pick: { direction: 'server-to-client', opcode: 0x1 },
      },
    ],
    look: { fields: ['rsv1', 'payload'] },
    lookText:
      'The server\u2019s second \u201cHello\u201d: RSV1 = 1 (compressed) and a payload of DEFLATE bytes; the handshake panel shows the browser\u2019s offer of permessage-deflate and the 101 that accepts it.',
    explain:
      'Extensions are offered in the handshake and used only when the server accepts them. Browsers always offer permessage-deflate; this server accepts it when the page asks (the compression toggle, /echo?deflate) and declines it otherwise, so that payloads stay readable. A compressed message has RSV1 set on its first frame; with the window kept between messages, the second \u201cHello\u201d is shorter than the first.',
    question: 'Why is RSV1 set on the first frame of a compressed message only?',
    answer:
      'RSV1 is the \u201cPer-Message Compressed\u201d bit: it says that the whole message, all its fragments together, is compressed. Continuation frames carry RSV1 = 0; one with RSV1 set is a protocol error (1002).',
    rfc: [
      { rfc: 7692, section: '6' },
      { rfc: 6455, section: '9.1' },
    ],
  },
  {
    id: 'summary',
    title: 'The whole conversation',
    buttons: [
      {
        label: 'Compression off, send \u201cThank you\u201d',
        actions: [{ do: 'connect' }, { do: 'send-text', text: 'Thank you' }],
        pick: { direction: 'server-to-client', opcode: 0x1 },
      },
    ],
    look: { panel: 'sequence' },
    lookText: 'The sequence diagram beside the frame list: every handshake, frame, ping and close of this lesson in order, the reads as brackets, the violation in red. Export it as SVG for your notes.',
    explain:
      'Everything the lesson showed is in one picture: HTTP upgrade, frames both ways, control frames, closes and a failure. Select any arrow to see its bits again.',
    question: 'In the diagram, which frames are masked, and why all of those?',
    answer: 'Every arrow from the browser to the server: a client masks every frame, control frames included; no arrow from the server is masked.',
    rfc: [{ rfc: 6455, section: '5' }],
  },
];

/** The panel's words. */
export const LESSON_TEXT = {
  title: 'Lesson',
  intro: 'Twelve steps through RFC 6455 on the real playground beside this panel.',
  stepOf: (n: number, total: number) => `Step ${n} of ${total}`,
  steps: 'Steps',
  jump: (n: number, title: string, done: boolean) => `Step ${n}: ${title}${done ? ' (done)' : ''}`,
  doIt: 'Do it',
  lookAt: 'Look at',
  why: 'Why',
  check: 'Check yourself',
  showAnswer: 'Show the answer',
  hideAnswer: 'Hide the answer',
  previous: 'Previous step',
  next: 'Next step',
  finish: 'Finish',
  restart: 'Start over',
  running: 'Working\u2026',
  done: 'Done.',
  finished: 'Lesson complete: every step done.',
  progress: (done: number, total: number) => `${done} of ${total} steps done`,
  rfcLink: (rfc: number, section: string) => `RFC ${rfc} §${section}`,
  notConnected: 'The playground could not connect: is this page served by the Framescope server?',
  noFrame: 'Done, but the frame to show did not arrive in time: pick it in the list.',
} as const;
