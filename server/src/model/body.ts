// Syntax tree -> bodies, blocks and attributes, with a cache of body items so that after an edit only the
// items the edit touched are rebuilt: an item whose source range lies outside every edited range has the
// same text as before, so its model is reused (found by mapping its offset back through the edits). Also
// enforces HCL2 rules tree-sitter-hcl does not (one item per line, single-line blocks, no interpolation in
// labels), reported as syntax problems.
import type { Range } from 'vscode-languageserver-types';
import type { Attribute, Block, Body, BodyItem, Label } from './types';
import { kids, nodeRange, own, pos, type Node } from './nodes';
import type { BuildContext, SyntaxProblem } from './buildContext';
import { buildExpr, stringLitValue } from './expr';

interface CacheEntry {
  type: string;
  row: number;
  column: number;
  length: number;
  items: BodyItem[];
  problems: SyntaxProblem[];
}

/** One text change, in UTF-16 offsets: [start, oldEnd) of the old text became [start, newEnd). */
export interface EditSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Maps a range of the new text back to the old text, through `edits` (applied in order); undefined when
 * the range overlaps or touches an edit (its text may have changed).
 */
function mapBack(edits: readonly EditSpan[], start: number, end: number): number | undefined {
  let s = start;
  let e = end;
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i];
    if (e <= edit.start) continue; // entirely before the edit
    if (s >= edit.newEnd) {
      // entirely after it: shifted, text unchanged
      const delta = edit.newEnd - edit.oldEnd;
      s -= delta;
      e -= delta;
      continue;
    }
    return undefined;
  }
  return s;
}

/** Cache key: the start offset and the kind of node (an ERROR and the item inside it may share a start). */
function cacheKey(start: number, type: string): number {
  return start * 4 + (type === 'attribute' ? 0 : type === 'block' ? 1 : 2);
}

/** Deeper blocks are kept without their bodies: the recursion must stay far from the stack limit. */
export const MAX_BLOCK_DEPTH = 300;

export class BodyBuilder {
  private depth = 0;
  /** Items of the previous build by their start offset in the previous text. */
  private previous = new Map<number, CacheEntry>();
  private next = new Map<number, CacheEntry>();
  /** Edits from the previous build's text to this one; undefined: nothing can be reused. */
  private edits: readonly EditSpan[] | undefined;

  /**
   * Starts a build. `edits` are the changes since the text of the previous build (empty: same text);
   * undefined when unknown (then everything is built afresh). Entries not used are dropped at `finish()`.
   */
  begin(edits: readonly EditSpan[] | undefined): void {
    this.next = new Map();
    this.edits = edits;
  }

  finish(): void {
    this.previous = this.next;
    this.next = new Map();
  }

  clear(): void {
    this.previous = new Map();
    this.next = new Map();
  }

  /** The root body from a `config_file` node. */
  root(node: Node, ctx: BuildContext): Body {
    const items: BodyItem[] = [];
    // When nothing parses, the root itself is an ERROR node.
    if (node.type === 'ERROR') this.salvage(node, ctx, items);
    else for (const child of kids(node)) this.collectItems(child, ctx, items);
    if (!node.hasError) checkLayout(items, undefined, ctx);
    return { items, range: nodeRange(node) };
  }

  /** Appends the body items found in `node` (a body, an item, or an ERROR holding salvageable items). */
  private collectItems(node: Node, ctx: BuildContext, out: BodyItem[]): void {
    switch (node.type) {
      case 'body':
        for (const child of kids(node)) this.collectItems(child, ctx, out);
        return;
      case 'attribute':
      case 'block': {
        const item = this.item(node, ctx);
        if (item) out.push(item);
        return;
      }
      case 'ERROR':
        for (const item of this.cached(node, ctx, (local) => {
          const salvaged: BodyItem[] = [];
          this.salvage(node, local, salvaged);
          return salvaged;
        })) out.push(item);
        return;
      default:
        return;
    }
  }

  /**
   * Keeps what can be understood inside an ERROR node, so a half-typed file still has a model. When
   * tree-sitter gives up on a region it leaves a flat run of tokens; blocks are rebuilt from
   * `name labels... {` and `}` tokens, attributes from `name = expression`.
   */
  private salvage(node: Node, ctx: BuildContext, out: BodyItem[]): void {
    if (this.depth >= MAX_BLOCK_DEPTH) return;
    interface Frame {
      items: BodyItem[];
      typeNode?: Node;
      labelNodes?: Node[];
      open?: Node;
    }
    const stack: Frame[] = [{ items: out }];
    const children = kids(node);
    const close = (frame: Frame, closeNode: Node | undefined): void => {
      const parent = stack[stack.length - 1];
      const last = frame.items[frame.items.length - 1];
      const end = closeNode ? pos(closeNode.endPosition) : last ? last.range.end : pos(frame.open!.endPosition);
      parent.items.push(this.makeBlock(frame.typeNode!, frame.labelNodes!, frame.open, closeNode, frame.items, undefined, end, ctx));
    };
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      const top = stack[stack.length - 1];
      if (child.type === 'attribute' || child.type === 'block' || child.type === 'body' || child.type === 'ERROR') {
        this.collectItems(child, ctx, top.items);
      } else if (child.type === 'identifier' && children[i + 1]?.type === '=' && children[i + 2]?.type === 'expression') {
        const value = buildExpr(children[i + 2], ctx, children[i + 1]);
        top.items.push({
          kind: 'attribute',
          name: own(ctx.text.slice(child.startIndex, child.endIndex)),
          nameRange: nodeRange(child),
          value,
          range: { start: pos(child.startPosition), end: value.range.end },
        });
        i += 2;
      } else if (child.type === 'identifier') {
        let j = i + 1;
        while (j < children.length && (children[j].type === 'string_lit' || children[j].type === 'identifier')) j++;
        if (children[j]?.type === 'block_start') {
          stack.push({ items: [], typeNode: child, labelNodes: children.slice(i + 1, j), open: children[j] });
          i = j;
        }
      } else if ((child.type === 'block_end' || child.type === '}') && stack.length > 1 && !child.isMissing) {
        close(stack.pop()!, child);
      }
    }
    while (stack.length > 1) close(stack.pop()!, undefined);
  }

  private item(node: Node, ctx: BuildContext): BodyItem | undefined {
    return this.cached(node, ctx, (local) => [node.type === 'attribute' ? this.attribute(node, local) : this.block(node, local)])[0];
  }

  /** The items built from `node`, reused from the previous build when the edits did not touch it. */
  private cached(node: Node, ctx: BuildContext, build: (local: BuildContext) => BodyItem[]): BodyItem[] {
    const startIndex = node.startIndex;
    const length = node.endIndex - startIndex;
    const start = node.startPosition;
    if (this.edits) {
      const old = mapBack(this.edits, startIndex, startIndex + length);
      const entry = old === undefined ? undefined : this.previous.get(cacheKey(old, node.type));
      if (entry && entry.length === length && entry.row === start.row && entry.column === start.column && entry.type === node.type) {
        this.next.set(cacheKey(startIndex, node.type), entry);
        for (const problem of entry.problems) ctx.problems.push(problem);
        return entry.items;
      }
    }
    const local: BuildContext = { text: ctx.text, problems: [] };
    const items = build(local);
    this.next.set(cacheKey(startIndex, node.type), { type: node.type, row: start.row, column: start.column, length, items, problems: local.problems });
    for (const problem of local.problems) ctx.problems.push(problem);
    return items;
  }

  private attribute(node: Node, ctx: BuildContext): Attribute {
    const children = kids(node);
    const name = children.find((c) => c.type === 'identifier');
    const valueNode = children.find((c) => c.type === 'expression');
    const eq = children.find((c) => c.type === '=') ?? name ?? node;
    return {
      kind: 'attribute',
      name: name ? own(ctx.text.slice(name.startIndex, name.endIndex)) : '',
      nameRange: name ? nodeRange(name) : nodeRange(node),
      value: buildExpr(valueNode, ctx, eq),
      range: nodeRange(node),
    };
  }

  private block(node: Node, ctx: BuildContext): Block {
    const children = kids(node);
    const typeNode = children[0];
    const labelNodes: Node[] = [];
    let open: Node | undefined;
    let closeNode: Node | undefined;
    const items: BodyItem[] = [];
    const tooDeep = this.depth >= MAX_BLOCK_DEPTH;
    this.depth++;
    try {
      for (const child of children.slice(1)) {
        if (!open && (child.type === 'string_lit' || child.type === 'identifier')) labelNodes.push(child);
        else if (child.type === 'block_start') open = child;
        else if (child.type === 'block_end') closeNode = child;
        else if (tooDeep) continue;
        else if (child.type === 'body') this.collectItems(child, ctx, items);
        else if (child.type === 'ERROR') this.salvage(child, ctx, items);
      }
    } finally {
      this.depth--;
    }
    const block = this.makeBlock(typeNode ?? node, labelNodes, open, closeNode, items, node, pos(node.endPosition), ctx);
    if (!node.hasError) checkLayout(items, block, ctx);
    return block;
  }

  private makeBlock(typeNode: Node, labelNodes: Node[], open: Node | undefined, closeNode: Node | undefined, items: BodyItem[], node: Node | undefined, end: Range['end'], ctx: BuildContext): Block {
    const present = (n: Node | undefined): n is Node => !!n && !n.isMissing && !n.firstChild?.isMissing && n.endIndex > n.startIndex;
    const openBrace = present(open) ? nodeRange(open) : undefined;
    const closeBrace = present(closeNode) ? nodeRange(closeNode) : undefined;
    const range: Range = { start: pos((node ?? typeNode).startPosition), end };
    const body: Body = { items, range: { start: openBrace?.end ?? range.start, end: closeBrace?.start ?? range.end } };
    const type = typeNode.type === 'identifier' ? own(ctx.text.slice(typeNode.startIndex, typeNode.endIndex)) : '';
    const labels = labelNodes.map((l) => this.label(l, ctx));
    const block: Block = { kind: 'block', type, typeRange: nodeRange(typeNode), labels, body, range };
    if (openBrace) block.openBrace = openBrace;
    if (closeBrace) block.closeBrace = closeBrace;
    if (type === 'dynamic' && labels[0]) {
      const content = items.find((i): i is Block => i.kind === 'block' && i.type === 'content');
      block.dynamic = { blockType: labels[0].value, ...(content ? { content: content.body } : {}) };
    }
    return block;
  }

  private label(node: Node, ctx: BuildContext): Label {
    const range = nodeRange(node);
    if (node.type === 'identifier') return { value: own(ctx.text.slice(node.startIndex, node.endIndex)), range, quoted: false };
    const raw = own(ctx.text.slice(node.startIndex, node.endIndex));
    // tree-sitter-hcl reads `"a-${x}"` in a label as plain text; HCL2 does not allow templates there.
    const template = /(^|[^$%])([$%])\{/.exec(raw.replace(/([$%])\1\{/g, ''));
    if (template) {
      const kind = template[2] === '$' ? 'an interpolation `${...}`' : 'a template directive `%{...}`';
      ctx.problems.push({
        range,
        message: `A block label must be a plain string, but ${raw} contains ${kind}. HCL2 evaluates no expressions in labels; use a fixed name (or escape it as \`$\${\`).`,
      });
    }
    return { value: stringLitValue(node, ctx), range, quoted: true };
  }
}

function describeItem(item: BodyItem): string {
  if (item.kind === 'attribute') return `attribute \`${item.name}\``;
  return `block \`${blockTitle(item)}\``;
}

export function blockTitle(block: Block): string {
  return [block.type, ...block.labels.map((l) => (l.quoted ? JSON.stringify(l.value) : l.value))].join(' ');
}

/**
 * HCL2 layout rules: every attribute and block ends at a line break; a block whose body starts on the line
 * of its `{` is a single-line block holding at most one attribute and closed on that same line.
 */
function checkLayout(items: BodyItem[], block: Block | undefined, ctx: BuildContext): void {
  if (block && block.openBrace && items.length > 0) {
    const first = items[0];
    const braceLine = block.openBrace.start.line;
    if (first.range.start.line === braceLine) {
      const title = blockTitle(block);
      if (items.length > 1 && items[1].range.start.line === braceLine) {
        ctx.problems.push({
          range: items[1].range.start.line === items[1].range.end.line ? items[1].range : nodeRangeOfStart(items[1]),
          message: `Two items on one line: a single-line block such as \`${title} { ... }\` may hold only one attribute. Put ${describeItem(items[1])} on its own line, and \`}\` too.`,
        });
        return;
      }
      if (first.kind === 'block') {
        ctx.problems.push({ range: first.typeRange, message: `A single-line block (\`${title} { ... }\`) cannot contain the nested ${describeItem(first)}; break it over several lines.` });
        return;
      }
      if (!block.closeBrace || block.closeBrace.start.line !== first.range.end.line || items.length > 1) {
        ctx.problems.push({
          range: first.range,
          message: `\`${title} {\` is followed by ${describeItem(first)} on the same line, but the block continues on later lines. In HCL2 a multi-line block needs a line break right after \`{\` (single-line blocks hold one attribute and close on the same line).`,
        });
        return;
      }
      return;
    }
  }
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1];
    const item = items[i];
    if (item.range.start.line === prev.range.end.line) {
      ctx.problems.push({
        range: nodeRangeOfStart(item),
        message: `${capitalise(describeItem(item))} starts on the line where ${describeItem(prev)} ends. HCL2 needs a line break after each attribute and block (commas and semicolons do not separate them).`,
      });
    }
  }
  if (block?.closeBrace && items.length > 0) {
    const last = items[items.length - 1];
    if (last.range.end.line === block.closeBrace.start.line && block.openBrace && block.openBrace.start.line !== block.closeBrace.start.line) {
      ctx.problems.push({
        range: block.closeBrace,
        message: `The \`}\` closing \`${blockTitle(block)}\` must be on its own line: HCL2 needs a line break after ${describeItem(last)}.`,
      });
    }
  }
}

function nodeRangeOfStart(item: BodyItem): Range {
  return item.kind === 'attribute' ? item.nameRange : item.typeRange;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
