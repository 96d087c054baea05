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
