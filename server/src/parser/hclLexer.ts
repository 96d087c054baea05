// The token stream of HCL native syntax, cut the way HashiCorp's scanner (hclsyntax) cuts it. Two users
// need exactly that view rather than tree-sitter's: the formatter (`nomad fmt` lays out whitespace between
// these tokens and nothing else) and the syntax verdict (what HCL accepts or refuses is decided on them).
//
// Offsets are UTF-16 code units into the text, like the rest of the server. A leading byte order mark is
// not part of any token.

export type TokenType =
  | 'ident'
  | 'number'
  | 'comment'
  | 'newline'
  | 'oquote'
  | 'cquote'
  | 'qlit' // literal text inside a quoted string
  | 'qnewline' // a line break inside a quoted string (always an error)
  | 'oheredoc' // `<<EOF` or `<<-EOF` with its line end
  | 'cheredoc' // the closing marker line, without its line end
  | 'slit' // literal text of a heredoc
  | 'interp' // `${` or `${~`
  | 'control' // `%{` or `%{~`
  | 'seqend' // `}` or `~}` closing an interp or control sequence
  | '{' | '}' | '[' | ']' | '(' | ')'
  | '.' | ',' | '*' | '/' | '%' | '+' | '-' | '=' | '<' | '>' | '!' | '?' | ':'
  | '&' | '|' | '^' | '~' | ';' | '`' | "'"
  | '==' | '!=' | '>=' | '<=' | '&&' | '||' | '::' | '...' | '=>'
  | 'invalid'
  | 'eof';

export interface HclToken {
  type: TokenType;
  start: number;
  end: number;
}

const SELF = new Set(['[', ']', '(', ')', '.', ',', '*', '/', '%', '+', '-', '=', '<', '>', '!', '?', ':', '&', '|', '^', '~', ';', '`', "'"]);
const PAIRS = new Set(['==', '!=', '>=', '<=', '&&', '||', '::', '=>']);

const IDENT = /[\p{ID_Start}_][\p{ID_Continue}-]*/uy;

/** Whether `name` is one HCL identifier (what may follow `var.` or `local.`: a name a quoted label may not be). */
export function isIdentifier(name: string): boolean {
  IDENT.lastIndex = 0;
  return IDENT.test(name) && IDENT.lastIndex === name.length;
}
const HEREDOC_OPEN = /<<(-?)([\p{ID_Start}_][\p{ID_Continue}-]*)(\r?\n)/uy;

const PAIR_STARTS = '=!><&|:';

function isAsciiNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isAsciiNamePart(c: number): boolean {
  return isAsciiNameStart(c) || (c >= 48 && c <= 57) || c === 45;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

interface Heredoc {
  marker: string;
  /** The next literal starts a line (so it may be the closing marker). */
  atLineStart: boolean;
}

type Mode = 'main' | 'quoted' | 'heredoc';

/**
 * The tokens of `text`, ending with one `eof` token. `end.settled` tells whether the scanner ended where it
 * started: outside any template, heredoc or brace it opened (then what follows the text would scan the same
 * after it as on its own).
 */
export function lexHcl(text: string, end?: { settled: boolean }): HclToken[] {
  const tokens: HclToken[] = [];
  const n = text.length;
  let p = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const modes: Mode[] = ['main'];
  let braces = 0;
  /** Brace depths at which a `}` closes a template sequence instead of an object or block. */
  const sequenceDepths: number[] = [];
  const heredocs: Heredoc[] = [];
  const emit = (type: TokenType, start: number, end: number) => {
    tokens.push({ type, start, end });
    p = end;
  };
  const openSequence = (type: 'interp' | 'control', length: number) => {
    emit(type, p, p + length);
    braces++;
    sequenceDepths.push(braces);
    if (heredocs.length > 0) heredocs[heredocs.length - 1].atLineStart = false;
    modes.push('main');
  };
  /** `${` / `%{` (optionally with `~`) at p: its length, or 0. */
  const sequenceAt = (at: number): number => {
    const c = text[at];
    if ((c !== '$' && c !== '%') || text[at + 1] !== '{') return 0;
    return text[at + 2] === '~' ? 3 : 2;
  };

  while (p < n) {
    const mode = modes[modes.length - 1];
    if (mode === 'quoted') {
      const seq = sequenceAt(p);
      if (seq) {
        openSequence(text[p] === '$' ? 'interp' : 'control', seq);
        continue;
      }
      const c = text[p];
      if (c === '"') {
        emit('cquote', p, p + 1);
        modes.pop();
        continue;
      }
      if (c === '\n' || c === '\r') {
        let e = p;
        while (e < n && (text[e] === '\n' || text[e] === '\r')) e++;
        emit('qnewline', p, e);
        continue;
      }
      // Literal text: escapes (`\x`, `$${`, `%%{`) and a `$`/`%` not opening a sequence are part of it.
      let e = p;
      while (e < n) {
        const d = text[e];
        if (d === '"' || d === '\n' || d === '\r') break;
        if (d === '\\') {
          if (e + 1 >= n || text[e + 1] === '\n' || text[e + 1] === '\r') break;
          e += 2;
          continue;
        }
        if (d === '$' || d === '%') {
          if (text[e + 1] === '{') break;
          if (text[e + 1] === d && text[e + 2] === '{') {
            e += 3;
            continue;
          }
          if (e + 1 >= n) break;
        }
        e++;
      }
      if (e > p) emit('qlit', p, e);
      else emit('invalid', p, p + charLength(text, p));
      continue;
    }
    if (mode === 'heredoc') {
      const doc = heredocs[heredocs.length - 1];
      const seq = sequenceAt(p);
      if (seq) {
        openSequence(text[p] === '$' ? 'interp' : 'control', seq);
        continue;
      }
      let e = p;
      let lineEnd = -1;
      while (e < n) {
        const d = text[e];
        if (d === '\n') {
          lineEnd = e + 1;
          break;
        }
        if (d === '\r') {
          if (text[e + 1] === '\n') lineEnd = e + 2;
          break;
        }
        if ((d === '$' || d === '%') && text[e + 1] === '{') break;
        if ((d === '$' || d === '%') && text[e + 1] === d && text[e + 2] === '{') {
          e += 3;
          continue;
        }
        e++;
      }
      if (lineEnd >= 0) {
        const eolStart = text[lineEnd - 2] === '\r' && lineEnd - 2 >= p ? lineEnd - 2 : lineEnd - 1;
        if (doc.atLineStart && text.slice(p, eolStart).trim() === doc.marker) {
          emit('cheredoc', p, eolStart);
          emit('newline', eolStart, lineEnd);
          heredocs.pop();
          modes.pop();
          continue;
        }
        doc.atLineStart = true;
        emit('slit', p, lineEnd);
        continue;
      }
      if (e > p) {
        doc.atLineStart = false;
        emit('slit', p, e);
        continue;
      }
      // A carriage return not followed by a line feed: HashiCorp's scanner stops here and the rest of the
      // file is one invalid token.
      emit('invalid', p, n);
      break;
    }

    const c = text.charCodeAt(p);
    const ch = text[p];
    if (ch === ' ' || ch === '\t') {
      p++;
      continue;
    }
    if (isDigit(c)) {
      emit('number', p, numberEnd(text, p));
      continue;
    }
    if (isAsciiNameStart(c)) {
      let e = p + 1;
      while (e < n && isAsciiNamePart(text.charCodeAt(e))) e++;
      // A non-ASCII letter may continue the name: let the full rule decide then.
      if (e >= n || text.charCodeAt(e) < 0x80) {
        emit('ident', p, e);
        continue;
      }
    }
    if (c >= 0x80 || isAsciiNameStart(c)) {
      IDENT.lastIndex = p;
      const ident = IDENT.exec(text);
      if (ident) {
        emit('ident', p, p + ident[0].length);
        continue;
      }
    }
    if (ch === '#' || (ch === '/' && text[p + 1] === '/')) {
      const nl = text.indexOf('\n', p);
      emit('comment', p, nl < 0 ? n : nl + 1);
      continue;
    }
    if (ch === '/' && text[p + 1] === '*') {
      const close = text.indexOf('*/', p + 2);
      if (close >= 0) {
        emit('comment', p, close + 2);
        continue;
      }
    }
    if (ch === '\n') {
      emit('newline', p, p + 1);
      continue;
    }
    if (ch === '\r' && text[p + 1] === '\n') {
      emit('newline', p, p + 2);
      continue;
    }
    if (ch === '.' && text[p + 1] === '.' && text[p + 2] === '.') {
      emit('...', p, p + 3);
      continue;
    }
    const second = text[p + 1];
    if (ch === '~' && second === '}') {
      closeBrace('seqend', 2);
      continue;
    }
    if (ch === '<' && text[p + 1] === '<') {
      HEREDOC_OPEN.lastIndex = p;
      const open = HEREDOC_OPEN.exec(text);
      if (open) {
        emit('oheredoc', p, p + open[0].length);
        heredocs.push({ marker: open[2], atLineStart: true });
        modes.push('heredoc');
        continue;
      }
    }
    if (second !== undefined && PAIR_STARTS.includes(ch) && PAIRS.has(ch + second)) {
      emit((ch + second) as TokenType, p, p + 2);
      continue;
    }
    if (ch === '{') {
      emit('{', p, p + 1);
      braces++;
      continue;
    }
    if (ch === '}') {
      closeBrace('}', 1);
      continue;
    }
    if (ch === '"') {
      emit('oquote', p, p + 1);
      modes.push('quoted');
      continue;
    }
    if (SELF.has(ch)) {
      emit(ch as TokenType, p, p + 1);
      continue;
    }
    emit('invalid', p, p + charLength(text, p));
  }
  tokens.push({ type: 'eof', start: n, end: n });
  if (end) end.settled = modes.length === 1 && braces === 0 && sequenceDepths.length === 0 && heredocs.length === 0;
  return tokens;

  function closeBrace(plain: 'seqend' | '}', length: number): void {
    if (sequenceDepths.length > 0 && sequenceDepths[sequenceDepths.length - 1] === braces) {
      emit('seqend', p, p + length);
      braces--;
      sequenceDepths.pop();
      modes.pop();
      return;
    }
    // A `~}` that closes no sequence is still a sequence end: the parser then reports it.
    emit(plain, p, p + length);
    braces--;
  }
}

function charLength(text: string, at: number): number {
  const c = text.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff && at + 1 < text.length ? 2 : 1;
}

/**
 * End of a number starting at a digit: digits, `.` and exponents (`e5`, `E+3`) in any order, but never
 * ending with a `.` (so `1.` is the number `1` followed by a dot, and `a.0.1` keeps its legacy index).
 */
function numberEnd(text: string, start: number): number {
  let p = start + 1;
  let good = p;
  for (;;) {
    const c = text.charCodeAt(p);
    if (isDigit(c)) {
      p++;
      good = p;
    } else if (c === 46 /* . */) {
      p++;
    } else if (c === 101 || c === 69 /* e E */) {
      const sign = text[p + 1] === '+' || text[p + 1] === '-' ? 1 : 0;
      if (!isDigit(text.charCodeAt(p + 1 + sign))) break;
      p += 2 + sign;
      good = p;
    } else break;
  }
  return good;
}
