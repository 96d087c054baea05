// Comparing LSP positions and ranges (0-based line and UTF-16 character), for the model's ranges.
import type { Position, Range } from 'vscode-languageserver-types';

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
 * A range held as four numbers in one object, where `{ start, end }` is three (the range and two
 * positions): the model's ranges are most of what a large job's analysis keeps. `start` and `end` are made
 * when read; JSON gives the LSP shape.
 */
export class TextRange implements Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}

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

export function rangeBetween(start: Position, end: Position): TextRange {
  return new TextRange(start.line, start.character, end.line, end.character);
}

/** `width` characters on one line from `start`. */
export function rangeFrom(start: Position, width: number): TextRange {
  return new TextRange(start.line, start.character, start.line, start.character + width);
}
