// Templates: quoted strings with `${}` / `%{}` and heredocs. Literal parts are taken from the source
// between the structural nodes (tree-sitter-hcl leaves whitespace out of its literal nodes), with escapes
// resolved, `<<-` indentation removed and `~` strip markers applied.
import type { Position } from 'vscode-languageserver-types';
import type { Expr, TemplatePart } from './types';
import { advance, fitted, own } from './nodes';
import type { SyntaxNode } from './syntax';
import type { BuildContext } from './buildContext';
import { rangeBetween } from './positions';
import { specimen } from '../specimens';

type ExprBuilder = (node: SyntaxNode | undefined, ctx: BuildContext, fallback: SyntaxNode) => Expr;

interface Cursor {
  offset: number;
  position: Position;
}

interface Options {
  /** Quoted strings resolve backslash escapes; heredocs do not. */
  backslashEscapes: boolean;
  /** `<<-`: the number of leading whitespace characters removed from each line. */
  indent: number;
}

/** Resolves `\n`, `\"`, `\uXXXX`... and `$${` / `%%{` in the literal text of a quoted string. */
export function unescapeQuoted(raw: string): string {
  if (raw.indexOf('\\') === -1 && raw.indexOf('$${') === -1 && raw.indexOf('%%{') === -1) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1];
      i++;
      switch (n) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case 'u':
        case 'U': {
          const len = n === 'u' ? 4 : 8;
          const hex = raw.slice(i + 1, i + 1 + len);
          if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === len) {
            const code = parseInt(hex, 16);
            out += code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
            i += len;
          } else out += '\\' + n;
          break;
        }
        default: out += '\\' + n;
      }
    } else if ((c === '$' || c === '%') && raw[i + 1] === c && raw[i + 2] === '{') {
      out += c + '{';
      i += 2;
    } else out += c;
  }
  return out;
}

function unescapeHeredoc(raw: string): string {
  return raw.replace(/([$%])\1\{/g, '$1{');
}

/** Removes up to `indent` whitespace characters at each line start of a literal. */
function stripIndent(raw: string, atLineStart: boolean, indent: number): string {
  if (indent <= 0) return raw;
  const lines = raw.split('\n');
  return lines
    .map((line, i) => {
      if (i === 0 && !atLineStart) return line;
      let n = 0;
      while (n < indent && n < line.length && (line[n] === ' ' || line[n] === '\t')) n++;
      return line.slice(n);
    })
    .join('\n');
}

class PartsBuilder {
  constructor(
    private readonly ctx: BuildContext,
    private readonly buildExpr: ExprBuilder,
    private readonly options: Options,
  ) {
    specimen(this);
  }

  /** Literal text between two offsets, as a part (undefined when empty). */
  literal(from: Cursor, toOffset: number): TemplatePart | undefined {
    if (toOffset <= from.offset) return undefined;
    const raw = this.ctx.text.slice(from.offset, toOffset);
    const atLineStart = from.position.character === 0 || this.ctx.text[from.offset - 1] === '\n';
    let text = stripIndent(raw, atLineStart, this.options.indent);
    text = this.options.backslashEscapes ? unescapeQuoted(text) : unescapeHeredoc(text);
    const range = rangeBetween(from.position, advance(from.position, raw));
    if (text === raw) return { kind: 'literal', text: own(text), range };
    const source = { raw: own(raw), quoted: this.options.backslashEscapes, indent: this.options.indent, atLineStart };
    return { kind: 'literal', text: own(text), range, source };
  }

  /** Parts from the children of a template node, between `from` and `to`. */
  parts(children: readonly SyntaxNode[], from: Cursor, toOffset: number): TemplatePart[] {
    const out: TemplatePart[] = [];
    let cursor = from;
    const pushLiteral = (end: number) => {
      const part = this.literal(cursor, end);
      if (part) out.push(part);
    };
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child.startIndex < cursor.offset || child.endIndex > toOffset) continue;
      if (child.type === 'template_interpolation') {
        pushLiteral(child.startIndex);
        out.push(this.interpolation(child));
        cursor = { offset: child.endIndex, position: child.end };
      } else if (child.type === 'template_directive') {
        const inner = child.firstChild;
        if (!inner) continue;
        pushLiteral(child.startIndex);
        const directive = inner.type === 'template_for' ? this.forDirective(inner) : this.ifDirective(inner);
        if (directive) out.push(directive);
        cursor = { offset: child.endIndex, position: child.end };
      }
      // template_literal, comments and ERROR nodes stay in the literal text between structural nodes.
    }
    pushLiteral(toOffset);
    applyStripMarkers(out);
    return fitted(out);
  }

  private interpolation(node: SyntaxNode): TemplatePart {
    const children = node.children;
    const exprNode = children.find((c) => c.type === 'expression');
    const startIdx = children.findIndex((c) => c.type === 'template_interpolation_start');
    const endIdx = children.findIndex((c) => c.type === 'template_interpolation_end');
    const stripLeft = startIdx >= 0 && children[startIdx + 1]?.type === 'strip_marker';
    const stripRight = endIdx > 0 && children[endIdx - 1]?.type === 'strip_marker' && children[endIdx - 1] !== children[startIdx + 1];
    return {
      kind: 'interpolation',
      expr: this.buildExpr(exprNode, this.ctx, node),
      range: node.range(),
      ...(stripLeft ? { stripLeft } : {}),
      ...(stripRight ? { stripRight } : {}),
    };
  }

  private ifDirective(node: SyntaxNode): TemplatePart | undefined {
    const children = node.children;
    const intro = children.find((c) => c.type === 'template_if_intro');
    const elseIntro = children.find((c) => c.type === 'template_else_intro');
    const end = children.find((c) => c.type === 'template_if_end');
    if (!intro) return undefined;
    const condition = this.buildExpr(intro.children.find((c) => c.type === 'expression'), this.ctx, intro);
    const thenEnd = elseIntro?.startIndex ?? end?.startIndex ?? node.endIndex;
    const then = this.parts(children, { offset: intro.endIndex, position: intro.end }, thenEnd);
    const result: TemplatePart = { kind: 'directive', directive: 'if', expr: condition, then, range: node.range() };
    if (elseIntro) {
      result.else = this.parts(children, { offset: elseIntro.endIndex, position: elseIntro.end }, end?.startIndex ?? node.endIndex);
    }
    return result;
  }

  private forDirective(node: SyntaxNode): TemplatePart | undefined {
    const children = node.children;
    const start = children.find((c) => c.type === 'template_for_start');
    const end = children.find((c) => c.type === 'template_for_end');
    if (!start) return undefined;
    const startKids = start.children;
    const names = startKids.filter((c) => c.type === 'identifier').map((c) => own(this.ctx.text.slice(c.startIndex, c.endIndex)));
    const collection = this.buildExpr(startKids.find((c) => c.type === 'expression'), this.ctx, start);
    const body = this.parts(children, { offset: start.endIndex, position: start.end }, end?.startIndex ?? node.endIndex);
    return { kind: 'directive', directive: 'for', expr: collection, names, then: body, range: node.range() };
  }
}

/** `${~ x}` trims whitespace before the interpolation, `${x ~}` after it. */
function applyStripMarkers(parts: TemplatePart[]): void {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.kind !== 'interpolation') continue;
    const before = parts[i - 1];
    const after = parts[i + 1];
    if (part.stripLeft && before?.kind === 'literal') before.text = before.text.replace(/\s+$/, '');
    if (part.stripRight && after?.kind === 'literal') after.text = after.text.replace(/^\s+/, '');
  }
}

/**
 * Strings and heredocs with more interpolations and directives than this are not read. A template is built
 * in one step that cannot pause (pause.ts), at about 10 µs per interpolation: a generated string of 50,000
 * `${var.x}` held the server for 600 ms, and its checks as long again. No job needs a thousand in one string.
 */
export const MAX_TEMPLATE_SEQUENCES = 1000;

const SEQUENCES: ReadonlySet<string> = new Set(['template_interpolation', 'template_directive']);

/**
 * For a template with more than MAX_TEMPLATE_SEQUENCES interpolations and directives: a notice, and an
 * invalid expression in its place (its value unknown, so no check reads a part of it as the whole). Its
 * sequences are counted, not built, and only in a text long enough to hold that many (`${x}` is four
 * characters) with that many children.
 */
function unreadTemplate(node: SyntaxNode, ctx: BuildContext, what: 'string' | 'heredoc'): Expr | undefined {
  if (node.endIndex - node.startIndex <= 4 * MAX_TEMPLATE_SEQUENCES) return undefined;
  if (node.childCount <= MAX_TEMPLATE_SEQUENCES) return undefined;
  if (node.countChildrenUpTo(SEQUENCES, MAX_TEMPLATE_SEQUENCES) <= MAX_TEMPLATE_SEQUENCES) return undefined;
  const range = node.range();
  const limit = MAX_TEMPLATE_SEQUENCES.toLocaleString('en-US');
  ctx.problems.push({
    range: { start: range.start, end: { line: range.start.line, character: range.start.character + 1 } },
    message: `This ${what} has more than ${limit} interpolations and directives: nomad-exec does not read it (its value is unknown to the checks, and what it names is not checked).`,
    notice: true,
  });
  return { kind: 'invalid', text: '', range };
}

/** A quoted template `"..."`. */
export function buildQuotedTemplate(node: SyntaxNode, ctx: BuildContext, buildExpr: ExprBuilder): Expr {
  const unread = unreadTemplate(node, ctx, 'string');
  if (unread) return unread;
  const children = node.children;
  const open = children[0];
  const close = children.length > 1 ? children[children.length - 1] : undefined;
  const contentEnd = close && close.type === 'quoted_template_end' && !close.isMissing ? close.startIndex : node.endIndex;
  const builder = new PartsBuilder(ctx, buildExpr, { backslashEscapes: true, indent: 0 });
  const from = open ? { offset: open.endIndex, position: open.end } : { offset: node.startIndex, position: node.start };
  return { kind: 'template', parts: builder.parts(children, from, contentEnd), range: node.range() };
}

/** Leading whitespace of the least indented non-blank line, for `<<-` heredocs. */
function commonIndent(content: string): number {
  let min = Infinity;
  for (const line of content.split('\n')) {
    if (line.trim() === '') continue;
    let n = 0;
    while (n < line.length && (line[n] === ' ' || line[n] === '\t')) n++;
    if (n < min) min = n;
  }
  return min === Infinity ? 0 : min;
}

/** A heredoc `<<EOF ... EOF` or `<<-EOF ... EOF`. */
export function buildHeredoc(node: SyntaxNode, ctx: BuildContext, buildExpr: ExprBuilder): Expr {
  const unread = unreadTemplate(node, ctx, 'heredoc');
  if (unread) return unread;
  const children = node.children;
  const start = children.find((c) => c.type === 'heredoc_start');
  const markers = children.filter((c) => c.type === 'heredoc_identifier');
  const opener = markers[0];
  const indented = !!start && ctx.text.slice(start.startIndex, start.endIndex) === '<<-';
  const marker = opener ? own(ctx.text.slice(opener.startIndex, opener.endIndex)) : '';
  // The content starts on the line after the opening marker.
  let contentStart = opener ? opener.endIndex : node.startIndex;
  const lineBreak = ctx.text.indexOf('\n', contentStart);
  contentStart = lineBreak === -1 ? ctx.text.length : lineBreak + 1;
  const closer = markers.length > 1 ? markers[markers.length - 1] : undefined;
  let contentEnd = node.endIndex;
  if (closer) {
    // Up to the start of the closing marker's line: the last line break belongs to the content.
    const lineStart = ctx.text.lastIndexOf('\n', closer.startIndex - 1);
    contentEnd = Math.max(contentStart, lineStart + 1);
  }
  contentEnd = Math.min(contentEnd, ctx.text.length);
  const startPos = opener ? { line: opener.end.line + 1, character: 0 } : node.start;
  const indent = indented ? commonIndent(ctx.text.slice(contentStart, contentEnd)) : 0;
  const builder = new PartsBuilder(ctx, buildExpr, { backslashEscapes: false, indent });
  const parts = contentStart < contentEnd ? builder.parts(children, { offset: contentStart, position: startPos }, contentEnd) : [];
  return { kind: 'template', parts, heredoc: { marker, indented }, range: node.range() };
}
