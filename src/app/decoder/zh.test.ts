/** The decoder's words in Simplified Chinese: the status line, list rows and link notes (English is view.test.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { overwriteGetLocale } from '../../paraglide/runtime.js';
import { decodeText } from './analyze';
import { linkNoteText, readDecoderQuery } from './link';
import { frameListRow, frameRefs, messageListRow, statusOf } from './view';

afterEach(() => overwriteGetLocale(() => 'en'));

describe('decoder in zh-CN', () => {
  it('says the status line in Chinese: counts, notation, where a frame ends early', () => {
    overwriteGetLocale(() => 'zh-CN');
    const ok = decodeText('81 85 37 fa 21 3d 7f 9f 4d 51 58', 'client');
    expect(statusOf(ok, false, null).text).toBe('11 字节（空格分隔的十六进制）：1 个完整帧，1 条消息。');
    const junk = '81 85 37 fa zz';
    expect(statusOf(decodeText(junk, 'any'), false, null, junk).text).toBe("无法按十六进制读取：第 1 行第 13 列：意外的字符 'z'：十六进制字节只用数字 0-9 和字母 a-f 书写");
    expect(statusOf(decodeText('81 85 37 fa', 'client'), false, null).text).toBe(
      '4 字节（空格分隔的十六进制）：0 个完整帧，0 条消息。字节在一帧的中间结束：从字节偏移 0 开始的帧已有 4 字节，还需要 2 字节。',
    );
    const fault = statusOf(decodeText('81 05 48 65 6c 6c 6f', 'client'), false, null).text;
    expect(fault).toMatch(/^7 字节（空格分隔的十六进制）：0 个完整帧，0 条消息。在字节偏移 1 处出错：.* 关闭码 1002 /);
    expect(statusOf({ kind: 'empty' }, true, { phase: 'frames', done: 512, total: 1024 }).text).toBe('正在解码帧… 已完成 50%，共 1,024 字节');
  });

  it('says list rows and message rows in Chinese', () => {
    overwriteGetLocale(() => 'zh-CN');
    const outcome = decodeText('01 03 48 65 6c 89 02 68 69 80 02 6c 6f 88 00', 'server');
    if (outcome.kind !== 'decoded') throw new Error(outcome.kind);
    const { analysis } = outcome;
    expect(frameListRow(analysis, 0)).toMatchObject({ flags: 'FIN=0 未加掩码', summary: '3 字节："Hel"' });
    const rows = analysis.messages.map((_, i) => messageListRow(analysis, analysis.messages, i));
    expect(rows.map((r) => [r.title, r.detail, frameRefs(r.frames)])).toEqual([
      ['文本消息，5 字节，2 个分片', '“Hello”', '帧 #1, #3'],
      ['Ping，2 字节', '“hi”', '帧 #2'],
      ['Close', '没有状态码（按 1005 报告）', '帧 #4'],
    ]);
  });

  it('says what a hand-made link got wrong, quoting it', () => {
    overwriteGetLocale(() => 'zh-CN');
    const read = readDecoderQuery({ role: 'martian', frame: 'x', hex: '81zz' });
    expect(read.notes.map(linkNoteText)).toEqual([
      '链接中的 role“martian”不是 client、server 或 any；发送方已设为未知。',
      '链接中的 hex 不是纯十六进制数字；它按原文显示，方便你看出哪里有问题。',
      '链接中的 frame“x”不是帧编号；显示的是第一帧。',
    ]);
  });
});
