/**
 * Finds text a person would read that is written in the code instead of the catalogues:
 * text and label attributes in Svelte markup, and sentence-like string literals in the app's
 * TypeScript. A "sentence" is two or more words of letters that are not all on the allow-list of
 * names that stay as they are in every language (the RFC's field names, protocol and product names).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'svelte/compiler';
import ts from 'typescript';

/** Words that are names, not English: the RFC spells them so in every language. */
export const KEEP_WORDS = new Set(
  [
    'FIN', 'RSV', 'RSV1', 'RSV2', 'RSV3', 'Opcode', 'opcode', 'MASK', 'Mask', 'Payload', 'len', 'Extended', 'payload', 'length',
    'Masking', 'key', 'data', 'WebSocket', 'WebSockets', 'Framescope', 'HTTP', 'TCP', 'UTF', 'JSON', 'SVG', 'pcap', 'pcapng', 'hex',
    'base64', 'Base64', 'ws', 'wss', 'http', 'https', 'SSE', 'XHR', 'Sec', 'Accept', 'Key', 'Version', 'Extensions', 'Protocol',
    'Upgrade', 'Connection', 'permessage', 'deflate', 'SHA', 'GUID', 'Redis', 'Chromium', 'Firefox', 'Wireshark', 'tshark', 'npm',
    'run', 'dev', 'start', 'class', 'ms', 'KiB', 'MiB', 'GiB', 'MB', 'CONNECTING', 'OPEN', 'CLOSING', 'CLOSED', 'readyState',
    'bufferedAmount', 'binaryType', 'ArrayBuffer', 'Blob', 'onopen', 'onmessage', 'onclose', 'onerror', 'ping', 'pong', 'Ping', 'Pong',
    'Close', 'Text', 'Binary', 'Continuation', 'RFC', 'XOR', 'QR', 'URL', 'IP', 'English', 'Long', 'Polling', 'poll', 'fetch',
    'localhost', 'echo', 'chat', 'inspect', 'proxy', 'EventSource', 'server_max_window_bits', 'client_max_window_bits',
    'server_no_context_takeover', 'client_no_context_takeover', 'Autobahn', 'PHP', 'Python', 'Node', 'js', 'C', 'S', 'B',
  ],
);

export interface Literal {
  file: string;
  line: number;
  text: string;
}

const WORD = /[A-Za-z][A-Za-z'’-]*/g;

/** Two or more words, at least one of them not a kept name: a sentence someone must translate. */
export function isSentence(text: string): boolean {
  // An identifier (a rule id like rsv1-not-first-frame, a key) has no space between its words.
  if (!/[A-Za-z][^\s]*\s+[^\s]*[A-Za-z]/.test(text)) return false;
  const words = text.match(WORD) ?? [];
  if (words.length < 2) return false;
  return words.some((word) => !KEEP_WORDS.has(word.replace(/['’-]+$/, '')));
}

function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

interface SvelteNode {
  type: string;
  start: number;
  data?: string;
  name?: string;
  value?: true | SvelteNode | SvelteNode[];
  [key: string]: unknown;
}

/** Attributes that are code, never read (their values are class names, ids, roles, URLs…). */
const CODE_ATTRIBUTES = /^(class|id|style|role|href|src|type|name|for|lang|rel|target|tabindex|inputmode|autocomplete|pattern|accept|download|viewBox|d|fill|stroke|xmlns|transform|value|data-.*|aria-(controls|describedby|labelledby|owns|activedescendant|live|current|hidden|expanded|selected|pressed|checked|posinset|setsize|level|sort|haspopup|modal|atomic|relevant|busy|invalid|disabled|readonly|required|orientation|valuemin|valuemax|valuenow))$/;

/** Literal text and read attributes in a component's markup (its <script> and <style> left out). */
export function svelteLiterals(file: string, source = readFileSync(file, 'utf8')): Literal[] {
  const ast = parse(source, { modern: true }) as unknown as { fragment: SvelteNode };
  const found: Literal[] = [];
  const add = (start: number, text: string): void => {
    if (isSentence(text)) found.push({ file, line: lineOf(source, start), text: text.replace(/\s+/g, ' ').trim().slice(0, 80) });
  };
  /** String literals inside an expression read as text ({cond ? 'Open' : 'Closed'}). */
  const expression = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(expression);
    const n = node as { type?: string; value?: unknown; start?: number; quasis?: { value: { cooked: string }; start: number }[]; callee?: unknown; arguments?: unknown[] };
    if (n.type === 'Literal' && typeof n.value === 'string') return add(n.start ?? 0, n.value);
    if (n.type === 'TemplateLiteral' && n.quasis) return add(n.quasis[0]?.start ?? 0, n.quasis.map((q) => q.value.cooked).join(' '));
    for (const [key, value] of Object.entries(n)) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'metadata') continue;
      expression(value);
    }
  };
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as SvelteNode;
    if (n.type === 'Text' && typeof n.data === 'string') return add(n.start, n.data);
    // Commands and code the reader types as they are: `npm run dev`, `ws://…`.
    if (n.type === 'RegularElement' && (n.name === 'code' || n.name === 'kbd' || n.name === 'samp' || n.name === 'pre')) return;
    if (n.type === 'ExpressionTag') return expression(n.expression);
    if (n.type === 'Attribute' && typeof n.name === 'string') {
      if (CODE_ATTRIBUTES.test(n.name) || n.name.startsWith('on') || !Array.isArray(n.value) && typeof n.value !== 'object') return;
      const parts = Array.isArray(n.value) ? n.value : [n.value as SvelteNode];
      for (const part of parts) {
        if (part.type === 'Text' && typeof part.data === 'string') add(part.start, part.data);
        else if (part.type === 'ExpressionTag') expression(part.expression);
      }
      return;
    }
    if (n.type === 'StyleDirective' || n.type === 'ClassDirective' || n.type === 'BindDirective' || n.type === 'OnDirective') return;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'metadata' || key === 'expression' || key === 'test' || key === 'key' || key === 'context' || key === 'index') continue;
      if (value && typeof value === 'object') visit(value);
    }
  };
  visit(ast.fragment);
  return found;
}

/** Calls whose string arguments are for developers, not readers. */
const DEVELOPER_CALLS = /^(Error|TypeError|RangeError|console\.\w+|assert\w*|invariant|describe|it|test|expect|querySelector\w*|matchMedia|getItem|setItem|removeItem|addEventListener|removeEventListener|postMessage|get|set|has|split|join|replace|startsWith|endsWith|includes|match|test)$/;

/** Sentence-like string and template literals in TypeScript (a component's <script> included). */
export function scriptLiterals(file: string, source: string): Literal[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: Literal[] = [];
  const calleeName = (node: ts.Node): string | null => {
    for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
      if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
        const expr = p.expression;
        return ts.isIdentifier(expr) ? expr.text : ts.isPropertyAccessExpression(expr) ? (ts.isIdentifier(expr.expression) && expr.expression.text === 'console' ? `console.${expr.name.text}` : expr.name.text) : null;
      }
      if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isVariableStatement(p) || ts.isPropertyAssignment(p) || ts.isReturnStatement(p)) return null;
    }
    return null;
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isLiteralTypeNode(node)) return;
    let text: string | null = null;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = [node.head.text, ...node.templateSpans.map((span) => span.literal.text)].join(' ');
    if (text !== null) {
      const callee = calleeName(node);
      if (isSentence(text) && !(callee && DEVELOPER_CALLS.test(callee)) && !/^[.#[:]|^[a-z-]+:|[{};]/.test(text.trim())) {
        found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: text.replace(/\s+/g, ' ').slice(0, 80) });
      }
      if (!ts.isTemplateExpression(node)) return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The <script> blocks of a component, with their offsets, for scriptLiterals. */
export function componentScripts(source: string): string {
  const out: string[] = [];
  for (const match of source.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)) {
    // Keep line numbers: pad with the newlines that came before the script's body.
    const before = source.slice(0, (match.index ?? 0) + match[0].indexOf('>') + 1);
    out.push('\n'.repeat((before.match(/\n/g) ?? []).length - out.join('').split('\n').length + 1) + (match[1] ?? ''));
  }
  return out.join('');
}
