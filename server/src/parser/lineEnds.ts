// Lines as LSP counts them: `\r\n`, `\r` and `\n` each end one. tree-sitter counts rows at `\n` only, so in
// a text with a carriage return not followed by a line feed (a "lone" `\r`) every row after it would be one
// line short. Instead of mapping every position every feature reads, tree-sitter is given a text of the
// same length in which each lone `\r` is a `\n` (`treeText`): its rows are then LSP lines, and its offsets
// those of the real text. The model reads values from the real text; only the tree comes from this one.
import type { Position, Range } from 'vscode-languageserver-types';
import type { Point } from 'web-tree-sitter';
import { specimen } from '../specimens';

const CR = 13;
const LF = 10;
const LONE_CR = /\r(?!\n)/;

function hasLoneCarriageReturn(text: string): boolean {
  return LONE_CR.test(text);
}

/** Whether the character at `i` is a `\r` that ends a line on its own (no `\n` follows). */
function isLoneCr(text: string, i: number): boolean {
  return text.charCodeAt(i) === CR && text.charCodeAt(i + 1) !== LF;
}

/** The number of lone `\r` at offsets `from` to `to` (exclusive) of `text`. */
export function countLoneCarriageReturns(text: string, from: number, to: number): number {
  let n = 0;
  const end = Math.min(to, text.length);
  for (let i = Math.max(0, from); i < end; i++) if (isLoneCr(text, i)) n++;
  return n;
}

/** The line ends (as LSP and HCL count them: `\n`, or a `\r` not before `\n`) at offsets `from` to `to` (exclusive). */
export function countLineEnds(text: string, from: number, to: number): number {
  let n = 0;
  const end = Math.min(to, text.length);
  for (let i = Math.max(0, from); i < end; i++) if (text.charCodeAt(i) === LF || isLoneCr(text, i)) n++;
  return n;
}

/** The offset just past the last line end of `text` (as `countLineEnds` counts them); 0 when it has none. */
export function lastLineStart(text: string): number {
  // A `\r` followed by `\n` ends no line, but that `\n` comes later.
  return Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1;
}

/**
 * `text` as tree-sitter is to read it: the same length and offsets, each lone `\r` turned into `\n`. HCL
 * allows a lone `\r` only inside a comment, and a `#` or `//` comment goes on past it to the next `\n`: the
 * first character after such a `\r` becomes `#`, so the rest of the comment stays a comment on its new row.
 * (Elsewhere a lone `\r` is a mistake HCL reports; as a line end, tree-sitter reads the text as the editor
 * shows it.) The same string when there is no lone `\r`.
 */
export function treeText(text: string): string {
  if (!hasLoneCarriageReturn(text)) return text;
  return treeTextOfRows(text, 0, text.length);
}

/**
 * The rows (text between `\n`s) around offsets `start` to `end`: from the start of the row holding `start`
 * to the end of the row holding `end`, its `\n` included. What `treeText` makes of a character depends
 * on its row only, so an edit changes the text tree-sitter reads within the rows it touches.
 */
export function rowsAround(text: string, start: number, end: number): { from: number; to: number } {
  const from = start === 0 ? 0 : text.lastIndexOf('\n', start - 1) + 1;
  const next = text.indexOf('\n', end);
  return { from, to: next === -1 ? text.length : next + 1 };
}

/** `treeText` of whole rows of `text`: from a row start (`from`) to a row end (`to`). */
export function treeTextOfRows(text: string, from: number, to: number): string {
  const out: string[] = [];
  let copied = from;
  const put = (at: number, c: string) => {
    out.push(text.slice(copied, at), c);
    copied = at + 1;
  };
  // Just enough of HCL's lexer to tell a line comment within a row: strings (a `#` in one starts no
  // comment), block comments, line comments. A row is read as if it began outside any block comment or
  // heredoc (its own text decides), so that an edit needs only its own rows looked at again.
  let state: 'code' | 'string' | 'line' | 'block' = 'code';
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) {
      state = 'code';
      continue;
    }
    if (c === CR) {
      if (!isLoneCr(text, i)) continue;
      put(i, '\n');
      if (state === 'line' && i + 1 < to && text.charCodeAt(i + 1) !== CR) put(++i, '#');
      continue;
    }
    switch (state) {
      case 'code':
        if (c === 0x22) state = 'string';
        else if (c === 0x23) state = 'line';
        else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) state = 'line';
        else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
          state = 'block';
          i++;
        }
        break;
      case 'string':
        if (c === 0x5c && text.charCodeAt(i + 1) !== CR && text.charCodeAt(i + 1) !== LF) i++;
        else if (c === 0x22) state = 'code';
        break;
      case 'block':
        if (c === 0x2a && text.charCodeAt(i + 1) === 0x2f) {
          state = 'code';
          i++;
        }
        break;
      case 'line':
        break;
    }
  }
  if (copied === from) return text.slice(from, to);
  out.push(text.slice(copied, to));
  return out.join('');
}

/** The one span where two texts differ (common start and end left out), as an edit of `before`. */
export function changedSpan(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  // A chunk at a time first: string equality runs at memory speed, a character loop over an edited (not yet
  // flattened) text several times slower.
  while (start + CHUNK <= shorter && before.slice(start, start + CHUNK) === after.slice(start, start + CHUNK)) start += CHUNK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  const most = shorter - start;
  while (tail + CHUNK <= most && before.slice(before.length - tail - CHUNK, before.length - tail) === after.slice(after.length - tail - CHUNK, after.length - tail)) tail += CHUNK;
  while (tail < most && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

const CHUNK = 512;

/**
 * One edit covering two descriptions of the same change (the same length difference): of the text, and of
 * the text tree-sitter reads, whose substitutions may reach beyond it.
 */
export function spanUnion<T extends { start: number; oldEnd: number; newEnd: number }>(a: T, b: T): T {
  if (b.start === b.newEnd && b.start === b.oldEnd) return a;
  const delta = a.newEnd - a.oldEnd;
  const newEnd = Math.max(a.newEnd, b.newEnd);
  return { ...a, start: Math.min(a.start, b.start), oldEnd: newEnd - delta, newEnd };
}

/** LSP positions of text offsets. */
export class OffsetPositions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    specimen(this);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) this.starts.push(i + 1);
      else if (c === CR) {
        if (text.charCodeAt(i + 1) === LF) i++;
        this.starts.push(i + 1);
      }
    }
  }

  /** The offset where LSP line `line` starts (the end of the text past the last line). */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}

/**
 * tree-sitter's point (rows at `\n`, UTF-16 columns) of an offset of the text it reads, counted on from a
 * known point (`at`, of offset `from`) before it.
 */
export function pointAt(text: string, offset: number, from = 0, at: Point = { row: 0, column: 0 }): Point {
  let row = at.row;
  let lineStart = from - at.column;
  for (let i = text.indexOf('\n', from); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}
