// consul-template's functions that need nothing but the local machine (env, file, strings, encodings,
// parsing, math), and the list of those that need a Consul, Vault or Nomad server, which a local run
// cannot answer. The remote ones are known names (so templates parse), but using one stops the run.
import * as path from 'path';
import { host, type HashAlgorithm } from '../host';
import { readFileInside, type Sandbox } from '../model/fileSandbox';
import { hostPathOf } from '../model/taskPaths';
import type { TemplateFunction } from './exec';
import { TEMPLATE_FUNCTIONS } from './functionTable';
import { formatValue, NO_VALUE, TemplateValue } from './values';
import { toYaml } from './yaml';

/** Function name -> the server it needs (from the function table). */
export const REMOTE_FUNCTIONS: ReadonlyMap<string, 'Consul' | 'Vault' | 'Nomad'> = new Map(
  [...TEMPLATE_FUNCTIONS.values()].flatMap((f) => (f.needs === 'Consul' || f.needs === 'Vault' || f.needs === 'Nomad' ? [[f.name, f.needs] as [string, 'Consul' | 'Vault' | 'Nomad']] : [])),
);

/** Local in consul-template, but not offered here, with why (from the function table). */
export const UNSUPPORTED_FUNCTIONS: ReadonlyMap<string, string> = new Map(
  [...TEMPLATE_FUNCTIONS.values()].flatMap((f) => (f.needs === 'unsupported' ? [[f.name, f.why ?? 'not implemented by nomad-exec'] as [string, string]] : [])),
);

export interface LocalFunctionContext {
  /** The task's environment, read by `env`. */
  env: Record<string, string>;
  /** Host path of the task dir: relative and absolute `file` paths resolve inside it (Nomad's sandbox). */
  taskDir: string;
  /** Task paths kept outside the task dir on the host (`/alloc`, a staged `/secrets`); also readable. */
  mounts?: { host: string; task: string }[];
}

/** Hex digest through the host; where it has none (a browser) the function cannot run there. */
function hexDigest(algorithm: HashAlgorithm, text: string): string {
  const digest = host.hash(algorithm, text);
  if (digest === undefined) throw new Error(`${algorithm} is not available here (the editor runs in a browser)`);
  return digest;
}

/**
 * Nomad's client default `template.disable_file_sandbox = false`: `file` reads only inside the task (its
 * dir and the alloc dir bound into it), with links resolved. Paths are as the task sees them (`/local/x`,
 * `local/x`), or host paths already inside the task dir.
 */
function readTaskFile(name: string, ctx: LocalFunctionContext): string {
  const mounts = ctx.mounts ?? [];
  const sandbox: Sandbox = {
    roots: [ctx.taskDir, ...mounts.map((m) => m.host)],
    rule: 'template sandbox (the template file function reads only inside the task directory; Nomad\'s template.disable_file_sandbox = false)',
    describe: `the task directory ${ctx.taskDir}`,
  };
  const shown = `file ${JSON.stringify(name)}`;
  if (path.posix.normalize(name).startsWith('../') || path.posix.normalize(name) === '..') {
    throw new Error(`${sandbox.rule}: ${shown} climbs out of the task directory`);
  }
  // An absolute path is as the task sees it (`/local/x`), unless it is already a host path in the task dir;
  // either way `..` stops at the task's root, as in its chroot.
  const inTaskDir = path.isAbsolute(name) && name.startsWith(ctx.taskDir + path.sep);
  const host = inTaskDir ? path.normalize(name) : hostPathOf(path.posix.resolve('/', name), ctx.taskDir, mounts);
  try {
    return readFileInside(shown, host, sandbox);
  } catch (error) {
    if ((error as Error).message.startsWith(`${shown} does not exist`)) throw new Error(`${shown} is read inside the task (${sandbox.rule.split(' (')[0]}), and ${host} does not exist`);
    throw error;
  }
}

const str = (v: TemplateValue): string => (typeof v === 'string' ? v : formatValue(v));
const num = (v: TemplateValue): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new Error(`${formatValue(v)} is not a number`);
};
const list = (v: TemplateValue): TemplateValue[] => {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined || v === NO_VALUE) return [];
  throw new Error(`expected a list, got ${formatValue(v)}`);
};

/** True when `haystack` (string, list or map keys) contains `needle`. */
function within(haystack: TemplateValue, needle: TemplateValue): boolean {
  if (typeof haystack === 'string') return haystack.includes(str(needle));
  if (Array.isArray(haystack)) return haystack.some((item) => item === needle || formatValue(item) === formatValue(needle));
  if (haystack !== null && typeof haystack === 'object') return Object.prototype.hasOwnProperty.call(haystack, str(needle));
  return false;
}

function toJson(value: TemplateValue, pretty: boolean): string {
  return JSON.stringify(value === NO_VALUE ? null : value, null, pretty ? 2 : undefined) ?? 'null';
}

function parseGoInt(text: string, unsigned: boolean): number {
  const t = text.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/.exec(t);
  if (!m) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  const body = m[2].replace(/_/g, '');
  let value: number;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) value = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) value = parseInt(body.slice(2), 8);
  else if (/^0[0-7]+$/.test(body)) value = parseInt(body, 8);
  else value = parseInt(body, 10);
  if (m[1] === '-') {
    if (unsigned) throw new Error(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
    value = -value;
  }
  return value;
}

/** Go's strings.Title: upper-case the first letter of each word. */
function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

export function localFunctions(ctx: LocalFunctionContext): Map<string, TemplateFunction> {
  const fns = new Map<string, TemplateFunction>();
  fns.set('env', (name) => ctx.env[str(name)] ?? '');
  fns.set('envOrDefault', (name, fallback) => ctx.env[str(name)] ?? str(fallback));
  fns.set('file', (p) => readTaskFile(str(p), ctx));
  fns.set('base64Encode', (s) => Buffer.from(str(s), 'utf8').toString('base64'));
  fns.set('base64Decode', (s) => Buffer.from(str(s), 'base64').toString('utf8'));
  fns.set('base64URLEncode', (s) => Buffer.from(str(s), 'utf8').toString('base64url'));
  fns.set('base64URLDecode', (s) => Buffer.from(str(s), 'base64url').toString('utf8'));
  fns.set('toLower', (s) => str(s).toLowerCase());
  fns.set('toUpper', (s) => str(s).toUpperCase());
  fns.set('toTitle', (s) => title(str(s)));
  fns.set('trimSpace', (s) => str(s).trim());
  fns.set('trimPrefix', (prefix, s) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s)));
  fns.set('trimSuffix', (suffix, s) => (str(suffix) && str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : str(s)));
  fns.set('split', (sep, s) => (str(s) === '' ? [] : str(s).split(str(sep))));
  fns.set('join', (sep, items) => list(items).map(str).join(str(sep)));
  fns.set('replaceAll', (from, to, s) => str(s).split(str(from)).join(str(to)));
  fns.set('indent', (spaces, s) => {
    const pad = ' '.repeat(num(spaces));
    return str(s).split('\n').map((line) => pad + line).join('\n');
  });
  fns.set('contains', (needle, haystack) => within(haystack, needle));
  fns.set('in', (haystack, needle) => within(haystack, needle));
  fns.set('containsAll', (needles, haystack) => list(needles).every((n) => within(haystack, n)));
  fns.set('containsAny', (needles, haystack) => list(needles).some((n) => within(haystack, n)));
  fns.set('containsNone', (needles, haystack) => !list(needles).some((n) => within(haystack, n)));
  fns.set('containsNotAll', (needles, haystack) => !list(needles).every((n) => within(haystack, n)));
  fns.set('regexMatch', (re, s) => new RegExp(str(re)).test(str(s)));
  fns.set('regexReplaceAll', (re, replacement, s) => str(s).replace(new RegExp(str(re), 'g'), str(replacement).replace(/\$\{?(\d+)\}?/g, '$$$1')));
  fns.set('parseBool', (s) => {
    const t = str(s);
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(t)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(t)) return false;
    throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(t)}: invalid syntax`);
  });
  fns.set('parseInt', (s) => parseGoInt(str(s), false));
  fns.set('parseUint', (s) => parseGoInt(str(s), true));
  fns.set('parseFloat', (s) => {
    const value = Number(str(s).trim());
    if (str(s).trim() === '' || Number.isNaN(value)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(str(s))}: invalid syntax`);
    return value;
  });
  fns.set('parseJSON', (s) => (str(s).trim() === '' ? {} : (JSON.parse(str(s)) as TemplateValue)));
  fns.set('parseYAML', (s) => {
    let yaml: { load(text: string): unknown };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      yaml = require('js-yaml') as typeof yaml;
    } catch {
      throw new Error('parseYAML needs the js-yaml package, which is not installed');
    }
    return (yaml.load(str(s)) ?? {}) as TemplateValue;
  });
  fns.set('toJSON', (v) => toJson(v, false));
  fns.set('toJSONPretty', (v) => toJson(v, true));
  fns.set('toUnescapedJSON', (v) => toJson(v, false));
  fns.set('toUnescapedJSONPretty', (v) => toJson(v, true));
  fns.set('toYAML', (v) => toYaml(v).replace(/\n$/, ''));
  fns.set('sha256Hex', (s) => hexDigest('sha256', str(s)));
  fns.set('md5sum', (s) => hexDigest('md5', str(s)));
  fns.set('timestamp', (format) => formatTimestamp(new Date(), format === undefined ? undefined : str(format)));
  fns.set('loop', (a, b) => {
    const [from, to] = b === undefined ? [0, num(a)] : [num(a), num(b)];
    const out: number[] = [];
    for (let i = from; i < to; i++) out.push(i);
    return out;
  });
  // Math: the piped value comes last, so `{{ 10 | subtract 3 }}` is 7.
  fns.set('add', (b, a) => num(a) + num(b));
  fns.set('subtract', (b, a) => num(a) - num(b));
  fns.set('multiply', (b, a) => num(a) * num(b));
  fns.set('divide', (b, a) => {
    if (num(b) === 0) throw new Error('division by zero');
    const q = num(a) / num(b);
    return Number.isInteger(num(a)) && Number.isInteger(num(b)) ? Math.trunc(q) : q;
  });
  fns.set('modulo', (b, a) => {
    if (num(b) === 0) throw new Error('division by zero');
    return num(a) % num(b);
  });
  fns.set('minimum', (a, b) => Math.min(num(a), num(b)));
  fns.set('maximum', (a, b) => Math.max(num(a), num(b)));
  fns.set('mergeMap', (a, b) => ({ ...(b as object), ...(a as object) }) as TemplateValue);
  return fns;
}

/** `timestamp` with Go's reference-time layout; no argument gives RFC 3339 in UTC. */
function formatTimestamp(date: Date, layout?: string): string {
  if (layout === undefined || layout === '2006-01-02T15:04:05Z07:00') return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (layout === 'unix') return String(Math.floor(date.getTime() / 1000));
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return layout
    .replace('2006', String(date.getUTCFullYear()))
    .replace('01', pad(date.getUTCMonth() + 1))
    .replace('02', pad(date.getUTCDate()))
    .replace('15', pad(date.getUTCHours()))
    .replace('04', pad(date.getUTCMinutes()))
    .replace('05', pad(date.getUTCSeconds()));
}
