// A model item moved to other lines: when an edit adds or removes line breaks above an item whose text and
// starting column did not change (Enter, a pasted or deleted line), its model is the one built before with
// every row moved by the same count. Copying it so is much cheaper than building it again from the tree,
// which is what every item below a new line would otherwise cost. Model objects are never changed once
// built (types.ts), so the move is a copy: the old objects stay valid for the build they belong to (an undo
// gets them back from the older generation).
//
// Whitespace typed between two tokens of a line moves the rest of that line instead (ColumnShift): the item
// holding it is built again, and only what was worked out from it (findings, reference walks) is moved.
//
// The copy follows the model's types field by field. `test/modelCache.test.ts` compares moved models with
// builds from scratch after random edits, which catches a field this file does not copy or move.
import type { Position, Range } from 'vscode-languageserver-types';
import type { Attribute, Block, Body, BodyItem, Expr, JobFile, Label, ObjectItem, TemplatePart, Traverser } from './types';
import { before, rangeBetween, textRange, TextRange } from './positions';

/**
 * Whitespace typed or deleted between two tokens of one line (an indent, a space before `=`): the positions
 * on `line` from `column` on moved by `delta` characters (negative: deleted), nothing else changed. An item
 * holding that line is built again, but it is the item of before in every respect other than those positions,
 * so what was worked out from the item of before holds, moved along (see `shiftedBy`).
 */
export interface ColumnShift {
  line: number;
  column: number;
  delta: number;
}

/** How the positions of an item moved: `rows` rows down (negative: up), or `columns` along one line. */
export interface Shift {
  rows: number;
  columns?: ColumnShift;
}

/**
 * Where an item of a build came from: the item of the build before with the same text, and how many rows
 * down it moved (negative: up); or the item of before that differs only by whitespace between two tokens
 * (`columns`, with `rows` 0).
 */
export interface Move extends Shift {
  from: BodyItem;
}

/**
 * The moves of a build (ModelBuilder.build), by the file it made: read by the analysis of that build (the
 * checks' memos, the reference index) and forgotten when it is complete (`forgetMoves`), as they hold the
 * previous build's items, a whole second model after a line near the top of a large file.
 */
const movesByFile = new WeakMap<JobFile, ReadonlyMap<BodyItem, Move>>();

/** The items of `file` that only moved since the build before, with what each was (absent when none did). */
export function movesOf(file: JobFile): ReadonlyMap<BodyItem, Move> | undefined {
  return movesByFile.get(file);
}

export function recordMoves(file: JobFile, moves: ReadonlyMap<BodyItem, Move>): void {
  if (moves.size > 0) movesByFile.set(file, moves);
}

/** Called once the analysis of `file` is complete: nothing reads its moves any more. */
export function forgetMoves(file: JobFile): void {
  movesByFile.delete(file);
}

/** `item` with every position `rows` rows further down (up when negative). */
export function movedItem(item: BodyItem, rows: number): BodyItem {
  return item.kind === 'attribute' ? attribute(item, rows) : block(item, rows);
}

// Each object is written out field by field in the order model/build.ts makes it, rather than spread, and
// lists are mapped (packed arrays, as built): the copies then share the built objects' shapes, which the
// checks' code is optimised for, and a spread site seeing every kind of expression was most of a move's time.

/**
 * The blocks of `copy`, a moved copy of `from` (movedItem) or an item built again that differs from it only by
 * whitespace between tokens (columnShift.ts), by the block of `from` each corresponds to.
 */
export function copiedBlocks(from: BodyItem, copy: BodyItem): Map<Block, Block> {
  const blocks = new Map<Block, Block>();
  const walk = (a: BodyItem, b: BodyItem): void => {
    if (a.kind !== 'block' || b.kind !== 'block') return;
    blocks.set(a, b);
    const items = a.body.items;
    for (let i = 0; i < items.length; i++) walk(items[i], b.body.items[i]);
  };
  walk(from, copy);
  return blocks;
}

/**
 * `r` moved as `shift` says; undefined when it cannot be told where it went: a range that ends inside the
 * deleted whitespace, or an empty one where the whitespace was typed (before or after it?). Ranges of the
 * model and of what is worked out from it start and end at tokens: one ending where the whitespace was typed
 * ends before it, one starting there starts after it.
 */
export function shiftedBy(r: Range, shift: Shift): Range | undefined {
  const columns = shift.columns;
  if (!columns) return range(r, shift.rows);
  const { start, end } = r;
  if (start.line !== columns.line && end.line !== columns.line) return r;
  const movedStart = shiftedPosition(start, columns, true);
  const movedEnd = shiftedPosition(end, columns, false);
  // An empty range where the whitespace was typed would come out reversed.
  if (!movedStart || !movedEnd || before(movedEnd, movedStart)) return undefined;
  return movedStart === start && movedEnd === end ? r : rangeBetween(movedStart, movedEnd);
}

function shiftedPosition(p: Position, { line, column, delta }: ColumnShift, isStart: boolean): Position | undefined {
  if (p.line !== line) return p;
  if (delta > 0) {
    // Typed at `column`: what started there comes after it, what ended there before it.
    const after = isStart ? p.character >= column : p.character > column;
    return after ? { line, character: p.character + delta } : p;
  }
  const deletedEnd = column - delta;
  if (p.character <= column) return p;
  if (p.character >= deletedEnd) return { line, character: p.character + delta };
  return undefined;
}

/** `r` moved `rows` rows: one object, made from its line and character numbers (model/positions.ts TextRange). */
function range(r: Range, rows: number): Range {
  if (r instanceof TextRange) return textRange(r.startLine + rows, r.startCharacter, r.endLine + rows, r.endCharacter);
  const { start, end } = r;
  return textRange(start.line + rows, start.character, end.line + rows, end.character);
}

function attribute(a: Attribute, rows: number): Attribute {
  return { kind: 'attribute', name: a.name, nameRange: range(a.nameRange, rows), value: expr(a.value, rows), range: range(a.range, rows) };
}

function label(l: Label, rows: number): Label {
  return { value: l.value, range: range(l.range, rows), quoted: l.quoted };
}

function body(b: Body, rows: number): Body {
  return { items: b.items.map((item) => movedItem(item, rows)), range: range(b.range, rows) };
}

function block(b: Block, rows: number): Block {
  const labels = b.labels.map((l) => label(l, rows));
  const moved: Block = { kind: 'block', type: b.type, typeRange: range(b.typeRange, rows), labels, body: body(b.body, rows), range: range(b.range, rows) };
  if (b.openBrace) moved.openBrace = range(b.openBrace, rows);
  if (b.closeBrace) moved.closeBrace = range(b.closeBrace, rows);
  if (b.dynamic) {
    // The content body is the body of the `content` block among the items: the same object, as built.
    const content = b.dynamic.content;
    const at = content ? b.body.items.findIndex((i) => i.kind === 'block' && i.body === content) : -1;
    moved.dynamic = at >= 0 ? { blockType: b.dynamic.blockType, content: (moved.body.items[at] as Block).body } : { blockType: b.dynamic.blockType };
  }
  return moved;
}

function exprs(list: readonly Expr[], rows: number): Expr[] {
  return list.map((e) => expr(e, rows));
}

function traverser(t: Traverser, rows: number): Traverser {
  switch (t.kind) {
    case 'attr':
      return { kind: 'attr', name: t.name, range: range(t.range, rows) };
    case 'index':
      return { kind: 'index', key: expr(t.key, rows), range: range(t.range, rows) };
    case 'splat':
      return { kind: 'splat', range: range(t.range, rows) };
  }
}

function traversers(path: readonly Traverser[], rows: number): Traverser[] {
  // No steps: the same empty list (model/expr.ts NO_STEPS), never changed.
  return path.length === 0 ? (path as Traverser[]) : path.map((t) => traverser(t, rows));
}

function objectItem(item: ObjectItem, rows: number): ObjectItem {
  const moved: ObjectItem = { key: expr(item.key, rows), value: expr(item.value, rows), range: range(item.range, rows) };
  if (item.keyName !== undefined) moved.keyName = item.keyName;
  return moved;
}

function part(p: TemplatePart, rows: number): TemplatePart {
  switch (p.kind) {
    case 'literal':
      return p.source ? { kind: 'literal', text: p.text, range: range(p.range, rows), source: p.source } : { kind: 'literal', text: p.text, range: range(p.range, rows) };
    case 'interpolation': {
      const moved: TemplatePart = { kind: 'interpolation', expr: expr(p.expr, rows), range: range(p.range, rows) };
      if (p.stripLeft) moved.stripLeft = p.stripLeft;
      if (p.stripRight) moved.stripRight = p.stripRight;
      return moved;
    }
    case 'directive': {
      const moved: TemplatePart =
        p.names !== undefined
          ? { kind: 'directive', directive: p.directive, expr: expr(p.expr, rows), names: p.names, then: parts(p.then, rows), range: range(p.range, rows) }
          : { kind: 'directive', directive: p.directive, expr: expr(p.expr, rows), then: parts(p.then, rows), range: range(p.range, rows) };
      if (p.else) moved.else = parts(p.else, rows);
      return moved;
    }
  }
}

function parts(list: readonly TemplatePart[], rows: number): TemplatePart[] {
  return list.map((p) => part(p, rows));
}

function expr(e: Expr, rows: number): Expr {
  switch (e.kind) {
    case 'literal':
      return e.raw !== undefined ? { kind: 'literal', value: e.value, range: range(e.range, rows), raw: e.raw } : { kind: 'literal', value: e.value, range: range(e.range, rows) };
    case 'template':
      return e.heredoc ? { kind: 'template', parts: parts(e.parts, rows), heredoc: e.heredoc, range: range(e.range, rows) } : { kind: 'template', parts: parts(e.parts, rows), range: range(e.range, rows) };
    case 'reference': {
      const r = range(e.range, rows);
      // The root's range is often the expression's own (a bare name): kept one object, as built.
      return { kind: 'reference', root: e.root, rootRange: e.rootRange === e.range ? r : range(e.rootRange, rows), path: traversers(e.path, rows), range: r };
    }
    case 'call':
      return { kind: 'call', name: e.name, nameRange: range(e.nameRange, rows), args: exprs(e.args, rows), expandFinal: e.expandFinal, range: range(e.range, rows) };
    case 'tuple':
      return { kind: 'tuple', items: exprs(e.items, rows), range: range(e.range, rows) };
    case 'object':
      return { kind: 'object', items: e.items.map((item) => objectItem(item, rows)), range: range(e.range, rows) };
    case 'conditional':
      return { kind: 'conditional', condition: expr(e.condition, rows), then: expr(e.then, rows), else: expr(e.else, rows), range: range(e.range, rows) };
    case 'for':
      // Every field, as built (model/expr.ts buildFor).
      return {
        kind: 'for',
        keyName: e.keyName,
        valueName: e.valueName,
        collection: expr(e.collection, rows),
        keyExpr: e.keyExpr && expr(e.keyExpr, rows),
        valueExpr: expr(e.valueExpr, rows),
        condition: e.condition && expr(e.condition, rows),
        grouping: e.grouping,
        range: range(e.range, rows),
      };
    case 'unary':
      return { kind: 'unary', op: e.op, operand: expr(e.operand, rows), range: range(e.range, rows) };
    case 'binary':
      return { kind: 'binary', op: e.op, left: expr(e.left, rows), right: expr(e.right, rows), range: range(e.range, rows) };
    case 'traversal':
      return { kind: 'traversal', target: expr(e.target, rows), path: traversers(e.path, rows), range: range(e.range, rows) };
    case 'parens':
      return { kind: 'parens', inner: expr(e.inner, rows), range: range(e.range, rows) };
    case 'invalid':
      return { kind: 'invalid', text: e.text, range: range(e.range, rows) };
  }
}
