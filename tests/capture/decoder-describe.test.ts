/** A broken or wrong capture file says what and where, in English (as the importer words it) and in Chinese. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '../../src/paraglide/runtime.js';
import { endText, failureText, formatText, noteText, problemText } from '../../src/app/decoder/capture/describe';
import { CaptureSession } from '../../src/app/decoder/capture/session';

afterEach(() => overwriteGetLocale(() => 'en'));

function summaryOf(bytes: Uint8Array, name = 'x.pcapng') {
  const session = new CaptureSession(name, bytes.length);
  session.push(bytes);
  return session.finish();
}

const ECHO = new Uint8Array(readFileSync('tests/fixtures/captures/echo-lo.pcapng'));
const WORDS = { truncated: 'The file is cut short', corrupt: 'The file is damaged', 'payload-missing': 'Bytes are missing', unrecognized: 'This is not a capture file this page reads' };

describe('capture problems', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /^这不是本页面能读取的抓包文件：文件是空的。$/],
    ['a 3-byte file', new Uint8Array([1, 2, 3]), /^这不是本页面能读取的抓包文件（位于文件的字节偏移 0）：文件只有 3 字节：太短了，不可能是抓包文件。$/],
    ['a text file', new TextEncoder().encode('hello, this is not a capture'), /^这不是本页面能读取的抓包文件（位于文件的字节偏移 0）：它既不是 pcap 或 pcapng/],
    ['a gzip file', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), /：它是 gzip 压缩文件，请先解压/],
    ['a pcapng cut short', ECHO.subarray(0, ECHO.length - 50), /^文件被截断了（位于文件的字节偏移 [\d,]+）：文件在第 [\d,]+ 个块中间结束了：块头声明有 [\d,]+ 字节，实际只有 [\d,]+ 字节。$/],
  ];
  for (const [what, bytes, zh] of cases) {
    it(`${what}: the importer's words in English, Chinese with the same place`, () => {
      const summary = summaryOf(bytes);
      const problem = summary.error!;
      expect(problem).toBeTruthy();
      const where = problem.atByte !== undefined ? ` at byte ${problem.atByte.toLocaleString('en-US')}` : '';
      // The page says "not a capture file" once: the importer's own words for it are not repeated after it.
      const detail = problem.message.replace(/^this is not a capture file this reader knows: /, '');
      expect(problemText(problem)).toBe(`${WORDS[problem.code]}${where}: ${detail}.`.replace(/\.\.$/, '.'));
      if (problem.code === 'unrecognized') expect(problemText(problem).match(/not a capture file/g)).toHaveLength(1);
      overwriteGetLocale(() => 'zh-CN');
      expect(problemText(problem)).toMatch(zh);
    });
  }

  it('describes a whole capture, its streams and a stopped read in Chinese', () => {
    const summary = summaryOf(ECHO, 'echo-lo.pcapng');
    const english = formatText(summary);
    expect(english).toMatch(/^pcapng \(\w+\), [\d.]+ KiB, \d+ packets: 1 WebSocket connection\.$/);
    for (const note of ['1 packet was not TCP (udp: 1)', '3 IP fragments were not reassembled', '2 TCP connections carried TLS (https:// or wss://): encrypted, so its frames cannot be shown; capture ws:// traffic to see them']) {
      expect(noteText(note)).toBe(note);
    }
    overwriteGetLocale(() => 'zh-CN');
    expect(formatText(summary)).toMatch(/^pcapng（\w+），[\d.]+ KiB，\d+ 个数据包：1 个 WebSocket 连接。$/);
    expect(endText(summary.connections[0]!.c2s)).toMatch(/^握手之后 [\d,]+ 字节，/);
    expect(failureText({ kind: 'stopped' })).toBe('已停止：文件没有读到结尾。');
    expect(noteText('2 TCP connections carried TLS (https:// or wss://): encrypted, so its frames cannot be shown; capture ws:// traffic to see them')).toBe(
      '2 个 TCP 连接使用了 TLS（https:// 或 wss://）：内容已加密，无法显示其中的帧；要看到帧，请抓取 ws:// 的流量',
    );
  });
});
