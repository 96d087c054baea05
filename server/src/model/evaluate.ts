// HCL2 evaluation of model expressions, as far as a value can be known while editing (see eval.ts).
// Unknown anywhere makes the result UNKNOWN; any evaluation error also gives UNKNOWN, never an exception,
// except a read the file sandbox refused (FileSandboxError, only with a baseDir): it must stop the caller.
import type { Expr, JobFile, TemplatePart, Traverser } from './types';
import { UNKNOWN, Unknown, isWhollyKnown, type Value } from './value';
import type { Evaluator } from './eval';
import { FileSandboxError } from './fileSandbox';
import { FUNCTIONS, EvalError, toStringValue, toNumberValue, toBoolValue, valuesEqual, type FunctionContext } from './functions';
import { specimen } from '../specimens';

export type { Evaluator };

/** A step of a runtime reference after its root, with index keys already evaluated. */
export type RuntimeStep = { attr: string } | { index: string | number } | { splat: true };

export interface EvaluateOptions {
  /** Variable values given to the runner (`-var`, `NOMAD_VAR_*`); declared defaults are used otherwise. */
  variables?: Record<string, Value>;
  /**
   * Resolves names only known on a Nomad client (`NOMAD_TASK_DIR`, `attr.kernel.name`, `env["X"]`, ...).
   * Return UNKNOWN (or undefined) for names it does not know. Without it, such names are UNKNOWN.
   */
  runtime?: (root: string, path: RuntimeStep[]) => Value | undefined;
  /** Directory for `file()`; without it `file()` is UNKNOWN. */
  baseDir?: string;
}

type Scope = Map<string, Value>;

class Unknowable extends Error {}

export function createEvaluator(file: JobFile, options: EvaluateOptions = {}): Evaluator {
  return new HclEvaluator(file, options);
}

class HclEvaluator implements Evaluator {
  private readonly localValues = new Map<string, Value>();
  private readonly localsInProgress = new Set<string>();
  private readonly variableValues = new Map<string, Value>();
  private readonly functionContext: FunctionContext;

  constructor(
    private readonly file: JobFile,
    private readonly options: EvaluateOptions,
  ) {
    specimen(this);
    this.functionContext = { baseDir: options.baseDir };
  }

  evaluate(expr: Expr): Value {
    return this.safe(expr, undefined);
  }

  private safe(expr: Expr, scope: Scope | undefined): Value {
    try {
      return this.eval(expr, scope);
    } catch (error) {
      if (error instanceof FileSandboxError) throw error;
      return UNKNOWN;
    }
  }

  private eval(expr: Expr, scope: Scope | undefined): Value {
    switch (expr.kind) {
      case 'literal':
        return expr.value;
      case 'template':
        return this.template(expr.parts, scope);
      case 'reference':
        return this.reference(expr.root, expr.path, scope);
      case 'call':
        return this.call(expr.name, expr.args, expr.expandFinal, scope);
      case 'tuple':
        return this.known(expr.items.map((item) => this.eval(item, scope)));
      case 'object': {
        const out: Record<string, Value> = {};
        for (const item of expr.items) {
          const key = item.keyName ?? this.eval(item.key, scope);
          if (key instanceof Unknown) return UNKNOWN;
          out[toStringValue(key)] = this.eval(item.value, scope);
        }
        return out;
      }
      case 'conditional': {
        const condition = this.eval(expr.condition, scope);
        if (condition instanceof Unknown) return UNKNOWN;
        return toBoolValue(condition) ? this.eval(expr.then, scope) : this.eval(expr.else, scope);
      }
      case 'for':
        return this.forExpr(expr, scope);
      case 'unary': {
        const operand = this.eval(expr.operand, scope);
        if (operand instanceof Unknown) return UNKNOWN;
        return expr.op === '-' ? -toNumberValue(operand) : !toBoolValue(operand);
      }
      case 'binary':
        return this.binary(expr.op, expr.left, expr.right, scope);
      case 'traversal':
        return this.traverse(this.eval(expr.target, scope), expr.path, scope);
      case 'parens':
        return this.eval(expr.inner, scope);
      case 'invalid':
        return UNKNOWN;
    }
  }

  /** Arrays with an unknown element stay arrays: checks may still look at the known elements. */
  private known(values: Value[]): Value {
    return values;
  }

  private template(parts: TemplatePart[], scope: Scope | undefined): Value {
    // A template that is exactly one interpolation keeps the value's type, as in HCL.
    if (parts.length === 1 && parts[0].kind === 'interpolation') return this.eval(parts[0].expr, scope);
    const text = this.templateText(parts, scope);
    return text === undefined ? UNKNOWN : text;
  }

  private templateText(parts: TemplatePart[], scope: Scope | undefined): string | undefined {
    let out = '';
    for (const part of parts) {
      if (part.kind === 'literal') {
        out += part.text;
      } else if (part.kind === 'interpolation') {
        const value = this.eval(part.expr, scope);
        if (!isWhollyKnown(value)) return undefined;
        if (value === null) throw new EvalError('null in a template');
        out += toStringValue(value);
      } else if (part.directive === 'if') {
        const condition = this.eval(part.expr, scope);
        if (condition instanceof Unknown) return undefined;
        const chosen = toBoolValue(condition) ? part.then : part.else ?? [];
        const text = this.templateText(chosen, scope);
        if (text === undefined) return undefined;
        out += text;
      } else {
        const collection = this.eval(part.expr, scope);
        if (!isWhollyKnown(collection)) return undefined;
        for (const [key, value] of entries(collection)) {
          const inner = new Map(scope ?? []);
          const names = part.names ?? [];
          if (names.length > 1) {
            inner.set(names[0], key);
            inner.set(names[1], value);
          } else if (names[0]) inner.set(names[0], value);
          const text = this.templateText(part.then, inner);
          if (text === undefined) return undefined;
          out += text;
        }
      }
    }
    return out;
  }

  private reference(root: string, path: Traverser[], scope: Scope | undefined): Value {
    if (scope?.has(root)) return this.traverse(scope.get(root)!, path, scope);
    if (root === 'var' && path[0]?.kind === 'attr') return this.traverse(this.variable(path[0].name), path.slice(1), scope);
    if (root === 'local' && path[0]?.kind === 'attr') return this.traverse(this.local(path[0].name), path.slice(1), scope);
    if (this.options.runtime) {
      const steps = this.runtimeSteps(path, scope);
      if (steps) {
        const value = this.options.runtime(root, steps);
        if (value !== undefined) return value;
      }
    }
    return UNKNOWN;
  }

  private runtimeSteps(path: Traverser[], scope: Scope | undefined): RuntimeStep[] | undefined {
    const steps: RuntimeStep[] = [];
    for (const step of path) {
      if (step.kind === 'attr') steps.push({ attr: step.name });
      else if (step.kind === 'splat') steps.push({ splat: true });
      else {
        const key = this.eval(step.key, scope);
        if (typeof key !== 'string' && typeof key !== 'number') return undefined;
        steps.push({ index: key });
      }
    }
    return steps;
  }

  private variable(name: string): Value {
    if (this.options.variables && Object.prototype.hasOwnProperty.call(this.options.variables, name)) {
      return this.options.variables[name];
    }
    const cached = this.variableValues.get(name);
    if (cached !== undefined) return cached;
    const decl = this.file.variables.get(name);
    const value = decl?.default ? this.safe(decl.default.value, undefined) : UNKNOWN;
    this.variableValues.set(name, value);
    return value;
  }

  private local(name: string): Value {
    const cached = this.localValues.get(name);
    if (cached !== undefined) return cached;
    const attr = this.file.locals.get(name);
    if (!attr || this.localsInProgress.has(name)) return UNKNOWN; // missing, or a cycle
    this.localsInProgress.add(name);
    try {
      const value = this.safe(attr.value, undefined);
      this.localValues.set(name, value);
      return value;
    } finally {
      this.localsInProgress.delete(name);
    }
  }

  private traverse(value: Value, path: Traverser[], scope: Scope | undefined): Value {
    let current = value;
    for (let i = 0; i < path.length; i++) {
      if (current instanceof Unknown) return UNKNOWN;
      const step = path[i];
      if (step.kind === 'splat') {
        const rest = path.slice(i + 1);
        if (current === null) return [];
        const list = Array.isArray(current) ? current : [current];
        return list.map((element) => this.traverse(element, rest, scope));
      }
      const key: Value = step.kind === 'attr' ? step.name : this.eval(step.key, scope);
      if (key instanceof Unknown) return UNKNOWN;
      current = index(current, key);
    }
    return current;
  }

  private call(name: string, args: Expr[], expandFinal: boolean, scope: Scope | undefined): Value {
    if (name === 'try') {
      for (const arg of args) {
        try {
          return this.eval(arg, scope);
        } catch (error) {
          // A refused read is not an error try() may hide: the job asked for a host file.
          if (error instanceof FileSandboxError) throw error;
        }
      }
      throw new EvalError('no argument of try() could be evaluated');
    }
    if (name === 'can') {
      if (args.length !== 1) throw new EvalError('can() takes one argument');
      try {
        const value = this.eval(args[0], scope);
        return isWhollyKnown(value) ? true : UNKNOWN;
      } catch (error) {
        if (error instanceof FileSandboxError) throw error;
        return false;
      }
    }
    const fn = FUNCTIONS[name];
    if (!fn) return UNKNOWN;
    let values = args.map((arg) => this.eval(arg, scope));
    if (expandFinal && values.length > 0) {
      const last = values[values.length - 1];
      if (last instanceof Unknown) return UNKNOWN;
      if (!Array.isArray(last)) throw new EvalError('... expects a list');
      values = [...values.slice(0, -1), ...last];
    }
    if (!values.every(isWhollyKnown)) {
      if (!fn.acceptsUnknown) return UNKNOWN;
    }
    try {
      return fn.call(values, this.functionContext);
    } catch (error) {
      if (error instanceof Unknowable) return UNKNOWN;
      throw error;
    }
  }

  private forExpr(expr: Extract<Expr, { kind: 'for' }>, scope: Scope | undefined): Value {
    const collection = this.eval(expr.collection, scope);
    if (collection instanceof Unknown) return UNKNOWN;
    const isObject = expr.keyExpr !== undefined;
    const tuple: Value[] = [];
    const object: Record<string, Value> = {};
    const groups: Record<string, Value[]> = {};
    for (const [key, value] of entries(collection)) {
      const inner = new Map(scope ?? []);
      if (expr.keyName !== undefined) inner.set(expr.keyName, key);
      inner.set(expr.valueName, value);
      if (expr.condition) {
        const keep = this.eval(expr.condition, inner);
        if (keep instanceof Unknown) return UNKNOWN;
        if (!toBoolValue(keep)) continue;
      }
      if (isObject) {
        const k = this.eval(expr.keyExpr!, inner);
        if (k instanceof Unknown) return UNKNOWN;
        const name = toStringValue(k);
        const v = this.eval(expr.valueExpr, inner);
        if (expr.grouping) (groups[name] ??= []).push(v);
        else {
          if (Object.prototype.hasOwnProperty.call(object, name)) throw new EvalError(`duplicate key ${name}`);
          object[name] = v;
        }
      } else tuple.push(this.eval(expr.valueExpr, inner));
    }
    if (!isObject) return tuple;
    return expr.grouping ? groups : object;
  }

  private binary(op: string, leftExpr: Expr, rightExpr: Expr, scope: Scope | undefined): Value {
    const left = this.eval(leftExpr, scope);
    // && and || may decide without the unknown side.
    if (op === '&&' || op === '||') {
      const right = this.eval(rightExpr, scope);
      if (op === '&&') {
        if (left === false || right === false) return false;
      } else if (left === true || right === true) return true;
      if (left instanceof Unknown || right instanceof Unknown) return UNKNOWN;
      return op === '&&' ? toBoolValue(left) && toBoolValue(right) : toBoolValue(left) || toBoolValue(right);
    }
    const right = this.eval(rightExpr, scope);
    if (!isWhollyKnown(left) || !isWhollyKnown(right)) return UNKNOWN;
    switch (op) {
      case '==':
        return valuesEqual(left, right);
      case '!=':
        return !valuesEqual(left, right);
    }
    const a = toNumberValue(left);
    const b = toNumberValue(right);
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/':
        if (b === 0) throw new EvalError('division by zero');
        return a / b;
      case '%':
        if (b === 0) throw new EvalError('modulo by zero');
        return a % b;
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      case '>=': return a >= b;
    }
    throw new EvalError(`unknown operator ${op}`);
  }
}

/** Key/value pairs of a list (index, element) or an object (sorted key, value). */
function entries(collection: Value): [Value, Value][] {
  if (Array.isArray(collection)) return collection.map((v, i) => [i, v]);
  if (collection !== null && typeof collection === 'object' && !(collection instanceof Unknown)) {
    return Object.keys(collection).sort().map((k) => [k, (collection as Record<string, Value>)[k]]);
  }
  throw new EvalError('for expects a list, set or object');
}

function index(value: Value, key: Value): Value {
  if (Array.isArray(value)) {
    const i = toNumberValue(key);
    if (!Number.isInteger(i) || i < 0 || i >= value.length) throw new EvalError('index out of range');
    return value[i];
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Unknown)) {
    const name = toStringValue(key);
    if (!Object.prototype.hasOwnProperty.call(value, name)) throw new EvalError(`no attribute ${name}`);
    return (value as Record<string, Value>)[name];
  }
  throw new EvalError('cannot index this value');
}
