// Lexer for Go's text/template language: splits a template into text and action tokens. Trim markers
// (`{{- ` and ` -}}`) remove the whitespace next to an action; comments `{{/* */}}` vanish.

export type TokenKind =
  | 'text' | 'leftDelim' | 'rightDelim' | 'identifier' | 'keyword' | 'field' | 'variable' | 'dot'
  | 'string' | 'rawString' | 'char' | 'number' | 'bool' | 'nil' | 'pipe' | 'leftParen' | 'rightParen'
  | 'declare' | 'assign' | 'comma' | 'eof';

export interface Token {
  kind: TokenKind;
  value: string;
  /** 1-based line in the template where the token starts. */
  line: number;
  /** Offset of the token's first and past-last character in the template text (for editor ranges). */
  offset: number;
  end: number;
  /** True when no space separates it from the previous token (`(x).Field`). */
  joined?: boolean;
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** Where in the template text the problem is, when known (start and past-end offsets). */
    readonly offset?: number,
    readonly end?: number,
  ) {
    super(message);
  }
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

export function lex(input: string, leftDelim = '{{', rightDelim = '}}'): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  const countLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (input.charCodeAt(i) === 10) line++;
  };
  const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

  while (pos < input.length) {
    const start = input.indexOf(leftDelim, pos);
    if (start < 0) {
      tokens.push({ kind: 'text', value: input.slice(pos), line, offset: pos, end: input.length });
      countLines(pos, input.length);
      pos = input.length;
      break;
    }
    let textEnd = start;
    let actionStart = start + leftDelim.length;
    // `{{- ` trims whitespace before the action (the dash must be followed by a space).
    if (input[actionStart] === '-' && isSpace(input[actionStart + 1])) {
      while (textEnd > pos && isSpace(input[textEnd - 1])) textEnd--;
      actionStart += 2;
    }
    if (textEnd > pos) tokens.push({ kind: 'text', value: input.slice(pos, textEnd), line, offset: pos, end: textEnd });
    countLines(pos, actionStart);
    const actionLine = line;
    // Comments: {{/* ... */}} with optional trim markers.
    const afterSpace = skipSpace(input, actionStart);
    if (input.startsWith('/*', afterSpace)) {
      const close = input.indexOf('*/', afterSpace + 2);
      if (close < 0) throw new TemplateSyntaxError('unclosed comment', actionLine, start, afterSpace + 2);
      let after = skipSpace(input, close + 2);
      let trimAfter = false;
      if (input[after] === '-' && input.startsWith(rightDelim, after + 1)) {
        trimAfter = true;
        after += 1;
      }
      if (!input.startsWith(rightDelim, after)) throw new TemplateSyntaxError('comment ends before closing delimiter', actionLine, start, close + 2);
      countLines(actionStart, after + rightDelim.length);
      pos = after + rightDelim.length;
      if (trimAfter) pos = skipSpaceCounting();
      continue;
    }
    tokens.push({ kind: 'leftDelim', value: leftDelim, line: actionLine, offset: start, end: start + leftDelim.length });
    pos = actionStart;
    // Tokens inside the action until the right delimiter.
    for (;;) {
      // Right delimiter, possibly with the ` -` trim marker.
      if (isSpace(input[pos]) || input.startsWith(rightDelim, pos) || input[pos] === '-') {
        const ws = skipSpace(input, pos);
        if (ws > pos && input[ws] === '-' && input.startsWith(rightDelim, ws + 1)) {
          countLines(pos, ws + 1 + rightDelim.length);
          pos = ws + 1 + rightDelim.length;
          tokens.push({ kind: 'rightDelim', value: rightDelim, line, offset: ws, end: pos });
          pos = skipSpaceCounting();
          break;
        }
        if (input.startsWith(rightDelim, ws)) {
          countLines(pos, ws + rightDelim.length);
          pos = ws + rightDelim.length;
          tokens.push({ kind: 'rightDelim', value: rightDelim, line, offset: ws, end: pos });
          break;
        }
        if (ws > pos) {
          countLines(pos, ws);
          pos = ws;
          continue;
        }
      }
      if (pos >= input.length) throw new TemplateSyntaxError('unclosed action', actionLine, start, start + leftDelim.length);
      const c = input[pos];
      const tokLine = line;
      const push = (kind: TokenKind, value: string, length: number): void => {
        const prev = input[pos - 1];
        tokens.push({ kind, value, line: tokLine, offset: pos, end: pos + length, joined: prev !== undefined && !isSpace(prev) });
        countLines(pos, pos + length);
        pos += length;
      };
      if (c === '|') push('pipe', c, 1);
      else if (c === '(') push('leftParen', c, 1);
      else if (c === ')') push('rightParen', c, 1);
      else if (c === ',') push('comma', c, 1);
      else if (c === ':' && input[pos + 1] === '=') push('declare', ':=', 2);
      else if (c === '=') push('assign', '=', 1);
      else if (c === '"') {
        let j = pos + 1;
        while (j < input.length && input[j] !== '"') {
          if (input[j] === '\\') j++;
          if (input[j] === '\n') throw new TemplateSyntaxError('unterminated quoted string', tokLine, pos, j);
          j++;
        }
        if (j >= input.length) throw new TemplateSyntaxError('unterminated quoted string', tokLine, pos, j);
        push('string', unquote(input.slice(pos + 1, j), tokLine, pos), j + 1 - pos);
      } else if (c === '`') {
        const j = input.indexOf('`', pos + 1);
        if (j < 0) throw new TemplateSyntaxError('unterminated raw quoted string', tokLine, pos, pos + 1);
        push('rawString', input.slice(pos + 1, j), j + 1 - pos);
      } else if (c === "'") {
        let j = pos + 1;
        while (j < input.length && input[j] !== "'") {
          if (input[j] === '\\') j++;
          j++;
        }
        const ch = unquote(input.slice(pos + 1, j), tokLine, pos);
        push('char', String(ch.codePointAt(0) ?? 0), j + 1 - pos);
      } else if (c === '$') {
        const m = /^\$[A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(input.slice(pos))!;
        push('variable', m[0], m[0].length);
      } else if (c === '.') {
        const m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(input.slice(pos));
        if (m) push('field', m[0], m[0].length);
        else if (/[0-9]/.test(input[pos + 1] ?? '')) {
          const n = /^\.[0-9][0-9_]*([eE][+-]?[0-9]+)?/.exec(input.slice(pos))!;
          push('number', n[0], n[0].length);
        } else push('dot', '.', 1);
      } else if (/[0-9+\-]/.test(c)) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9]+)?)/.exec(input.slice(pos));
        if (!m) throw new TemplateSyntaxError(`bad number syntax near ${JSON.stringify(input.slice(pos, pos + 10))}`, tokLine, pos, pos + 1);
        push('number', m[0], m[0].length);
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(pos))!;
        const word = m[0];
        if (word === 'true' || word === 'false') push('bool', word, word.length);
        else if (word === 'nil') push('nil', word, word.length);
        else if (KEYWORDS.has(word)) push('keyword', word, word.length);
        else push('identifier', word, word.length);
      } else {
        throw new TemplateSyntaxError(`unexpected ${JSON.stringify(c)} in action`, tokLine, pos, pos + 1);
      }
    }
  }
  tokens.push({ kind: 'eof', value: '', line, offset: input.length, end: input.length });
  return tokens;

  function skipSpaceCounting(): number {
    const end = skipSpace(input, pos);
    countLines(pos, end);
    return end;
  }
}

function skipSpace(input: string, from: number): number {
  let i = from;
  while (i < input.length && (input[i] === ' ' || input[i] === '\t' || input[i] === '\r' || input[i] === '\n')) i++;
  return i;
}

/** Go's interpreted string literal escapes. */
function unquote(body: string, line: number, at: number): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case "'": out += "'"; break;
      case 'x': out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; break;
      case 'u': out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 5), 16)); i += 4; break;
      case 'U': out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16)); i += 8; break;
      default:
        if (e !== undefined && /[0-7]/.test(e)) {
          out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
          i += 2;
        } else throw new TemplateSyntaxError(`unknown escape sequence \\${e ?? ''}`, line, at + i, at + i + 2);
    }
  }
  return out;
}
