// Whether HCL itself accepts a text, and where it does not: a recogniser that follows the structure of
// HashiCorp's parser (hclsyntax.ParseConfig) over its own token stream (hclLexer). tree-sitter-hcl is more
// lenient in places (line breaks between a name and its `=`, `{` or labels, separators between object
// items, text after a heredoc opener, repeated attributes, ...), so its tree alone cannot give HCL's
// verdict; this module does, and the syntax-error reporter uses it as the last word.
//
// It builds nothing: it only walks the grammar and notes the first mistake in each body item, then skips
// to the end of that item (as HCL's parser does) so that one mistake does not hide those of other blocks.
import { lexHcl, type HclToken, type TokenType } from './hclLexer';
import { countLineEnds } from './lineEnds';
import { specimen } from '../specimens';

/** Where a block stands in the text: from its type name to the end of its closing `}`. */
export interface BlockSpan {
  start: number;
  end: number;
}

export interface SyntaxIssue {
  start: number;
  end: number;
  message: string;
  /** `Attribute redefined` is its own diagnostic code; everything else is a syntax error. */
  kind: 'syntax' | 'duplicate';
  /** A block left open at the end of the file or a `}` with no block to close: often a consequence. */
  imbalance?: boolean;
  /** A character HCL does not use (the scanner's finding): no other explanation fits better. */
  character?: boolean;
  /** The body item holding the mistake starts here; HCL skips the rest of it, up to `skippedTo`. */
  itemFrom?: number;
  skippedTo?: number;
}

const BINARY: ReadonlySet<TokenType> = new Set(['||', '&&', '==', '!=', '>', '>=', '<', '<=', '+', '-', '*', '/', '%']);

const INVALID_CHARACTER: Partial<Record<TokenType, string>> = {
  '&': 'Unsupported operator `&`: HCL has no bitwise operators (for a boolean AND write `&&`).',
  '|': 'Unsupported operator `|`: HCL has no bitwise operators (for a boolean OR write `||`).',
  '^': 'Unsupported operator `^`: HCL has no bitwise operators.',
  '~': 'Unsupported operator `~`: HCL has no bitwise operators (for a boolean NOT write `!`).',
  '`': 'Backticks are not used in HCL: strings are written in double quotes.',
  "'": 'Single quotes are not used in HCL: write strings in double quotes.',
  ';': 'Unexpected `;`: HCL ends an attribute at the line break; remove it.',
};

/** Thrown to abandon the current body item after its first mistake. */
class ItemFailed {}

const FAILED = new ItemFailed();

class Recogniser {
  private next = 0;
  private readonly newlines: boolean[] = [true];
  readonly issues: SyntaxIssue[] = [];
  /**
   * The blocks walked to their closing `}` that started before any mistake was found, from the type name to
   * that `}`, in the order they close. Up to the first mistake the walk and the scanner agree on where
   * templates and heredocs are, so such a block starts in the scanner's plain state.
   */
  readonly blocks: BlockSpan[] = [];
  /** Some part of the walk went on to the end of the text to find where it ends (an item, a block). */
  ranOut = false;

  constructor(
    private readonly text: string,
    private readonly tokens: HclToken[],
  ) {
    specimen(this);
  }

  // ---- the token stream as HCL's parser sees it: comments skipped, line breaks only where they count

  private scan(from: number): [HclToken, number] {
    const tokens = this.tokens;
    const withNewlines = this.newlines[this.newlines.length - 1];
    for (let i = from; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.type === 'comment') {
        // A line comment ends its line: where line breaks count, it stands for one.
        if (withNewlines && this.text.charCodeAt(t.end - 1) === 10) return [{ type: 'newline', start: t.end - 1, end: t.end }, i + 1];
        continue;
      }
      if (t.type === 'newline' && !withNewlines) continue;
      return [t, i + 1];
    }
    const eof = tokens[tokens.length - 1];
    return [eof, tokens.length];
  }

  /** The last scan, reused while neither the position nor the line-break mode changes (peek, then read). */
  private cached: { from: number; mode: boolean; token: HclToken; after: number } | undefined;

  private scanNext(): { from: number; mode: boolean; token: HclToken; after: number } {
    const mode = this.newlines[this.newlines.length - 1];
    const c = this.cached;
    if (c && c.from === this.next && c.mode === mode) return c;
    const [token, after] = this.scan(this.next);
    return (this.cached = { from: this.next, mode, token, after });
  }

  private peek(): HclToken {
    return this.scanNext().token;
  }

  private read(): HclToken {
    const { token, after } = this.scanNext();
    this.next = after;
    return token;
  }

  private pushNewlines(include: boolean): void {
    this.newlines.push(include);
  }

  private popNewlines(): void {
    this.newlines.pop();
  }

  private src(t: HclToken): string {
    return this.text.slice(t.start, t.end);
  }

  private isKeyword(t: HclToken, word: string): boolean {
    return t.type === 'ident' && this.src(t) === word;
  }

  private fail(at: HclToken | { start: number; end: number }, message: string): never {
    this.issues.push({ start: at.start, end: Math.max(at.end, at.start), message, kind: 'syntax' });
    throw FAILED;
  }

  /** How a token is named in messages. */
  private describe(t: HclToken): string {
    switch (t.type) {
      case 'eof':
        return 'the end of the file';
      case 'newline':
        return 'a line break';
      case 'oquote':
        return '`"`';
      case 'oheredoc':
        return 'a heredoc';
      default: {
        const s = this.src(t).replace(/\s+/g, ' ').trim();
        return `\`${s.length > 30 ? s.slice(0, 29) + '…' : s}\``;
      }
    }
  }

  // ---- bodies

  /** A body up to `end` (`}` or the end of the file); `open` is the `{` (for messages). */
  body(end: 'eof' | '}', open?: HclToken): void {
    const seen = new Map<string, HclToken>();
    for (;;) {
      const t = this.peek();
      if (t.type === end) {
        this.read();
        return;
      }
      if (t.type === 'newline') {
        this.read();
        continue;
      }
      if (t.type === 'eof') {
        this.ranOut = true;
        this.issues.push({ ...this.span(open ?? t), message: 'This block is never closed: a `}` is missing before the end of the file.', kind: 'syntax', imbalance: true });
        return;
      }
      const start = this.next;
      try {
        if (t.type !== 'ident') {
          if (t.type === 'oquote') this.fail(t, 'Attribute and block names are not quoted in HCL2: write `name = value` or `name { ... }`.');
          if (t.type === '}') {
            this.issues.push({ start: t.start, end: t.end, message: 'Unexpected `}`: no open block is left for it to close.', kind: 'syntax', imbalance: true });
            throw FAILED;
          }
          this.fail(t, `Unexpected ${this.describe(t)}: an attribute (\`name = value\`) or a block (\`name { ... }\`) must start here.`);
        }
        const name = this.bodyItem();
        if (name) {
          const key = this.src(name);
          const first = seen.get(key);
          if (first) {
            const line = lineOf(this.text, first.start);
            this.issues.push({ start: name.start, end: name.end, message: `\`${key}\` is already set on line ${line} of this block; an attribute may be set only once.`, kind: 'duplicate' });
          } else seen.set(key, name);
        }
      } catch (e) {
        if (!(e instanceof ItemFailed)) throw e;
        const failed = this.issues[this.issues.length - 1];
        this.skipRestOfItem(start);
        if (this.next === start) this.read();
        if (failed) {
          failed.itemFrom = t.start;
          failed.skippedTo = this.tokens[Math.min(this.next, this.tokens.length) - 1].end;
        }
        if (end === '}' && this.lastSkipped?.type === '}') return;
      }
    }
  }

  private span(t: { start: number; end: number }): { start: number; end: number } {
    return { start: t.start, end: t.end };
  }

  /** A body item starting at a name; returns the name token when the item is an attribute. */
  private bodyItem(): HclToken | undefined {
    const name = this.read();
    const after = this.peek();
    if (after.type === '=') {
      this.attribute(name, false);
      return name;
    }
    if (after.type === 'oquote' || after.type === '{' || after.type === 'ident') {
      this.block(name);
      return undefined;
    }
    const word = this.src(name);
    if (after.type === 'newline') {
      // `name` then `= value` or `{` on the next line: one mistake; the rest is read as the user meant it.
      const resumed = this.afterLineBreak();
      if (resumed === '=' || resumed === '{') {
        this.issues.push({ start: name.start, end: name.end, message: `\`${word}\` must be followed on the same line by ${resumed === '=' ? '`=` and its value' : 'its `{`'}: HCL does not allow a line break there.`, kind: 'syntax' });
        if (resumed === '=') this.attribute(name, false);
        else this.block(name);
        return resumed === '=' ? name : undefined;
      }
      this.fail(name, `\`${word}\` needs \`= value\` or a block body \`{ ... }\` on the same line.`);
    }
    if (after.type === ':') this.fail(after, `\`${word}:\` uses \`:\`; HCL2 attributes are written \`${word} = value\`.`);
    this.fail(after, `Unexpected ${this.describe(after)} after \`${word}\`: expected \`=\` for an attribute or \`{\` for a block.`);
  }

  private attribute(name: HclToken, singleLine: boolean): void {
    this.read(); // =
    this.expression();
    if (singleLine) return;
    const end = this.peek();
    if (end.type === 'newline' || end.type === 'eof') {
      this.read();
      return;
    }
    if (end.type === ',') this.fail(end, `Unexpected \`,\` after the value of \`${this.src(name)}\`: in HCL2 an attribute ends at the line break, so remove the comma.`);
    this.fail(end, `Unexpected ${this.describe(end)} after the value of \`${this.src(name)}\`: an attribute ends at the line break.`);
  }

  private block(type: HclToken): void {
    const trusted = this.issues.length === 0;
    let open: HclToken | undefined;
    while (!open) {
      const t = this.peek();
      if (t.type === '{') open = this.read();
      else if (t.type === 'oquote') this.label();
      else if (t.type === 'ident') this.read();
      else if (t.type === '=') this.fail(t, `\`${this.src(type)}\` has labels, so it is a block: remove the \`=\` and write \`{ ... }\`.`);
      else if (t.type === 'newline') {
        const message = `The block \`${this.src(type)}\` needs its \`{\` on the line of its name and labels: HCL does not allow a line break there.`;
        const resumed = this.afterLineBreak();
        if (resumed !== '{' && resumed !== 'oquote') this.fail(t, message);
        // The header goes on after the line break: report it once and read the block as meant.
        this.issues.push({ start: t.start, end: t.end, message, kind: 'syntax' });
      }
      else this.fail(t, `Unexpected ${this.describe(t)} in the header of the block \`${this.src(type)}\`: expected a quoted label or \`{\`.`);
    }
    const first = this.peek();
    if (first.type === 'newline' || first.type === 'eof' || first.type === '}') {
      this.body('}', open);
    } else {
      this.singleLineBody(type);
      const close = this.peek();
      if (close.type === '}') this.read();
      else if (close.type === ',') this.fail(close, 'A single-line block holds one attribute: put each attribute on its own line (commas do not separate them).');
      else if (close.type === 'newline') this.fail(close, `The single-line block \`${this.src(type)} { ... }\` must close with \`}\` on the same line (or start its body on a new line).`);
      else if (close.type === 'eof') this.fail(open, 'This block is never closed: a `}` is missing before the end of the file.');
      else this.fail(close, `Unexpected ${this.describe(close)}: a single-line block must close with \`}\` right after its one attribute.`);
    }
    // The `}` just read (scans skip only comments and line breaks, never past it).
    const close = this.tokens[this.next - 1];
    const eol = this.peek();
    if (eol.type === 'newline' || eol.type === 'eof') {
      // Recorded once the walk of the block, line end included, is over with nothing found after it.
      if (trusted) this.blocks.push({ start: type.start, end: close.end });
      this.read();
      return;
    }
    this.fail(eol, `Unexpected ${this.describe(eol)} after the \`}\` of \`${this.src(type)}\`: a block ends at the line break.`);
  }

  private singleLineBody(block: HclToken): void {
    const name = this.read();
    if (name.type !== 'ident') this.fail(name, `Unexpected ${this.describe(name)} after \`${this.src(block)} {\`: start the body on a new line, or write one \`name = value\`.`);
    const after = this.peek();
    if (after.type === '=') {
      this.attribute(name, true);
      return;
    }
    if (after.type === 'oquote' || after.type === '{' || after.type === 'ident') {
      this.fail(name, `A single-line block holds one attribute, not the block \`${this.src(name)}\`: put the nested block on a line of its own.`);
    }
    this.fail(name, `\`${this.src(name)}\` needs \`= value\`.`);
  }

  /** A quoted block label: plain text only. */
  private label(): void {
    const open = this.read();
    for (;;) {
      const t = this.read();
      if (t.type === 'cquote') return;
      if (t.type === 'qlit') {
        this.checkEscapes(t);
        continue;
      }
      if (t.type === 'interp' || t.type === 'control') this.fail(t, 'A block label is plain text: it cannot hold `${...}` or `%{...}` (write `$${` for a literal `${`).');
      if (t.type === 'eof') this.fail(open, 'This label is never closed: the closing `"` is missing.');
      if (t.type === 'qnewline') this.fail(open, 'A block label must end on the line where it starts: the closing `"` is missing.');
      this.fail(t, `Unexpected ${this.describe(t)} in a block label.`);
    }
  }

  /** Backslash escapes of a quoted literal: `\n \r \t \" \\`, `\uXXXX`, `\UXXXXXXXX`. */
  private checkEscapes(t: HclToken): void {
    const s = this.text;
    for (let i = t.start; i < t.end; i++) {
      if (s[i] !== '\\') continue;
      const c = s[i + 1];
      if ('nrt"\\'.includes(c)) {
        i++;
        continue;
      }
      if (c === 'u' || c === 'U') {
        const want = c === 'u' ? 4 : 8;
        let digits = 0;
        while (digits < want && /[0-9a-fA-F]/.test(s[i + 2 + digits] ?? '')) digits++;
        const code = digits === want ? parseInt(s.slice(i + 2, i + 2 + want), 16) : -1;
        if (digits !== want || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
          this.fail({ start: i, end: i + 2 + digits }, `Invalid escape \`${s.slice(i, i + 2 + digits)}\`: \`\\${c}\` takes exactly ${want} hex digits naming a Unicode character.`);
        }
        i += 1 + want;
        continue;
      }
      this.fail({ start: i, end: i + 2 }, `Invalid escape \`\\${c}\` in a string: the escapes are \`\\n\`, \`\\r\`, \`\\t\`, \`\\"\`, \`\\\\\`, \`\\uXXXX\` and \`\\UXXXXXXXX\`.`);
    }
  }

  // ---- expressions

  expression(): void {
    this.operations();
    if (this.peek().type !== '?') return;
    this.read();
    this.expression();
    const colon = this.peek();
    if (colon.type !== ':') this.fail(colon, `Unexpected ${this.describe(colon)}: a conditional \`cond ? a : b\` needs \`:\` and the value for false.`);
    this.read();
    this.expression();
  }

  private operations(): void {
    this.operand();
    while (BINARY.has(this.peek().type)) {
      this.read();
      this.operand();
    }
  }

  private operand(): void {
    this.term();
    this.traversals();
  }

  private traversals(): void {
    for (;;) {
      const t = this.peek();
      if (t.type === '.') {
        this.read();
        const attr = this.peek();
        if (attr.type === 'ident') this.read();
        else if (attr.type === 'number') {
          this.read();
          if (this.src(attr).includes('.')) this.fail(attr, `\`.${this.src(attr)}\` chains two legacy indexes: write \`[${this.src(attr).replace('.', '][')}]\`.`);
          this.checkNumber(attr);
        } else if (attr.type === '*') {
          this.read();
          while (this.peek().type === '.') {
            this.read();
            const step = this.peek();
            if (step.type === 'number') {
              this.read();
              if (this.src(step).includes('.')) this.fail(step, `\`.${this.src(step)}\` chains two legacy indexes: use \`[*]\` with \`[${this.src(step).replace('.', '][')}]\`.`);
              this.checkNumber(step);
              continue;
            }
            if (step.type !== 'ident') {
              if (step.type === '*') this.fail(step, 'A splat `.*` cannot hold another `*`.');
              this.fail(step, 'An attribute name must follow `.`.');
            }
            this.read();
          }
        } else this.fail(attr, 'An attribute name must follow `.` (e.g. `var.name`).');
        continue;
      }
      if (t.type === '[') {
        this.read();
        if (this.peek().type === '*') {
          this.read();
          const close = this.read();
          if (close.type !== ']') this.fail(close, 'A full splat is written `[*]`: `]` must follow the `*`.');
          continue;
        }
        this.pushNewlines(false);
        this.expression();
        const close = this.read();
        this.popNewlines();
        if (close.type !== ']') this.fail(close, `Unexpected ${this.describe(close)}: the index \`[ ... ]\` must close with \`]\`.`);
        continue;
      }
      return;
    }
  }

  private checkNumber(t: HclToken): void {
    // The scanner accepts digits, dots and exponents in any order; a number has at most one dot, before any exponent.
    if (!/^\d+(\.\d*)?([eE][+-]?\d+)?$/.test(this.src(t))) this.fail(t, `\`${this.src(t)}\` is not a valid number.`);
  }

  private term(): void {
    const t = this.peek();
    switch (t.type) {
      case '(': {
        this.read();
        this.pushNewlines(false);
        this.expression();
        const close = this.peek();
        if (close.type !== ')') this.fail(close, `Unexpected ${this.describe(close)}: \`(\` is not closed by \`)\` here.`);
        this.read();
        this.popNewlines();
        return;
      }
      case 'number':
        this.read();
        this.checkNumber(t);
        return;
      case 'ident': {
        this.read();
        const after = this.peek().type;
        if (after === '(' || after === '::') this.call(t);
        return;
      }
      case 'oquote':
      case 'oheredoc':
        this.read();
        this.template(t);
        return;
      case '-':
      case '!':
        this.read();
        this.operand();
        return;
      case '[':
        this.tuple();
        return;
      case '{':
        this.object();
        return;
      case '<': {
        // `<<EOF trailing`: HCL's scanner takes `<<` as a heredoc opener only when the marker ends the line.
        const opener = /^<<-?([\p{ID_Start}_][\p{ID_Continue}-]*)[^\S\r\n]*([^\r\n]*)/u.exec(this.text.slice(t.start, t.start + 300));
        if (opener && opener[2] !== '') {
          const close = new RegExp(`^[^\\S\\r\\n]*${opener[1]}[^\\S\\r\\n]*\\r?$`, 'mu');
          const rest = this.text.slice(t.start);
          const bodyStart = rest.search(/\n/);
          const end = bodyStart < 0 ? -1 : rest.slice(bodyStart + 1).search(close);
          // The heredoc body is the user's text, not body items: skip it with this item.
          if (end >= 0) this.skipUntil = t.start + bodyStart + 1 + end;
          this.fail(t, `A heredoc opener \`<<${opener[1]}\` must end its line: move \`${opener[2].trim().slice(0, 20)}\` to the next line (or after the closing \`${opener[1]}\`).`);
        }
        this.fail(t, `Unexpected ${this.describe(t)}: a value (an expression) was expected here.`);
      }
      // eslint-disable-next-line no-fallthrough
      case 'eof':
        this.fail(t, 'An expression is missing before the end of the file.');
      // eslint-disable-next-line no-fallthrough
      case 'newline':
        this.fail(t, 'A value is missing here: the expression must start on this line.');
      // eslint-disable-next-line no-fallthrough
      default:
        this.fail(t, `Unexpected ${this.describe(t)}: a value (an expression) was expected here.`);
    }
  }

  private call(name: HclToken): void {
    let open = this.read();
    while (open.type === '::') {
      const part = this.read();
      if (part.type !== 'ident') this.fail(part, 'A function name must follow `::`.');
      open = this.read();
    }
    if (open.type !== '(') this.fail(open, `\`${this.src(name)}\` is followed by \`::\` but no call \`( ... )\`.`);
    this.pushNewlines(false);
    for (;;) {
      if (this.peek().type === ')') {
        this.read();
        break;
      }
      this.expression();
      const sep = this.read();
      if (sep.type === ')') break;
      if (sep.type === '...') {
        const close = this.peek();
        if (close.type !== ')') this.fail(sep, '`...` expands the last argument, so `)` must follow it.');
        this.read();
        break;
      }
      if (sep.type === 'eof') this.fail(name, `The call to \`${this.src(name)}(\` is never closed with \`)\`.`);
      if (sep.type !== ',') this.fail(sep, `Unexpected ${this.describe(sep)} in the arguments of \`${this.src(name)}(\`: separate arguments with commas.`);
      if (this.peek().type === ')') {
        this.read();
        break;
      }
    }
    this.popNewlines();
  }

  private tuple(): void {
    const open = this.read();
    this.pushNewlines(false);
    if (this.isKeyword(this.peek(), 'for')) {
      this.forExpression(open, ']');
      this.popNewlines();
      return;
    }
    for (;;) {
      if (this.peek().type === ']') {
        this.read();
        break;
      }
      this.expression();
      const next = this.peek();
      if (next.type === ']') {
        this.read();
        break;
      }
      if (next.type === 'eof') this.fail(open, 'This list `[` is never closed with `]`.');
      if (next.type !== ',') this.fail(next, `Unexpected ${this.describe(next)} in a list: separate items with commas.`);
      this.read();
    }
    this.popNewlines();
  }

  private object(): void {
    const open = this.read();
    this.pushNewlines(false);
    const isFor = this.isKeyword(this.peek(), 'for');
    this.popNewlines();
    if (isFor) {
      this.pushNewlines(false);
      this.forExpression(open, '}');
      this.popNewlines();
      return;
    }
    this.pushNewlines(true);
    for (;;) {
      let next = this.peek();
      if (next.type === 'newline') {
        this.read();
        continue;
      }
      if (next.type === '}') {
        this.read();
        break;
      }
      this.expression();
      next = this.peek();
      if (next.type !== '=' && next.type !== ':') {
        if (next.type === 'eof') this.fail(open, 'This object `{` is never closed with `}`.');
        if (next.type === 'newline' || next.type === ',') this.fail(next, 'An object item needs `= value` after its key.');
        this.fail(next, `Unexpected ${this.describe(next)} after an object key: write \`key = value\`.`);
      }
      this.read();
      this.expression();
      next = this.peek();
      if (next.type === '}') {
        this.read();
        break;
      }
      if (next.type === 'eof') this.fail(open, 'This object `{` is never closed with `}`.');
      if (next.type !== ',' && next.type !== 'newline') this.fail(next, `Unexpected ${this.describe(next)} after an object item: put each item on its own line or separate items with commas.`);
      this.read();
    }
    this.popNewlines();
  }

  private forExpression(open: HclToken, close: ']' | '}'): void {
    this.read(); // for
    const bad = (t: HclToken, what: string): never => this.fail(t, `Unexpected ${this.describe(t)} in a \`for\` expression: ${what}.`);
    if (this.peek().type !== 'ident') bad(this.peek(), 'a variable name must follow `for`');
    this.read();
    if (this.peek().type === ',') {
      this.read();
      if (this.peek().type !== 'ident') bad(this.peek(), 'a second variable name must follow `,`');
      this.read();
    }
    if (!this.isKeyword(this.peek(), 'in')) bad(this.peek(), '`in` must follow the variable names');
    this.read();
    this.expression();
    if (this.peek().type !== ':') bad(this.peek(), '`:` must follow the collection');
    this.read();
    const first = this.peek();
    this.expression();
    let hasKey = false;
    if (this.peek().type === '=>') {
      this.read();
      hasKey = true;
      this.expression();
    }
    const ellipsis = this.peek().type === '...' ? this.read() : undefined;
    if (this.isKeyword(this.peek(), 'if')) {
      this.read();
      this.expression();
    }
    const end = this.peek();
    if (end.type !== close) bad(end, `it must close with \`${close}\``);
    this.read();
    if (close === ']') {
      if (hasKey) this.fail(first, 'A `for` expression in `[ ... ]` makes a list: it has no `key =>` part (use `{ ... }` for a map).');
      if (ellipsis) this.fail(ellipsis, 'Grouping with `...` only applies to a `for` expression that makes a map (`{ ... }`).');
    } else if (!hasKey) this.fail(first, 'A `for` expression in `{ ... }` makes a map: write `key => value`.');
    void open;
  }

  // ---- templates

  private template(open: HclToken): void {
    const closer: TokenType = open.type === 'oquote' ? 'cquote' : 'cheredoc';
    /** Open `%{ if }` / `%{ for }` directives, innermost last. */
    const directives: { word: 'if' | 'for'; inElse: boolean; at: HclToken }[] = [];
    for (;;) {
      const t = this.read();
      if (t.type === closer) break;
      if (t.type === 'qlit') {
        this.checkEscapes(t);
        continue;
      }
      if (t.type === 'slit') continue;
      if (t.type === 'interp') {
        this.pushNewlines(false);
        this.expression();
        const close = this.peek();
        if (close.type !== 'seqend') {
          if (close.type === 'eof' || ((close.type === 'cquote' || close.type === 'oquote') && closer === 'cquote')) {
            this.fail(t, 'This `${` is never closed with `}`.');
          }
          this.fail(close, `Unexpected ${this.describe(close)} inside \`\${ ... }\`: it holds one expression, then \`}\`.`);
        }
        this.read();
        this.popNewlines();
        continue;
      }
      if (t.type === 'control') {
        this.pushNewlines(false);
        const word = this.peek();
        if (word.type !== 'ident') this.fail(word, 'A template directive `%{ ... }` starts with `if`, `else`, `endif`, `for` or `endfor`.');
        this.read();
        const name = this.src(word);
        if (name === 'if') {
          this.expression();
          directives.push({ word: 'if', inElse: false, at: t });
        } else if (name === 'for') {
          if (this.peek().type !== 'ident') this.fail(this.peek(), 'A variable name must follow `%{ for`.');
          this.read();
          if (this.peek().type === ',') {
            this.read();
            if (this.peek().type !== 'ident') this.fail(this.peek(), 'A second variable name must follow `,` in `%{ for`.');
            this.read();
          }
          if (!this.isKeyword(this.peek(), 'in')) this.fail(this.peek(), '`in` must follow the variable names of `%{ for`.');
          this.read();
          this.expression();
          directives.push({ word: 'for', inElse: false, at: t });
        } else if (name === 'else') {
          const top = directives[directives.length - 1];
          if (!top || top.word !== 'if' || top.inElse) this.fail(word, top?.word === 'if' ? 'This `%{ if }` already has its `%{ else }`.' : '`%{ else }` without an open `%{ if }`.');
          top.inElse = true;
        } else if (name === 'endif' || name === 'endfor') {
          const top = directives.pop();
          const wants = name === 'endif' ? 'if' : 'for';
          if (!top || top.word !== wants) this.fail(word, `\`%{ ${name} }\` without an open \`%{ ${wants} }\`${top ? ` (the open directive is \`%{ ${top.word} }\`)` : ''}.`);
        } else this.fail(word, `\`%{ ${name}\` is not a template directive: use \`if\`, \`else\`, \`endif\`, \`for\` or \`endfor\`.`);
        const close = this.peek();
        if (close.type !== 'seqend') this.fail(close, `Unexpected ${this.describe(close)} in \`%{ ${name} ... }\`: close the directive with \`}\`.`);
        this.read();
        this.popNewlines();
        continue;
      }
      if (t.type === 'eof') {
        this.fail(open, open.type === 'oquote' ? 'This string is never closed: the closing `"` is missing.' : 'This heredoc is never closed: no line holding only its marker ends it.');
      }
      this.fail(t, open.type === 'oquote' ? 'This string is never closed on its line: the closing `"` is missing.' : `Unexpected ${this.describe(t)} in a heredoc.`);
    }
    const unclosed = directives[directives.length - 1];
    if (unclosed) this.fail(unclosed.at, `This \`%{ ${unclosed.word} }\` has no \`%{ end${unclosed.word} }\` before the template ends.`);
  }

  // ---- recovery

  /** Skips line breaks (and comments); returns the type of the token after them. */
  private afterLineBreak(): TokenType {
    while (this.peek().type === 'newline') this.read();
    return this.peek().type;
  }

  lastSkipped: HclToken | undefined;

  /**
   * After a mistake: skip to the end of the current body item (the next line break outside brackets), as
   * HCL's parser does, so the next item is read afresh. Stops early at a `}` that closes the enclosing block.
   */
  /** Text up to here belongs to the failed item whatever its tokens (a heredoc body HCL did not see as one). */
  private skipUntil = -1;

  private skipRestOfItem(itemStart: number): void {
    // The brackets the item opened before its mistake are still open: replay them first.
    const open: TokenType[] = [];
    for (let i = itemStart; i < this.next; i++) track(open, this.tokens[i].type);
    if (this.skipUntil >= 0) {
      while (this.next < this.tokens.length - 1 && this.tokens[this.next].start < this.skipUntil) this.next++;
      open.length = 0;
      this.skipUntil = -1;
    }
    this.newlines.length = 1;
    this.lastSkipped = undefined;
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof') {
        this.ranOut = true;
        return;
      }
      if (t.type === 'newline' && open.length === 0) {
        this.read();
        return;
      }
      if (t.type === '}' && open.length === 0) {
        this.lastSkipped = this.read();
        return;
      }
      this.read();
      track(open, t.type);
    }
  }
}

const OPENERS_OF: Partial<Record<TokenType, TokenType[]>> = {
  '}': ['{'],
  ']': ['['],
  ')': ['('],
  cquote: ['oquote'],
  cheredoc: ['oheredoc'],
  seqend: ['interp', 'control'],
};

/** Keeps the stack of open brackets, strings and sequences up to date with one more token. */
function track(open: TokenType[], type: TokenType): void {
  switch (type) {
    case '{':
    case '[':
    case '(':
    case 'oquote':
    case 'oheredoc':
    case 'interp':
    case 'control':
      open.push(type);
      return;
  }
  const openers = OPENERS_OF[type];
  if (!openers) return;
  while (open.length > 0 && !openers.includes(open[open.length - 1])) open.pop();
  open.pop();
}

function lineOf(text: string, offset: number): number {
  return 1 + countLineEnds(text, 0, offset);
}

/** Problems the scanner alone finds: characters HCL does not use, line breaks inside quoted strings. */
function tokenIssues(text: string, tokens: HclToken[]): SyntaxIssue[] {
  const issues: SyntaxIssue[] = [];
  for (const t of tokens) {
    const known = INVALID_CHARACTER[t.type];
    if (known) {
      issues.push({ start: t.start, end: t.end, message: known, kind: 'syntax', character: true });
      continue;
    }
    if (t.type !== 'invalid') continue;
    const ch = text.slice(t.start, t.end);
    let message: string;
    if (ch === '\r') message = 'A carriage return that does not end a line (no line feed follows): HCL refuses it outside comments and strings.';
    else if (ch === '\u201c' || ch === '\u201d') message = 'Curly quotes are not string quotes: write `"`.';
    else if (t.end - t.start > 2) message = 'A carriage return that does not end a line (no line feed follows) breaks this heredoc.';
    else message = `The character \`${ch}\` (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not used in HCL here.`;
    issues.push({ start: t.start, end: t.start + (t.end - t.start > 2 ? 1 : t.end - t.start), message, kind: 'syntax', character: true });
  }
  return issues;
}

/**
 * HCL's verdict on a configuration file: empty when hclsyntax.ParseConfig accepts `text`, otherwise the
 * mistakes found, in text order (the first in each body item; then the item is skipped). Undefined when
 * the text nests too deeply to be walked here (callers then fall back on tree-sitter's verdict).
 */
export function hclSyntaxIssues(text: string, tokens: HclToken[] = lexHcl(text)): SyntaxIssue[] | undefined {
  return hclSyntaxWalk(text, tokens)?.issues;
}

export interface SyntaxWalk {
  issues: SyntaxIssue[];
  /** See Recogniser.blocks. */
  blocks: BlockSpan[];
  /** See Recogniser.ranOut: a walk of a part of a text may then read differently in place. */
  ranOut: boolean;
}

/** HCL's verdict (hclSyntaxIssues) and the blocks the walk read to their end. */
export function hclSyntaxWalk(text: string, tokens: HclToken[] = lexHcl(text)): SyntaxWalk | undefined {
  const recogniser = new Recogniser(text, tokens);
  try {
    recogniser.body('eof');
  } catch (error) {
    // Thousands of nested blocks or brackets: deeper than this recursive walk goes. Undecided.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
  return { issues: withScannerMessages(text, tokens, recogniser.issues), blocks: recogniser.blocks, ranOut: recogniser.ranOut };
}

/**
 * HCL's walk of the part `start`..`end` of `text` alone, as the body of a file of its own, with offsets in
 * `text` (the blocks' messages count lines in the whole text). Undefined when too deep to walk.
 */
export function hclSyntaxWalkOfPart(text: string, start: number, end: number): SyntaxWalk | undefined {
  const { tokens, scansAlike } = lexPart(text, start, end);
  const walk = hclSyntaxWalk(text, tokens);
  return walk && !scansAlike ? { ...walk, ranOut: true } : walk;
}

/**
 * Whether text[start, end) scans in place as on its own when the scanner reaches `start` in its plain state
 * (outside templates and heredocs), and leaves the scanner in that state.
 */
export function partScansAlike(text: string, start: number, end: number): boolean {
  return lexPart(text, start, end).scansAlike;
}

function lexPart(text: string, start: number, end: number): { tokens: HclToken[]; scansAlike: boolean } {
  const scanned = { settled: false };
  const tokens = lexHcl(text.slice(start, end), scanned);
  // A `/*` whose `*/` is not in the part is two tokens here, but a comment in place when a `*/` follows.
  let unclosedComment = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === '/' && tokens[i + 1]?.type === '*' && tokens[i + 1].start === t.end) unclosedComment = true;
    t.start += start;
    t.end += start;
  }
  return { tokens, scansAlike: scanned.settled && !unclosedComment };
}

function withScannerMessages(text: string, tokens: HclToken[], issues: SyntaxIssue[]): SyntaxIssue[] {
  if (issues.length === 0) return issues;
  // The parser stops at every character HCL does not use; the scanner's words for it are the clearer ones.
  const characters = new Map(tokenIssues(text, tokens).map((i) => [i.start, i]));
  for (let k = 0; k < issues.length; k++) {
    const better = characters.get(issues[k].start);
    if (better && issues[k].kind === 'syntax') issues[k] = { ...issues[k], message: better.message, end: better.end, character: true };
  }
  issues.sort((a, b) => a.start - b.start);
  return issues;
}
