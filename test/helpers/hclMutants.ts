// Seeded variations of the corpus for the fidelity tests: random edits of the kind the fuzz test makes
// (deletions, insertions of HCL punctuation, truncation, splices) plus edits aimed at the places where
// tree-sitter-hcl and HashiCorp's parser used to disagree (line breaks after a name, `#` after a name,
// text after a heredoc opener, object separators, labels, exponents, doubled `=`, repeated attributes),
// and layout-only edits (spaces, tabs, indentation, blank lines, CRLF) that exercise the formatter.
import { int, pick, seededRandom, type Random } from './random';

const TOKENS = ['{', '}', '[', ']', '(', ')', '"', '${', '%{', '~}', '<<EOF\n', '<<-EOF\n', '\nEOF\n', '=', '==', ',', '.', '*', '...', '#', '//', '/*', '*/', '\n', ' ', '\t', 'job', 'group "g" {', 'task "t" {', 'dynamic "x" {', 'for x in', '?', ':', '\\', '$${', '\r\n', '\r', '-', '!', '1e3', '1.5', '=>', '::', '&&', ';', "'", 'é', '😀'];

type Mutation = (text: string, rnd: Random, others: string[]) => string;

function at(text: string, rnd: Random): number {
  return int(rnd, text.length + 1);
}

/** Applies `edit` to one random match of `pattern` (global regex), or returns the text unchanged. */
function atMatch(text: string, rnd: Random, pattern: RegExp, edit: (m: RegExpExecArray) => string): string {
  const matches = [...text.matchAll(pattern)];
  if (matches.length === 0) return text;
  const m = pick(rnd, matches) as RegExpExecArray;
  return text.slice(0, m.index) + edit(m) + text.slice(m.index + m[0].length);
}

export const SYNTAX_MUTATIONS: Record<string, Mutation> = {
  deleteChars: (t, rnd) => {
    const p = at(t, rnd);
    return t.slice(0, p) + t.slice(p + 1 + int(rnd, 12));
  },
  insertToken: (t, rnd) => {
    const p = at(t, rnd);
    return t.slice(0, p) + pick(rnd, TOKENS) + t.slice(p);
  },
  truncate: (t, rnd) => t.slice(0, at(t, rnd)),
  splice: (t, rnd, others) => {
    const other = pick(rnd, others);
    const from = at(other, rnd);
    const p = at(t, rnd);
    return t.slice(0, p) + other.slice(from, from + int(rnd, 300)) + t.slice(p + int(rnd, 100));
  },
  duplicateLine: (t, rnd) => {
    const lines = t.split('\n');
    const i = int(rnd, lines.length);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  newlineAfterName: (t, rnd) => atMatch(t, rnd, /([A-Za-z_][\w-]*)( *)(=(?!=)|\{|")/g, (m) => `${m[1]}\n${m[3]}`),
  hashAfterName: (t, rnd) => atMatch(t, rnd, /^( *[A-Za-z_][\w-]*)/gm, (m) => `${m[1]}#x`),
  textAfterHeredoc: (t, rnd) => atMatch(t, rnd, /<<-?[A-Za-z_]+/g, (m) => `${m[0]} x`),
  dropSeparator: (t, rnd) => atMatch(t, rnd, /,( *)/g, (m) => m[1] || ' '),
  newlineInLabel: (t, rnd) => atMatch(t, rnd, /^( *[a-z_]+ +"[^"\n]*)([^"\n]"[^\n]*\{)$/gm, (m) => `${m[1]}\n${m[2]}`),
  exponent: (t, rnd) => atMatch(t, rnd, /\b\d+\b/g, () => pick(rnd, ['1e3', '2E+2', '1.5e-1', '1e', '1.e3', '0x10', '1..2', '1.2.3'])),
  doubleEquals: (t, rnd) => atMatch(t, rnd, / = /g, () => ' = = '),
  objectItemsOnOneLine: (t, rnd) => atMatch(t, rnd, /\{\n(\s*[\w"]+ *= *[^\n{}]+)\n(\s*[\w"]+ *= *[^\n{}]+)\n/g, (m) => `{ ${m[1].trim()} ${m[2].trim()}\n`),
  bareCarriageReturn: (t, rnd) => atMatch(t, rnd, /\n/g, () => '\r'),
};

export const LAYOUT_MUTATIONS: Record<string, Mutation> = {
  respace: (t, rnd) => atMatch(t, rnd, / +/g, () => pick(rnd, ['', ' ', '   ', '\t', ' \t '])),
  addSpace: (t, rnd) => atMatch(t, rnd, /[=,(){}[\]:?]/g, (m) => pick(rnd, [` ${m[0]}`, `${m[0]} `, `  ${m[0]}  `])),
  reindent: (t, rnd) => atMatch(t, rnd, /^ */gm, () => ' '.repeat(int(rnd, 9))),
  trailingSpace: (t, rnd) => atMatch(t, rnd, /\n/g, () => pick(rnd, [' \n', '\t\n', '   \n'])),
  blankLines: (t, rnd) => atMatch(t, rnd, /\n/g, () => pick(rnd, ['\n\n', '\n\n\n', '\n  \n'])),
  crlf: (t) => t.replace(/\r?\n/g, '\r\n'),
  dropFinalNewline: (t) => t.replace(/\n+$/, ''),
  extraFinalNewlines: (t, rnd) => t + pick(rnd, ['\n', '\n\n', '  ', '\t']),
  comment: (t, rnd) => atMatch(t, rnd, /\n/g, () => pick(rnd, [' # note\n', ' // note\n', ' /* note */\n', '\n# note\n'])),
  joinArguments: (t, rnd) => atMatch(t, rnd, /,\s*\n\s*/g, () => pick(rnd, [',', ', ', ',  '])),
  unicode: (t, rnd) => atMatch(t, rnd, /"[^"\n$%\\]*"/g, () => pick(rnd, ['"é"', '"😀 x"', '"日本"', '"e\u0301"'])),
};

export interface Mutant {
  name: string;
  text: string;
}

/** `count` mutants of `sources`, the same for the same seed: 1-3 edits each from `mutations`. */
export function mutants(sources: string[], count: number, seed: number, mutations: Record<string, Mutation>): Mutant[] {
  const rnd = seededRandom(seed);
  const names = Object.keys(mutations);
  const out: Mutant[] = [];
  for (let i = 0; i < count; i++) {
    const source = int(rnd, sources.length);
    let text = sources[source];
    const applied: string[] = [];
    for (let s = 1 + int(rnd, 3); s > 0; s--) {
      const name = pick(rnd, names);
      applied.push(name);
      text = mutations[name](text, rnd, sources);
    }
    out.push({ name: `#${i} (corpus file ${source}) ${applied.join('+')}`, text });
  }
  return out;
}
