// Lines as LSP counts them: `\r\n`, `\r` and `\n` each end one. tree-sitter counts rows at `\n` only, so in
// a text with a carriage return not followed by a line feed (HCL allows one inside a comment) every row
// after it would be one line short. Such texts are rare: positions are mapped only when one is present.
import type { Position, Range } from 'vscode-languageserver-types';

const BARE_CR = /\r(?!\n)/;

function hasBareCarriageReturn(text: string): boolean {
  return BARE_CR.test(text);
}

/** LSP positions of text offsets. */
export class OffsetPositions {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
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
 * Maps ranges in tree-sitter's rows (split at `\n` only) to LSP lines; the identity when the text has no
 * bare carriage return.
 */
export function treeRowsToLspLines(text: string): ((range: Range) => Range) | undefined {
  if (!hasBareCarriageReturn(text)) return undefined;
  const rowStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) rowStarts.push(i + 1);
  const lsp = new OffsetPositions(text);
  const map = (p: Position): Position => lsp.position((rowStarts[Math.min(p.line, rowStarts.length - 1)] ?? 0) + p.character);
  return (range) => ({ start: map(range.start), end: map(range.end) });
}
