/**
 * Wireshark's dissector on a pcapng, frame by frame, next to the codec's: `tshark -d
 * tcp.port==PORT,http -T json -x` read into the WebSocket fields both sides share (FIN, RSV,
 * opcode, MASK, payload length and its form, masking key, unmasked payload), per client port and
 * direction. For tests that check a file Framescope wrote (tests/e2e/captures.test.ts).
 */
import { spawnSync } from 'node:child_process';
import type { Frame } from '../../src/protocol';

export type Json = Record<string, unknown>;
export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export interface Decoded {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payloadLength: number;
  lengthForm: number;
  maskingKey: string | null;
  payload: string;
}

export function fromCodec(f: Frame): Decoded {
  return {
    fin: f.fin,
    rsv: (f.rsv1 ? 4 : 0) | (f.rsv2 ? 2 : 0) | (f.rsv3 ? 1 : 0),
    opcode: f.opcode,
    masked: f.masked,
    payloadLength: f.payloadLength,
    lengthForm: f.lengthForm,
    maskingKey: f.maskingKey ? Buffer.from(f.maskingKey).toString('hex') : null,
    payload: Buffer.from(f.payload).toString('hex'),
  };
}

export function fromTshark(ws: Json): Decoded {
  const str = (k: string): string => String(ws[k] ?? '');
  const len7 = Number(str('websocket.payload_length'));
  const payloadLength = len7 === 126 ? Number(str('websocket.payload_length_ext_16')) : len7 === 127 ? Number(str('websocket.payload_length_ext_64')) : len7;
  const raw = ws['websocket.payload_raw'] as [string, ...unknown[]] | undefined;
  return {
    fin: str('websocket.fin') === '1',
    rsv: Number(str('websocket.rsv')),
    opcode: Number(str('websocket.opcode')),
    masked: str('websocket.mask') === '1',
    payloadLength,
    lengthForm: len7 === 126 ? 16 : len7 === 127 ? 64 : 7,
    maskingKey: ws['websocket.masking_key'] === undefined ? null : str('websocket.masking_key').replace(/:/g, '').toLowerCase(),
    payload: raw ? raw[0].toLowerCase() : '',
  };
}

/** tshark's layers for each packet of `file`, with `port` dissected as HTTP (so WebSocket follows the upgrade) and checksums checked. */
export function tsharkPackets(file: string, port: number): Json[] {
  const out = spawnSync(
    'tshark',
    ['-r', file, '-d', `tcp.port==${port},http`, '-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-T', 'json', '--no-duplicate-keys', '-x'],
    { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 },
  );
  if (out.status !== 0) throw new Error(`tshark -r failed: ${out.stderr}`);
  return (JSON.parse(out.stdout) as { _source: { layers: Json } }[]).map((p) => p._source.layers);
}

/** tshark's WebSocket frames, keyed "CLIENTPORT c2s" / "CLIENTPORT s2c". */
export function tsharkFrames(packets: readonly Json[], port: number): Map<string, Decoded[]> {
  const out = new Map<string, Decoded[]>();
  for (const layers of packets) {
    const tcp = layers.tcp as Json | undefined;
    if (!tcp) continue;
    const src = Number(tcp['tcp.srcport']);
    const dst = Number(tcp['tcp.dstport']);
    for (const ws of list(layers.websocket as Json | Json[] | undefined)) {
      const id = src === port ? `${dst} s2c` : `${src} c2s`;
      out.set(id, [...(out.get(id) ?? []), fromTshark(ws)]);
    }
  }
  return out;
}

/** Every expert item of warning level or above, and every malformed marker: [severity, message]. */
export function problems(node: unknown, out: [number, string][] = []): [number, string][] {
  const PI_WARN = 0x00600000;
  if (Array.isArray(node)) {
    for (const x of node) problems(x, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Json)) {
      if (k.startsWith('_ws.malformed')) out.push([0x00800000, `malformed: ${JSON.stringify(v)}`]);
      if (k === '_ws.expert') {
        for (const e of list(v as Json | Json[])) {
          const severity = Number(e['_ws.expert.severity']);
          if (severity >= PI_WARN) out.push([severity, String(e['_ws.expert.message'])]);
        }
      }
      problems(v, out);
    }
  }
  return out;
}
