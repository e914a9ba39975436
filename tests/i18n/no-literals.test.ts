/**
 * No sentence a person reads is written in the app's code: markup text, read attributes and
 * sentence-like string literals come from the catalogues (messages/<locale>/<area>.json).
 * docs/i18n.md says how to move a string there.
 *
 * PENDING lists the files not yet moved; it only shrinks. A file on it that no longer holds a
 * literal fails too, so the list cannot go stale.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { componentScripts, isSentence, scriptLiterals, svelteLiterals, type Literal } from './literals';

const PENDING = new Set<string>([
  'src/app/capture/SaveCapture.svelte',
  'src/app/capture/SavedCaptures.svelte',
  'src/app/capture/files.ts',
  'src/app/capture/saved-store.ts',
  'src/app/class/StudentFullScreen.svelte',
  'src/app/class/class-watch.ts',
  'src/app/class/qr.ts',
  'src/app/class/strings.ts',
  'src/app/components/FrameList.svelte',
  'src/app/components/Timeline.svelte',
  'src/app/components/filter/FilterBar.svelte',
  'src/app/components/filter/filter.ts',
  'src/app/components/frame-row.ts',
  'src/app/components/frame/BitGrid.svelte',
  'src/app/components/frame/FrameView.svelte',
  'src/app/components/frame/HexView.svelte',
  'src/app/components/frame/InflatedView.svelte',
  'src/app/components/frame/MaskingWalkthrough.svelte',
  'src/app/components/frame/PayloadView.svelte',
  'src/app/components/frame/compressed.ts',
  'src/app/components/frame/frameview.ts',
  'src/app/components/frame/grid.ts',
  'src/app/components/sequence/strings.ts',
  'src/app/components/sequence/svg.ts',
  'src/app/decoder/Builder.svelte',
  'src/app/decoder/DecodeResult.svelte',
  'src/app/decoder/DecodeStatus.svelte',
  'src/app/decoder/DeflateSwitch.svelte',
  'src/app/decoder/HexInput.svelte',
  'src/app/decoder/backend.ts',
  'src/app/decoder/builder.ts',
  'src/app/decoder/capture/CapturePanel.svelte',
  'src/app/decoder/capture/backend.ts',
  'src/app/decoder/capture/capture-import.svelte.ts',
  'src/app/decoder/capture/describe.ts',
  'src/app/decoder/examples.ts',
  'src/app/decoder/view.ts',
  'src/app/display/DisplayControls.svelte',
  'src/app/display/display.ts',
  'src/app/inspector/capture.svelte.ts',
  'src/app/inspector/capture.ts',
  'src/app/inspector/client.svelte.ts',
  'src/app/inspector/commands.ts',
  'src/app/inspector/messages.ts',
  'src/app/lesson/steps.ts',
  'src/app/pages/Class.svelte',
  'src/app/pages/Decoder.svelte',
  'src/app/pages/NotFound.svelte',
  'src/app/pages/Playground.svelte',
  'src/app/playground/CloseCodeField.svelte',
  'src/app/playground/Composer.svelte',
  'src/app/playground/CompressionToggle.svelte',
  'src/app/playground/ConnectionBar.svelte',
  'src/app/playground/DeflateNegotiation.svelte',
  'src/app/playground/DemoPanel.svelte',
  'src/app/playground/FloodDemo.svelte',
  'src/app/playground/FramesPanel.svelte',
  'src/app/playground/HandshakePanel.svelte',
  'src/app/playground/MessageLog.svelte',
  'src/app/playground/SelectedFrame.svelte',
  'src/app/playground/SocketOptions.svelte',
  'src/app/playground/SubprotocolNegotiation.svelte',
  'src/app/playground/TcpView.svelte',
  'src/app/playground/TimelinePanel.svelte',
  'src/app/playground/browser-name.ts',
  'src/app/playground/close-codes.ts',
  'src/app/playground/composer.ts',
  'src/app/playground/connection.svelte.ts',
  'src/app/playground/demos.ts',
  'src/app/playground/frame-notes.ts',
  'src/app/playground/handshake.ts',
  'src/app/playground/keys.ts',
  'src/app/playground/lesson/LessonPanel.svelte',
  'src/app/playground/lesson/LessonView.svelte',
  'src/app/playground/lesson/lesson.svelte.ts',
  'src/app/playground/lesson/timeline.ts',
  'src/app/playground/playground.svelte.ts',
  'src/app/playground/proxy/ProxyOffer.svelte',
  'src/app/playground/proxy/ProxyReport.svelte',
  'src/app/playground/proxy/choice.svelte.ts',
  'src/app/playground/proxy/explain.ts',
  'src/app/playground/proxy/report.ts',
  'src/app/playground/proxy/target.ts',
  'src/app/playground/reaction.ts',
  'src/app/playground/session.ts',
  'src/app/playground/tcp.ts',
  'src/app/socket/timeline.ts',
]);

function appFiles(): string[] {
  return execFileSync('git', ['ls-files', 'src/app'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((file) => /\.(svelte|ts)$/.test(file) && !/\.test\.|\/fixtures|\/fake-|\.d\.ts$/.test(file));
}

function literalsOf(file: string): Literal[] {
  const source = readFileSync(file, 'utf8');
  return file.endsWith('.svelte') ? [...svelteLiterals(file, source), ...scriptLiterals(file, componentScripts(source))] : scriptLiterals(file, source);
}

describe('no literal sentences outside the catalogues', () => {
  const files = appFiles();

  it('finds the app\'s files', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('every file not on the pending list reads its sentences from the catalogues', () => {
    const found = files.filter((file) => !PENDING.has(file)).flatMap(literalsOf);
    expect(found.map((l) => `${l.file}:${l.line} ${JSON.stringify(l.text)}`)).toEqual([]);
  });

  it('every file on the pending list still holds a literal (take it off once it is moved)', () => {
    const stale = [...PENDING].filter((file) => !files.includes(file) || literalsOf(file).length === 0);
    expect(stale).toEqual([]);
  });
});

describe('what counts as a sentence', () => {
  it('flags words a reader must translate', () => {
    expect(isSentence('No frames yet.')).toBe(true);
    expect(isSentence('Send a message')).toBe(true);
  });

  it('leaves names the RFC spells the same in every language, identifiers and symbols', () => {
    expect(isSentence('FIN')).toBe(false);
    expect(isSentence('Payload len')).toBe(false);
    expect(isSentence('rsv1-not-first-frame')).toBe(false);
    expect(isSentence('C → S')).toBe(false);
    expect(isSentence('CONNECTING (0)')).toBe(false);
  });

  it('finds text, read attributes and string expressions in markup, not code attributes', () => {
    const source = '<p>Hello there</p><button aria-label="Close the panel" class="big red">x</button><span>{ok ? \'All good now\' : \'\'}</span><code>npm run build</code>';
    expect(svelteLiterals('x.svelte', source).map((l) => l.text)).toEqual(['Hello there', 'Close the panel', 'All good now']);
  });

  it('finds sentences in TypeScript, not developer errors', () => {
    const source = "const a = 'The server refused the handshake'; throw new Error('not a valid state here');";
    expect(scriptLiterals('x.ts', source).map((l) => l.text)).toEqual(['The server refused the handshake']);
  });
});
