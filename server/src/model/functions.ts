// The pure functions of Nomad's jobspec2 (HCL2 standard library subset plus Nomad's additions). Functions
// whose result cannot be known while editing (uuidv4, timestamp, file without a base dir) return UNKNOWN.
import * as path from 'node:path';
import { host, type HashAlgorithm } from '../host';
import { UNKNOWN, Unknown, type Value } from './value';
import { FileSandboxError, HCL_FILE_READS, jobFolderSandbox as folderSandbox, readFileInside, realPathInside, type Sandbox } from './fileSandbox';

export class EvalError extends Error {}

export interface FunctionContext {
  /** The job file's folder: `file()` and `fileexists()` resolve relative paths there and read only inside it. */
  baseDir?: string;
}

/** `file()` and `fileexists()` read only inside the job file's folder (links resolved): see fileSandbox.ts. */
function jobFolderSandbox(baseDir: string): Sandbox {
  return folderSandbox(baseDir, HCL_FILE_READS);
}

export interface HclFunction {
  call(args: Value[], ctx: FunctionContext): Value;
  /** Called even when an argument is (partly) unknown. */
  acceptsUnknown?: boolean;
}

type Obj = { [key: string]: Value };

function fail(message: string): never {
  throw new EvalError(message);
}

function isObject(value: Value): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown);
}

export function toStringValue(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return fail('not a string');
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

export function toNumberValue(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return fail('not a number');
}

export function toBoolValue(value: Value): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return fail('not a bool');
}

function list(value: Value): Value[] {
  if (Array.isArray(value)) return value;
  return fail('not a list');
}

function obj(value: Value): Obj {
  if (isObject(value)) return value;
  return fail('not a map');
}

function str(value: Value): string {
  return toStringValue(value);
}

function num(value: Value): number {
  return toNumberValue(value);
}

function int(value: Value): number {
  const n = num(value);
  if (!Number.isInteger(n)) fail('not a whole number');
  return n;
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && valuesEqual(a[k], b[k]));
  }
  return false;
}

function distinctValues(values: Value[]): Value[] {
  const out: Value[] = [];
  for (const v of values) if (!out.some((o) => valuesEqual(o, v))) out.push(v);
  return out;
}

/** Converts an RE2 pattern to a JavaScript one (named groups `(?P<n>` become `(?<n>`). */
function re2(pattern: string, flags = ''): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<');
  let extra = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    extra = inline[1].replace(/U/g, '');
  }
  try {
    return new RegExp(source, Array.from(new Set(flags + extra + 'u')).join(''));
  } catch {
    return fail('invalid regular expression');
  }
}

function regexResult(match: RegExpExecArray): Value {
  if (match.groups && Object.keys(match.groups).length > 0) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(match.groups)) out[k] = v ?? '';
    return out;
  }
  if (match.length > 1) return match.slice(1).map((v) => v ?? '');
  return match[0];
}

function goFormat(format: string, args: Value[]): string {
  let argIndex = 0;
  return format.replace(/%([-+# 0]*)(\d+|\*)?(?:\.(\d+))?([a-zA-Z%])/g, (whole, flags: string, width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (argIndex >= args.length) fail('not enough arguments for format');
    const arg = args[argIndex++];
    let out: string;
    switch (verb) {
      case 'v':
        out = flags.includes('#') ? JSON.stringify(arg) : typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean' ? str(arg) : JSON.stringify(arg);
        break;
      case 's': out = str(arg); break;
      case 'q': out = JSON.stringify(str(arg)); break;
      case 'd': out = String(Math.trunc(num(arg))); break;
      case 'f':
      case 'F': out = num(arg).toFixed(precision !== undefined ? Number(precision) : 6); break;
      case 'e': out = num(arg).toExponential(precision !== undefined ? Number(precision) : 6); break;
      case 'g': out = String(num(arg)); break;
      case 'x': out = typeof arg === 'string' ? Buffer.from(arg).toString('hex') : Math.trunc(num(arg)).toString(16); break;
      case 'X': out = (typeof arg === 'string' ? Buffer.from(arg).toString('hex') : Math.trunc(num(arg)).toString(16)).toUpperCase(); break;
      case 'o': out = Math.trunc(num(arg)).toString(8); break;
      case 'b': out = Math.trunc(num(arg)).toString(2); break;
      case 't': out = toBoolValue(arg) ? 'true' : 'false'; break;
      default: return fail(`unsupported format verb ${whole}`);
    }
    if (flags.includes('+') && (verb === 'd' || verb === 'f') && num(arg) >= 0) out = '+' + out;
    if (width && width !== '*') {
      const w = Number(width);
      if (flags.includes('-')) out = out.padEnd(w);
      else out = out.padStart(w, flags.includes('0') ? '0' : ' ');
    }
    return out;
  });
}

function yamlScalar(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return /^[A-Za-z_][\w ./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value) && value.trim() === value ? value : JSON.stringify(value);
  }
  return str(value);
}

function yamlEncode(value: Value, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    return value.map((v) => (isObject(v) || Array.isArray(v)) && !(Array.isArray(v) && v.length === 0) && !(isObject(v) && Object.keys(v).length === 0)
      ? `${indent}-\n${yamlEncode(v, indent + '  ')}`
      : `${indent}- ${yamlEncode(v, '').trimEnd()}\n`).join('');
  }
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) return '{}\n';
    return keys.map((k) => {
      const v = value[k];
      const key = yamlScalar(k);
      if ((isObject(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0)) return `${indent}${key}:\n${yamlEncode(v, indent + (Array.isArray(v) ? '' : '  '))}`;
      return `${indent}${key}: ${yamlEncode(v, '').trimEnd()}\n`;
    }).join('');
  }
  return `${yamlScalar(value)}\n`;
}

function parseCsv(text: string): Value {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  if (rows.length === 0) return [];
  const [header, ...data] = rows;
  return data.map((r) => {
    if (r.length !== header.length) fail('csv row has the wrong number of fields');
    const out: Obj = {};
    header.forEach((h, i) => (out[h] = r[i]));
    return out;
  });
}

function fromJson(value: unknown): Value {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromJson);
  if (typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = fromJson(v);
    return out;
  }
  return null;
}

function hash(algorithm: HashAlgorithm): HclFunction {
  // Unknown where the host has no synchronous hash (a browser): the value is not known while editing there.
  return { call: ([s]) => host.hash(algorithm, str(s)) ?? UNKNOWN };
}

const unknowable: HclFunction = { call: () => UNKNOWN, acceptsUnknown: true };

function sortKeys(o: Obj): string[] {
  return Object.keys(o).sort();
}

export const FUNCTIONS: Record<string, HclFunction> = {
  // numbers
  abs: { call: ([n]) => Math.abs(num(n)) },
  ceil: { call: ([n]) => Math.ceil(num(n)) },
  floor: { call: ([n]) => Math.floor(num(n)) },
  log: { call: ([n, base]) => Math.log(num(n)) / Math.log(num(base)) },
  // Folded, not spread: `max(list...)` of a list of 200,000 numbers would be too many arguments for Math.max.
  max: { call: (args) => (args.length ? args.map(num).reduce((a, b) => Math.max(a, b)) : fail('max needs arguments')) },
  min: { call: (args) => (args.length ? args.map(num).reduce((a, b) => Math.min(a, b)) : fail('min needs arguments')) },
  parseint: {
    call: ([s, base]) => {
      const b = int(base);
      const text = str(s);
      const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, b);
      if (!new RegExp(`^[-+]?[${digits}]+$`, 'i').test(text)) fail('not a number in that base');
      return parseInt(text, b);
    },
  },
  pow: { call: ([a, b]) => Math.pow(num(a), num(b)) },
  signum: { call: ([n]) => Math.sign(num(n)) },
  // strings
  chomp: { call: ([s]) => str(s).replace(/(\r\n|\n|\r)+$/, '') },
  format: { call: ([f, ...args]) => goFormat(str(f), args) },
  formatlist: {
    call: ([f, ...args]) => {
      const lengths = args.filter(Array.isArray).map((a) => (a as Value[]).length);
      if (lengths.length === 0) return [goFormat(str(f), args)];
      const n = lengths[0];
      if (lengths.some((l) => l !== n)) fail('formatlist lists differ in length');
      return Array.from({ length: n }, (_, i) => goFormat(str(f), args.map((a) => (Array.isArray(a) ? a[i] : a))));
    },
  },
  indent: { call: ([n, s]) => str(s).replace(/\n/g, '\n' + ' '.repeat(int(n))) },
  join: { call: ([sep, ...lists]) => lists.flatMap(list).map(str).join(str(sep)) },
  lower: { call: ([s]) => str(s).toLowerCase() },
  upper: { call: ([s]) => str(s).toUpperCase() },
  regex: {
    call: ([p, s]) => {
      const m = re2(str(p)).exec(str(s));
      if (!m) fail('regex did not match');
      return regexResult(m);
    },
  },
  regexall: { call: ([p, s]) => Array.from(str(s).matchAll(re2(str(p), 'g'))).map((m) => regexResult(m as RegExpExecArray)) },
  replace: {
    call: ([s, sub, rep]) => {
      const pattern = str(sub);
      if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
        return str(s).replace(re2(pattern.slice(1, -1), 'g'), str(rep).replace(/\$\{(\w+)\}/g, '$<$1>'));
      }
      return str(s).split(pattern).join(str(rep));
    },
  },
  regex_replace: { call: ([s, p, rep]) => str(s).replace(re2(str(p), 'g'), str(rep).replace(/\$\{(\w+)\}/g, '$<$1>')) },
  split: { call: ([sep, s]) => str(s).split(str(sep)) },
  strrev: { call: ([s]) => Array.from(str(s)).reverse().join('') },
  strlen: { call: ([s]) => Array.from(str(s)).length },
  substr: {
    call: ([s, offset, length]) => {
      const chars = Array.from(str(s));
      let start = int(offset);
      if (start < 0) start = chars.length + start;
      if (start < 0 || start > chars.length) fail('substr offset out of range');
      const len = int(length);
      const end = len < 0 ? chars.length : Math.min(chars.length, start + len);
      return chars.slice(start, end).join('');
    },
  },
  title: { call: ([s]) => str(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase()) },
  trimspace: { call: ([s]) => str(s).trim() },
  trim: {
    call: ([s, cutset]) => {
      const cut = new Set(Array.from(str(cutset)));
      const chars = Array.from(str(s));
      let a = 0;
      let b = chars.length;
      while (a < b && cut.has(chars[a])) a++;
      while (b > a && cut.has(chars[b - 1])) b--;
      return chars.slice(a, b).join('');
    },
  },
  trimprefix: { call: ([s, p]) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)) },
  trimsuffix: { call: ([s, p]) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)) },
  // collections
  chunklist: {
    call: ([l, size]) => {
      const items = list(l);
      const n = int(size);
      if (n < 0) fail('chunk size must not be negative');
      if (n === 0) return [items];
      const out: Value[] = [];
      for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
      return out;
    },
  },
  coalesce: {
    call: (args) => {
      for (const a of args) if (a !== null && a !== '') return a;
      return fail('coalesce: no non-null argument');
    },
  },
  coalescelist: {
    call: (args) => {
      for (const a of args) if (list(a).length > 0) return a;
      return fail('coalescelist: all lists empty');
    },
  },
  compact: { call: ([l]) => list(l).filter((v) => v !== null && v !== '') },
  concat: { call: (args) => args.flatMap(list) },
  contains: { call: ([l, v]) => list(l).some((x) => valuesEqual(x, v)) },
  distinct: { call: ([l]) => distinctValues(list(l)) },
  element: {
    call: ([l, i]) => {
      const items = list(l);
      if (items.length === 0) fail('element of an empty list');
      const n = int(i);
      if (n < 0) fail('negative index');
      return items[n % items.length];
    },
  },
  flatten: {
    call: ([l]) => {
      const out: Value[] = [];
      const walk = (v: Value[]): void => v.forEach((x) => (Array.isArray(x) ? walk(x) : out.push(x)));
      walk(list(l));
      return out;
    },
  },
  index: {
    call: ([l, v]) => {
      const i = list(l).findIndex((x) => valuesEqual(x, v));
      return i < 0 ? fail('value not in list') : i;
    },
  },
  keys: { call: ([m]) => sortKeys(obj(m)) },
  length: {
    call: ([v]) => {
      if (typeof v === 'string') return Array.from(v).length;
      if (Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      return fail('length of this value');
    },
  },
  lookup: {
    call: ([m, k, d]) => {
      const o = obj(m);
      const key = str(k);
      if (Object.prototype.hasOwnProperty.call(o, key)) return o[key];
      if (d !== undefined) return d;
      return fail(`no key ${key}`);
    },
  },
  merge: {
    call: (args) => {
      const out: Obj = {};
      for (const a of args) if (a !== null) Object.assign(out, obj(a));
      return out;
    },
  },
  range: {
    call: (args) => {
      let start = 0;
      let limit: number;
      let step = 1;
      if (args.length === 1) limit = num(args[0]);
      else if (args.length === 2) [start, limit] = [num(args[0]), num(args[1])];
      else if (args.length === 3) [start, limit, step] = [num(args[0]), num(args[1]), num(args[2])];
      else return fail('range takes 1 to 3 arguments');
      if (step === 0) fail('range step of zero');
      if ((limit - start) / step > 1024) fail('range too long');
      const out: Value[] = [];
      for (let v = start; step > 0 ? v < limit : v > limit; v += step) out.push(v);
      return out;
    },
  },
  reverse: { call: ([l]) => [...list(l)].reverse() },
  setintersection: { call: ([first, ...rest]) => distinctValues(list(first)).filter((v) => rest.every((r) => list(r).some((x) => valuesEqual(x, v)))) },
  setproduct: {
    call: (args) => {
      let out: Value[][] = [[]];
      for (const a of args) out = out.flatMap((prefix) => list(a).map((v) => [...prefix, v]));
      return args.length === 0 ? fail('setproduct needs arguments') : out;
    },
  },
  setunion: { call: (args) => distinctValues(args.flatMap(list)) },
  slice: {
    call: ([l, a, b]) => {
      const items = list(l);
      const start = int(a);
      const end = int(b);
      if (start < 0 || end > items.length || start > end) fail('slice out of range');
      return items.slice(start, end);
    },
  },
  sort: { call: ([l]) => list(l).map(str).sort() },
  values: { call: ([m]) => sortKeys(obj(m)).map((k) => obj(m)[k]) },
  zipmap: {
    call: ([k, v]) => {
      const ks = list(k);
      const vs = list(v);
      if (ks.length !== vs.length) fail('zipmap lists differ in length');
      const out: Obj = {};
      ks.forEach((key, i) => (out[str(key)] = vs[i]));
      return out;
    },
  },
  // encoding
  base64decode: { call: ([s]) => Buffer.from(str(s), 'base64').toString('utf8') },
  base64encode: { call: ([s]) => Buffer.from(str(s), 'utf8').toString('base64') },
  csvdecode: { call: ([s]) => parseCsv(str(s)) },
  jsondecode: {
    call: ([s]) => {
      try {
        return fromJson(JSON.parse(str(s)));
      } catch {
        return fail('invalid JSON');
      }
    },
  },
  jsonencode: { call: ([v]) => JSON.stringify(v) },
  urlencode: { call: ([s]) => encodeURIComponent(str(s)).replace(/%20/g, '+') },
  yamlencode: { call: ([v]) => yamlEncode(v) },
  // types
  tobool: { call: ([v]) => (v === null ? null : toBoolValue(v)) },
  tolist: { call: ([v]) => list(v) },
  tomap: { call: ([v]) => obj(v) },
  tonumber: { call: ([v]) => (v === null ? null : toNumberValue(v)) },
  toset: { call: ([v]) => distinctValues(list(v)) },
  tostring: { call: ([v]) => (v === null ? null : str(v)) },
  // hashes
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  // known only when the job is submitted or run
  uuidv4: unknowable,
  uuidv5: unknowable,
  timestamp: unknowable,
  bcrypt: unknowable,
  yamldecode: unknowable,
  fileexists: {
    call: ([p], ctx) => {
      if (!ctx.baseDir || !host.fs) return UNKNOWN;
      const real = realPathInside(`fileexists(${JSON.stringify(str(p))})`, path.resolve(ctx.baseDir, str(p)), jobFolderSandbox(ctx.baseDir));
      if (real === undefined) return false;
      return host.fs.statSync(real).isFile() ? true : fail(`${str(p)} is not a regular file`);
    },
  },
  fileset: unknowable,
  file: {
    call: ([p], ctx) => {
      if (!ctx.baseDir || !host.fs) return UNKNOWN;
      try {
        return readFileInside(`file(${JSON.stringify(str(p))})`, path.resolve(ctx.baseDir, str(p)), jobFolderSandbox(ctx.baseDir));
      } catch (error) {
        if (error instanceof FileSandboxError) throw error;
        return fail('file not readable');
      }
    },
  },
};
