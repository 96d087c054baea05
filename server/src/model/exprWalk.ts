// Walks HCL2 expressions and reports the references and function calls inside them, with the names that
// are bound locally at that point (`for` variables, `%{ for }` names, `dynamic` block iterators), so a check
// can tell `NOMAD_TASK_DIR` (a runtime name) from `port.value` (a dynamic iterator) or `x` in `[for x in ...]`.
import type { Expr, TemplatePart } from './types';

export type ReferenceExpr = Extract<Expr, { kind: 'reference' }>;
export type CallExpr = Extract<Expr, { kind: 'call' }>;

export interface ExprVisitor {
  reference?(ref: ReferenceExpr, bound: ReadonlySet<string>): void;
  call?(call: CallExpr, bound: ReadonlySet<string>): void;
  /** Called for each `${ ... }` of a template before its expression is walked; return false to skip it. */
  interpolation?(expr: Expr, bound: ReadonlySet<string>): boolean | void;
}

export function walkExpr(expr: Expr, bound: ReadonlySet<string>, visitor: ExprVisitor): void {
  switch (expr.kind) {
    case 'literal':
    case 'invalid':
      return;
    case 'template':
      return walkParts(expr.parts, bound, visitor);
    case 'reference':
      visitor.reference?.(expr, bound);
      for (const step of expr.path) if (step.kind === 'index') walkExpr(step.key, bound, visitor);
      return;
    case 'call':
      visitor.call?.(expr, bound);
      for (const arg of expr.args) walkExpr(arg, bound, visitor);
      return;
    case 'tuple':
      for (const item of expr.items) walkExpr(item, bound, visitor);
      return;
    case 'object':
      for (const item of expr.items) {
        // A bare identifier key is a name, not a reference (`{ FOO = 1 }`).
        if (item.keyName === undefined || item.key.kind !== 'reference') walkExpr(item.key, bound, visitor);
        walkExpr(item.value, bound, visitor);
      }
      return;
    case 'conditional':
      walkExpr(expr.condition, bound, visitor);
      walkExpr(expr.then, bound, visitor);
      walkExpr(expr.else, bound, visitor);
      return;
    case 'for': {
      walkExpr(expr.collection, bound, visitor);
      const inner = withNames(bound, [expr.keyName, expr.valueName]);
      if (expr.keyExpr) walkExpr(expr.keyExpr, inner, visitor);
      walkExpr(expr.valueExpr, inner, visitor);
      if (expr.condition) walkExpr(expr.condition, inner, visitor);
      return;
    }
    case 'unary':
      return walkExpr(expr.operand, bound, visitor);
    case 'binary':
      walkExpr(expr.left, bound, visitor);
      walkExpr(expr.right, bound, visitor);
      return;
    case 'traversal':
      walkExpr(expr.target, bound, visitor);
      for (const step of expr.path) if (step.kind === 'index') walkExpr(step.key, bound, visitor);
      return;
    case 'parens':
      return walkExpr(expr.inner, bound, visitor);
  }
}

function walkParts(parts: TemplatePart[], bound: ReadonlySet<string>, visitor: ExprVisitor): void {
  for (const part of parts) {
    if (part.kind === 'literal') continue;
    if (part.kind === 'interpolation') {
      if (visitor.interpolation?.(part.expr, bound) === false) continue;
      walkExpr(part.expr, bound, visitor);
      continue;
    }
    walkExpr(part.expr, bound, visitor);
    const inner = part.directive === 'for' ? withNames(bound, part.names ?? []) : bound;
    walkParts(part.then, inner, visitor);
    if (part.else) walkParts(part.else, inner, visitor);
  }
}

export function withNames(bound: ReadonlySet<string>, names: Array<string | undefined>): ReadonlySet<string> {
  const next = new Set(bound);
  for (const name of names) if (name) next.add(name);
  return next;
}

/** The references and calls of one expression, collected (for deciding who evaluates an interpolation). */
export function collect(expr: Expr, bound: ReadonlySet<string>): { references: ReferenceExpr[]; calls: CallExpr[] } {
  const references: ReferenceExpr[] = [];
  const calls: CallExpr[] = [];
  walkExpr(expr, bound, {
    reference: (ref, b) => {
      if (!b.has(ref.root)) references.push(ref);
    },
    call: (call) => calls.push(call),
  });
  return { references, calls };
}

/**
 * References of an expression outside nested templates. Nomad's HCL keeps a template interpolation that
 * names a runtime variable as literal text, so `trimspace(<<EOF ... ${NOMAD_X} ... EOF)` is still evaluated at
 * submission: only a runtime name used directly (`upper(NOMAD_X)`) leaves the call to the client.
 */
export function directReferences(expr: Expr, bound: ReadonlySet<string>): ReferenceExpr[] {
  const found: ReferenceExpr[] = [];
  const visit = (e: Expr, names: ReadonlySet<string>): void => {
    if (e.kind === 'template') return;
    if (e.kind === 'reference') {
      if (!names.has(e.root)) found.push(e);
      return;
    }
    if (e.kind === 'call') return e.args.forEach((a) => visit(a, names));
    if (e.kind === 'for') {
      visit(e.collection, names);
      const inner = withNames(names, [e.keyName, e.valueName]);
      if (e.keyExpr) visit(e.keyExpr, inner);
      visit(e.valueExpr, inner);
      return;
    }
    // Other kinds: reuse the general walker one level at a time, skipping templates.
    walkExpr(e, names, {
      reference: (ref, b) => {
        if (!b.has(ref.root)) found.push(ref);
      },
    });
  };
  visit(expr, bound);
  return found;
}

/** `a.b["c"]` as the dotted name `a.b.c` (index keys only when they are literal strings). */
export function dottedName(ref: ReferenceExpr): string {
  let name = ref.root;
  for (const step of ref.path) {
    if (step.kind === 'attr') name += `.${step.name}`;
    else if (step.kind === 'index' && step.key.kind === 'literal' && typeof step.key.value === 'string') name += `.${step.key.value}`;
    else if (step.kind === 'index' && step.key.kind === 'template' && step.key.parts.length === 1 && step.key.parts[0].kind === 'literal') {
      name += `.${step.key.parts[0].text}`;
    } else break;
  }
  return name;
}

/** Names that HCL evaluates when the job is submitted: variables and locals. */
export const SUBMISSION_ROOTS: ReadonlySet<string> = new Set(['var', 'local']);
