// Resolving client-side names for HCL evaluation. Two modes, as on a Nomad client:
// - jobspec mode (every field but the driver config): a runtime name is kept as its `${...}` text, to be
//   replaced later by simple interpolation (or left as written when unknown);
// - config mode (command, args): HCL2 with the task env as top-level names, `env["X"]`, `node.*`,
//   `attr.*`, `meta.*`; an unknown name is an error.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { RuntimeStep } from '../../server/src/model/evaluate';
import type { Value } from '../../server/src/model/value';
import type { Expr } from './model';
import type { LocalNode } from './node';

export function referenceText(root: string, steps: RuntimeStep[]): string {
  let text = root;
  for (const step of steps) {
    if ('attr' in step) text += `.${step.attr}`;
    else if ('index' in step) text += typeof step.index === 'number' ? `[${step.index}]` : `[${JSON.stringify(step.index)}]`;
    else text += '[*]';
  }
  return text;
}

/** Jobspec mode: keep the reference as literal `${...}` text. */
export function keepAsText(root: string, steps: RuntimeStep[]): Value {
  return '${' + referenceText(root, steps) + '}';
}

/** Config mode resolver. */
export function configResolver(env: Record<string, string>, node: LocalNode): (root: string, steps: RuntimeStep[]) => Value | undefined {
  const dotted = (steps: RuntimeStep[]): string | undefined => {
    const parts: string[] = [];
    for (const step of steps) {
      if ('attr' in step) parts.push(step.attr);
      else if ('index' in step) parts.push(String(step.index));
      else return undefined;
    }
    return parts.join('.');
  };
  return (root, steps) => {
    if (root === 'env') {
      const first = steps[0];
      if (steps.length === 1 && first && 'index' in first) return env[String(first.index)];
      return undefined;
    }
    if (root === 'node' || root === 'attr' || root === 'meta') {
      const name = dotted(steps);
      if (name === undefined) return undefined;
      if (root === 'attr') return node.attr[name];
      if (root === 'meta') return node.meta[name];
      if (name.startsWith('attr.')) return node.attr[name.slice(5)];
      if (name.startsWith('meta.')) return node.meta[name.slice(5)];
      return node.node[name];
    }
    if (steps.length === 0 && Object.prototype.hasOwnProperty.call(env, root)) return env[root];
    return undefined;
  };
}

/** References in an expression whose root is not var/local and that the resolver cannot answer. */
export function unresolvedReferences(
  expr: Expr,
  resolve: (root: string, steps: RuntimeStep[]) => Value | undefined,
  localExpr: (name: string) => Expr | undefined = () => undefined,
): string[] {
  const out: string[] = [];
  const seenLocals = new Set<string>();
  const visit = (e: Expr, scope: Set<string>): void => {
    switch (e.kind) {
      case 'reference': {
        if (e.root === 'local' && !scope.has('local') && e.path[0]?.kind === 'attr') {
          // Follow the local: the unknown name may be inside it.
          const name = e.path[0].name;
          const inner = seenLocals.has(name) ? undefined : localExpr(name);
          seenLocals.add(name);
          if (inner) visit(inner, new Set());
          return;
        }
        if (scope.has(e.root) || e.root === 'var' || e.root === 'local') return;
        const steps: RuntimeStep[] = [];
        for (const t of e.path) {
          if (t.kind === 'attr') steps.push({ attr: t.name });
          else if (t.kind === 'index' && t.key.kind === 'literal' && (typeof t.key.value === 'string' || typeof t.key.value === 'number')) steps.push({ index: t.key.value });
          else if (t.kind === 'index' && t.key.kind === 'template' && t.key.parts.length === 1 && t.key.parts[0].kind === 'literal') steps.push({ index: t.key.parts[0].text });
          else break;
        }
        if (resolve(e.root, steps) === undefined) out.push(referenceText(e.root, steps));
        return;
      }
      case 'template':
        for (const part of e.parts) visitPart(part, scope);
        return;
      case 'call':
        e.args.forEach((a) => visit(a, scope));
        return;
      case 'tuple':
        e.items.forEach((a) => visit(a, scope));
        return;
      case 'object':
        e.items.forEach((i) => visit(i.value, scope));
        return;
      case 'conditional':
        visit(e.condition, scope);
        visit(e.then, scope);
        visit(e.else, scope);
        return;
      case 'for': {
        const inner = new Set(scope);
        if (e.keyName) inner.add(e.keyName);
        inner.add(e.valueName);
        visit(e.collection, scope);
        if (e.keyExpr) visit(e.keyExpr, inner);
        visit(e.valueExpr, inner);
        if (e.condition) visit(e.condition, inner);
        return;
      }
      case 'unary':
        visit(e.operand, scope);
        return;
      case 'binary':
        visit(e.left, scope);
        visit(e.right, scope);
        return;
      case 'traversal':
        visit(e.target, scope);
        return;
      case 'parens':
        visit(e.inner, scope);
        return;
      default:
        return;
    }
  };
  const visitPart = (part: Extract<Expr, { kind: 'template' }>['parts'][number], scope: Set<string>): void => {
    if (part.kind === 'interpolation') visit(part.expr, scope);
    else if (part.kind === 'directive') {
      const inner = new Set(scope);
      part.names?.forEach((n) => inner.add(n));
      visit(part.expr, scope);
      part.then.forEach((p) => visitPart(p, part.directive === 'for' ? inner : scope));
      part.else?.forEach((p) => visitPart(p, scope));
    }
  };
  visit(expr, new Set());
  return [...new Set(out)];
}

/** Names that exist on a real client only through a server, with what provides them. */
export function explainMissingName(name: string): string {
  if (name === 'NOMAD_TOKEN' || name.startsWith('NOMAD_TOKEN_')) return `\${${name}} (a workload identity token, which needs a Nomad server)`;
  if (name.startsWith('VAULT_')) return `\${${name}} (set by the Vault integration, which needs a Vault server)`;
  if (name.startsWith('CONSUL_')) return `\${${name}} (set by the Consul integration, which needs a Consul server)`;
  if (name.startsWith('NOMAD_UPSTREAM_')) return `\${${name}} (a Consul Connect upstream, which needs Consul)`;
  return `\${${name}}`;
}

/**
 * Calls `visit` on every object reachable from `root` through arrays and the values of keys not in `skip`;
 * `visit` returning true means "handled": that object's own values are not walked.
 */
function walkRecords(root: unknown, skip: ReadonlySet<string>, visit: (record: Record<string, unknown>) => boolean | void): void {
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const record = node as Record<string, unknown>;
    if (visit(record) === true) return;
    for (const [key, value] of Object.entries(record)) if (!skip.has(key)) walk(value);
  };
  walk(root);
}

// Ranges and back references (group.job, task.group) are not expressions.
const NOT_EXPRESSIONS: ReadonlySet<string> = new Set(['range', 'group', 'job', 'nameRange', 'rootRange']);
const RANGE_ONLY: ReadonlySet<string> = new Set(['range']);
const FILE_CALLS: ReadonlySet<string> = new Set(['file', 'filebase64', 'templatefile', 'filemd5', 'filesha1', 'filesha256', 'filesha512']);

/**
 * Replaces calls whose value is only known when the job is submitted (uuidv4, timestamp) with their value
 * now, everywhere in the file, so that the evaluator can compute what uses them.
 */
export function freezeSubmitTimeCalls(root: unknown): void {
  const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  walkRecords(root, NOT_EXPRESSIONS, (record) => {
    if (record.kind !== 'call' || (record.name !== 'uuidv4' && record.name !== 'timestamp') || !Array.isArray(record.args) || record.args.length !== 0) return false;
    const value = record.name === 'uuidv4' ? randomUUID() : stamp;
    for (const key of Object.keys(record)) if (key !== 'range') delete record[key];
    record.kind = 'literal';
    record.value = value;
    return true;
  });
}

/** Files named by `file("...")`-style calls in an expression that do not exist (relative to `baseDir`). */
export function missingFiles(expr: unknown, baseDir: string): string[] {
  const out: string[] = [];
  walkRecords(expr, RANGE_ONLY, (record) => {
    if (record.kind !== 'call' || typeof record.name !== 'string' || !FILE_CALLS.has(record.name)) return;
    const first = (record.args as Expr[] | undefined)?.[0];
    const text = first?.kind === 'literal' && typeof first.value === 'string' ? first.value : first?.kind === 'template' && first.parts.length === 1 && first.parts[0].kind === 'literal' ? first.parts[0].text : undefined;
    if (text !== undefined) {
      const full = path.resolve(baseDir, text);
      if (!fs.existsSync(full)) out.push(`${record.name}("${text}") reads ${full}, which does not exist`);
    }
  });
  return out;
}
