// Syntax tree -> HCL2 expression (model/types.ts Expr). Never throws: anything it cannot understand
// becomes an `invalid` expression holding the source text (a syntax error is reported for it elsewhere).
import type { Range } from 'vscode-languageserver-types';
import type { Expr, ObjectItem, Traverser } from './types';
import { fitted, own } from './nodes';
import type { SyntaxNode } from './syntax';
import type { BuildContext } from './buildContext';
import { buildHeredoc, buildQuotedTemplate, unescapeQuoted } from './template';
import { rangeBetween, rangeFrom } from './positions';

const POSTFIX = new Set(['index', 'get_attr', 'splat']);
const BINARY_OPS = new Set(['*', '/', '%', '+', '-', '>', '>=', '<', '<=', '==', '!=', '&&', '||']);

function textOf(node: SyntaxNode, ctx: BuildContext): string {
  return own(ctx.text.slice(node.startIndex, node.endIndex));
}

function invalid(node: SyntaxNode, ctx: BuildContext, range?: Range): Expr {
  return { kind: 'invalid', text: textOf(node, ctx), range: range ?? node.range() };
}

function meaningful(nodes: readonly SyntaxNode[]): readonly SyntaxNode[] {
  // Comments inside an expression are rare: the list itself then, rather than a copy per expression.
  for (let i = 0; i < nodes.length; i++) if (nodes[i].type === 'comment') return nodes.filter((n) => n.type !== 'comment');
  return nodes;
}

/** Builds an expression from an `expression` node (or any expression-like node); `fallback` locates blanks. */
/**
 * Lists and maps keep this many elements in the model; the rest is left out (and a notice says so). No job
 * needs more, and a generated file with 100,000 would otherwise cost seconds to build and check. Building
 * one element costs several µs (reading tree-sitter's nodes), and a value is built in one step that cannot
 * pause: 1,000 keeps that step near 15 ms, within the time a request may wait for a slice.
 */
export const MAX_COLLECTION_ITEMS = 1000;
const MAX_ITEMS_TEXT = MAX_COLLECTION_ITEMS.toLocaleString('en-US');

function collectionCut(node: SyntaxNode, what: string, ctx: BuildContext): void {
  const start = node.start;
  ctx.problems.push({
    range: rangeFrom(start, 1),
    message: `This ${what} has more than ${MAX_ITEMS_TEXT} elements: nomad-exec reads the first ${MAX_ITEMS_TEXT} only, and does not check the rest.`,
    notice: true,
  });
}

/** Deeper expressions become `invalid`: the recursion must stay far from the stack limit. */
export const MAX_EXPR_DEPTH = 400;
let depth = 0;

export function buildExpr(node: SyntaxNode | undefined, ctx: BuildContext, fallback: SyntaxNode): Expr {
  if (!node) {
    const at = fallback.end;
    return { kind: 'invalid', text: '', range: rangeBetween(at, at) };
  }
  if (depth >= MAX_EXPR_DEPTH) return invalid(node, ctx);
  depth++;
  try {
    if (node.type === 'expression') return buildSequence(meaningful(node.children), ctx, node);
    return buildSequence([node], ctx, node);
  } catch {
    return invalid(node, ctx);
  } finally {
    depth--;
  }
}

/**
 * The steps of a bare name (`k`, `each`): one list for all of them, a model has one such name in every few
 * expressions. Frozen: nothing adds steps to a built expression.
 */
const NO_STEPS = Object.freeze([]) as unknown as Traverser[];

/** A term followed by postfix traversals (`a.b[0].*`), as tree-sitter-hcl lays them out side by side. */
function buildSequence(nodes: readonly SyntaxNode[], ctx: BuildContext, owner: SyntaxNode): Expr {
  if (nodes.length === 0) return invalid(owner, ctx);
  if (nodes.some((n) => n.isError || n.isMissing)) return invalid(owner, ctx);
  let index = 0;
  let target: Expr;
  const first = nodes[0];
  if (first.type === '(') {
    const inner = nodes.find((n) => n.type === 'expression');
    const close = nodes.findIndex((n) => n.type === ')');
    if (!inner || close < 0) return invalid(owner, ctx);
    target = { kind: 'parens', inner: buildExpr(inner, ctx, owner), range: rangeBetween(first.start, nodes[close].end) };
    index = close + 1;
  } else {
    target = buildTerm(first, ctx);
    index = 1;
  }
  if (index >= nodes.length) return target;
  const path: Traverser[] = [];
  for (; index < nodes.length; index++) {
    const node = nodes[index];
    if (!POSTFIX.has(node.type)) return invalid(owner, ctx);
    buildTraversers(node, ctx, path);
  }
  const range = rangeBetween(target.range.start, nodes[nodes.length - 1].end);
  if (target.kind === 'reference' && target.path.length === 0) {
    return { kind: 'reference', root: target.root, rootRange: target.rootRange, path: fitted(path), range };
  }
  return { kind: 'traversal', target, path: fitted(path), range };
}

function buildTraversers(node: SyntaxNode, ctx: BuildContext, out: Traverser[]): void {
  switch (node.type) {
    case 'get_attr': {
      const id = node.children.find((c) => c.type === 'identifier');
      out.push({ kind: 'attr', name: id ? textOf(id, ctx) : '', range: node.range() });
      return;
    }
    case 'index': {
      const inner = node.firstChild;
      if (inner?.type === 'legacy_index') {
        // `.0`: an index written as an attribute; the key is the number.
        const digits = textOf(inner, ctx).replace(/^\./, '');
        const range = inner.range();
        out.push({ kind: 'index', key: { kind: 'literal', value: Number(digits), range }, range });
      } else if (inner) {
        const keyNode = inner.children.find((c) => c.type === 'expression');
        out.push({ kind: 'index', key: buildExpr(keyNode, ctx, inner), range: node.range() });
      }
      return;
    }
    case 'splat': {
      const inner = node.firstChild;
      if (!inner) return;
      const children = inner.children;
      const marker = children[0];
      out.push({ kind: 'splat', range: marker ? marker.range() : inner.range() });
      for (const child of children.slice(1)) buildTraversers(child, ctx, out);
      return;
    }
  }
}

function buildTerm(node: SyntaxNode, ctx: BuildContext): Expr {
  switch (node.type) {
    case 'expression':
      return buildExpr(node, ctx, node);
    case 'literal_value':
      return termOfFirst(node, ctx);
    case 'numeric_lit': {
      const text = textOf(node, ctx);
      const value = /^0x/i.test(text) ? parseInt(text.slice(2), 16) : Number(text);
      return { kind: 'literal', value: Number.isNaN(value) ? 0 : value, range: node.range() };
    }
    case 'bool_lit':
      return { kind: 'literal', value: textOf(node, ctx) === 'true', range: node.range() };
    case 'null_lit':
      return { kind: 'literal', value: null, range: node.range() };
    case 'string_lit': {
      checkSingleLine(node, ctx);
      const value = stringLitValue(node, ctx);
      const raw = ctx.text.slice(node.startIndex + 1, Math.max(node.startIndex + 1, node.endIndex - 1));
      // Escapes resolved: keep what was written, so a place in the value maps back (template data).
      return value === raw ? { kind: 'literal', value, range: node.range() } : { kind: 'literal', value, range: node.range(), raw: own(raw) };
    }
    case 'template_expr':
      return termOfFirst(node, ctx);
    case 'quoted_template':
      checkSingleLine(node, ctx);
      return buildQuotedTemplate(node, ctx, buildExpr);
    case 'heredoc_template':
      return buildHeredoc(node, ctx, buildExpr);
    case 'collection_value':
      return termOfFirst(node, ctx);
    case 'tuple': {
      const { nodes, more } = node.childrenUpTo('expression', MAX_COLLECTION_ITEMS);
      if (more) collectionCut(node, 'list', ctx);
      return { kind: 'tuple', items: nodes.map((c) => buildExpr(c, ctx, node)), range: node.range() };
    }
    case 'object':
      return buildObject(node, ctx);
    case 'variable_expr': {
      const range = node.range();
      return { kind: 'reference', root: textOf(node, ctx), rootRange: range, path: NO_STEPS, range };
    }
    case 'function_call':
      return buildCall(node, ctx);
    case 'for_expr': {
      const first = node.firstChild;
      return first ? buildFor(first, ctx) : invalid(node, ctx);
    }
    case 'operation':
      return termOfFirst(node, ctx);
    case 'unary_operation': {
      const children = meaningful(node.children);
      const op = children[0]?.type;
      if (op !== '-' && op !== '!') return invalid(node, ctx);
      return { kind: 'unary', op, operand: buildSequence(children.slice(1), ctx, node), range: node.range() };
    }
    case 'binary_operation': {
      const children = meaningful(node.children);
      // The operator is the first anonymous child that follows a complete left operand.
      const opIndex = children.findIndex((c, i) => i > 0 && !c.isNamed && BINARY_OPS.has(c.type));
      if (opIndex < 0) return invalid(node, ctx);
      return {
        kind: 'binary',
        op: children[opIndex].type,
        left: buildSequence(children.slice(0, opIndex), ctx, node),
        right: buildSequence(children.slice(opIndex + 1), ctx, node),
        range: node.range(),
      };
    }
    case 'conditional': {
      const parts = node.children.filter((c) => c.type === 'expression');
      if (parts.length !== 3) return invalid(node, ctx);
      return {
        kind: 'conditional',
        condition: buildExpr(parts[0], ctx, node),
        then: buildExpr(parts[1], ctx, node),
        else: buildExpr(parts[2], ctx, node),
        range: node.range(),
      };
    }
    default:
      return invalid(node, ctx);
  }
}

/** The term of a node that only wraps one (`literal_value`, `operation`...). */
function termOfFirst(node: SyntaxNode, ctx: BuildContext): Expr {
  const first = node.firstChild;
  return first ? buildTerm(first, ctx) : invalid(node, ctx);
}

/** HCL2 quoted strings end on the line they start (line breaks inside `${ }` aside); heredocs span lines. */
function checkSingleLine(node: SyntaxNode, ctx: BuildContext): void {
  // Without a line end character in its text the string is on one line: no positions need be made.
  if (!hasLineEnd(ctx.text, node.startIndex, node.endIndex)) return;
  if (node.start.line === node.end.line) return;
  for (const child of node.children) {
    if (child.type !== 'template_literal') continue;
    const raw = ctx.text.slice(child.startIndex, child.endIndex);
    if (!raw.includes('\n')) continue;
    ctx.problems.push({
      range: { start: node.start, end: { line: node.start.line, character: node.start.character + 1 } },
      message: `The string that starts on line ${node.start.line + 1} is not closed on that line: add the closing \`"\` (for text over several lines, use a heredoc \`<<EOF\`).`,
    });
    return;
  }
  // Literal text between parts may also hold the line break (tree-sitter leaves whitespace out of literals).
  const gaps = ctx.text.slice(node.startIndex, node.endIndex).replace(/\$\{[^}]*\}/g, '');
  if (gaps.includes('\n')) {
    ctx.problems.push({
      range: { start: node.start, end: { line: node.start.line, character: node.start.character + 1 } },
      message: `The string that starts on line ${node.start.line + 1} is not closed on that line: add the closing \`"\` (for text over several lines, use a heredoc \`<<EOF\`).`,
    });
  }
}

function hasLineEnd(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/** The value of a `"..."` without interpolations (escapes resolved). */
export function stringLitValue(node: SyntaxNode, ctx: BuildContext): string {
  // Without an error the node is `"`, maybe a literal, `"` (each quote one character): no need to read them.
  if (!node.hasError) return own(unescapeQuoted(ctx.text.slice(node.startIndex + 1, Math.max(node.startIndex + 1, node.endIndex - 1))));
  const children = node.children;
  const open = children[0];
  const close = children[children.length - 1];
  const from = open?.type === 'quoted_template_start' ? open.endIndex : node.startIndex;
  const to = close?.type === 'quoted_template_end' && !close.isMissing ? close.startIndex : node.endIndex;
  return own(unescapeQuoted(ctx.text.slice(from, Math.max(from, to))));
}

function buildObject(node: SyntaxNode, ctx: BuildContext): Expr {
  const items: ObjectItem[] = [];
  const { nodes, more } = node.childrenUpTo('object_elem', MAX_COLLECTION_ITEMS);
  if (more) collectionCut(node, 'map', ctx);
  for (const elem of nodes) {
    const keyNode = elem.childForFieldName('key') ?? undefined;
    const valNode = elem.childForFieldName('val') ?? undefined;
    const key = buildExpr(keyNode, ctx, elem);
    const item: ObjectItem = { key, value: buildExpr(valNode, ctx, elem), range: elem.range() };
    if (key.kind === 'reference' && key.path.length === 0) item.keyName = key.root;
    else if (key.kind === 'literal' && typeof key.value === 'string') item.keyName = key.value;
    else if (key.kind === 'template' && key.parts.every((p) => p.kind === 'literal')) {
      item.keyName = key.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
    }
    items.push(item);
  }
  return { kind: 'object', items: fitted(items), range: node.range() };
}

function buildCall(node: SyntaxNode, ctx: BuildContext): Expr {
  const children = node.children;
  const name = children[0];
  const args = children.find((c) => c.type === 'function_arguments');
  const argKids = args ? args.children : [];
  return {
    kind: 'call',
    name: name ? textOf(name, ctx) : '',
    nameRange: name ? name.range() : node.range(),
    args: argKids.filter((c) => c.type === 'expression').map((c) => buildExpr(c, ctx, node)),
    expandFinal: argKids.some((c) => c.type === 'ellipsis'),
    range: node.range(),
  };
}

function buildFor(node: SyntaxNode, ctx: BuildContext): Expr {
  const children = node.children;
  const intro = children.find((c) => c.type === 'for_intro');
  if (!intro) return invalid(node, ctx);
  const introKids = intro.children;
  const names = introKids.filter((c) => c.type === 'identifier').map((c) => textOf(c, ctx));
  const collection = buildExpr(introKids.find((c) => c.type === 'expression'), ctx, intro);
  const bodyExprs = children.filter((c) => c.type === 'expression');
  const cond = children.find((c) => c.type === 'for_cond');
  const condition = cond ? buildExpr(cond.children.find((c) => c.type === 'expression'), ctx, cond) : undefined;
  const valueName = names.length > 1 ? names[1] : names[0] ?? '';
  const keyName = names.length > 1 ? names[0] : undefined;
  // One literal with every field (those that do not apply undefined): fields spread in or set afterwards go
  // to a separate store, 40 bytes more per expression.
  if (node.type === 'for_object_expr') {
    const keyExpr = buildExpr(bodyExprs[0], ctx, node);
    const valueExpr = buildExpr(bodyExprs[1], ctx, node);
    return { kind: 'for', keyName, valueName, collection, keyExpr, valueExpr, condition, grouping: children.some((c) => c.type === 'ellipsis'), range: node.range() };
  }
  return { kind: 'for', keyName, valueName, collection, keyExpr: undefined, valueExpr: buildExpr(bodyExprs[0], ctx, node), condition, grouping: false, range: node.range() };
}
