// The parts of a template's text that are template language rather than literal output: delimiters,
// keywords, function names, variables, fields, literals and operators inside actions, with their offsets.
// For the editor (semantic tokens): a template with a syntax error still gets the actions before the error.
import { lex, TemplateSyntaxError, type Token } from './lexer';

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
  // On a syntax error, the text up to the action holding it is lexed again: earlier actions keep their tokens.
  let upTo = text.length;
  for (let attempt = 0; attempt < 4; attempt++) {
    const source = text.slice(0, upTo);
    try {
      return [...classify(lex(source, left, right), source), ...comments(source, left, right)].sort((a, b) => a.offset - b.offset);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      const at = text.lastIndexOf(left, Math.max(0, (error.offset ?? upTo) - 1));
      if (at < 0 || at >= upTo) return [];
      upTo = at;
    }
  }
  return [];
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
  const pattern = new RegExp(`${escape(left)}-?\\s*/\\*[\\s\\S]*?\\*/\\s*-?${escape(right)}`, 'g');
  for (let m = pattern.exec(source); m; m = pattern.exec(source)) out.push({ kind: 'comment', offset: m.index, end: m.index + m[0].length });
  return out;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
