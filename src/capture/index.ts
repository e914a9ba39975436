/**
 * Captures: pcap and pcapng read, pcapng written, TCP streams followed, WebSocket connections
 * found in them; and Framescope's own JSON capture format. Pure TypeScript over Uint8Array, held
 * to src/protocol's rules (ESLint enforces them): bytes in, bytes out, no I/O, no clocks.
 */
export { CaptureImporter, importCapture, type ImportOptions } from './importer.ts';
export type {
  CaptureReport,
  Direction,
  Handshake,
  ImportedConnection,
  ImportedFault,
  ImportedFrame,
  ImportedMessage,
  ImportProgress,
  StreamEnd,
} from './report.ts';
export type { CaptureProblem, PacketRecord, ProblemCode } from './packet.ts';
export { LinkType, linkTypeName } from './packet.ts';
export { CaptureFileReader, detectFormat, type CaptureFormat } from './file-reader.ts';
export { decodePacket, endpointText, type Endpoint, type TcpSegment } from './decode-packet.ts';
export { acceptedDeflate, type DeflateParameters, type InflaterFactory, type InflaterOptions, type MessageInflater } from './deflate.ts';
export type { FollowOptions } from './websocket-follow.ts';

export {
  CAPTURE_FORMAT,
  CAPTURE_VERSION,
  requestHead,
  wallOf,
  type CaptureConnection,
  type CaptureEvent,
  type CaptureFile,
  type ClosedEvent,
  type DroppedEvent,
  type FaultEvent,
  type FrameEvent,
  type ReadEvent,
  type SocketErrorEvent,
} from './format.ts';
export { parseCapture, serializeCapture, type CaptureFormatError, type ParseCaptureResult } from './format-read.ts';
export { CaptureRecorder, type CaptureMeta } from './recorder.ts';
export { inspectorMessages } from './replay.ts';
export { reportFromCapture } from './json-import.ts';

export { captureToPcapng, capturePackets, connectionPackets } from './to-pcapng.ts';
export { PcapngWriter, writePcapng, type PcapngPacket, type PcapngWriterOptions } from './pcapng-write.ts';
export { TcpConversation, MAX_SEGMENT, type SynthPacket, type Side } from './tcp-synth.ts';
export { buildTcpPacket, checksum } from './packet-write.ts';
export { wireBytes } from './wire-bytes.ts';
