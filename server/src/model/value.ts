// Values an expression evaluates to. Anything only known on a Nomad client (NOMAD_* variables, node
// attributes, `env[...]`) evaluates to UNKNOWN, and checks never report a problem about an unknown value.

export class Unknown {
  private readonly brand = 'unknown';
  toString(): string {
    return this.brand;
  }
}

export const UNKNOWN = new Unknown();

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Unknown;

export function isKnown(value: Value): value is Exclude<Value, Unknown> {
  return !(value instanceof Unknown);
}

/** True when the value and everything inside it is known. */
export function isWhollyKnown(value: Value): boolean {
  if (value instanceof Unknown) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isWhollyKnown);
  return true;
}

export type ValueKind = 'string' | 'tuple' | 'object' | 'number' | 'bool' | 'null';

/** The kind of a value; undefined when it is not known. */
export function kindOfValue(value: Value): ValueKind | undefined {
  if (!isKnown(value)) return undefined;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'tuple';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return undefined;
}

/** A kind of value in words, for messages: "a string", "a list". */
export function describeValue(kind: string): string {
  return { string: 'a string', tuple: 'a list', object: 'an object', number: 'a number', bool: 'a boolean' }[kind] ?? kind;
}
