// Finding what lies at a position in the job model: the enclosing blocks (with the schema path they
// stand for), the attribute, the part under the cursor and the innermost expression. Hover, code actions
// and semantic tokens ask here instead of walking the model themselves.
import type { Position, Range } from 'vscode-languageserver-types';
import type { Attribute, Block, Body, Expr, JobFile, Label, Task, TemplatePart } from '../model/types';
import { before, holds, touches } from '../model/positions';

// Re-exported: features import positions from here along with the model queries.
export { before, holds, touches };

export type HitPart = 'blockType' | 'label' | 'attributeName' | 'value' | 'body';

export interface ModelHit {
  /** Enclosing blocks, outermost first; for a block type or label hit, the block itself is last. */
  blocks: Block[];
  /** Schema path of the innermost body (or of the hit block): dynamic blocks appear as their generated type. */
  path: string[];
  part: HitPart;
  task?: Task;
  /** The block whose type or label is under the position. */
  block?: Block;
  label?: Label;
  attribute?: Attribute;
  /** Expressions containing the position, outermost first (value hits). */
  exprs: Expr[];
  /** The body whose item (or gap between items) the position is in. */
  body: Body;
}

const taskIndex = new WeakMap<JobFile, Map<Block, Task>>();

/** The task a block stands for, if it is one (a `task` block or the `dynamic "task"` block). */
export function taskOf(file: JobFile, block: Block): Task | undefined {
  let index = taskIndex.get(file);
  if (!index) {
    // Built once per model: a 1 MB job has thousands of tasks and hover asks on every request.
    index = new Map();
    for (const job of file.jobs) {
      for (const group of job.groups) {
        for (const task of group.tasks) index.set(task.block, task);
      }
    }
    taskIndex.set(file, index);
  }
  return index.get(block);
}

function itemAt<T extends { range: Range }>(items: readonly T[], pos: Position, inclusiveEnd: boolean): T | undefined {
  // Items are in source order: binary search for the last one starting at or before `pos`.
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (before(pos, items[mid].range.start)) hi = mid - 1;
    else {
      found = mid;
      lo = mid + 1;
    }
  }
  if (found < 0) return undefined;
  const item = items[found];
  return (inclusiveEnd ? touches(item.range, pos) : holds(item.range, pos)) ? item : undefined;
}

/** What the model has at `pos`; `inclusiveEnd` also matches a position right after a name or value. */
export function hitAt(file: JobFile, pos: Position, inclusiveEnd = false): ModelHit {
  const blocks: Block[] = [];
  const path: string[] = [];
  let task: Task | undefined;
  let body: Body = file.body;
  const inRange = (range: Range) => (inclusiveEnd ? touches(range, pos) : holds(range, pos));
  for (;;) {
    const item = itemAt(body.items, pos, inclusiveEnd);
    if (!item) return { blocks, path, part: 'body', task, exprs: [], body };
    if (item.kind === 'attribute') {
      if (inRange(item.nameRange)) return { blocks, path, part: 'attributeName', task, attribute: item, exprs: [], body };
      return { blocks, path, part: 'value', task, attribute: item, exprs: exprsAt(item.value, pos, inclusiveEnd), body };
    }
    const type = item.dynamic?.blockType ?? item.type;
    const asTask = type === 'task' ? taskOf(file, item) : undefined;
    if (inRange(item.typeRange)) {
      return { blocks: [...blocks, item], path: [...path, type], part: 'blockType', task: asTask ?? task, block: item, exprs: [], body };
    }
    const label = item.labels.find((l) => inRange(l.range));
    if (label) return { blocks: [...blocks, item], path: [...path, type], part: 'label', task: asTask ?? task, block: item, label, exprs: [], body };
    blocks.push(item);
    if (asTask) task = asTask;
    const content = item.dynamic?.content;
    if (content && inRange(content.range)) {
      path.push(type);
      body = content;
      continue;
    }
    path.push(item.type);
    body = item.body;
  }
}

/** Expressions containing `pos`, outermost first. */
export function exprsAt(expr: Expr, pos: Position, inclusiveEnd = false): Expr[] {
  const chain: Expr[] = [];
  const inRange = (range: Range) => (inclusiveEnd ? touches(range, pos) : holds(range, pos));
  let current: Expr | undefined = expr;
  while (current && inRange(current.range)) {
    chain.push(current);
    current = childExprs(current).find((child) => inRange(child.range));
  }
  return chain;
}

function partExprs(parts: readonly TemplatePart[], out: Expr[]): void {
  for (const part of parts) {
    if (part.kind === 'interpolation') out.push(part.expr);
    else if (part.kind === 'directive') {
      out.push(part.expr);
      partExprs(part.then, out);
      if (part.else) partExprs(part.else, out);
    }
  }
}

/** The direct sub-expressions of an expression. */
export function childExprs(expr: Expr): Expr[] {
  const out: Expr[] = [];
  switch (expr.kind) {
    case 'template':
      partExprs(expr.parts, out);
      break;
    case 'reference':
    case 'traversal':
      if (expr.kind === 'traversal') out.push(expr.target);
      for (const step of expr.path) if (step.kind === 'index') out.push(step.key);
      break;
    case 'call':
      for (const arg of expr.args) out.push(arg);
      break;
    case 'tuple':
      for (const item of expr.items) out.push(item);
      break;
    case 'object':
      for (const item of expr.items) out.push(item.key, item.value);
      break;
    case 'conditional':
      out.push(expr.condition, expr.then, expr.else);
      break;
    case 'for':
      out.push(expr.collection);
      if (expr.keyExpr) out.push(expr.keyExpr);
      out.push(expr.valueExpr);
      if (expr.condition) out.push(expr.condition);
      break;
    case 'unary':
      out.push(expr.operand);
      break;
    case 'binary':
      out.push(expr.left, expr.right);
      break;
    case 'parens':
      out.push(expr.inner);
      break;
    default:
      break;
  }
  return out;
}

/** The plain text of a literal string (or a template made only of literal text). */
export function literalText(expr: Expr | undefined): string | undefined {
  if (!expr) return undefined;
  if (expr.kind === 'literal' && typeof expr.value === 'string') return expr.value;
  if (expr.kind === 'template' && expr.parts.every((p) => p.kind === 'literal')) {
    return expr.parts.map((p) => (p.kind === 'literal' ? p.text : '')).join('');
  }
  return undefined;
}

/** `a.b.c` for a reference made of attribute steps (stops at the first index or splat). */
export function dottedName(expr: Extract<Expr, { kind: 'reference' }>): string {
  let name = expr.root;
  for (const step of expr.path) {
    if (step.kind !== 'attr') break;
    name += '.' + step.name;
  }
  return name;
}

export function attributeIn(body: Body, name: string): Attribute | undefined {
  return body.items.find((i): i is Attribute => i.kind === 'attribute' && i.name === name);
}

/** The body of a task (its dynamic content for a `dynamic "task"`). */
export function bodyOfTask(task: Task): Body {
  return task.block.dynamic?.content ?? task.block.body;
}
