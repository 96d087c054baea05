// Semantic tokens from the job model: block types, block labels, attribute names, and the names inside
// expressions and interpolations (var./local. and the client's runtime names, functions). Inside a template
// block's `data` (heredoc or quoted string), the consul-template actions get tokens of their own (delimiters,
// keywords, functions, variables, fields, literals) while the literal output text gets none, so a theme
// shows where the template language is.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { Feature } from '../feature';
import type { Block, Body, Expr, JobFile, Range } from '../model/types';
import type { Evaluator } from '../model/eval';
import { readTemplate } from '../checks/templateData';
import { templateTokens, type TemplateTokenKind } from '../template/tokens';
import { childExprs } from './modelQuery';
import { documentHandler } from './featureInput';

export const TOKEN_TYPES = ['type', 'class', 'property', 'variable', 'namespace', 'function', 'parameter', 'macro', 'keyword', 'string', 'number', 'operator', 'comment'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

interface RawToken {
  line: number;
  char: number;
  length: number;
  type: number;
  modifiers: number;
}

/** Roots of references that name a namespace rather than a value. */
const NAMESPACES = new Set(['var', 'local', 'attr', 'node', 'meta', 'env']);
const LABELLED_DECLARATIONS = new Set(['job', 'group', 'task', 'variable']);

/** Template-language tokens as standard token types: delimiters read as macro brackets, `.Field` as a property. */
const TEMPLATE_TOKEN: Record<TemplateTokenKind, [TokenType, ...Modifier[]]> = {
  delimiter: ['macro'],
  keyword: ['keyword'],
  function: ['function', 'defaultLibrary'],
  variable: ['variable'],
  field: ['property'],
  string: ['string'],
  number: ['number'],
  operator: ['operator'],
  comment: ['comment'],
};

class Collector {
  readonly tokens: RawToken[] = [];

  constructor(private readonly evaluator: Evaluator) {}

  add(range: Range, type: TokenType, ...modifiers: Modifier[]): void {
    if (range.start.line !== range.end.line) return;
    const length = range.end.character - range.start.character;
    if (length <= 0) return;
    let bits = 0;
    for (const m of modifiers) bits |= 1 << TOKEN_MODIFIERS.indexOf(m);
    this.tokens.push({ line: range.start.line, char: range.start.character, length, type: TOKEN_TYPES.indexOf(type), modifiers: bits });
  }

  body(body: Body, inLocals: boolean): void {
    // Iterative over nested bodies: deeply nested files must not exhaust the stack.
    const pending: Array<{ body: Body; inLocals: boolean }> = [{ body, inLocals }];
    while (pending.length > 0) {
      const next = pending.pop()!;
      for (const item of next.body.items) {
        if (item.kind === 'attribute') {
          if (next.inLocals) this.add(item.nameRange, 'variable', 'declaration');
          else this.add(item.nameRange, 'property');
          this.expr(item.value);
          continue;
        }
        this.add(item.typeRange, 'type');
        if (item.type === 'template') this.template(item);
        else if (item.type === 'dynamic' && item.dynamic?.blockType === 'template' && item.dynamic.content) this.template({ ...item, body: item.dynamic.content });
        for (const label of item.labels) {
          this.add(label.range, 'class', ...(LABELLED_DECLARATIONS.has(item.type) ? (['declaration'] as Modifier[]) : []));
        }
        pending.push({ body: item.body, inLocals: item.type === 'locals' });
      }
    }
  }

  /** The actions of a template block's data, each token split at line ends (a token spans one line). */
  template(block: Block): void {
    const read = readTemplate({ evaluator: this.evaluator }, block);
    if (!read || read.tooLarge) return;
    const { text } = read;
    for (const token of templateTokens(text.text, read.left, read.right)) {
      // Text that an HCL `${...}` put there is not written where it appears: the interpolation has its tokens.
      if (text.computed.some(([a, b]) => token.offset < b && a < token.end)) continue;
      const [type, ...modifiers] = TEMPLATE_TOKEN[token.kind];
      let from = token.offset;
      for (let i = token.offset; i <= token.end; i++) {
        if (i < token.end && text.text[i] !== '\n') continue;
        if (i > from) this.add(text.rangeOf(from, i), type, ...modifiers);
        from = i + 1;
      }
    }
  }

  expr(root: Expr): void {
    const pending: Expr[] = [root];
    while (pending.length > 0) {
      const expr = pending.pop()!;
      if (expr.kind === 'reference') {
        if (NAMESPACES.has(expr.root)) {
          this.add(expr.rootRange, 'namespace');
          const first = expr.path[0];
          if (first?.kind === 'attr') this.add(nameRangeOf(first.range, first.name), expr.root === 'var' || expr.root === 'local' ? 'variable' : 'property', 'readonly');
        } else if (/^NOMAD_/.test(expr.root)) {
          this.add(expr.rootRange, 'variable', 'readonly', 'defaultLibrary');
        } else {
          this.add(expr.rootRange, 'parameter');
        }
      } else if (expr.kind === 'call') {
        this.add(expr.nameRange, 'function', 'defaultLibrary');
      }
      for (const child of childExprs(expr)) pending.push(child);
    }
  }
}

/** A `.name` traverser's range covers the dot; the token is the name only. */
function nameRangeOf(range: Range, name: string): Range {
  return { start: { line: range.end.line, character: range.end.character - name.length }, end: range.end };
}

export function semanticTokens(file: JobFile, evaluator: Evaluator): SemanticTokens {
  const collector = new Collector(evaluator);
  collector.body(file.body, false);
  const tokens = collector.tokens.sort((a, b) => a.line - b.line || a.char - b.char);
  const data: number[] = [];
  let line = 0;
  let char = 0;
  let lastEnd = -1;
  let lastLine = -1;
  for (const token of tokens) {
    // Overlapping tokens are not allowed; keep the first.
    if (token.line === lastLine && token.char < lastEnd) continue;
    const deltaLine = token.line - line;
    const deltaChar = deltaLine === 0 ? token.char - char : token.char;
    data.push(deltaLine, deltaChar, token.length, token.type, token.modifiers);
    line = token.line;
    char = token.char;
    lastLine = token.line;
    lastEnd = token.char + token.length;
  }
  return { data };
}

export const semanticTokensFeature: Feature = {
  name: 'semanticTokens',
  capabilities: () => ({ semanticTokensProvider: { legend: LEGEND, full: true } }),
  register(ctx) {
    ctx.connection.languages.semanticTokens.on(documentHandler(ctx, 'semanticTokens', { data: [] } as SemanticTokens, (input) => semanticTokens(input.file, input.evaluator)));
  },
};
