// Canonical layout of a job file, in the manner of `nomad fmt` / `terraform fmt`: two-space indentation by
// bracket nesting, one space between most tokens, `=` aligned within runs of consecutive single-line
// attributes and trailing comments aligned within runs. Only whitespace between tokens changes; strings,
// heredocs (bodies included) and comments are copied verbatim, and the line structure is kept, so the
// result parses to the same job. A file with syntax errors is left alone: its tokens are not trustworthy.
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import type { TextEdit } from 'vscode-languageserver-types';
import type { Feature } from '../feature';

type Bracket = 1 | -1 | 0;

interface Token {
  text: string;
  /** tree-sitter node type (anonymous tokens use their text, e.g. `=`). */
  type: string;
  parentType: string;
  startRow: number;
  endRow: number;
  bracket: Bracket;
}

/** Nodes copied as one piece: their inside is either meaningful whitespace or not ours to touch. */
const ATOMIC = new Set([
  'comment',
  'quoted_template',
  'string_lit',
  'heredoc_template',
  'legacy_index',
  'numeric_lit',
  'bool_lit',
  'null_lit',
  'identifier',
  'ellipsis',
]);

const OPENERS = new Set(['{', '[', '(']);
const CLOSERS = new Set(['}', ']', ')']);

/** The token at the cursor; `parentType` is the type of the node the cursor descended from. */
function tokenAt(cursor: TreeCursor, parentType: string): Token {
  const type = cursor.nodeType;
  // Only templates need the node itself (to rewrite their interpolations); the rest reads the cursor.
  let text = type === 'quoted_template' ? canonicalTemplate(cursor.currentNode) : cursor.nodeText;
  // tree-sitter keeps a CR of a CRLF line end inside a line comment; the line end is ours to write.
  if (type === 'comment' && text.endsWith('\r')) text = text.replace(/\r+$/, '');
  const isBracket = !cursor.nodeIsNamed || text.length === 1;
  const bracket: Bracket = isBracket && OPENERS.has(text) ? 1 : isBracket && CLOSERS.has(text) ? -1 : 0;
  return { text, type, parentType, startRow: cursor.startPosition.row, endRow: cursor.endPosition.row, bracket };
}

/**
 * A quoted template with canonical spacing inside its single-line `${ ... }` interpolations (`${ a.b }`
 * becomes `${a.b}`); the literal text, `%{ }` directives and anything spanning lines stay as written.
 */
function canonicalTemplate(node: Node): string {
  const raw = node.text;
  if (node.startPosition.row !== node.endPosition.row) return raw;
  const base = node.startIndex;
  let out = '';
  let pos = 0;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i)!;
    if (child.type !== 'template_interpolation') continue;
    const rendered = canonicalInterpolation(child);
    if (rendered === undefined) continue;
    out += raw.slice(pos, child.startIndex - base) + rendered;
    pos = child.endIndex - base;
  }
  return pos === 0 ? raw : out + raw.slice(pos);
}

function canonicalInterpolation(node: Node): string | undefined {
  let expression: Node | undefined;
  let stripLeft = false;
  let stripRight = false;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i)!;
    if (child.type === 'expression') expression = child;
    else if (child.type === 'strip_marker') {
      if (expression) stripRight = true;
      else stripLeft = true;
    }
  }
  if (!expression) return undefined;
  const tokens = collectTokens(expression);
  if (tokens.some((t) => t.type === 'comment')) return undefined;
  const inner = renderCell(tokens, 0, tokens.length);
  // `${{` and `}}` would read as something else: leave such interpolations alone.
  if (inner.startsWith('{') || inner.endsWith('}')) return undefined;
  return `\${${stripLeft ? '~' : ''}${inner}${stripRight ? '~' : ''}}`;
}

/** The leaves of the tree in order, with strings, heredocs and comments kept whole. */
function collectTokens(root: Node): Token[] {
  const tokens: Token[] = [];
  const cursor = root.walk();
  // Types of the nodes above the cursor: a token's parent decides some spacing (unary minus, index `[`).
  const types: string[] = [];
  try {
    let descending = true;
    for (;;) {
      if (descending) {
        const type = cursor.nodeType;
        if (!ATOMIC.has(type)) {
          types.push(type);
          if (cursor.gotoFirstChild()) continue;
          types.pop();
        }
        if (cursor.endIndex > cursor.startIndex) tokens.push(tokenAt(cursor, types[types.length - 1] ?? ''));
      }
      if (cursor.gotoNextSibling()) {
        descending = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      types.pop();
      descending = false;
    }
  } finally {
    cursor.delete();
  }
  return tokens;
}

interface Line {
  tokens: Token[];
  firstRow: number;
  lastRow: number;
  /** Index of the `=` that starts the aligned "assign" cell, or -1. */
  assignAt: number;
  /** Index of a trailing comment, or -1. */
  commentAt: number;
  indent: number;
}

/** Tokens grouped into source lines; a token spanning rows (heredoc) joins its first and last row. */
function groupLines(tokens: Token[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const token of tokens) {
    if (current && token.startRow === current.lastRow) {
      current.tokens.push(token);
      current.lastRow = token.endRow;
      continue;
    }
    current = { tokens: [token], firstRow: token.startRow, lastRow: token.endRow, assignAt: -1, commentAt: -1, indent: 0 };
    lines.push(current);
  }
  for (const line of lines) splitCells(line);
  return lines;
}

function splitCells(line: Line): void {
  const tokens = line.tokens;
  const last = tokens.length - 1;
  const end = tokens.length > 1 && tokens[last].type === 'comment' ? last : tokens.length;
  if (end !== tokens.length) line.commentAt = last;
  for (let i = 1; i < end; i++) {
    if (tokens[i].type !== '=') continue;
    // Only a value that ends on this line takes part in alignment (as hclwrite decides it).
    let net = 0;
    for (let j = i; j < end; j++) net += tokens[j].bracket;
    if (net === 0) line.assignAt = i;
    break;
  }
}

/** hclwrite's indent stack: a line with a net surplus of openers indents what follows by one level. */
function computeIndents(lines: Line[]): void {
  const stack: number[] = [];
  for (const line of lines) {
    let net = 0;
    const end = line.commentAt >= 0 ? line.commentAt : line.tokens.length;
    for (let i = 0; i < end; i++) net += line.tokens[i].bracket;
    if (net > 0) {
      line.indent = stack.length;
      stack.push(net);
    } else if (net < 0) {
      let closed = -net;
      while (closed > 0 && stack.length > 0) {
        const top = stack[stack.length - 1];
        if (closed >= top) {
          closed -= top;
          stack.pop();
        } else {
          stack[stack.length - 1] = top - closed;
          closed = 0;
        }
      }
      line.indent = stack.length;
    } else {
      line.indent = stack.length;
    }
  }
}

function isDotLike(token: Token): boolean {
  return token.type === '.' || token.type === 'legacy_index';
}

/** Whether one space separates `prev` and `next` on a line. */
function spaceBetween(prev: Token, next: Token): boolean {
  if (next.type === ',' || next.type === 'ellipsis') return false;
  if (prev.type === ',') return true;
  if (isDotLike(prev) || isDotLike(next)) return false;
  if (next.type === '(' && next.parentType === 'function_call') return false;
  if ((next.type === '[' && next.parentType === 'new_index') || next.type === '[*]') return false;
  if (prev.parentType === 'unary_operation' && (prev.type === '-' || prev.type === '!')) return false;
  if (prev.type === '{' && next.type === '}') return false;
  if (prev.type === '{' || next.type === '}') return true;
  if (next.type === ':' && next.parentType === 'object_elem') return false;
  if (prev.bracket > 0) return false;
  if (next.bracket < 0) return false;
  return true;
}

function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Renders tokens [from, to) of a line with canonical spacing (no leading space). */
function renderCell(tokens: Token[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    if (i > from && spaceBetween(tokens[i - 1], tokens[i])) out += ' ';
    out += tokens[i].text;
  }
  return out;
}

interface RenderedLine {
  line: Line;
  lead: string;
  assign: string;
  comment: string;
}

/** Pads cells so `=` and trailing comments line up across runs of consecutive single-row lines. */
function align(rendered: RenderedLine[], cell: 'assign' | 'comment'): void {
  let run: RenderedLine[] = [];
  const flush = () => {
    const widthOf = (r: RenderedLine) => width(r.lead) + (cell === 'comment' ? width(r.assign) : 0);
    const max = Math.max(...run.map(widthOf));
    for (const r of run) {
      const pad = ' '.repeat(max - widthOf(r) + 1);
      if (cell === 'assign') r.assign = pad + r.assign.trimStart();
      else r.comment = pad + r.comment.trimStart();
    }
    run = [];
  };
  let previous: RenderedLine | undefined;
  for (const r of rendered) {
    const has = cell === 'assign' ? r.line.assignAt >= 0 : r.line.commentAt >= 0;
    const adjacent =
      previous !== undefined && previous.line.firstRow === previous.line.lastRow && r.line.firstRow === previous.line.lastRow + 1;
    if (run.length > 0 && (!has || !adjacent)) flush();
    if (has) run.push(r);
    previous = r;
  }
  if (run.length > 0) flush();
}

/** The formatted text, or undefined when the tree has syntax errors (nothing is changed then). */
export function formatText(text: string, tree: Tree): string | undefined {
  const root = tree.rootNode;
  if (root.hasError) return undefined;
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const lines = groupLines(collectTokens(root));
  if (lines.length === 0) return bom + (text.trim() === '' ? '' : text);
  computeIndents(lines);
  const rendered: RenderedLine[] = lines.map((line) => {
    const n = line.tokens.length;
    const commentStart = line.commentAt >= 0 ? line.commentAt : n;
    const leadEnd = line.assignAt >= 0 ? line.assignAt : commentStart;
    const lead = '  '.repeat(line.indent) + renderCell(line.tokens, 0, leadEnd);
    const assign = line.assignAt >= 0 ? ' ' + renderCell(line.tokens, line.assignAt, commentStart) : '';
    const comment = line.commentAt >= 0 ? ' ' + line.tokens[line.commentAt].text : '';
    return { line, lead, assign, comment };
  });
  align(rendered, 'assign');
  align(rendered, 'comment');
  let out = bom;
  let previousRow = -1;
  for (const r of rendered) {
    if (previousRow >= 0) out += eol.repeat(Math.max(1, r.line.firstRow - previousRow));
    out += r.lead + r.assign + r.comment;
    previousRow = r.line.lastRow;
  }
  return out + eol;
}

/** LSP edits turning `text` into its formatted form: one per changed line when the line count holds. */
export function formatEdits(text: string, tree: Tree): TextEdit[] {
  const formatted = formatText(text, tree);
  if (formatted === undefined || formatted === text) return [];
  return lineEdits(text, formatted);
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Minimal edits between two texts that differ only in whitespace, so cursors and folds stay put. */
export function lineEdits(before: string, after: string): TextEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  const eolChanged = /\r\n/.test(before) !== /\r\n/.test(after);
  if (a.length === b.length && !eolChanged) {
    const edits: TextEdit[] = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        edits.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: a[i].length } }, newText: b[i] });
      }
    }
    return edits;
  }
  // Line count changed (blank lines at the ends): replace the differing middle as one edit.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const eol = /\r\n/.test(after) ? '\r\n' : '\n';
  const endLine = a.length - tail; // exclusive
  const newLines = b.slice(head, b.length - tail);
  if (endLine === head) {
    // Pure insertion of lines before line `head`.
    return [{ range: { start: { line: head, character: 0 }, end: { line: head, character: 0 } }, newText: newLines.join(eol) + eol }];
  }
  if (newLines.length === 0) return [removeLines(a, head, endLine)];
  const lastOld = endLine - 1;
  return [
    {
      range: { start: { line: head, character: 0 }, end: { line: lastOld, character: a[lastOld].length } },
      newText: newLines.join(eol),
    },
  ];
}

function removeLines(a: string[], startLine: number, endLine: number): TextEdit {
  // Remove whole lines [startLine, endLine): from the end of the previous line when they are the last ones.
  if (endLine < a.length) {
    return { range: { start: { line: startLine, character: 0 }, end: { line: endLine, character: 0 } }, newText: '' };
  }
  const prev = Math.max(0, startLine - 1);
  return {
    range: { start: { line: prev, character: a[prev].length }, end: { line: endLine - 1, character: a[endLine - 1].length } },
    newText: '',
  };
}

export const formatFeature: Feature = {
  name: 'formatting',
  capabilities: () => ({ documentFormattingProvider: true }),
  register(ctx) {
    ctx.connection.onDocumentFormatting(
      ctx.guard('formatting', [] as TextEdit[], async (params: { textDocument: { uri: string } }) => {
        // The tree of the completed analysis: a file too large or too slow to parse has none.
        const snapshot = await ctx.documents.ready(params.textDocument.uri);
        return snapshot?.tree ? formatEdits(snapshot.document.getText(), snapshot.tree) : [];
      }),
    );
  },
};
