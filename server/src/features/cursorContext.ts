// What the cursor is in: which blocks enclose it, and whether it sits where an attribute or block name
// starts, in a value, in a list, in a string or after `${`. Works on half-typed files: the syntax tree only
// supplies a trustworthy place to start (the innermost block on an error-free path from the root), and
// the tolerant scanner in scan.ts reads from there to the cursor.
import type { Node, Tree } from 'web-tree-sitter';
import { scanTo, type ScanFrame, type ScannedBlock } from './scan';

export type CursorKind =
  /** Where an attribute or block may start; `prefix` is the name typed so far. */
  | 'body'
  /** After a block type, before its `{` (labels). */
  | 'label'
  /** Right of `name =`, outside strings and lists. */
  | 'value'
  /** Directly inside `[...]` of an attribute value. */
  | 'list'
  /** Inside a quoted string (value, list element or label). */
  | 'string'
  /** Inside `${ ... }` of a string or heredoc. */
  | 'interpolation'
  | 'heredoc'
  | 'comment'
  | 'other';

export interface CursorContext {
  kind: CursorKind;
  offset: number;
  /** Enclosing blocks, outermost first. */
  blocks: ScannedBlock[];
  /** Their types for schema lookup; `dynamic "x" { content { ... } }` appears as `x`. */
  path: string[];
  /**
   * Attribute names and block types the scan saw directly in the innermost body (the one at the cursor
   * excluded). The scan starts near the cursor, so callers add the names the job model knows.
   */
  seen: ReadonlySet<string>;
  /** The attribute whose value holds the cursor. */
  attribute?: string;
  inList: boolean;
  /** Plain string elements of that list, the one being typed excluded. */
  listItems: string[];
  /** What is typed before the cursor that a completion replaces, and where it starts. */
  prefix: string;
  prefixStart: number;
  /** Inside a string: where its content starts. */
  stringStart?: number;
  /** Inside `${`: the expression text from after `${` to the cursor. */
  interpolation?: { start: number; text: string };
  /** Words of the statement at the cursor before `=` or `{` (block type and labels typed so far). */
  words: string[];
}

const IDENT_PART = /[A-Za-z0-9_-]/;
const REFERENCE_PART = /[A-Za-z0-9_\-.[\]"]/;
const VALUE_PART = /[A-Za-z0-9_\-.]/;

interface StartPoint {
  start: number;
  /** Blocks enclosing `start`, outermost first; scanning begins in the body of the last one. */
  outer: ScannedBlock[];
}

/**
 * Where scanning may start. The innermost block on an error-free chain from the root that holds the
 * cursor is trustworthy; inside its body, scanning starts after the last error-free item that ends
 * before the cursor, so a completion in a 1 MB job reads a few lines, not the whole job.
 */
function startPoint(tree: Tree | undefined, offset: number, text: string): StartPoint {
  if (!tree) return { start: 0, outer: [] };
  const root = tree.rootNode;
  if (root.type !== 'config_file' || root.isError) return { start: 0, outer: [] };
  const outer: ScannedBlock[] = [];
  let container: Node = root;
  let header: Node | undefined;
  // Walk down from the root (asking each node for its parent would cost the whole depth each time).
  // Blocks only nest in bodies, so the walk stops at the first node that is neither. Node's
  // firstChildForIndex is used: TreeCursor.gotoFirstChildForIndex ignores UTF-16 offsets in this binding.
  for (let node = root.firstChildForIndex(offset); node; node = node.firstChildForIndex(offset)) {
    const type = node.type;
    if (type === 'body') continue;
    if (type !== 'block' || node.isMissing) break;
    const end = node.lastChild;
    const closed = end?.type === 'block_end' && !end.isMissing && !end.hasError;
    if (!(node.startIndex < offset && closed && offset < node.endIndex)) break;
    const open = childOfType(node, 'block_start');
    if (!open || offset < open.endIndex) {
      // The cursor is in the block's header (type or labels): scan the header from its start.
      header = node;
      break;
    }
    if (container.type === 'block') outer.push(describeBlock(container));
    container = node;
  }
  if (container.type === 'block') outer.push(describeBlock(container));
  const body = childOfType(container, 'body');
  const afterBrace = container.type === 'block' ? childOfType(container, 'block_start')!.endIndex : 0;
  if (header) return { start: header.startIndex, outer };
  return { start: lastItemEnd(body, offset, text) ?? afterBrace, outer };
}

/** Where the last error-free item of `body` that ends before `offset` ends: a statement boundary. */
function lastItemEnd(body: Node | undefined, offset: number, text: string): number | undefined {
  if (!body) return undefined;
  // firstChildForIndex searches in the parser's own code: bodies may hold thousands of items.
  let node: Node | null = body.firstChildForIndex(offset);
  node = node ? node.previousSibling : body.lastChild;
  for (; node; node = node.previousSibling) {
    // An item ending right at the cursor is the one being typed: start before it.
    if (node.endIndex >= offset) continue;
    // An item on the cursor's line is part of the statement being typed (`FOO = var` of `FOO = var.`).
    if (!text.slice(node.endIndex, offset).includes('\n')) continue;
    if ((node.type === 'attribute' || node.type === 'block') && !node.hasError) return node.endIndex;
  }
  return undefined;
}

function childOfType(node: Node, type: string): Node | undefined {
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i)!;
    if (child.type === type) return child;
  }
  return undefined;
}

function describeBlock(node: Node): ScannedBlock {
  let type = '';
  const labels: string[] = [];
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i)!;
    if (child.type === 'block_start') break;
    if (child.type === 'identifier') {
      if (!type) type = child.text;
      else labels.push(child.text);
    } else if (child.type === 'string_lit') {
      labels.push(child.text.replace(/^"|"$/g, ''));
    }
  }
  return { type, labels, start: node.startIndex };
}

/** Block types for schema lookup, with `dynamic "x" { content { ... } }` folded into `x`. */
export function schemaPath(blocks: readonly ScannedBlock[]): string[] {
  const path: string[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    if (block.type === 'dynamic' && blocks[i + 1]?.type === 'content' && block.labels[0]) {
      path.push(block.labels[0]);
      i++;
      continue;
    }
    path.push(block.type);
  }
  return path;
}

function wordBefore(text: string, offset: number, part: RegExp): number {
  let start = offset;
  while (start > 0 && part.test(text[start - 1])) start--;
  return start;
}

export function cursorContext(text: string, offset: number, tree?: Tree): CursorContext {
  const { start, outer } = startPoint(tree, offset, text);
  const { frames, inComment } = scanTo(text, offset, start, outer);
  const blocks: ScannedBlock[] = [];
  for (const frame of frames) if (frame.kind === 'body' && frame.block) blocks.push(frame.block);
  let body: Extract<ScanFrame, { kind: 'body' }> = frames[0] as Extract<ScanFrame, { kind: 'body' }>;
  for (const frame of frames) if (frame.kind === 'body') body = frame;
  const top = frames[frames.length - 1];
  const parent = frames[frames.length - 2];
  const wordStart = wordBefore(text, offset, IDENT_PART);
  const base: CursorContext = {
    kind: 'other',
    offset,
    blocks,
    path: schemaPath(blocks),
    seen: body.seen,
    inList: false,
    listItems: [],
    prefix: text.slice(wordStart, offset),
    prefixStart: wordStart,
    words: body.stmt.words,
  };
  if (inComment) return { ...base, kind: 'comment' };
  switch (top.kind) {
    case 'body': {
      if (top.stmt.attribute !== undefined) {
        // A value may be a reference being typed (`var.na`): the whole dotted name is replaced.
        const refStart = wordBefore(text, offset, VALUE_PART);
        return { ...base, kind: 'value', attribute: top.stmt.attribute, prefix: text.slice(refStart, offset), prefixStart: refStart };
      }
      const words = top.stmt.words;
      const typingFirst = words.length === 1 && wordStart < offset && words[0] === base.prefix;
      if (words.length === 0 || typingFirst) return { ...base, kind: 'body', words: [] };
      return { ...base, kind: 'label' };
    }
    case 'bracket':
      if (top.open === '[') {
        // An element may be a reference being typed (`var.na`): the whole dotted name is replaced.
        const refStart = wordBefore(text, offset, VALUE_PART);
        return { ...base, kind: 'list', attribute: top.attribute, inList: true, listItems: top.items, prefix: text.slice(refStart, offset), prefixStart: refStart };
      }
      return { ...base, kind: 'other', attribute: top.attribute };
    case 'string': {
      const inList = parent?.kind === 'bracket' && parent.open === '[';
      const listItems = inList && parent.kind === 'bracket' ? parent.items : [];
      const kind: CursorKind = parent?.kind === 'body' && top.attribute === undefined ? 'label' : 'string';
      return {
        ...base,
        kind,
        attribute: top.attribute,
        inList,
        listItems,
        prefix: text.slice(top.contentStart, offset),
        prefixStart: top.contentStart,
        stringStart: top.contentStart,
      };
    }
    case 'interp': {
      const refStart = Math.max(top.start, wordBefore(text, offset, REFERENCE_PART));
      // The attribute is that of the string (or heredoc) holding the interpolation.
      let attribute: string | undefined;
      for (let i = frames.length - 2; i >= 0; i--) {
        const frame = frames[i];
        if (frame.kind === 'string' || frame.kind === 'bracket') {
          attribute = frame.attribute;
          break;
        }
        if (frame.kind === 'body') {
          attribute = frame.stmt.attribute;
          break;
        }
      }
      return {
        ...base,
        kind: 'interpolation',
        attribute,
        prefix: text.slice(refStart, offset),
        prefixStart: refStart,
        interpolation: { start: top.start, text: text.slice(top.start, offset) },
      };
    }
    case 'heredoc':
      return { ...base, kind: 'heredoc', attribute: parent?.kind === 'body' ? parent.stmt.attribute : undefined };
  }
}
