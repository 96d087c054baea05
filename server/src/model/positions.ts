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
