// The output of an `env = true` template read as Nomad's client reads it (hashicorp/go-envparse): one
// `KEY=value` per line; blank lines and lines starting with `#` skipped; an `export ` prefix, and white space
// around key and value, dropped; a key of letters, digits, `_`, `.` and `/` starting with a letter or `_`;
// unquoted values end at ` #`, single quotes keep text as is, double quotes take JSON's escapes. A line that
// breaks these rules makes the client fail the task (the first one is what it reports).

export interface EnvFileProblem {
  /** 1-based line of the rendered text. */
  line: number;
  message: string;
  /** Offsets of the line in the rendered text. */
  offset: number;
  end: number;
}

export interface EnvFile {
  env: Record<string, string>;
  problems: EnvFileProblem[];
}

/** Reads every line; `problems` lists each line the client would refuse. */
export function readEnvFile(text: string): EnvFile {
  const env: Record<string, string> = {};
  const problems: EnvFileProblem[] = [];
  let offset = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const end = offset + raw.length;
    // bufio.Scanner drops a line's trailing carriage return.
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const parsed = parseLine(line);
    if ('error' in parsed) problems.push({ line: i + 1, message: parsed.error, offset, end });
    else if (parsed.key) env[parsed.key] = parsed.value;
    offset = end + 1;
  });
  return { env, problems };
}

/** As the client does: the variables, or an error naming the first line it refuses. */
export function parseEnvFile(text: string): Record<string, string> {
  const { env, problems } = readEnvFile(text);
  if (problems.length > 0) throw new Error(`error on line ${problems[0].line} of the env file: ${problems[0].message}`);
  return env;
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

function trim(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isSpace(text[a])) a++;
  while (b > a && isSpace(text[b - 1])) b--;
  return text.slice(a, b);
}

function parseLine(input: string): { key: string; value: string } | { error: string } {
  const line = trim(input);
  if (line === '' || line.startsWith('#')) return { key: '', value: '' };
  const eq = line.indexOf('=');
  if (eq < 0) return { error: 'no "=" between a name and a value' };
  let key = trim(line.slice(0, eq));
  const value = trim(line.slice(eq + 1));
  if (key.length > 'export '.length && key.startsWith('export ')) key = key.slice('export '.length);
  if (key === '') return { error: 'the name before "=" is empty' };
  if (!/^[A-Za-z_]/.test(key)) return { error: `a name must start with a letter or "_", not ${JSON.stringify(key[0])}` };
  const bad = /[^A-Za-z0-9_./]/.exec(key);
  if (bad) return { error: `${JSON.stringify(key)}: a name may hold only letters, digits, "_", "." and "/", not ${JSON.stringify(bad[0])}` };
  return readValue(key, value);
}

function readValue(key: string, value: string): { key: string; value: string } | { error: string } {
  let out = '';
  let significant = 0;
  let mode: 'plain' | 'double' | 'single' = 'plain';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c.charCodeAt(0) < 32) return { error: `control character 0x${c.charCodeAt(0).toString(16).padStart(2, '0')} in the value` };
    if (mode === 'plain') {
      if (c === '"') mode = 'double';
      else if (c === "'") mode = 'single';
      else if (c === '#') return { key, value: out.slice(0, significant) };
      else {
        out += c;
        if (c !== ' ' && c !== '\t') significant = out.length;
      }
    } else if (mode === 'single') {
      if (c === "'") mode = 'plain';
      else {
        out += c;
        significant = out.length;
      }
    } else if (c === '"') mode = 'plain';
    else if (c !== '\\') {
      out += c;
      significant = out.length;
    } else {
      const e = value[++i];
      if (e === undefined) return { error: 'a "\\" at the end of the value starts no escape' };
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', r: '\r', n: '\n', t: '\t' };
      if (e in simple) out += simple[e];
      else if (e === 'u') {
        const hex = value.slice(i + 1, i + 5);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) return { error: `"\\u${hex}" is not four hex digits` };
        let code = parseInt(hex, 16);
        i += 4;
        if (code >= 0xd800 && code < 0xe000) {
          const low = /^\\u([0-9A-Fa-f]{4})/.exec(value.slice(i + 1));
          if (!low) return { error: 'a Unicode surrogate without its pair' };
          code = 0x10000 + ((code - 0xd800) << 10) + (parseInt(low[1], 16) - 0xdc00);
          i += 6;
        }
        out += String.fromCodePoint(code);
      } else return { error: `unknown escape "\\${e}" in double quotes` };
      significant = out.length;
    }
  }
  if (mode === 'double') return { error: 'a double quote is not closed' };
  if (mode === 'single') return { error: 'a single quote is not closed' };
  return { key, value: out };
}
