// Comparing LSP positions and ranges (0-based line and UTF-16 character), for the model's ranges.
import type { Position, Range } from 'vscode-languageserver-types';
import { specimen } from '../specimens';

/** `a` comes strictly before `b`. */
export function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** start <= pos < end: the character at `pos` lies in the range. */
export function holds(range: Range, pos: Position): boolean {
  return !before(pos, range.start) && before(pos, range.end);
}

/** start <= pos <= end: for a cursor that may sit just after a word. */
export function touches(range: Range, pos: Position): boolean {
  return !before(pos, range.start) && !before(range.end, pos);
}

/** How many of `items` (in source order) start at or before `pos`, by binary search. */
export function startingUpTo(items: readonly { range: Range }[], pos: Position): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(pos, items[mid].range.start)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * A range held in one object, where `{ start, end }` is three (the range and two positions): the model's
 * ranges are most of what a large job's analysis keeps. `start` and `end` are made when read; JSON gives the
 * LSP shape. Made by `textRange`: each end packed in one small integer (line and character) when both fit,
 * so the object is two fields (40 bytes, against 56 for four and 120 for a range and its positions); a range
 * past line 262,143 or character 4,095 keeps its four numbers (`WideTextRange`).
 */
export class TextRange implements Range {
  /** Use `textRange`. */
  constructor(
    /** The start, packed: line << CHARACTER_BITS | character. */
    private readonly from: number,
    private readonly to: number,
  ) {
    specimen(this);
  }

  get startLine(): number {
    return this.from >> CHARACTER_BITS;
  }

  get startCharacter(): number {
    return this.from & CHARACTER_MASK;
  }

  get endLine(): number {
    return this.to >> CHARACTER_BITS;
  }

  get endCharacter(): number {
    return this.to & CHARACTER_MASK;
  }

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** A TextRange whose numbers do not fit packed (an end past character 4,095 of its line, or past line 262,143). */
class WideTextRange extends TextRange {
  constructor(
    private readonly wideStartLine: number,
    private readonly wideStartCharacter: number,
    private readonly wideEndLine: number,
    private readonly wideEndCharacter: number,
  ) {
    super(-1, -1);
    specimen(this);
  }

  override get startLine(): number {
    return this.wideStartLine;
  }

  override get startCharacter(): number {
    return this.wideStartCharacter;
  }

  override get endLine(): number {
    return this.wideEndLine;
  }

  override get endCharacter(): number {
    return this.wideEndCharacter;
  }
}

/** Bits of a packed end that hold the character; the line takes the rest of a small integer's 30. */
const CHARACTER_BITS = 12;
const CHARACTER_MASK = (1 << CHARACTER_BITS) - 1;
const LINE_LIMIT = 1 << (30 - CHARACTER_BITS);

export function textRange(startLine: number, startCharacter: number, endLine: number, endCharacter: number): TextRange {
  if (startCharacter <= CHARACTER_MASK && endCharacter <= CHARACTER_MASK && startLine < LINE_LIMIT && endLine < LINE_LIMIT && startLine >= 0 && startCharacter >= 0 && endLine >= 0 && endCharacter >= 0) {
    return new TextRange((startLine << CHARACTER_BITS) | startCharacter, (endLine << CHARACTER_BITS) | endCharacter);
  }
  return new WideTextRange(startLine, startCharacter, endLine, endCharacter);
}

export function rangeBetween(start: Position, end: Position): TextRange {
  return textRange(start.line, start.character, end.line, end.character);
}

/** `width` characters on one line from `start`. */
export function rangeFrom(start: Position, width: number): TextRange {
  return textRange(start.line, start.character, start.line, start.character + width);
}
