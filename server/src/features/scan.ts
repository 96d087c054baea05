// A tolerant left-to-right scan of HCL text that answers "where is the cursor?" in files the parser
// cannot make sense of: half-typed strings, unclosed lists and blocks. It tracks only what completion
// needs (enclosing blocks, the attribute being written, lists, strings, interpolations, heredocs) and
// recovers from mistakes the way a reader would: a quoted string ends at the end of its line, a closing
// brace closes the innermost block even when a list inside it was never closed.

/** A block enclosing the cursor, outermost first. */
export interface ScannedBlock {
  type: string;
  labels: string[];
  /** Offset where the block starts (its type word, or the start of its line when scanned). */
  start: number;
}

export type ScanFrame =
  | BodyFrame
  | { kind: 'bracket'; open: '[' | '(' | '{'; attribute?: string; items: string[]; start: number }
  | { kind: 'string'; attribute?: string; start: number; contentStart: number }
  | { kind: 'interp'; start: number; depth: number; directive: boolean }
  | { kind: 'heredoc'; marker: string; start: number; lineStart: number };

export interface BodyFrame {
  kind: 'body';
  block?: ScannedBlock;
  /** Attribute names and block types written directly in this body (the statement at the cursor excluded). */
  seen: Set<string>;
  stmt: Statement;
}

interface Statement {
  /** Words (identifiers and quoted labels) before `=` or `{`. */
  words: string[];
  /** Set once `=` is read: the attribute name. */
  attribute?: string;
  start: number;
  /** The statement holds the cursor: its name is not "already set". */
  atCursor: boolean;
}

export interface ScanResult {
  /** Frames from the root body outwards to the innermost one at the cursor. */
  frames: ScanFrame[];
  /** Set when the cursor lies inside a comment. */
  inComment: boolean;
}

const IDENT_START = /[A-Za-z_]/;
/** How far past the cursor the scan looks for names already set in the innermost body. */
const FORWARD_LIMIT = 8_192;
const IDENT_PART = /[A-Za-z0-9_-]/;

function newStatement(at: number): Statement {
  return { words: [], start: at, atCursor: false };
}

function topBody(frames: ScanFrame[]): BodyFrame {
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    if (frame.kind === 'body') return frame;
  }
  return frames[0] as BodyFrame;
}

/** The attribute a string or bracket opened in `frame` belongs to, when it is written in one. */
function attributeOf(frame: ScanFrame): string | undefined {
  return frame.kind === 'body' ? frame.stmt.attribute : frame.kind === 'bracket' ? frame.attribute : undefined;
}

/** The offset of the line break ending the line at `pos`, or the text's length on the last line. */
function lineEndFrom(text: string, pos: number): number {
  const lineEnd = text.indexOf('\n', pos);
  return lineEnd < 0 ? text.length : lineEnd;
}

/**
 * Scans `text` from `start` (a statement start inside the body of `outer`, or the file start) to `cursor`,
 * then on to the end of the innermost body to learn which names it already holds.
 */
export function scanTo(text: string, cursor: number, start = 0, outer: ScannedBlock[] = [], seen: Iterable<string> = []): ScanResult {
  const frames: ScanFrame[] = [];
  for (let i = 0; i <= outer.length; i++) {
    frames.push({ kind: 'body', block: outer[i - 1], seen: new Set(i === outer.length ? seen : []), stmt: newStatement(start) });
  }
  const scanner = new Scanner(text, frames, start);
  const inComment = scanner.run(cursor);
  const snapshot = scanner.snapshot();
  // Keep reading until the innermost body closes, collecting the names set after the cursor.
  const innermost = topBody(scanner.frames);
  const depth = scanner.frames.indexOf(innermost);
  innermost.stmt.atCursor = true;
  scanner.runUntilBodyCloses(depth);
  return { frames: snapshot, inComment };
}

class Scanner {
  constructor(
    private readonly text: string,
    readonly frames: ScanFrame[],
    private pos: number,
  ) {}

  /** The frame stack at this moment, copied so later scanning does not change it (the sets are shared). */
  snapshot(): ScanFrame[] {
    return this.frames.map((frame): ScanFrame => {
      if (frame.kind === 'body') return { ...frame, stmt: { ...frame.stmt, words: [...frame.stmt.words] } };
      if (frame.kind === 'bracket') return { ...frame, items: [...frame.items] };
      return { ...frame };
    });
  }

  /** Scans up to `end`; returns whether `end` lies inside a comment. */
  run(end: number): boolean {
    while (this.pos < end) {
      const comment = this.step(end);
      if (comment && this.pos >= end) return true;
    }
    return false;
  }

  runUntilBodyCloses(depth: number): void {
    // Bounded: in a huge body the names after the cursor come from the syntax tree instead.
    const end = Math.min(this.text.length, this.pos + FORWARD_LIMIT);
    while (this.pos < end && this.frames.length > depth && this.frames[depth]?.kind === 'body') {
      this.step(end);
    }
    // Flush a final statement that ends at the end of the text.
    if (this.frames.length > depth) this.endStatement();
  }

  private get top(): ScanFrame {
    return this.frames[this.frames.length - 1];
  }

  /** Advances by one lexical element. Returns true when it skipped (part of) a comment. */
  private step(end: number): boolean {
    const frame = this.top;
    switch (frame.kind) {
      case 'string':
        this.stepString(frame, end);
        return false;
      case 'heredoc':
        this.stepHeredoc(frame, end);
        return false;
      default:
        return this.stepCode(frame, end);
    }
  }

  private stepString(frame: Extract<ScanFrame, { kind: 'string' }>, end: number): void {
    const text = this.text;
    const c = text[this.pos];
    if (c === '\n') {
      // A quoted string cannot span lines: treat it as ended (half-typed `"` at the end of a line).
      this.frames.pop();
      return;
    }
    if (c === '\\') {
      this.pos += 2;
      return;
    }
    if (c === '"') {
      this.frames.pop();
      this.stringClosed(text.slice(frame.contentStart, this.pos));
      this.pos++;
      return;
    }
    if (this.templateSequence(c, end)) return;
    this.pos++;
  }

  /**
   * In template text (quoted string or heredoc): skips an escaped `$${` or `%%{`, or opens an
   * interpolation or directive at `${` or `%{`. Returns false when `c` starts neither, or when the sequence
   * runs past `end` (the cursor between `$` and `{` is in the text, not yet in an interpolation).
   */
  private templateSequence(c: string, end: number): boolean {
    const text = this.text;
    if (c !== '$' && c !== '%') return false;
    if (text[this.pos + 1] === c && text[this.pos + 2] === '{' && this.pos + 3 <= end) {
      this.pos += 3;
      return true;
    }
    if (text[this.pos + 1] === '{' && this.pos + 2 <= end) {
      this.frames.push({ kind: 'interp', start: this.pos + 2, depth: 0, directive: c === '%' });
      this.pos += 2;
      return true;
    }
    return false;
  }

  /** A string ended: it is a list element or a block label (its raw text, escapes left as written). */
  private stringClosed(content: string): void {
    const parent = this.top;
    if (parent.kind === 'bracket' && parent.open === '[') parent.items.push(content);
    else if (parent.kind === 'body' && parent.stmt.attribute === undefined) parent.stmt.words.push(content);
  }

  private stepHeredoc(frame: Extract<ScanFrame, { kind: 'heredoc' }>, end: number): void {
    const text = this.text;
    if (this.pos === frame.lineStart) {
      const lineEnd = lineEndFrom(text, this.pos);
      if (text.slice(this.pos, lineEnd).trim() === frame.marker) {
        this.frames.pop();
        this.pos = lineEnd;
        return;
      }
    }
    const c = text[this.pos];
    if (c === '\n') {
      this.pos++;
      frame.lineStart = this.pos;
      return;
    }
    if (this.templateSequence(c, end)) return;
    this.pos++;
  }

  /** Code: a body or an expression (bracket or interpolation). */
  private stepCode(frame: ScanFrame, end: number): boolean {
    const text = this.text;
    const c = text[this.pos];
    const next = text[this.pos + 1];
    if (c === '#' || (c === '/' && next === '/')) {
      const lineEnd = lineEndFrom(text, this.pos);
      if (end > this.pos && end <= lineEnd) {
        this.pos = end;
        return true;
      }
      this.pos = lineEnd;
      return false;
    }
    if (c === '/' && next === '*') {
      const close = text.indexOf('*/', this.pos + 2);
      const stop = close < 0 ? text.length : close + 2;
      if (end > this.pos && end < stop) {
        this.pos = end;
        return true;
      }
      this.pos = stop;
      return false;
    }
    if (c === '\n') {
      this.pos++;
      if (frame.kind === 'interp') {
        // Newlines end a half-typed interpolation inside a quoted string; inside heredocs they are fine.
        if (this.frames[this.frames.length - 2]?.kind === 'string') {
          this.frames.pop();
          this.frames.pop();
        }
      } else if (frame.kind === 'body') {
        this.endStatement();
      }
      return false;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      this.pos++;
      return false;
    }
    if (IDENT_START.test(c)) {
      const from = this.pos;
      while (this.pos < text.length && IDENT_PART.test(text[this.pos])) this.pos++;
      if (frame.kind === 'body' && frame.stmt.attribute === undefined) frame.stmt.words.push(text.slice(from, this.pos));
      return false;
    }
    if (c === '"') {
      this.frames.push({ kind: 'string', attribute: attributeOf(frame), start: this.pos, contentStart: this.pos + 1 });
      this.pos++;
      return false;
    }
    if (c === '<' && next === '<') {
      const match = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(text.slice(this.pos, this.pos + 200));
      if (match) {
        const lineStart = this.pos + match[0].length;
        this.frames.push({ kind: 'heredoc', marker: match[2], start: this.pos, lineStart });
        this.pos = lineStart;
        return false;
      }
      this.pos += 2;
      return false;
    }
    if (c === '=' && next !== '=' && next !== '>') {
      if (frame.kind === 'body' && frame.stmt.attribute === undefined && text[this.pos - 1] !== '!' && text[this.pos - 1] !== '<' && text[this.pos - 1] !== '>' && text[this.pos - 1] !== '=') {
        frame.stmt.attribute = frame.stmt.words[0] ?? '';
      }
      this.pos++;
      return false;
    }
    if (c === '{' || c === '[' || c === '(') {
      this.pos++;
      if (frame.kind === 'body' && frame.stmt.attribute === undefined && c === '{') {
        const [type = '', ...labels] = frame.stmt.words;
        const block: ScannedBlock = { type, labels, start: frame.stmt.start };
        if (type && !frame.stmt.atCursor) frame.seen.add(type);
        frame.stmt = newStatement(this.pos);
        this.frames.push({ kind: 'body', block, seen: new Set(), stmt: newStatement(this.pos) });
        return false;
      }
      if (frame.kind === 'interp' && c === '{') {
        frame.depth++;
        return false;
      }
      this.frames.push({ kind: 'bracket', open: c, attribute: attributeOf(frame), items: [], start: this.pos - 1 });
      return false;
    }
    if (c === '}' || c === ']' || c === ')') {
      this.pos++;
      this.close(c);
      return false;
    }
    this.pos++;
    return false;
  }

  private close(c: '}' | ']' | ')'): void {
    const open = c === '}' ? '{' : c === ']' ? '[' : '(';
    const frame = this.top;
    if (frame.kind === 'interp') {
      if (c === '}' && frame.depth === 0) this.frames.pop();
      else if (c === '}') frame.depth--;
      return;
    }
    // Pop unclosed brackets up to the matching one; a `}` may also close the innermost block.
    for (let i = this.frames.length - 1; i > 0; i--) {
      const f = this.frames[i];
      if (f.kind === 'bracket' && f.open === open) {
        this.frames.length = i;
        return;
      }
      if (f.kind === 'body') {
        if (c === '}') {
          this.frames.length = i;
          this.endStatementOf(this.top as BodyFrame);
        }
        return;
      }
      if (f.kind !== 'bracket') return;
    }
  }

  private endStatement(): void {
    const frame = this.top;
    if (frame.kind === 'body') this.endStatementOf(frame);
  }

  private endStatementOf(frame: BodyFrame): void {
    const stmt = frame.stmt;
    if (stmt.attribute && !stmt.atCursor) frame.seen.add(stmt.attribute);
    frame.stmt = newStatement(this.pos);
  }
}
