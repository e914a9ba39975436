/**
 * A capture as the files a user downloads: our JSON (docs/capture-format.md), which the page reads
 * back, and pcapng, which Wireshark and tshark open. The browser's download is the only I/O here.
 */
import { captureToPcapng, serializeCapture, type CaptureFile } from '../../capture';

export type SaveFormat = 'json' | 'pcapng';

export const FORMATS: Record<SaveFormat, { extension: string; type: string }> = {
  json: { extension: 'json', type: 'application/json' },
  pcapng: { extension: 'pcapng', type: 'application/x-pcapng' },
};

/** A name for a capture made now: "Playground, 2026-12-08 14:03". */
export function defaultName(source: string, at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${source}, ${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A file name from a capture's name: letters, digits and dashes only ("playground-2026-12-08-14-03.pcapng"). */
export function fileName(name: string, format: SaveFormat): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${slug || 'framescope-capture'}.${FORMATS[format].extension}`;
}

/** The bytes of the file in `format`. */
export function captureBytes(capture: CaptureFile, format: SaveFormat): Uint8Array {
  return format === 'json' ? new TextEncoder().encode(serializeCapture(capture)) : captureToPcapng(capture);
}

/** Hands `bytes` to the browser as a download named `name`. */
export function download(bytes: Uint8Array, name: string, type: string): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Chromium reads the blob after click() returns: let it go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves `capture` as a file in `format`; returns the file's name and size. */
export function downloadCapture(capture: CaptureFile, format: SaveFormat): { name: string; size: number } {
  const bytes = captureBytes(capture, format);
  const name = fileName(capture.name ?? 'framescope-capture', format);
  download(bytes, name, FORMATS[format].type);
  return { name, size: bytes.length };
}

/** The server's "address:port" as a capture wants it, when the page's own host is an IP address; else null. */
export function serverAddress(host: string): string | null {
  if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(host) || /^\[[0-9a-fA-F:.]+\]:\d+$/.test(host)) return host;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return `${host}:80`;
  return null;
}
