// Pathological job files from issue 15, generated deterministically (for the benchmark and the tests):
// a huge one-line string, a huge job, runs of bare `{` (tree-sitter's error recovery is quadratic there),
// a list of 100k elements, one very long line, and binary data.
import { execJobOfBytes, execJobOfLines, execJobOfOneGroup } from './generate';

export interface Pathological {
  name: string;
  text: () => string;
}

/** A job whose one `meta` value is a single string of `bytes` characters on one line. */
export function hugeString(bytes: number): string {
  return `job "big-string" {\n  meta {\n    blob = "${'x'.repeat(bytes)}"\n  }\n}\n`;
}

/** A job block followed by `count` bare `{`, one per line (no closing braces). */
export function bareBraces(count: number): string {
  return `job "braces" {\n${'{\n'.repeat(count)}`;
}

/** A task whose `args` list has `count` elements. */
export function hugeList(count: number): string {
  const items: string[] = [];
  for (let i = 0; i < count; i++) items.push(`"a${i}"`);
  return `job "list" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n        args = [${items.join(', ')}]\n      }\n    }\n  }\n}\n`;
}

/** A job with one line of `bytes` characters made of many short attributes' worth of tokens (an `env` map in one line). */
export function longLine(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const part = `K${i} = "v${i}", `;
    parts.push(part);
    size += part.length;
  }
  return `job "line" {\n  meta = { ${parts.join('')} }\n}\n`;
}

/** `bytes` pseudo-random bytes, read as Latin-1 (what an editor shows for a binary file opened by mistake). */
export function binary(bytes: number): string {
  const out = Buffer.alloc(bytes);
  let x = 2463534242;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out.toString('latin1');
}

/** A job whose task env holds one string of `count` interpolations of a declared variable. */
export function manyInterpolations(count: number): string {
  return `variable "port" {\n  default = "8080"\n}\n\njob "interp" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n      env {\n        PORTS = "${'${var.port} '.repeat(count)}"\n      }\n    }\n  }\n}\n`;
}

/**
 * A job and a `locals` block of `count` for expressions over a variable nobody declared: two findings per
 * local (the undeclared variable, the unused local), all at file level.
 */
export function manyLocals(count: number): string {
  const locals: string[] = [];
  for (let i = 0; i < count; i++) locals.push(`  l${i} = [for k, v in var.m : "\${k}=\${v}" if v != ""]`);
  return `locals {\n${locals.join('\n')}\n}\n\n${execJobOfLines(40)}`;
}

/** A job whose template `data` is a heredoc of `count` Go-template `if` actions (about 22 characters each). */
export function manyTemplateActions(count: number): string {
  return `job "actions" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n      template {\n        destination = "local/out"\n        data = <<EOF\n${'{{ if true }}x'.repeat(count)}${'{{ end }}'.repeat(count)}\nEOF\n      }\n    }\n  }\n}\n`;
}

/** The ~1 MB bench job with a heredoc opened in its first task and never closed: the rest of the file is its text. */
export function openHeredoc(bytes: number): string {
  return execJobOfBytes(bytes).replace('command', 'x = <<EOF\n        command');
}

export const PATHOLOGICAL: Pathological[] = [
  { name: '5 MB one-line string', text: () => hugeString(5 * 1024 * 1024) },
  { name: '10 MB job', text: () => execJobOfBytes(10 * 1024 * 1024) },
  { name: '50,000 bare {', text: () => bareBraces(50_000) },
  { name: '100k-element list', text: () => hugeList(100_000) },
  { name: '1 MB line', text: () => longLine(1024 * 1024) },
  { name: '1 MB binary', text: () => binary(1024 * 1024) },
  { name: '50,000 interpolations in one string', text: () => manyInterpolations(50_000) },
  { name: '30,000 locals', text: () => manyLocals(30_000) },
  { name: 'one group of 2,000 tasks', text: () => execJobOfOneGroup(2000) },
  { name: 'template of 20,000 ifs', text: () => manyTemplateActions(20_000) },
  { name: '1 MB job, heredoc left open', text: () => openHeredoc(1024 * 1024) },
];
