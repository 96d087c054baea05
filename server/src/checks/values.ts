// Checking one attribute value against its AttributeSchema: type, allowed values, durations, bounds.
// Only values that are known (or whose expression kind already decides the type) are ever reported.
import type { AttributeSchema, ValueType } from '../schema/types';
import type { Attribute, Expr } from '../model/types';
import { describeValue, kindOfValue, type Value } from '../model/value';
import type { CheckContext } from './check';
import { byRecentText } from './memo';
import { nearestName } from '../schema/capabilities';
import { DiagnosticSeverity } from 'vscode-languageserver-types';

/** Go's time.ParseDuration grammar: "0", or signed decimal numbers each followed by a unit. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

export function isGoDuration(text: string): boolean {
  return GO_DURATION.test(text);
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

// Compiled once per schema pattern (schemas are data, made once).
const patterns = new WeakMap<{ regex: string }, RegExp>();

function patternOf(pattern: { regex: string }): RegExp {
  let made = patterns.get(pattern);
  if (!made) patterns.set(pattern, (made = new RegExp(pattern.regex)));
  return made;
}

// Read on every edit for each duration of the edited group (restart, update, checks...): a job file holds a
// handful of distinct ones.
const rememberedDuration = byRecentText(256, (value) => parseDuration(value));

/** A Go duration string, or a number of nanoseconds, in nanoseconds; undefined when it is neither. */
export function durationNs(value: Value): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  return rememberedDuration(value);
}

function parseDuration(value: string): number | undefined {
  const text = value.trim();
  if (!isGoDuration(text)) return undefined;
  const sign = text.startsWith('-') ? -1 : 1;
  let total = 0;
  for (const match of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(match[1]) * UNIT_NS[match[2]];
  }
  return sign * total;
}

/** How a duration in nanoseconds reads to a person ("90s" -> "1m30s"). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const parts: string[] = [];
  let rest = Math.abs(ns);
  for (const [unit, size] of [['h', 3600e9], ['m', 60e9], ['s', 1e9], ['ms', 1e6]] as const) {
    const whole = Math.floor(rest / size);
    if (whole > 0) {
      parts.push(`${whole}${unit}`);
      rest -= whole * size;
    }
  }
  return (ns < 0 ? '-' : '') + (parts.join('') || `${ns}ns`);
}

/** What an expression is, judged from its syntax alone, when that is enough to know its type. */
export function syntacticKind(expr: Expr): 'string' | 'tuple' | 'object' | 'number' | 'bool' | undefined {
  switch (expr.kind) {
    case 'literal':
      if (typeof expr.value === 'string') return 'string';
      if (typeof expr.value === 'number') return 'number';
      if (typeof expr.value === 'boolean') return 'bool';
      return undefined;
    case 'template': {
      // A template made of exactly one interpolation passes its value through unchanged (may be a list).
      const onlyInterpolation = expr.parts.length === 1 && expr.parts[0].kind === 'interpolation' && !expr.heredoc;
      return onlyInterpolation ? undefined : 'string';
    }
    case 'tuple':
    case 'for':
      return expr.kind === 'for' ? (expr.keyExpr ? 'object' : 'tuple') : 'tuple';
    case 'object':
      return 'object';
    case 'parens':
      return syntacticKind(expr.inner);
    default:
      return undefined;
  }
}

function describeType(type: ValueType): string {
  switch (type.kind) {
    case 'list':
      return `a list of ${describeType(type.element).replace(/^an? /, '')}s`;
    case 'map':
      return `a map of ${describeType(type.element).replace(/^an? /, '')}s`;
    case 'duration':
      return 'a duration such as "30s"';
    case 'number':
      return type.integer ? 'a whole number' : 'a number';
    case 'bool':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'object':
      return 'an object';
    default:
      return 'a value';
  }
}


/** Whether HCL's automatic conversion turns a value of `kind` into `type`. */
function convertible(kind: string, value: Value, type: ValueType): boolean {
  switch (type.kind) {
    case 'any':
      return true;
    case 'string':
      return kind === 'string' || kind === 'number' || kind === 'bool';
    case 'number':
      if (kind === 'number') return true;
      return kind === 'string' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value));
    case 'bool':
      return kind === 'bool' || (kind === 'string' && (value === 'true' || value === 'false'));
    case 'duration':
      return kind === 'string' || kind === 'number';
    case 'list':
      return kind === 'tuple';
    case 'map':
    case 'object':
      return kind === 'object';
  }
}

/** Whether some value of this kind could convert to `type` (used when only the expression kind is known). */
function kindFits(kind: string, type: ValueType): boolean {
  if (kind === 'string' && (type.kind === 'number' || type.kind === 'bool')) return true;
  return convertible(kind, null, type);
}

/**
 * Checks the value of `attribute` against `schema`; reports at most one problem per attribute (the most
 * fundamental: type first, then allowed values, duration syntax and bounds). `subject` names it in messages.
 */
export function checkAttributeValue(ctx: CheckContext, attribute: Attribute, given: AttributeSchema, subject: string): void {
  const expr = attribute.value;
  if (expr.kind === 'invalid') return;
  const value = ctx.evaluator.evaluate(expr);
  const known = kindOfValue(value);
  const kind = known ?? syntacticKind(expr);
  if (kind === undefined || kind === 'null') return;
  // A driver-config map may also be a list of maps (hclspec list(map(T)), merged by the driver).
  const schema = given.blockForm && kind === 'tuple' ? { ...given, type: { kind: 'list', element: given.type } as ValueType } : given;
  // Without the value, a string may still convert to a number or bool; judge by kind alone then.
  const fits = known ? convertible(kind, value, schema.type) : kindFits(kind, schema.type);

  if (!fits) {
    // A string that fails number/bool conversion is still a type problem; say what was expected.
    let hint = '';
    if (schema.type.kind === 'list' && kind === 'string') hint = ` Write it as a list: ${attribute.name} = [${known ? JSON.stringify(value) : '...'}].`;
    ctx.report({
      range: expr.range,
      code: 'type-mismatch',
      message: `${subject} must be ${describeType(schema.type)}, not ${describeValue(kind)}.${hint}`,
    });
    return;
  }
  if (!known) return;

  if (schema.type.kind === 'list' && Array.isArray(value)) {
    const element = schema.type.element;
    value.forEach((item, index) => {
      const itemKind = kindOfValue(item);
      if (itemKind === undefined || itemKind === 'null') return;
      if (!convertible(itemKind, item, element)) {
        const itemExpr = expr.kind === 'tuple' ? expr.items[index] : undefined;
        ctx.report({
          range: itemExpr?.range ?? expr.range,
          code: 'type-mismatch',
          message: `Every element of ${subject} must be ${describeType(element)}; element ${index + 1} is ${describeValue(itemKind)}.`,
        });
      }
    });
    return;
  }
  if (schema.type.kind === 'map' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const element = schema.type.element;
    for (const [key, item] of Object.entries(value)) {
      const itemKind = kindOfValue(item);
      if (itemKind === undefined || itemKind === 'null') continue;
      if (!convertible(itemKind, item, element)) {
        ctx.report({ range: expr.range, code: 'type-mismatch', message: `Every value of ${subject} must be ${describeType(element)}; "${key}" is ${describeValue(itemKind)}.` });
        return;
      }
    }
    return;
  }

  if (schema.type.kind === 'duration') {
    // durationNs: the same test, remembered per text.
    if (typeof value === 'string' && durationNs(value) === undefined) {
      ctx.report({
        range: expr.range,
        code: 'invalid-duration',
        message: `${subject}: "${value}" is not a duration. Use a number with a unit, e.g. "30s", "5m", "1h30m" (units ns, us, ms, s, m, h).`,
      });
      return;
    }
    if (typeof value === 'number' && value > 0 && value < 1e6) {
      // A bare number is read as nanoseconds: `kill_timeout = 30` is 30ns, almost surely not what was meant.
      ctx.report({
        range: expr.range,
        code: 'invalid-duration',
        severity: DiagnosticSeverity.Warning,
        message: `${subject} = ${value} means ${value} nanoseconds: a bare number is read as nanoseconds. Write a duration string such as "${value}s".`,
        data: { replacement: `"${value}s"` },
      });
      return;
    }
    const ns = durationNs(value);
    if (ns !== undefined && ns < 0) {
      ctx.report({ range: expr.range, code: 'out-of-range', message: `${subject} cannot be negative (${formatDuration(ns)}).` });
    }
    return;
  }

  if (schema.values && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    const text = String(value);
    const allowed = schema.values.map((v) => v.value);
    const matches = schema.caseInsensitive ? allowed.some((a) => a.toLowerCase() === text.toLowerCase()) : allowed.includes(text);
    const patternOk = schema.valuePattern ? patternOf(schema.valuePattern).test(text) : false;
    if (!matches && !patternOk) {
      const shown = allowed.filter((a) => a !== '').map((a) => `"${a}"`);
      if (schema.valuePattern) shown.push(schema.valuePattern.description);
      const nearest = nearestName(text, allowed.filter((a) => a !== ''));
      ctx.report({
        range: expr.range,
        code: 'invalid-value',
        message: `${subject} cannot be "${text}". Allowed: ${shown.join(', ')}.${nearest ? ` Did you mean "${nearest}"?` : ''}`,
        data: nearest ? { replacement: `"${nearest}"` } : undefined,
      });
      return;
    }
  }

  if (schema.type.kind === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (Number.isNaN(n)) return;
    if (schema.type.integer && !Number.isInteger(n)) {
      ctx.report({ range: expr.range, code: 'type-mismatch', message: `${subject} must be a whole number, not ${n}.` });
      return;
    }
    if ((schema.min !== undefined && n < schema.min) || (schema.max !== undefined && n > schema.max)) {
      const bounds =
        schema.min !== undefined && schema.max !== undefined
          ? `between ${schema.min} and ${schema.max}`
          : schema.min !== undefined
            ? `at least ${schema.min}`
            : `at most ${schema.max}`;
      ctx.report({ range: expr.range, code: 'out-of-range', message: `${subject} must be ${bounds}; it is ${n}.` });
    }
  }
}
