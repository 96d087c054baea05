// The parts of a template's text that are template language rather than literal output: delimiters,
// keywords, function names, variables, fields, literals and operators inside actions, with their offsets.
// For the editor (semantic tokens): a template with a syntax error still gets the actions before the error.
import { lex, TemplateSyntaxError, type Token } from './lexer';
import { TEMPLATE_RESULTS, resultField, type TemplateField, type TemplateResult } from './functionTable';

export type TemplateTokenKind = 'delimiter' | 'keyword' | 'function' | 'variable' | 'field' | 'string' | 'number' | 'operator' | 'comment';

export interface TemplateToken {
  kind: TemplateTokenKind;
  offset: number;
  end: number;
}

const KIND: Partial<Record<Token['kind'], TemplateTokenKind>> = {
  leftDelim: 'delimiter',
  rightDelim: 'delimiter',
  keyword: 'keyword',
  bool: 'keyword',
  nil: 'keyword',
  identifier: 'function',
  variable: 'variable',
  field: 'field',
  dot: 'variable',
  string: 'string',
  rawString: 'string',
  char: 'string',
  number: 'number',
  pipe: 'operator',
  declare: 'operator',
  assign: 'operator',
};

/** The template-language tokens of `text`, in order; text outside actions (literal output) has none. */
export function templateTokens(text: string, left = '{{', right = '}}'): TemplateToken[] {
  const { tokens, source } = lexTolerant(text, left, right);
  return [...classify(tokens, source), ...comments(source, left, right)].sort((a, b) => a.offset - b.offset);
}

/** The lexer's tokens; on a syntax error, those of the text before the action holding it (earlier actions keep theirs). */
function lexTolerant(text: string, left: string, right: string): { tokens: Token[]; source: string } {
  let upTo = text.length;
  for (let attempt = 0; attempt < 4; attempt++) {
    const source = text.slice(0, upTo);
    try {
      return { tokens: lex(source, left, right), source };
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      const at = text.lastIndexOf(left, Math.max(0, (error.offset ?? upTo) - 1));
      if (at < 0 || at >= upTo) break;
      upTo = at;
    }
  }
  return { tokens: [], source: '' };
}

/** What a value in a template stands for, when a call made it: the call and whether it is one element of a list. */
interface Origin {
  fn: string;
  arg?: string;
  result: TemplateResult;
  element: boolean;
}

/** A field under the cursor whose meaning is known from the call that made its value. */
export interface FieldAt {
  field: TemplateField;
  /** The chain as written, up to the field (`.Data.data`, `$s.Port`). */
  written: string;
  offset: number;
  end: number;
  /** The call (`service "db"`) and what one value of it is. */
  call: string;
  what: string;
}

interface Scope {
  kind: 'range' | 'with' | 'if' | 'define';
  dot?: Origin;
  inElse: boolean;
  vars: Map<string, Origin | undefined>;
}

/**
 * The field at `offset` (a `.Field` chain, or `$var.Field`) when the value it reads is known: dot inside
 * `range service "x"` / `with secret "y"`, or a variable declared from such a call.
 */
export function fieldAt(text: string, offset: number, left = '{{', right = '}}'): FieldAt | undefined {
  const { tokens } = lexTolerant(text, left, right);
  const scopes: Scope[] = [{ kind: 'define', inElse: false, vars: new Map() }];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.offset > offset) break;
    if (token.kind === 'field' || token.kind === 'variable') {
      if (offset < token.offset || offset > token.end) continue;
      return describeField(token, offset, scopes);
    }
    if (token.kind !== 'leftDelim') continue;
    // One action: its tokens up to the closing delimiter.
    let j = i + 1;
    while (j < tokens.length && tokens[j].kind !== 'rightDelim' && tokens[j].kind !== 'eof') j++;
    const action = tokens.slice(i + 1, j);
    // The cursor may be inside this action: its fields read the scopes as they are before it.
    const inside = action.find((t) => (t.kind === 'field' || t.kind === 'variable') && offset >= t.offset && offset <= t.end);
    if (inside) {
      const head = action[0];
      // `{{ range .Tags }}` reads its pipeline's dot in the outer scope; nothing to change first.
      return describeField(inside, offset, scopes, head?.kind === 'keyword' && head.value === 'else' ? 1 : 0);
    }
    enter(action, scopes);
    i = j;
  }
  return undefined;
}

function enter(action: Token[], scopes: Scope[]): void {
  const head = action[0];
  const top = scopes[scopes.length - 1];
  if (head?.kind === 'keyword') {
    switch (head.value) {
      case 'end':
        if (scopes.length > 1) scopes.pop();
        return;
      case 'else': {
        top.inElse = true;
        const next = action[1];
        if (next?.kind === 'keyword' && next.value === 'with') {
          const { origin, vars } = pipeline(action.slice(2), 'with', scopes);
          top.dot = origin;
          top.inElse = false;
          for (const [name, value] of vars) top.vars.set(name, value);
        }
        return;
      }
      case 'range':
      case 'with': {
        const { origin, vars } = pipeline(action.slice(1), head.value, scopes);
        scopes.push({ kind: head.value, dot: origin, inElse: false, vars });
        return;
      }
      case 'if':
        scopes.push({ kind: 'if', inElse: false, vars: new Map() });
        return;
      case 'define':
      case 'block':
        scopes.push({ kind: 'define', inElse: false, vars: new Map() });
        return;
      default:
        return;
    }
  }
  // `{{ $x := secret "y" }}`: a variable for the rest of the scope.
  if (head?.kind === 'variable' && (action[1]?.kind === 'declare' || action[1]?.kind === 'assign')) {
    top.vars.set(head.value, callOrigin(action.slice(2), false));
  }
}

/** The origin of dot (and the declared variables) of `range`/`with` over this pipeline. */
function pipeline(tokens: Token[], keyword: 'range' | 'with', scopes: Scope[]): { origin?: Origin; vars: Map<string, Origin | undefined> } {
  const vars = new Map<string, Origin | undefined>();
  let rest = tokens;
  const names: string[] = [];
  while (rest[0]?.kind === 'variable' && (rest[1]?.kind === 'comma' || rest[1]?.kind === 'declare')) {
    names.push(rest[0].value);
    const sep = rest[1].kind;
    rest = rest.slice(2);
    if (sep === 'declare') break;
  }
  const called = callOrigin(rest, keyword === 'range');
  // From a variable: `range $list`, `with $secret`.
  const fromVar = !called && rest.length === 1 && rest[0].kind === 'variable' && !rest[0].value.includes('.') ? lookup(scopes, rest[0].value) : undefined;
  const origin = called ?? (fromVar && keyword === 'range' && fromVar.result.list && !fromVar.element ? { ...fromVar, element: true } : keyword === 'with' ? fromVar : undefined);
  if (keyword === 'range') {
    if (names.length === 1) vars.set(names[0], origin);
    if (names.length === 2) {
      vars.set(names[0], undefined);
      vars.set(names[1], origin);
    }
  } else if (names.length === 1) vars.set(names[0], origin);
  return { origin, vars };
}

/** `fn "arg" ...` (optionally piped further) as the origin of a value; undefined when not a known call. */
function callOrigin(tokens: Token[], element: boolean): Origin | undefined {
  const first = tokens[0];
  if (first?.kind !== 'identifier') return undefined;
  // A pipe after the call (`service "x" | toJSON`) makes something else.
  if (tokens.some((t) => t.kind === 'pipe')) return undefined;
  const result = TEMPLATE_RESULTS.get(first.value);
  // Ranging over a single value (a secret) walks its map entries: no known fields.
  if (!result || (element && !result.list)) return undefined;
  const arg = tokens[1]?.kind === 'string' || tokens[1]?.kind === 'rawString' ? tokens[1].value : undefined;
  return { fn: first.value, arg, result, element: element && result.list };
}

function lookup(scopes: Scope[], name: string): Origin | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].vars.has(name)) return scopes[i].vars.get(name);
  return undefined;
}

/** Dot in the innermost range/with not in its else branch (`if` keeps the outer dot). */
function dotOrigin(scopes: Scope[], skip: number): Origin | undefined {
  let skipped = 0;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i];
    if (scope.kind === 'if') continue;
    if (scope.kind === 'define') return undefined;
    if (skipped++ < skip || scope.inElse) continue;
    return scope.dot;
  }
  return undefined;
}

function describeField(token: Token, offset: number, scopes: Scope[], skip = 0): FieldAt | undefined {
  const parts = token.value.split('.');
  // `.A.B`: parts ['', 'A', 'B']; `$s.A`: ['$s', 'A'].
  const base = token.kind === 'field' ? dotOrigin(scopes, skip) : lookup(scopes, parts[0]);
  if (!base) return undefined;
  // A list value (not one element) has no fields.
  if (base.result.list && !base.element) return undefined;
  // The segment under the cursor: the chain up to it.
  let at = token.offset + parts[0].length;
  const chain: string[] = [];
  for (const name of parts.slice(1)) {
    const start = at + 1;
    const end = start + name.length;
    chain.push(name);
    if (offset >= at && offset <= end) {
      const field = resultField(base.result, chain);
      if (!field) return undefined;
      const call = [base.fn, ...(base.arg !== undefined ? [JSON.stringify(base.arg)] : [])].join(' ');
      return { field, written: token.value.slice(0, end - token.offset), offset: start, end, call, what: base.result.what };
    }
    at = end;
  }
  return undefined;
}

function classify(tokens: readonly Token[], source: string): TemplateToken[] {
  const out: TemplateToken[] = [];
  for (const token of tokens) {
    const kind = KIND[token.kind];
    if (!kind) continue;
    let { offset, end } = token;
    // A right delimiter's token includes the ` -` trim marker and the space before it.
    if (token.kind === 'rightDelim') offset = end - token.value.length - (source[end - token.value.length - 1] === '-' ? 1 : 0);
    // A left delimiter's trim marker belongs to it.
    if (token.kind === 'leftDelim' && source[end] === '-' && /\s/.test(source[end + 1] ?? '')) end++;
    out.push({ kind, offset, end });
  }
  return out;
}

// Comments (a slash-star action), which the lexer drops.
function comments(source: string, left: string, right: string): TemplateToken[] {
  const out: TemplateToken[] = [];
  const pattern = new RegExp(`${escapeRegExp(left)}-?\\s*/\\*[\\s\\S]*?\\*/\\s*-?${escapeRegExp(right)}`, 'g');
  for (let m = pattern.exec(source); m; m = pattern.exec(source)) out.push({ kind: 'comment', offset: m.index, end: m.index + m[0].length });
  return out;
}

/** `text` matched literally inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
