// A variable's `type`, read as Nomad reads it: as an exact type (HCL's typeexpr.Type), where `any` and
// `optional(...)` are refused (they belong to type constraints). And whether a known value converts to such a
// type as HCL's converter would, for a variable's default. Only what is certain is said: a value whose
// conversion depends on rules this does not model (an object with extra attributes) is taken as converting.
import type { Expr, Range } from './types';
import { describeValue, isKnown, kindOfValue, type Value } from './value';

export type TypeSpec =
  | { kind: 'string' | 'number' | 'bool' }
  | { kind: 'list' | 'set' | 'map'; element: TypeSpec }
  | { kind: 'object'; attributes: ReadonlyMap<string, TypeSpec> }
  | { kind: 'tuple'; elements: readonly TypeSpec[] };

export interface TypeProblem {
  range: Range;
  message: string;
  /** A type word to put at `range` instead (a misspelt keyword's nearest one). */
  replacement?: string;
}

const PRIMITIVES = new Set(['string', 'number', 'bool']);
const COLLECTIONS = new Set(['list', 'set', 'map']);
/** Every word a type is written with, for a misspelling's nearest one. */
export const TYPE_WORDS: readonly string[] = ['string', 'number', 'bool', 'list', 'set', 'map', 'object', 'tuple'];

const NEEDS_ARGUMENT: Record<string, string> = {
  list: '`list` needs its element type, as in list(string).',
  set: '`set` needs its element type, as in set(string).',
  map: '`map` needs its element type, as in map(string).',
  object: '`object` needs the types of its attributes, as in object({ name = string }).',
  tuple: '`tuple` needs the types of its elements, as in tuple([string, number]).',
};

/** The bare name an expression is (HCL's keyword), or undefined. */
function keyword(expr: Expr): string | undefined {
  return expr.kind === 'reference' && expr.path.length === 0 ? expr.root : undefined;
}

/**
 * The type `expr` writes, or the problems Nomad would refuse it for (`type` undefined then). `nearest` names
 * the closest type word to a misspelt one (the caller's did-you-mean).
 */
export function readType(expr: Expr, nearest: (word: string) => string | undefined = () => undefined): { type?: TypeSpec; problems: TypeProblem[] } {
  const problems: TypeProblem[] = [];
  const type = read(expr, problems, nearest);
  return problems.length > 0 ? { problems } : { type, problems };
}

function read(expr: Expr, problems: TypeProblem[], nearest: (word: string) => string | undefined): TypeSpec | undefined {
  const fail = (range: Range, message: string, replacement?: string): undefined => {
    problems.push(replacement ? { range, message, replacement } : { range, message });
    return undefined;
  };
  if (expr.kind === 'parens') return read(expr.inner, problems, nearest);
  if (expr.kind === 'invalid') return undefined;
  const word = keyword(expr);
  if (word !== undefined) {
    if (PRIMITIVES.has(word)) return { kind: word as 'string' | 'number' | 'bool' };
    if (word === 'any') return fail(expr.range, 'Nomad reads a variable\'s type as an exact type, and `any` is not one: name the type the value has (string, number, bool, list(...), ...).');
    if (NEEDS_ARGUMENT[word]) return fail(expr.range, NEEDS_ARGUMENT[word]);
    const guess = nearest(word);
    return fail(expr.range, `\`${word}\` is not a type: write string, number or bool, or a constructor such as list(string), map(number), set(bool), object({...}) or tuple([...]).${guess ? ` Did you mean ${guess}?` : ''}`, guess && PRIMITIVES.has(guess) ? guess : undefined);
  }
  if (expr.kind !== 'call') return fail(expr.range, 'A type is a keyword (string, number, bool) or a constructor call such as list(string); this is neither.');
  const name = expr.name;
  if (PRIMITIVES.has(name)) return fail(expr.range, `\`${name}\` is a type by itself and takes no arguments: write ${name}.`);
  if (name === 'any') return fail(expr.range, '`any` takes no arguments, and Nomad does not take it as a variable\'s type either (it wants an exact type).');
  if (name === 'optional') return fail(expr.range, '`optional(...)` marks an attribute of an object type constraint; Nomad reads a variable\'s type as an exact type, where it is not allowed.');
  if (!COLLECTIONS.has(name) && name !== 'object' && name !== 'tuple') {
    const guess = nearest(name);
    return fail(expr.nameRange, `\`${name}(...)\` is not a type constructor: use list, set, map, object or tuple.${guess ? ` Did you mean ${guess}?` : ''}`);
  }
  if (expr.args.length !== 1) return fail(expr.range, `${name}(...) takes exactly one argument: ${NEEDS_ARGUMENT[name].replace(/^`\w+` needs /, '').replace(/\.$/, '')}.`);
  const arg = expr.args[0];
  if (COLLECTIONS.has(name)) {
    const element = read(arg, problems, nearest);
    return element && { kind: name as 'list' | 'set' | 'map', element };
  }
  if (name === 'object') {
    if (arg.kind !== 'object') return fail(arg.range, 'object(...) takes a map of attribute names to their types, as in object({ name = string, port = number }).');
    const attributes = new Map<string, TypeSpec>();
    let whole = true;
    for (const item of arg.items) {
      const key = keyword(item.key);
      if (key === undefined) {
        fail(item.key.range, 'An attribute of object(...) is named by a bare name, not a quoted string or an expression.');
        whole = false;
        continue;
      }
      let value = item.value;
      if (value.kind === 'call' && value.name === 'optional') {
        fail(value.nameRange, '`optional(...)` marks an attribute of an object type constraint; Nomad reads a variable\'s type as an exact type, where it is not allowed.');
        whole = false;
        if (value.args.length === 0) continue;
        value = value.args[0];
      }
      const type = read(value, problems, nearest);
      if (!type) whole = false;
      else attributes.set(key, type);
    }
    return whole ? { kind: 'object', attributes } : undefined;
  }
  if (arg.kind !== 'tuple') return fail(arg.range, 'tuple(...) takes a list of its elements\' types, as in tuple([string, number]).');
  const elements: TypeSpec[] = [];
  for (const item of arg.items) {
    const type = read(item, problems, nearest);
    if (type) elements.push(type);
  }
  return elements.length === arg.items.length ? { kind: 'tuple', elements } : undefined;
}

/** How a type is written, for messages. */
export function typeName(type: TypeSpec): string {
  switch (type.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return type.kind;
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${typeName(type.element)})`;
    case 'object':
      return `object({ ${[...type.attributes].map(([name, t]) => `${name} = ${typeName(t)}`).join(', ')} })`;
    case 'tuple':
      return `tuple([${type.elements.map(typeName).join(', ')}])`;
  }
}

/** A number as HCL reads one from a string: decimal, with an optional sign, fraction and exponent. */
const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Why the known `value` does not convert to `type` (a sentence's end, such as "a number is needed"), or
 * undefined when it does, or may: unknown parts are taken as converting.
 */
export function conversionProblem(value: Value, type: TypeSpec): string | undefined {
  if (!isKnown(value) || value === null) return undefined;
  switch (type.kind) {
    case 'string':
      return typeof value === 'object' ? `a string is needed, not ${describe(value)}` : undefined;
    case 'number':
      if (typeof value === 'number') return undefined;
      if (typeof value === 'string') return NUMBER_TEXT.test(value) ? undefined : `a number is needed, and "${value}" is not one`;
      return `a number is needed, not ${describe(value)}`;
    case 'bool':
      if (typeof value === 'boolean') return undefined;
      if (typeof value === 'string') return ['true', 'false', '1', '0'].includes(value) ? undefined : `a bool is needed, and "${value}" is not one`;
      return `a bool is needed, not ${describe(value)}`;
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return `a ${type.kind} is needed, not ${describe(value)}`;
      for (let i = 0; i < value.length; i++) {
        const inner = conversionProblem(value[i], type.element);
        if (inner) return `element ${i + 1}: ${inner}`;
      }
      return undefined;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return `a map is needed, not ${describe(value)}`;
      for (const [key, item] of Object.entries(value)) {
        const inner = conversionProblem(item, type.element);
        if (inner) return `"${key}": ${inner}`;
      }
      return undefined;
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return `an object is needed, not ${describe(value)}`;
      for (const [name, attributeType] of type.attributes) {
        if (!Object.prototype.hasOwnProperty.call(value, name)) return `attribute "${name}" is required`;
        const inner = conversionProblem(value[name], attributeType);
        if (inner) return `attribute "${name}": ${inner}`;
      }
      return undefined;
    }
    case 'tuple': {
      if (!Array.isArray(value)) return `a tuple is needed, not ${describe(value)}`;
      if (value.length !== type.elements.length) return `a tuple of ${type.elements.length} elements is needed, not ${value.length}`;
      for (let i = 0; i < value.length; i++) {
        const inner = conversionProblem(value[i], type.elements[i]);
        if (inner) return `element ${i + 1}: ${inner}`;
      }
      return undefined;
    }
  }
}

function describe(value: Exclude<Value, null>): string {
  return describeValue(kindOfValue(value) ?? 'value');
}
