import { describe, expect, test } from 'vitest';
import { inflateForDisplay } from '../components/frame/compressed';
import { decodeText } from './analyze';
import { DecoderInflation } from './inflation';
import { frameListRow, messageListRow } from './view';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** RFC 7692 §7.2.3.2: "Hello" twice from a server, the second pointing back into the window. */
const TWICE = 'c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00';

function analysis(hex: string) {
  const outcome = decodeText(hex, 'server', true);
  if (outcome.kind !== 'decoded') throw new Error('not decoded');
  return outcome.analysis;
}

describe('the decoder with "deflate negotiated"', () => {
  test('RSV1 frames decode without a fault; without the switch they are 1002', () => {
    expect(analysis(TWICE).fault).toBeNull();
    const off = decodeText(TWICE, 'server');
    expect(off.kind === 'decoded' && off.analysis.fault?.rule).toBe('rsv-without-extension');
  });

  test('each message inflates in the browser (DecompressionStream), the window carried across (§7.2.3.2)', async () => {
    const inflation = new DecoderInflation(analysis(TWICE));
    const first = (await inflation.view(0))!;
    const second = (await inflation.view(1))!;
    expect(text(second.window!)).toBe('Hello');
    const [a, b] = await Promise.all([inflateForDisplay(first), inflateForDisplay(second)]);
    expect(a.kind === 'inflated' && text(a.data)).toBe('Hello');
    expect(b.kind === 'inflated' && text(b.data)).toBe('Hello');
  });

  test('with no_context_takeover the second message has no window to point into, and does not inflate', async () => {
    const inflation = new DecoderInflation(analysis(TWICE), true);
    const second = (await inflation.view(1))!;
    expect(second.window!.length).toBe(0);
    expect((await inflateForDisplay(second)).kind).toBe('invalid');
  });

  test('the lists call a compressed message compressed, not text', () => {
    const a = analysis(TWICE);
    expect(frameListRow(a, 1).summary).toBe('5 bytes compressed: f2 00 11 00 00');
    expect(messageListRow(a, a.messages, 0).title).toBe('Text message (compressed), 7 bytes');
  });

  test('the fragmented example (§7.2.3.1) is one compressed message of two frames', async () => {
    const view = (await new DecoderInflation(analysis('41 03 f2 48 cd 80 04 c9 c9 07 00')).view(0))!;
    expect(view.frames).toBe(2);
    const outcome = await inflateForDisplay(view);
    expect(outcome.kind === 'inflated' && text(outcome.data)).toBe('Hello');
  });
});
