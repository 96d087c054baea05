// Values inside templates and how Go prints them: fmt's %v for strings, numbers, bools, slices and maps,
// truthiness as text/template defines it, and a printf covering the verbs templates actually use.

/** Sentinel for "no value" (a missing map key), printed as `<no value>` like Go does. */
export const NO_VALUE: unique symbol = Symbol('no value');

export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | typeof NO_VALUE
  | TemplateValue[]
  | { [key: string]: TemplateValue };

/** text/template truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(value: TemplateValue): boolean {
  if (value === null || value === undefined || value === NO_VALUE) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

/** Go's `%v`. */
export function formatValue(value: TemplateValue): string {
  if (value === null || value === undefined) return '<nil>';
  if (value === NO_VALUE) return '<no value>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(' ')}]`;
  const keys = Object.keys(value).sort();
  return `map[${keys.map((k) => `${k}:${formatValue(value[k])}`).join(' ')}]`;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  // Go's %v for float64 is %g with the shortest representation; exponents have at least two digits.
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: TemplateValue[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

export function sprintln(args: TemplateValue[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

/** fmt.Sprintf for the verbs %v %s %d %f %g %e %t %q %x %X %o %b %c %%, with flags, width and precision. */
export function sprintf(format: string, args: TemplateValue[]): string {
  let argIndex = 0;
  return format.replace(/%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g, (whole, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (width === '*') width = String(args[argIndex++]);
    if (precision === '*') precision = String(args[argIndex++]);
    if (argIndex >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[argIndex++];
    let text: string;
    const prec = precision === undefined ? undefined : Number(precision || 0);
    switch (verb) {
      case 'v':
        text = flags.includes('#') && typeof arg === 'string' ? JSON.stringify(arg) : formatValue(arg);
        break;
      case 's':
        text = formatValue(arg);
        if (prec !== undefined) text = text.slice(0, prec);
        break;
      case 'q':
        text = typeof arg === 'number' ? `'${String.fromCodePoint(arg)}'` : JSON.stringify(formatValue(arg));
        break;
      case 'd':
        text = typeof arg === 'number' ? String(Math.trunc(arg)) : `%!d(${typeof arg}=${formatValue(arg)})`;
        if (flags.includes('+') && typeof arg === 'number' && arg >= 0) text = '+' + text;
        break;
      case 'f':
      case 'F':
        text = typeof arg === 'number' ? arg.toFixed(prec ?? 6) : `%!f(${typeof arg}=${formatValue(arg)})`;
        if (flags.includes('+') && typeof arg === 'number' && arg >= 0) text = '+' + text;
        break;
      case 'e':
        text = typeof arg === 'number' ? arg.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, 'e$10$2') : formatValue(arg);
        break;
      case 'g':
        text = typeof arg === 'number' ? (prec !== undefined ? String(Number(arg.toPrecision(prec || 1))) : formatNumber(arg)) : formatValue(arg);
        break;
      case 't':
        text = typeof arg === 'boolean' ? String(arg) : `%!t(${formatValue(arg)})`;
        break;
      case 'x':
      case 'X': {
        if (typeof arg === 'number') text = Math.trunc(arg).toString(16);
        else text = Buffer.from(formatValue(arg), 'utf8').toString('hex');
        if (flags.includes('#')) text = '0x' + text;
        if (verb === 'X') text = text.toUpperCase();
        break;
      }
      case 'o':
        text = typeof arg === 'number' ? Math.trunc(arg).toString(8) : formatValue(arg);
        break;
      case 'b':
        text = typeof arg === 'number' ? Math.trunc(arg).toString(2) : formatValue(arg);
        break;
      case 'c':
        text = typeof arg === 'number' ? String.fromCodePoint(arg) : formatValue(arg);
        break;
      default:
        return `%!${verb}(${formatValue(arg)})`;
    }
    if (width !== undefined) {
      const w = Number(width);
      if (text.length < w) {
        if (flags.includes('-')) text = text.padEnd(w, ' ');
        else if (flags.includes('0') && /[dfxXobeg]/.test(verb)) {
          const sign = /^[+-]/.test(text) ? text[0] : '';
          text = sign + text.slice(sign.length).padStart(w - sign.length, '0');
        } else text = text.padStart(w, ' ');
      }
    }
    void whole;
    return text;
  }) + (argIndex < args.length ? `%!(EXTRA ${args.slice(argIndex).map(formatValue).join(', ')})` : '');
}
