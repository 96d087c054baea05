// Canonical layout of a job file, exactly as `nomad fmt` writes it (HashiCorp's hclwrite.Format): the
// text is cut into HCL's own tokens (parser/hclLexer) and only the spaces before each token change. The
// rules, in the order they apply:
// - each line splits into up to three cells: the lead, an "assign" cell from the first `=` when the rest of
//   the line closes every bracket it opens, and a trailing line comment;
// - indentation is two spaces per open bracket level, counted per line (a line that opens several brackets
//   indents the next lines once, and closing them all dedents once);
// - tokens inside a cell are separated by one space or none, by the pair of tokens (and, for `-`, the token
//   before it, to tell negation from subtraction);
// - `=` cells, then comments, line up across runs of consecutive lines that have them.
// Line ends, blank lines, comment text, strings and heredoc bodies are kept as written, so the line
// structure never changes. A file HCL refuses is left alone: `nomad fmt` refuses it too.
import type { Tree } from 'web-tree-sitter';
import type { TextEdit } from 'vscode-languageserver-types';
import type { Feature } from '../feature';
import { lexHcl, type HclToken, type TokenType } from '../parser/hclLexer';
import { hclSyntaxIssues } from '../parser/hclVerdict';

interface Cell {
  /** Indices into the token list. */
  from: number;
  to: number;
}

interface FormatLine {
  lead: Cell;
  assign?: Cell;
  comment?: Cell;
}

const OPEN: ReadonlySet<TokenType> = new Set(['{', '[', '(', 'control', 'interp']);
const CLOSE: ReadonlySet<TokenType> = new Set(['}', ']', ')', 'seqend']);

function bracketChange(type: TokenType): number {
  return OPEN.has(type) ? 1 : CLOSE.has(type) ? -1 : 0;
}

/** A line comment carries the line end that follows it, so it ends its line like a newline does. */
function endsLine(token: HclToken, text: string): boolean {
  return token.type === 'newline' || (token.type === 'comment' && token.end > token.start && text.charCodeAt(token.end - 1) === 10);
}

/** Tokens that can end an operand: after them a `-` subtracts (spaced); after anything else it negates. */
const NEGATION_BEFORE: ReadonlySet<TokenType | 'none'> = new Set<TokenType | 'none'>([
  'none', '(', '{', '[', '=', ':', ',', '?',
  '+', '*', '/', '%', '-',
  '==', '!=', '>', '>=', '<', '<=',
  '&&', '||', '!',
]);

const NO_SPACE_AROUND_TEMPLATE_TEXT: ReadonlySet<TokenType> = new Set(['qlit', 'slit', 'oquote', 'oheredoc']);

class Layout {
  readonly spaces: Int32Array;

  constructor(
    private readonly text: string,
    readonly tokens: HclToken[],
  ) {
    this.spaces = new Int32Array(tokens.length);
  }

  private type(i: number): TokenType {
    return this.tokens[i].type;
  }

  private isKeywordIn(i: number): boolean {
    const t = this.tokens[i];
    return t.type === 'ident' && t.end - t.start === 2 && this.text.startsWith('in', t.start);
  }

  /** Whether one space separates token `i` from token `i + 1`; `before` is the token before `i` in the cell, or -1. */
  private spaced(i: number, before: number, next: number): boolean {
    const subject = this.type(i);
    const after = this.type(next);
    if (after === 'newline') return false;
    if (subject === 'ident' && (after === '(' || after === '::')) return false;
    if (subject === '::' && after === 'ident') return false;
    if (subject === '.' || after === '.') return false;
    if (after === ',' || after === '...') return false;
    if (subject === ',') return true;
    if (NO_SPACE_AROUND_TEMPLATE_TEXT.has(subject) || after === 'qlit' || after === 'slit' || after === 'cquote' || after === 'cheredoc') return false;
    if (before >= 0 && this.isKeywordIn(i) && this.type(before) === 'ident') return true;
    if (after === '[' && (subject === 'ident' || subject === 'number' || bracketChange(subject) < 0)) return false;
    if (subject === '!') return false;
    if (subject === '-') return !NEGATION_BEFORE.has(before < 0 ? 'none' : this.type(before));
    if (subject === '{' || after === '}') return !(subject === '{' && after === '}');
    if ((subject === 'interp' || subject === 'control') && after === '{') return true;
    if (subject === '}' && after === 'seqend') return true;
    if (subject === 'seqend' && (after === 'interp' || after === 'control')) return false;
    if (bracketChange(subject) > 0) return false;
    if (bracketChange(after) < 0) return false;
    return true;
  }

  /** Sets the spaces between the tokens of a cell (not before its first token). */
  spaceCell(cell: Cell): void {
    for (let i = cell.from; i < cell.to - 1; i++) {
      this.spaces[i + 1] = this.spaced(i, i > cell.from ? i - 1 : -1, i + 1) ? 1 : 0;
    }
  }

  /** Display width of a cell as written now: spaces plus user-perceived characters. */
  columns(cell: Cell | undefined): number {
    if (!cell) return 0;
    let total = 0;
    for (let i = cell.from; i < cell.to; i++) {
      total += this.spaces[i] + graphemes(this.text, this.tokens[i].start, this.tokens[i].end);
    }
    return total;
  }
}

let segmenter: Intl.Segmenter | undefined;

function graphemes(text: string, start: number, end: number): number {
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    // CR LF is one grapheme; any other control or non-ASCII character needs the segmenter.
    if (c >= 0x7f || c === 13) {
      ascii = false;
      break;
    }
  }
  if (ascii) return end - start;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let count = 0;
  for (const _ of segmenter.segment(text.slice(start, end))) count++;
  return count;
}

function formatLines(layout: Layout, text: string): FormatLine[] {
  const tokens = layout.tokens;
  const lines: FormatLine[] = [];
  let start = 0;
  const last = tokens.length - 1; // the eof token belongs to no line
  for (let i = 0; i < last; i++) {
    if (!endsLine(tokens[i], text)) continue;
    lines.push({ lead: { from: start, to: i + 1 } });
    start = i + 1;
  }
  if (start < last) lines.push({ lead: { from: start, to: last } });
  for (const line of lines) {
    const lead = line.lead;
    if (lead.to - lead.from > 1 && tokens[lead.to - 1].type === 'comment') {
      line.comment = { from: lead.to - 1, to: lead.to };
      lead.to--;
    }
    for (let i = lead.from + 1; i < lead.to; i++) {
      if (tokens[i].type !== '=') continue;
      // Only an `=` whose right side closes what it opens starts an aligned cell.
      let net = 0;
      for (let j = i; j < lead.to; j++) net += bracketChange(tokens[j].type);
      if (net === 0) {
        line.assign = { from: i, to: lead.to };
        lead.to = i;
      }
      break;
    }
  }
  return lines;
}

function indent(layout: Layout, lines: FormatLine[]): void {
  const tokens = layout.tokens;
  const levels: number[] = [];
  for (const line of lines) {
    const { from, to } = line.lead;
    if (to === from) continue;
    if (tokens[from].type === 'newline') {
      layout.spaces[from] = 0;
      continue;
    }
    let net = 0;
    for (let i = from; i < to; i++) {
      net += bracketChange(tokens[i].type);
      // The brackets inside a heredoc body do not indent the lines after it.
      if (tokens[i].type === 'oheredoc') break;
    }
    if (line.assign) for (let i = line.assign.from; i < line.assign.to; i++) net += bracketChange(tokens[i].type);
    if (net > 0) {
      layout.spaces[from] = 2 * levels.length;
      levels.push(net);
      continue;
    }
    let closed = -net;
    while (closed > 0 && levels.length > 0) {
      const top = levels[levels.length - 1];
      if (closed >= top) {
        closed -= top;
        levels.pop();
      } else {
        levels[levels.length - 1] = top - closed;
        closed = 0;
      }
    }
    layout.spaces[from] = 2 * levels.length;
  }
}

/** Lines up the first token of `cellOf` across runs of consecutive lines that have that cell. */
function align(layout: Layout, lines: FormatLine[], cellOf: (line: FormatLine) => Cell | undefined, widthOf: (line: FormatLine) => number): void {
  let runStart = -1;
  let widest = 0;
  const close = (end: number) => {
    for (let k = runStart; k < end; k++) layout.spaces[cellOf(lines[k])!.from] = widest - widthOf(lines[k]) + 1;
    runStart = -1;
    widest = 0;
  };
  for (let k = 0; k < lines.length; k++) {
    if (!cellOf(lines[k])) {
      if (runStart >= 0) close(k);
      continue;
    }
    if (runStart < 0) runStart = k;
    widest = Math.max(widest, widthOf(lines[k]));
  }
  if (runStart >= 0) close(lines.length);
}

/** `text` laid out as hclwrite.Format lays it out (whatever the text holds; see formatText for the gate). */
export function canonicalLayout(text: string): string {
  const tokens = lexHcl(text);
  const layout = new Layout(text, tokens);
  const lines = formatLines(layout, text);
  indent(layout, lines);
  for (const line of lines) {
    layout.spaceCell(line.lead);
    if (line.assign) {
      layout.spaces[line.assign.from] = 1;
      layout.spaceCell(line.assign);
    }
  }
  align(layout, lines, (l) => l.assign, (l) => layout.columns(l.lead));
  align(layout, lines, (l) => l.comment, (l) => layout.columns(l.lead) + layout.columns(l.assign));
  // Spaces and tabs after the last token are kept as that many spaces (hclwrite counts the bytes skipped;
  // a byte order mark at the very start counts as three).
  const eof = tokens[tokens.length - 1];
  const previousEnd = tokens.length > 1 ? tokens[tokens.length - 2].end : 0;
  const bom = previousEnd === 0 && text.charCodeAt(0) === 0xfeff ? 2 : 0;
  layout.spaces[tokens.length - 1] = eof.start - previousEnd + bom;
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    if (layout.spaces[i] > 0) out += ' '.repeat(layout.spaces[i]);
    out += text.slice(tokens[i].start, tokens[i].end);
  }
  return out;
}

/**
 * The formatted text, or undefined when HCL refuses the text (nothing is changed then, as with
 * `nomad fmt`). `tree` decides only when the text nests too deeply for HCL's verdict to be walked.
 */
export function formatText(text: string, tree?: Tree): string | undefined {
  const issues = hclSyntaxIssues(text);
  if (issues ? issues.length > 0 : !tree || tree.rootNode.hasError) return undefined;
  return canonicalLayout(text);
}

/** LSP edits turning `text` into its formatted form: one per changed line (the line structure never changes). */
export function formatEdits(text: string, tree?: Tree): TextEdit[] {
  const formatted = formatText(text, tree);
  if (formatted === undefined || formatted === text) return [];
  return lineEdits(text, formatted);
}

/**
 * Edits for the lines `firstLine..lastLine` only, each formatted as formatting the whole file would format
 * it (alignment and indentation depend on the lines around the range, so the whole file is laid out).
 */
export function rangeFormatEdits(text: string, firstLine: number, lastLine: number, tree?: Tree): TextEdit[] {
  const formatted = formatText(text, tree);
  if (formatted === undefined || formatted === text) return [];
  return lineEdits(text, formatted).filter((e) => e.range.start.line >= firstLine && e.range.end.line <= lastLine);
}

/** Lines as LSP counts them: `\r\n`, `\r` and `\n` each end one. */
function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Minimal edits between two texts that differ only in spaces within lines, so cursors and folds stay put. */
export function lineEdits(before: string, after: string): TextEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length !== b.length) {
    // Not expected (layout keeps every line end); replace the whole text rather than guess.
    const last = a.length - 1;
    return [{ range: { start: { line: 0, character: 0 }, end: { line: last, character: a[last].length } }, newText: after }];
  }
  const edits: TextEdit[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    // Only the differing middle of the line: leading indentation and the spaces before `=` or a comment.
    let head = 0;
    while (head < a[i].length && head < b[i].length && a[i][head] === b[i][head]) head++;
    let tail = 0;
    while (tail < a[i].length - head && tail < b[i].length - head && a[i][a[i].length - 1 - tail] === b[i][b[i].length - 1 - tail]) tail++;
    edits.push({ range: { start: { line: i, character: head }, end: { line: i, character: a[i].length - tail } }, newText: b[i].slice(head, b[i].length - tail) });
  }
  return edits;
}

export const formatFeature: Feature = {
  name: 'formatting',
  capabilities: () => ({
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    // Typing `}` lays out its line; Enter lays out the line it ended. Each as formatting the file would.
    documentOnTypeFormattingProvider: { firstTriggerCharacter: '}', moreTriggerCharacter: ['\n'] },
  }),
  register(ctx) {
    ctx.connection.onDocumentFormatting(
      ctx.guard('formatting', [] as TextEdit[], async (params: { textDocument: { uri: string } }) => {
        // The tree of the completed analysis: a file too large or too slow to parse has none.
        const snapshot = await ctx.documents.ready(params.textDocument.uri);
        return snapshot?.tree ? formatEdits(snapshot.document.getText(), snapshot.tree) : [];
      }),
    );
    ctx.connection.onDocumentRangeFormatting(
      ctx.guard('rangeFormatting', [] as TextEdit[], (params: { textDocument: { uri: string }; range: { start: { line: number }; end: { line: number; character: number } } }) => {
        const doc = ctx.documents.get(params.textDocument.uri);
        if (!doc) return [];
        const { start, end } = params.range;
        // A selection of whole lines ends at the start of the line after them.
        const lastLine = end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
        return rangeFormatEdits(doc.text, start.line, lastLine, doc.tree());
      }),
    );
    ctx.connection.onDocumentOnTypeFormatting(
      ctx.guard('onTypeFormatting', [] as TextEdit[], (params: { textDocument: { uri: string }; position: { line: number }; ch: string }) => {
        const doc = ctx.documents.get(params.textDocument.uri);
        if (!doc) return [];
        const line = params.ch === '\n' ? params.position.line - 1 : params.position.line;
        return line < 0 ? [] : rangeFormatEdits(doc.text, line, line, doc.tree());
      }),
    );
  },
};
