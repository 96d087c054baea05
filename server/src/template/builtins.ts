// The functions every Go template has: comparison, logic, len, index, slice, print family, escapers.
// `and` and `or` are handled by the executor itself because they evaluate lazily.
import type { TemplateFunction } from './exec';
import { formatValue, isTrue, NO_VALUE, sprint, sprintf, sprintln, TemplateValue } from './values';

function basicKind(value: TemplateValue): string {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (value === null || value === undefined || value === NO_VALUE) return 'nil';
  return 'complex';
}

function equal(a: TemplateValue, b: TemplateValue): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === 'nil' || kb === 'nil') return ka === kb;
  if (ka === 'complex' || kb === 'complex') throw new Error('invalid type for comparison');
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return a === b;
}

function compare(a: TemplateValue, b: TemplateValue): number {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if ((ka !== 'number' && ka !== 'string') || ka !== kb) {
    throw new Error(ka === kb ? 'invalid type for comparison' : 'incompatible types for comparison');
  }
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}

function indexOne(container: TemplateValue, key: TemplateValue): TemplateValue {
  if (Array.isArray(container)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) throw new Error('cannot index slice/array with type ' + basicKind(key));
    if (key < 0 || key >= container.length) throw new Error(`index out of range: ${key}`);
    return container[key];
  }
  if (typeof container === 'string') {
    if (typeof key !== 'number' || key < 0 || key >= container.length) throw new Error(`index out of range: ${formatValue(key)}`);
    return container.charCodeAt(key);
  }
  if (container !== null && typeof container === 'object') {
    const k = formatValue(key);
    return Object.prototype.hasOwnProperty.call(container, k) ? (container as Record<string, TemplateValue>)[k] : NO_VALUE;
  }
  if (container === null || container === undefined || container === NO_VALUE) throw new Error('index of untyped nil');
  throw new Error(`can't index item of type ${basicKind(container)}`);
}

export function builtinFunctions(): Map<string, TemplateFunction> {
  const fns = new Map<string, TemplateFunction>();
  fns.set('and', () => null); // placeholder so the parser knows the name; the executor handles it
  fns.set('or', () => null);
  fns.set('not', (v) => !isTrue(v));
  fns.set('eq', (a, ...rest) => {
    if (rest.length === 0) throw new Error('missing argument for comparison');
    return rest.some((b) => equal(a, b));
  });
  fns.set('ne', (a, b) => !equal(a, b));
  fns.set('lt', (a, b) => compare(a, b) < 0);
  fns.set('le', (a, b) => compare(a, b) <= 0);
  fns.set('gt', (a, b) => compare(a, b) > 0);
  fns.set('ge', (a, b) => compare(a, b) >= 0);
  fns.set('len', (v) => {
    if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
    if (Array.isArray(v)) return v.length;
    if (v !== null && typeof v === 'object') return Object.keys(v).length;
    throw new Error(`len of ${basicKind(v)}`);
  });
  fns.set('index', (container, ...keys) => keys.reduce<TemplateValue>((c, k) => indexOne(c, k), container));
  fns.set('slice', (container, ...bounds) => {
    const [from = 0, to] = bounds as number[];
    if (typeof container === 'string' || Array.isArray(container)) return container.slice(from, to ?? container.length) as TemplateValue;
    throw new Error(`can't slice item of type ${basicKind(container)}`);
  });
  fns.set('print', (...args) => sprint(args));
  fns.set('printf', (format, ...args) => sprintf(String(format), args));
  fns.set('println', (...args) => sprintln(args));
  fns.set('html', (...args) =>
    sprint(args).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;').replace(/\0/g, '\uFFFD'),
  );
  fns.set('js', (...args) =>
    sprint(args).replace(/[\\'"<>&=]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '"' ? '\\"' : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)),
  );
  fns.set('urlquery', (...args) => encodeURIComponent(sprint(args)).replace(/%20/g, '+'));
  return fns;
}
