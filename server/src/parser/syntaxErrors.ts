// ERROR and MISSING nodes of the tree -> `syntax-error` findings that say what is wrong and where.
// Known mistakes (HCL1 habits, shell `${VAR:-x}` in templates, commas after attributes, ...) get a
// specific message; anything else names the unexpected token and what was expected in that context.
// Errors that follow from one mistake are grouped so that one mistake gives one diagnostic.
import type { Node, Tree } from 'web-tree-sitter';
import type { Range } from 'vscode-languageserver-types';
import type { SyntaxIssue } from './hclVerdict';
import { OffsetPositions } from './lineEnds';
import { kids, nodeRange, pos } from '../model/nodes';
import { before as positionBefore } from '../model/positions';
import { specimen } from '../specimens';

export interface SyntaxFinding {
  range: Range;
  message: string;
  /** A recognised mistake (its message explains the cause); generic findings near it are dropped. */
  specific: boolean;
  /** Unbalanced braces, which usually follow from an earlier mistake. */
  consequence?: boolean;
}

const MAX_FINDINGS = 100;

function text(node: Node, source: string): string {
  return source.slice(node.startIndex, node.endIndex);
}

function short(s: string, max = 40): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** `job "x"`, `task "web"`, `config`: how a block is named in messages. */
export function blockHeader(block: Node, source: string): string {
  const parts: string[] = [];
  for (const child of kids(block)) {
    if (child.type === 'block_start' || child.type === 'body' || child.type === 'block_end' || child.type === 'ERROR') break;
    if (child.type === 'identifier' || child.type === 'string_lit') parts.push(text(child, source));
  }
  return parts.join(' ') || 'block';
}

function enclosingBlock(node: Node | null): Node | null {
  for (let n = node; n; n = n.parent) if (n.type === 'block') return n;
  return null;
}

function leadingIndent(source: string, line: number, lineStarts: LineIndex): number {
  const start = lineStarts.offset(line);
  let n = 0;
  while (source[start + n] === ' ' || source[start + n] === '\t') n++;
  return n;
}

/** Line start offsets (LSP lines, the tree's rows), computed lazily (only needed for brace diagnostics). */
class LineIndex {
  private positions: OffsetPositions | undefined;
  constructor(private readonly source: string) {
    specimen(this);
  }
  offset(line: number): number {
    this.positions ??= new OffsetPositions(this.source);
    return this.positions.lineStart(line);
  }
}

function headerRange(block: Node): Range {
  const children = kids(block);
  const first = children[0] ?? block;
  let last = first;
  for (const child of children) {
    if (child.type === 'block_start' || child.type === 'body' || child.type === 'block_end') break;
    last = child;
  }
  return { start: pos(first.startPosition), end: pos(last.endPosition) };
}

/**
 * The block that really lacks its `}`: tree-sitter gives the missing brace to the outermost block, but the
 * indentation usually shows which inner block was left open (its `}` sits at an outer block's indent).
 */
function unclosedCulprit(block: Node, source: string, lines: LineIndex): Node {
  let culprit = block;
  let current: Node | null = block;
  for (let depth = 0; current && depth < 200; depth++) {
    const body: Node | undefined = kids(current).find((c) => c.type === 'body');
    const inner: Node | undefined = body ? kids(body).filter((c) => c.type === 'block').pop() : undefined;
    if (!inner) break;
    const end = kids(inner).find((c) => c.type === 'block_end');
    if (!end || end.startIndex === end.endIndex) {
      current = inner;
      continue;
    }
    const openIndent = leadingIndent(source, inner.startPosition.row, lines);
    const closeIndent = leadingIndent(source, end.startPosition.row, lines);
    const closeFirstOnLine = end.startPosition.column === closeIndent;
    if (closeFirstOnLine && closeIndent < openIndent) culprit = inner;
    current = inner;
  }
  return culprit;
}

function missingMessage(node: Node, source: string, lines: LineIndex): SyntaxFinding {
  const parent = node.parent;
  const at = nodeRange(node);
  const type = node.type;
  if ((type === '}' && parent?.type === 'block_end') || type === 'block_end') {
    const block = enclosingBlock(parent);
    if (block) {
      const culprit = unclosedCulprit(block, source, lines);
      const header = blockHeader(culprit, source);
      const line = culprit.startPosition.row + 1;
      const hint = culprit.id !== block.id ? ' (judging by the indentation; a later `}` was taken for it)' : '';
      return { range: headerRange(culprit), message: `Missing \`}\` to close the \`${header}\` block opened on line ${line}${hint}.`, specific: false, consequence: true };
    }
  }
  if (type === '{' && parent?.type === 'object_start') {
    const attribute = findAncestor(node, 'attribute');
    const name = attribute ? attributeName(attribute, source) : undefined;
    return { range: at, message: name ? `Missing value after \`${name} =\`: write a value on the same line.` : 'Missing value here: an expression was expected.', specific: true };
  }
  if (type === '{' && parent?.type === 'block_start') {
    const block = enclosingBlock(parent);
    const header = block ? blockHeader(block, source) : 'block';
    return { range: block ? headerRange(block) : at, message: `Missing \`{\` after \`${header}\`: a block needs a body in braces.`, specific: false, consequence: true };
  }
  if (type === 'quoted_template_end') {
    const start = parent ?? node;
    return { range: nodeRange(start), message: `Unterminated string starting on line ${start.startPosition.row + 1}: the closing \`"\` is missing.`, specific: true };
  }
  if (type === ']' || type === 'tuple_end') {
    const tuple = findAncestor(node, 'tuple') ?? findAncestor(node, 'for_tuple_expr');
    const line = (tuple ?? node).startPosition.row + 1;
    return { range: at, message: `Missing \`]\` to close the list opened on line ${line}.`, specific: false, consequence: true };
  }
  if (type === ')') {
    const call = findAncestor(node, 'function_call');
    const name = call ? text(call.firstChild ?? call, source) : undefined;
    return { range: at, message: name ? `Missing \`)\` to close the call to \`${name}(\`.` : 'Missing `)`.', specific: false, consequence: true };
  }
  if (type === 'template_interpolation_end' || type === 'template_directive_end') {
    return { range: at, message: 'Missing `}` to close the `${ ... }` or `%{ ... }` started before it.', specific: true };
  }
  if (type === 'heredoc_identifier') {
    const heredoc = findAncestor(node, 'heredoc_template');
    const marker = heredoc ? kids(heredoc).find((c) => c.type === 'heredoc_identifier' && !c.isMissing) : undefined;
    const name = marker ? text(marker, source) : 'EOF';
    return { range: heredoc ? nodeRange(heredoc) : at, message: `Unterminated heredoc: no line holding only \`${name}\` closes it.`, specific: true };
  }
  if (type === 'identifier') return { range: at, message: 'A name was expected here.', specific: false };
  if (type === '=') {
    return { range: at, message: 'Missing `=` between the attribute name and its value.', specific: false };
  }
  return { range: at, message: `Missing \`${type}\` here.`, specific: false };
}

function findAncestor(node: Node, type: string): Node | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === type) return n;
  return null;
}

function attributeName(attribute: Node, source: string): string | undefined {
  const id = attribute.firstChild;
  return id?.type === 'identifier' ? text(id, source) : undefined;
}

function firstLeaf(node: Node): Node {
  let n = node;
  while (n.childCount > 0 && n.firstChild) n = n.firstChild;
  return n;
}

function contextOf(error: Node, source: string): { where: string; expected: string } {
  const parent = error.parent;
  switch (parent?.type) {
    case 'attribute': {
      const name = attributeName(parent, source);
      return { where: name ? `in the value of \`${name}\`` : 'in an attribute', expected: 'a single value ending at the line break' };
    }
    case 'object':
      return { where: 'inside an object `{ ... }`', expected: '`key = value` items' };
    case 'tuple':
      return { where: 'inside a list `[ ... ]`', expected: 'values separated by commas' };
    case 'function_arguments':
    case 'function_call':
      return { where: 'in function arguments', expected: 'values separated by commas' };
    case 'template_interpolation':
      return { where: 'inside `${ ... }`', expected: 'one expression' };
    case 'quoted_template':
    case 'heredoc_template':
      return { where: 'in a template', expected: 'text, `${ ... }` or `%{ ... }` (write `$${` for a literal `${`)' };
    case 'body':
    case 'block': {
      const block = enclosingBlock(parent);
      return {
        where: block ? `in the body of \`${blockHeader(block, source)}\`` : 'at the top level',
        expected: 'an attribute (`name = value`) or a block (`name { ... }`), each on its own line',
      };
    }
    default:
      return { where: 'at the top level', expected: 'an attribute (`name = value`) or a block (`name { ... }`)' };
  }
}

/** A specific explanation for an ERROR node, or undefined. */
function recognise(error: Node, source: string): SyntaxFinding | undefined {
  const children = kids(error);
  const raw = text(error, source);
  const after = source.slice(error.endIndex, error.endIndex + 200);
  const parent = error.parent;

  // HCL1 habit: `"version" = "2"`.
  if (children[0]?.type === 'string_lit' && /^\s*[=:]/.test(after)) {
    const name = text(children[0], source);
    const bare = name.slice(1, -1);
    const fix = /^[A-Za-z_][\w-]*$/.test(bare) ? `write \`${bare} = ...\`` : 'use a map attribute such as `meta = { "key" = "value" }`';
    return { range: nodeRange(children[0]), message: `Attribute names cannot be quoted in HCL2 (this is HCL1 syntax): ${fix} instead of \`${name} = ...\`.`, specific: true };
  }

  // Shell defaults `${VAR:-x}` / `${VAR%%...}` inside a template.
  const interpolation = /^\$\{\s*([A-Za-z_][\w.]*)\s*([:?#%\/^,@]|[^\s}A-Za-z_\d.[])/.exec(raw);
  if (children[0]?.type === 'template_interpolation_start' && interpolation) {
    return {
      range: nodeRange(error),
      message: `\`${short(raw, 30)}\` starts an HCL interpolation, but \`${interpolation[2]}\` cannot follow \`${interpolation[1]}\` there. For a shell expansion such as \`\${${interpolation[1]}:-default}\`, escape the dollar: \`$\${${interpolation[1]}...}\`.`,
      specific: true,
    };
  }

  // `meta.3d_printer`: an attribute name that starts with a digit.
  let prev = error.previousSibling;
  while (prev && (prev.type === 'expression' || prev.type === 'variable_expr') && prev.lastChild) prev = prev.lastChild;
  if (prev && prev.type === 'index' && prev.endIndex === error.startIndex && /^\.\d+$/.test(text(prev, source)) && /^[A-Za-z_]/.test(raw)) {
    const name = text(prev, source).slice(1) + raw.match(/^[\w-]*/)![0];
    return {
      range: { start: pos(prev.startPosition), end: pos(error.endPosition) },
      message: `\`${name}\` cannot follow a \`.\`: HCL2 attribute names must not start with a digit. Use an index instead: \`["${name}"]\`.`,
      specific: true,
    };
  }

  // `args = ["x"],` : a comma after an attribute value.
  const comma = children.find((c) => c.type === ',');
  if (comma && (parent?.type === 'attribute' || parent?.type === 'body' || parent?.type === 'block')) {
    const attribute = parent.type === 'attribute' ? parent : null;
    const name = attribute ? attributeName(attribute, source) : undefined;
    const before = children.indexOf(comma) > 0 ? children[children.indexOf(comma) - 1] : undefined;
    if (before && before.type === 'expression') {
      return {
        range: nodeRange(comma),
        message: `Unexpected \`,\` after the value${name ? ` of \`${name}\`` : ''}: in HCL2 an attribute ends at the line break, so remove the comma.`,
        specific: true,
      };
    }
  }

  // `bind_options { ... }` inside an object value.
  if (parent?.type === 'object' && children[0]?.type === 'identifier') {
    const next = error.nextSibling;
    const nextText = next ? text(next, source) : '';
    if (/^\s*\{/.test(after) || nextText.startsWith('{')) {
      const name = text(children[0], source);
      return {
        range: nodeRange(children[0]),
        message: `\`${name} { ... }\` is block syntax, but this is inside an object value (\`= { ... }\`), where only \`key = value\` is allowed: write \`${name} = { ... }\`.`,
        specific: true,
      };
    }
  }

  if (raw.trim() === '.') {
    return { range: nodeRange(error), message: 'An attribute name must follow `.` (e.g. `var.name`).', specific: true };
  }

  // A stray `}`.
  if (raw.trim() === '}') {
    return { range: nodeRange(error), message: 'Unexpected `}`: no open block is left for it to close.', specific: false, consequence: true };
  }
  return undefined;
}

const OPENERS: Record<string, string> = { template_interpolation_start: 'template_interpolation_end', template_directive_start: 'template_directive_end' };

/**
 * When tree-sitter gives up it leaves a flat run of tokens. Replays them with the body grammar
 * (`name labels {`, `name = value`, `}`) to find the first token that does not fit.
 */
function locateMisfit(error: Node, source: string): SyntaxFinding | undefined {
  const children = kids(error).filter((c) => c.type !== 'comment');
  const frames: { header: string; line: number; node: Node }[] = [];
  const innermost = (): string => (frames.length ? frames[frames.length - 1].header : '');
  for (let i = 0; i < children.length; i++) {
    const child = children[i];
    if (child.type === 'attribute' || child.type === 'block' || child.type === 'body') continue;
    if (child.type === 'identifier' && children[i + 1]?.type === '=') {
      const name = text(child, source);
      if (children[i + 2]?.type === 'expression' && (children[i + 3] === undefined || children[i + 3].startPosition.row > children[i + 2].endPosition.row || children[i + 3].type === 'block_end' || children[i + 3].type === '}')) {
        i += 2;
        continue;
      }
      const eq = children[i + 1];
      const next = children[i + 2];
      if (!next || next.startPosition.row > eq.endPosition.row) {
        return { range: nodeRange(child), message: `Missing value after \`${name} =\`: the value must start on the same line.`, specific: true };
      }
      const heredoc = children.slice(i + 2).find((c) => c.type === 'heredoc_start');
      if (heredoc) {
        const marker = children.slice(i + 2).find((c) => c.type === 'heredoc_identifier');
        const m = marker ? text(marker, source) : 'EOF';
        return {
          range: nodeRange(heredoc),
          message: `Unterminated heredoc in \`${name}\` (line ${heredoc.startPosition.row + 1}): no line holding only \`${m}\` closes it.`,
          specific: true,
        };
      }
      // The value is broken: look for an interpolation that never closes.
      for (let j = i + 2; j < children.length; j++) {
        const open = OPENERS[children[j].type];
        if (open && !children.slice(j + 1).some((c) => c.type === open)) {
          return {
            range: nodeRange(children[j]),
            message: `Unclosed \`${text(children[j], source)}\` in the value of \`${name}\` (line ${children[j].startPosition.row + 1}): end it with \`}\` before the string ends, or write \`$\${\` for a literal \`\${\`.`,
            specific: true,
          };
        }
      }
      const where = frames.length ? ` in \`${innermost()}\`` : '';
      return { range: nodeRange(child), message: `The value of \`${name}\`${where} is incomplete or malformed: check its quotes and brackets.`, specific: false };
    }
    if (child.type === 'identifier') {
      let j = i + 1;
      while (j < children.length && (children[j].type === 'string_lit' || children[j].type === 'identifier')) j++;
      if (children[j]?.type === 'block_start') {
        frames.push({ header: children.slice(i, j).map((c) => text(c, source)).join(' '), line: child.startPosition.row + 1, node: child });
        i = j;
        continue;
      }
      // A name with no `=` and no `{`: half-typed, or HCL1/YAML habits.
      const after = children[i + 1];
      const name = text(child, source);
      const sameLine = after && after.startPosition.row === child.endPosition.row;
      const where = frames.length ? ` in the body of \`${innermost()}\`` : '';
      if (sameLine && text(after, source).startsWith(':')) {
        return { range: nodeRange(after), message: `\`${name}:\`${where} uses \`:\`; HCL2 attributes are written \`${name} = value\`.`, specific: true };
      }
      return {
        range: sameLine ? { start: pos(child.startPosition), end: pos(after.endPosition) } : nodeRange(child),
        message: `\`${short(sameLine ? `${name} ${text(after, source)}` : name)}\`${where} is neither an attribute nor a block: write \`${name} = value\` or \`${name} { ... }\`.`,
        specific: false,
      };
    }
    if ((child.type === 'block_end' || child.type === '}') && frames.length > 0) {
      frames.pop();
      continue;
    }
    if (i === 0) return undefined;
    const token = short(text(firstLeaf(child), source) || text(child, source) || source.slice(child.startIndex, child.startIndex + 30).trim().charAt(0), 30);
    const where = frames.length ? `in the body of \`${innermost()}\`` : 'at the top level';
    if (token === ';') {
      return { range: nodeRange(child), message: `Unexpected \`;\` ${where}: HCL2 ends an attribute at the line break; remove it.`, specific: true };
    }
    if (token === '.') {
      return { range: nodeRange(child), message: `An attribute name must follow \`.\` ${where}.`, specific: false };
    }
    return {
      range: nodeRange(firstLeaf(child)),
      message: `Unexpected \`${token}\` ${where}; expected an attribute (\`name = value\`) or a block (\`name { ... }\`), each on its own line.`,
      specific: false,
    };
  }
  if (frames.length > 0) {
    const open = frames[frames.length - 1];
    const outer = frames.length > 1 ? ` (and ${frames.length - 1} enclosing block${frames.length > 2 ? 's' : ''})` : '';
    return { range: nodeRange(open.node), message: `Missing \`}\` to close the \`${open.header}\` block opened on line ${open.line}${outer}.`, specific: false, consequence: true };
  }
  return undefined;
}

function genericError(error: Node, source: string): SyntaxFinding {
  const located = locateMisfit(error, source);
  if (located) return located;
  const leaf = firstLeaf(error);
  const token = short(text(leaf, source) || text(error, source), 30) || 'end of file';
  if (token === ';') return { range: nodeRange(error), message: 'Unexpected `;`: HCL2 ends an attribute at the line break; remove it.', specific: true };
  const { where, expected } = contextOf(error, source);
  const leafRange = nodeRange(leaf);
  const range = leafRange.start.line === leafRange.end.line && leaf.endIndex > leaf.startIndex ? leafRange : nodeRange(error);
  return { range, message: `Unexpected \`${token}\` ${where}; expected ${expected}.`, specific: false };
}

/** Every ERROR and MISSING node, described. Descends only into subtrees that contain errors. */
export function collectSyntaxFindings(tree: Tree, source: string): SyntaxFinding[] {
  const root = tree.rootNode;
  if (!root.hasError) return [];
  const lines = new LineIndex(source);
  const raw: SyntaxFinding[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0 && raw.length < MAX_FINDINGS * 4) {
    const node = stack.pop()!;
    if (node.isMissing) {
      raw.push(missingMessage(node, source, lines));
      continue;
    }
    if (node.isError) {
      raw.push(recognise(node, source) ?? genericError(node, source));
      // MISSING nodes and recognisable errors may sit inside; look once more.
      for (const child of kids(node)) if (child.isMissing) raw.push(missingMessage(child, source, lines));
      continue;
    }
    if (!node.hasError) continue;
    const children = kids(node);
    for (let i = children.length - 1; i >= 0; i--) if (children[i].hasError || children[i].isMissing || children[i].isError) stack.push(children[i]);
  }
  return raw;
}

function before(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character;
}

/**
 * One mistake, one diagnostic: findings on the same or adjacent lines merge (the specific one wins);
 * brace imbalance and generic findings after a specific one are consequences and dropped; identical
 * brace findings merge.
 */
export function groupFindings(findings: SyntaxFinding[]): SyntaxFinding[] {
  const sorted = [...findings].sort((a, b) => before(a.range, b.range));
  const out: SyntaxFinding[] = [];
  let sawSpecific = false;
  for (const finding of sorted) {
    const last = out[out.length - 1];
    if (last && last.message === finding.message && before(last.range, finding.range) === 0) continue;
    if (sawSpecific && !finding.specific) continue;
    if (last && finding.range.start.line - last.range.end.line <= 1 && !(last.specific && finding.specific)) {
      if (finding.specific && !last.specific) out[out.length - 1] = finding;
      sawSpecific ||= finding.specific;
      continue;
    }
    out.push(finding);
    sawSpecific ||= finding.specific;
  }
  // Brace findings collected at the end of the file often duplicate each other.
  const seen = new Set<string>();
  return out.filter((f) => {
    const key = `${f.range.start.line}:${f.range.start.character}:${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, MAX_FINDINGS);
}

export interface SyntaxReport {
  /** `syntax-error` findings: empty exactly when HCL accepts the text. */
  syntax: SyntaxFinding[];
  /** Attributes set twice in one body (HCL's "Attribute redefined"), reported as `duplicate`. */
  duplicates: SyntaxFinding[];
}

/**
 * The syntax findings of a text, with HCL's verdict (hclVerdict) as the last word: nothing when HCL accepts
 * the text; otherwise HCL's mistakes, explained by the tree-sitter reporter's findings (`treeFindings`,
 * already grouped) where those lie at the same place. Tree findings that no HCL mistake supports (tree-sitter
 * recovers differently: a `}` "missing" far away, a heredoc "unterminated" after a broken line) are dropped,
 * and a brace imbalance is reported once, only when no earlier mistake explains it.
 */
export function syntaxReport(text: string, treeFindings: SyntaxFinding[], issues: SyntaxIssue[] | undefined): SyntaxReport {
  if (issues === undefined) return { syntax: treeFindings, duplicates: [] };
  // HCL accepts the text: no line table of the whole text to build (this runs on every edit).
  if (issues.length === 0) return { syntax: [], duplicates: [] };
  const positions = new OffsetPositions(text);
  const duplicates: SyntaxFinding[] = [];
  const mistakes: { range: Range; issue: SyntaxIssue }[] = [];
  let lastLine = -1;
  for (const issue of issues) {
    let range = positions.range(issue.start, issue.end);
    // A lone `\r` ends its line: the range of that character stays on the line it ends.
    if (issue.character && range.end.line > range.start.line) range = { start: range.start, end: { line: range.start.line, character: range.start.character + 1 } };
    if (issue.kind === 'duplicate') {
      duplicates.push({ range, message: issue.message, specific: true });
      continue;
    }
    // One mistake, one diagnostic: a second issue on the same line follows from the first.
    if (range.start.line === lastLine) continue;
    lastLine = range.start.line;
    mistakes.push({ range, issue });
  }
  if (mistakes.length === 0) return { syntax: [], duplicates };
  const near = (f: SyntaxFinding, r: Range) => f.range.start.line - 1 <= r.start.line && r.start.line <= f.range.end.line + 1;
  // HCL's scanner knows exactly where heredocs are; tree-sitter may invent one while recovering (a doubled
  // `=` read as a heredoc whose `<<` is missing), so its heredoc findings need a heredoc mistake of HCL's.
  const supports = (f: SyntaxFinding, m: { range: Range; issue: SyntaxIssue }) =>
    !m.issue.character && near(f, m.range) && (!/^Unterminated heredoc/.test(f.message) || /heredoc/i.test(m.issue.message));
  const imbalance = mistakes.some((m) => m.issue.imbalance);
  // The rest of an item after its first mistake is text HCL did not read: tree findings there stand.
  const skipped = mistakes.filter((m) => m.issue.skippedTo !== undefined && !m.issue.character).map((m) => ({ from: m.range.start, to: positions.position(m.issue.skippedTo!) }));
  const inSkipped = (f: SyntaxFinding) => skipped.some((s) => f.range.start.line > s.from.line && positionBefore(f.range.start, s.to));
  const kept = treeFindings.filter((f) => mistakes.some((m) => supports(f, m)) || (f.specific && inSkipped(f)) || (f.consequence === true && imbalance));
  const explainsImbalance = kept.some((f) => f.consequence);
  const lastImbalance = [...mistakes].reverse().find((m) => m.issue.imbalance);
  const syntax = [...kept];
  mistakes.forEach((m) => {
    if (kept.some((f) => supports(f, m))) return;
    if (m.issue.imbalance) {
      const explained = explainsImbalance || mistakes.some((o) => !o.issue.imbalance);
      if (explained || m !== lastImbalance) return;
    }
    syntax.push({ range: m.range, message: m.issue.message, specific: true });
  });
  syntax.sort((a, b) => before(a.range, b.range));
  return { syntax, duplicates };
}
