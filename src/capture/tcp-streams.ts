/**
 * The TCP connections in a capture, told apart by their addresses and ports, each with its two
 * directions reassembled (tcp-reassembly.ts). The client is the side that sent the SYN; when the
 * capture began after the SYN, the side with the higher port (an ephemeral one) is taken for it.
 * A new SYN on the same addresses and ports after the old connection ended starts a new one.
 */
import { TcpFlag, type Endpoint, type TcpSegment } from './decode-packet.ts';
import { StreamReassembler, type StreamSink } from './tcp-reassembly.ts';

export type Direction = 'c2s' | 's2c';

/** What follows one connection: it receives both directions' bytes in order. */
export interface ConnectionHandler {
  readonly c2s: StreamSink;
  readonly s2c: StreamSink;
  /** False once the handler has seen enough (not a WebSocket): the bytes are no longer copied. */
  readonly wantsData: boolean;
}

export interface ConnectionStart {
  client: Endpoint;
  server: Endpoint;
  /** Time of the first packet seen. */
  time: number;
  /** Did the capture hold the client's SYN? */
  sawSyn: boolean;
}

export type HandlerFactory = (start: ConnectionStart) => ConnectionHandler;

interface Tracked {
  client: Endpoint;
  server: Endpoint;
  handler: ConnectionHandler;
  c2s: StreamReassembler;
  s2c: StreamReassembler;
  /** The client's initial sequence number, when its SYN was seen. */
  clientIsn: number | null;
}

export class TcpConnections {
  readonly #factory: HandlerFactory;
  readonly #open = new Map<string, Tracked>();
  #count = 0;

  constructor(factory: HandlerFactory) {
    this.#factory = factory;
  }

  /** Connections seen so far. */
  get count(): number {
    return this.#count;
  }

  segment(seg: TcpSegment, time: number, packet: number, fileOffset: number): void {
    const key = connectionKey(seg.src, seg.dst);
    const syn = (seg.flags & TcpFlag.SYN) !== 0;
    const ack = (seg.flags & TcpFlag.ACK) !== 0;
    let conn = this.#open.get(key);
    const newSyn = conn !== undefined && syn && !ack && conn.clientIsn !== seg.seq &&
      (conn.clientIsn !== null || (conn.c2s.done && conn.s2c.done));
    if (conn !== undefined && newSyn) {
      // The same ports again: a new connection (the old one ended, or was abandoned).
      this.#close(key, conn);
      conn = undefined;
    }
    if (conn === undefined) conn = this.#start(key, seg, time);
    const fromClient = sameEndpoint(seg.src, conn.client);
    if (syn && !ack && fromClient && conn.clientIsn === null) conn.clientIsn = seg.seq;
    const stream = fromClient ? conn.c2s : conn.s2c;
    if ((seg.flags & TcpFlag.RST) !== 0) {
      conn.c2s.reset();
      conn.s2c.reset();
      return;
    }
    const wants = conn.handler.wantsData;
    stream.segment({
      seq: seg.seq,
      syn,
      fin: (seg.flags & TcpFlag.FIN) !== 0,
      payload: wants ? seg.payload : EMPTY,
      payloadLength: wants ? seg.payloadLength : 0,
      time,
      packet,
      fileOffset,
    });
  }

  /** The capture is over: every stream still open ends here. */
  finish(): void {
    for (const [key, conn] of this.#open) this.#close(key, conn);
  }

  #start(key: string, seg: TcpSegment, time: number): Tracked {
    const syn = (seg.flags & TcpFlag.SYN) !== 0;
    const ack = (seg.flags & TcpFlag.ACK) !== 0;
    let client = seg.src;
    let server = seg.dst;
    if (syn && ack) [client, server] = [seg.dst, seg.src];
    else if (!syn && seg.src.port < seg.dst.port) [client, server] = [seg.dst, seg.src];
    const handler = this.#factory({ client, server, time, sawSyn: syn && !ack });
    const tracked: Tracked = {
      client,
      server,
      handler,
      c2s: new StreamReassembler(handler.c2s),
      s2c: new StreamReassembler(handler.s2c),
      clientIsn: null,
    };
    this.#open.set(key, tracked);
    this.#count++;
    return tracked;
  }

  #close(key: string, conn: Tracked): void {
    conn.c2s.finish();
    conn.s2c.finish();
    this.#open.delete(key);
  }
}

const EMPTY = new Uint8Array(0);

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.port === b.port && a.address === b.address;
}

/** The same key for both directions. */
function connectionKey(a: Endpoint, b: Endpoint): string {
  const x = `${a.address}/${a.port}`;
  const y = `${b.address}/${b.port}`;
  return x < y ? `${x} ${y}` : `${y} ${x}`;
}
