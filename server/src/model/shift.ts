// A model item moved to other lines: when an edit adds or removes line breaks above an item whose text and
// starting column did not change (Enter, a pasted or deleted line), its model is the one built before with
// every row moved by the same count. Copying it so is much cheaper than building it again from the tree,
// which is what every item below a new line would otherwise cost. Model objects are never changed once
// built (types.ts), so the move is a copy: the old objects stay valid for the build they belong to (an undo
// gets them back from the older generation).
//
// The copy follows the model's types field by field; every field without a position is taken over as it
// is (spread), so a new field holding no position needs nothing here. `test/modelCache.test.ts` compares
// moved models with builds from scratch, which catches a position field this file does not move.
import type { Position, Range } from 'vscode-languageserver-types';
import type { Attribute, Block, Body, BodyItem, Expr, Label, ObjectItem, TemplatePart, Traverser } from './types';

/** An item a build copied from the build before at other rows: the item copied, and how far it moved (negative: up). */
export interface Move {
  from: BodyItem;
  rows: number;
}

/** `item` with every position `rows` rows further down (up when negative). */
export function movedItem(item: BodyItem, rows: number): BodyItem {
  return item.kind === 'attribute' ? attribute(item, rows) : block(item, rows);
}

function position(p: Position, rows: number): Position {
  return { line: p.line + rows, character: p.character };
}

function range(r: Range, rows: number): Range {
  return { start: position(r.start, rows), end: position(r.end, rows) };
}

function attribute(a: Attribute, rows: number): Attribute {
  return { ...a, nameRange: range(a.nameRange, rows), value: expr(a.value, rows), range: range(a.range, rows) };
}

function label(l: Label, rows: number): Label {
  return { ...l, range: range(l.range, rows) };
}

function body(b: Body, rows: number): Body {
  return { items: b.items.map((item) => movedItem(item, rows)), range: range(b.range, rows) };
}

function block(b: Block, rows: number): Block {
  const moved: Block = { ...b, typeRange: range(b.typeRange, rows), labels: b.labels.map((l) => label(l, rows)), body: body(b.body, rows), range: range(b.range, rows) };
  if (b.openBrace) moved.openBrace = range(b.openBrace, rows);
  if (b.closeBrace) moved.closeBrace = range(b.closeBrace, rows);
  if (b.dynamic) {
    // The content body is the body of the `content` block among the items: the same object, as built.
    const at = b.dynamic.content ? b.body.items.findIndex((i) => i.kind === 'block' && i.body === b.dynamic!.content) : -1;
    moved.dynamic = at >= 0 ? { ...b.dynamic, content: (moved.body.items[at] as Block).body } : { ...b.dynamic };
  }
  return moved;
}

function exprs(list: readonly Expr[], rows: number): Expr[] {
  return list.map((e) => expr(e, rows));
}

function traversers(path: readonly Traverser[], rows: number): Traverser[] {
  return path.map((t): Traverser => (t.kind === 'index' ? { ...t, key: expr(t.key, rows), range: range(t.range, rows) } : { ...t, range: range(t.range, rows) }));
}

function objectItem(item: ObjectItem, rows: number): ObjectItem {
  return { ...item, key: expr(item.key, rows), value: expr(item.value, rows), range: range(item.range, rows) };
}

function parts(list: readonly TemplatePart[], rows: number): TemplatePart[] {
  return list.map((part): TemplatePart => {
    switch (part.kind) {
      case 'literal':
        return { ...part, range: range(part.range, rows) };
      case 'interpolation':
        return { ...part, expr: expr(part.expr, rows), range: range(part.range, rows) };
      case 'directive': {
        const moved: TemplatePart = { ...part, expr: expr(part.expr, rows), then: parts(part.then, rows), range: range(part.range, rows) };
        if (part.else) moved.else = parts(part.else, rows);
        return moved;
      }
    }
  });
}

function expr(e: Expr, rows: number): Expr {
  const r = range(e.range, rows);
  switch (e.kind) {
    case 'literal':
    case 'invalid':
      return { ...e, range: r };
    case 'template':
      return { ...e, parts: parts(e.parts, rows), range: r };
    case 'reference':
      // The root's range is often the expression's own (a bare name): kept one object, as built.
      return { ...e, rootRange: e.rootRange === e.range ? r : range(e.rootRange, rows), path: traversers(e.path, rows), range: r };
    case 'call':
      return { ...e, nameRange: range(e.nameRange, rows), args: exprs(e.args, rows), range: r };
    case 'tuple':
      return { ...e, items: exprs(e.items, rows), range: r };
    case 'object':
      return { ...e, items: e.items.map((item) => objectItem(item, rows)), range: r };
    case 'conditional':
      return { ...e, condition: expr(e.condition, rows), then: expr(e.then, rows), else: expr(e.else, rows), range: r };
    case 'for': {
      const moved = { ...e, collection: expr(e.collection, rows), valueExpr: expr(e.valueExpr, rows), range: r };
      if (e.keyExpr) moved.keyExpr = expr(e.keyExpr, rows);
      if (e.condition) moved.condition = expr(e.condition, rows);
      return moved;
    }
    case 'unary':
      return { ...e, operand: expr(e.operand, rows), range: r };
    case 'binary':
      return { ...e, left: expr(e.left, rows), right: expr(e.right, rows), range: r };
    case 'traversal':
      return { ...e, target: expr(e.target, rows), path: traversers(e.path, rows), range: r };
    case 'parens':
      return { ...e, inner: expr(e.inner, rows), range: r };
  }
}
