// The syntax tree as the model builder reads it. web-tree-sitter's `Node` costs a wasm allocation for every
// `children` list and a JavaScript object, a marshalled handle and a wasm call for each child and each
// property read; on a 1 MB job that was most of the model's build time and a good share of the collector's.
// `SyntaxNode` reads the same tree through one TreeCursor per build: a child list is one pass of the cursor
// reading type and extent, positions are counted in the text (`Rows`), and the rest (`hasError`, `isMissing`)
// is asked only inside a subtree that holds a syntax error. The cursor is driven through the wasm runtime's
// own functions where they are found (FastCursor): TreeCursor's copying of its state around every call was
// most of what a call cost. Same answers as `Node` (test/syntaxNodes.test.ts, through either cursor).
import type { Node, Point, Tree, TreeCursor } from 'web-tree-sitter';
import type { Position, Range } from 'vscode-languageserver-types';
import { cursorFunctions, type CursorRuntime } from '../parser/load';
import { rangeBetween, textRange, type TextRange } from './positions';
import { specimen } from '../specimens';

/**
 * Siblings stepped over one by one to reach a node; farther, the cursor goes by the common ancestor, and
 * to a child past this index by its descendant index (`jump`).
 */
const NEAR = 8;

/** Child lists at least this long are kept for the next reader of the same tree (see ChildLists). */
const LONG_LIST = 64;

/**
 * Long child lists (a large job's body: thousands of groups) read in one build, for the next build of the
 * same tree. A build paused at a deadline is resumed by a new build of the same tree and text, slice after
 * slice, and each would otherwise walk the whole list again to find where the last one stopped. Only
 * readers of the whole tree use it: descendant indices count from the root.
 */
export class ChildLists {
  /**
   * By the node's start offset (a number: asked for every node listed, a string key would be built each
   * time), the lists of the nodes starting there.
   */
  private readonly lists = new Map<number, KeptList[]>();

  constructor(readonly tree: Tree) {
    specimen(this);
  }

  get(node: SyntaxNode): Int32Array | undefined {
    const kept = this.lists.get(node.startIndex);
    if (!kept) return undefined;
    // A node is told apart by its extent, type and depth (two nodes with all four the same hold no children).
    for (const list of kept) if (list.endIndex === node.endIndex && list.typeId === node.typeId && list.depth === node.depth) return list.data;
    return undefined;
  }

  set(node: SyntaxNode, children: readonly SyntaxNode[]): void {
    const data = new Int32Array(children.length * 4);
    // Written in place: an array per child to copy from would be thousands of allocations for a large body.
    for (let i = 0, at = 0; i < children.length; i++, at += 4) {
      const child = children[i];
      data[at] = child.typeId;
      data[at + 1] = child.startIndex;
      data[at + 2] = child.endIndex;
      data[at + 3] = child.descendant;
    }
    const list: KeptList = { endIndex: node.endIndex, typeId: node.typeId, depth: node.depth, data };
    const kept = this.lists.get(node.startIndex);
    if (kept) kept.push(list);
    else this.lists.set(node.startIndex, [list]);
  }
}

interface KeptList {
  endIndex: number;
  typeId: number;
  depth: number;
  data: Int32Array;
}

/** What the reader asks of its cursor: TreeCursor's own API, or the same through FastCursor. */
interface Cursor {
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  gotoDescendant(index: number): void;
  readonly nodeTypeId: number;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly currentDescendantIndex: number;
  readonly currentFieldId: number;
  readonly nodeIsMissing: boolean;
  readonly nodeIsNamed: boolean;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly currentNode: Node;
  delete(): void;
  /** FastCursor only: see there. */
  hold?(): void;
  release?(): void;
}

/**
 * A TreeCursor driven through the runtime's own functions (parser/load.ts CursorRuntime): the same calls
 * TreeCursor makes, with its four words copied to and from the transfer buffer through an Int32Array. The
 * words stay in the TreeCursor, so its own API (`currentNode`, `delete`) still works on them. Between
 * `hold` and `release` the words are not copied at all: they stay in the transfer buffer, which the wasm
 * functions update in place, so a walk over a list of children is one copy in and one out. Nothing else may
 * call web-tree-sitter in between (it uses the same buffer): the reader holds only inside its own methods.
 */
class FastCursor implements Cursor {
  private held = false;
  /** The TreeCursor's words, which web-tree-sitter keeps as its elements 0 to 3. */
  private readonly words: Record<number, number>;
  /** The transfer buffer's index in HEAP32. */
  private readonly at: number;
  private readonly tree: number;

  constructor(
    private readonly cursor: TreeCursor,
    tree: Tree,
    private readonly rt: CursorRuntime,
  ) {
    specimen(this);
    this.words = cursor as unknown as Record<number, number>;
    this.at = rt.transfer >> 2;
    this.tree = (tree as unknown as Record<number, number>)[0];
  }

  private put(): void {
    const heap = this.rt.HEAP32;
    const words = this.words;
    const at = this.at;
    heap[at] = words[0];
    heap[at + 1] = words[1];
    heap[at + 2] = words[2];
    heap[at + 3] = words[3];
  }

  /** After a move; HEAP32 read anew, as the move may have grown the memory (the cursor's stack). */
  private take(): void {
    const heap = this.rt.HEAP32;
    const words = this.words;
    const at = this.at;
    words[0] = heap[at];
    words[1] = heap[at + 1];
    words[2] = heap[at + 2];
    words[3] = heap[at + 3];
  }

  hold(): void {
    if (this.held) return;
    this.put();
    this.held = true;
  }

  release(): void {
    if (!this.held) return;
    this.take();
    this.held = false;
  }

  private point(): Point {
    const heap = this.rt.HEAP32;
    return { row: heap[this.at] >>> 0, column: heap[this.at + 1] >>> 0 };
  }

  gotoFirstChild(): boolean {
    if (!this.held) this.put();
    const moved = this.rt._ts_tree_cursor_goto_first_child_wasm(this.tree);
    if (!this.held) this.take();
    return moved === 1;
  }

  gotoNextSibling(): boolean {
    if (!this.held) this.put();
    const moved = this.rt._ts_tree_cursor_goto_next_sibling_wasm(this.tree);
    if (!this.held) this.take();
    return moved === 1;
  }

  gotoParent(): boolean {
    if (!this.held) this.put();
    const moved = this.rt._ts_tree_cursor_goto_parent_wasm(this.tree);
    if (!this.held) this.take();
    return moved === 1;
  }

  gotoDescendant(index: number): void {
    if (!this.held) this.put();
    this.rt._ts_tree_cursor_goto_descendant_wasm(this.tree, index);
    if (!this.held) this.take();
  }

  get nodeTypeId(): number {
    if (!this.held) this.put();
    return this.rt._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }

  get startIndex(): number {
    if (!this.held) this.put();
    return this.rt._ts_tree_cursor_start_index_wasm(this.tree);
  }

  get endIndex(): number {
    if (!this.held) this.put();
    return this.rt._ts_tree_cursor_end_index_wasm(this.tree);
  }

  get currentDescendantIndex(): number {
    if (!this.held) this.put();
    return this.rt._ts_tree_cursor_current_descendant_index_wasm(this.tree);
  }

  get currentFieldId(): number {
    if (!this.held) this.put();
    return this.rt._ts_tree_cursor_current_field_id_wasm(this.tree);
  }

  get nodeIsMissing(): boolean {
    if (!this.held) this.put();
    return this.rt._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1;
  }

  get nodeIsNamed(): boolean {
    if (!this.held) this.put();
    return this.rt._ts_tree_cursor_current_node_is_named_wasm(this.tree) === 1;
  }

  /** Written over the buffer's first words: released first. */
  get startPosition(): Point {
    this.release();
    this.put();
    this.rt._ts_tree_cursor_start_position_wasm(this.tree);
    return this.point();
  }

  get endPosition(): Point {
    this.release();
    this.put();
    this.rt._ts_tree_cursor_end_position_wasm(this.tree);
    return this.point();
  }

  get currentNode(): Node {
    this.release();
    return this.cursor.currentNode;
  }

  delete(): void {
    this.release();
    this.cursor.delete();
  }
}

/** Whether readers use FastCursor when the runtime offers its functions (off: TreeCursor, for the tests). */
let fastCursors = true;

/** Lets a test read trees through TreeCursor alone, to check that both cursors tell the same. */
export function useFastCursors(on: boolean): void {
  fastCursors = on;
}

function cursorOf(node: Node): Cursor {
  const cursor = node.walk();
  const rt = fastCursors ? cursorFunctions() : undefined;
  return rt ? new FastCursor(cursor, node.tree, rt) : cursor;
}

/** Known `isNamed` per type id (it depends on the type alone), filled as types are met. */
type NamedTable = Map<number, boolean>;

/**
 * One node, as the builder needs it: type and extent read when its parent's children were listed, the
 * rest on demand. Valid only during the build that made it (its reader's cursor is deleted after).
 */
export class SyntaxNode {
  private error: boolean | undefined;

  // A 1 MB job makes a quarter of a million of these, a third of what its build allocates: only what is
  // read of most nodes is a field (the type's name is looked up, `isMissing` and `firstChild` are asked anew).
  constructor(
    private readonly reader: SyntaxReader,
    readonly parent: SyntaxNode | undefined,
    /** Index among the parent's children. */
    readonly index: number,
    readonly depth: number,
    readonly typeId: number,
    readonly startIndex: number,
    readonly endIndex: number,
    /** TreeCursor.currentDescendantIndex, read only past the first few children of a node (-1: not read). */
    readonly descendant: number,
  ) {
    specimen(this);
  }

  get startPosition(): Point {
    const { line, character } = this.reader.position(this, true);
    return { row: line, column: character };
  }

  get endPosition(): Point {
    const { line, character } = this.reader.position(this, false);
    return { row: line, column: character };
  }

  get type(): string {
    return this.reader.types[this.typeId] || 'ERROR';
  }

  /** The start as an LSP position (shared with other nodes starting or ending there: never change it). */
  get start(): Position {
    return this.reader.position(this, true);
  }

  get end(): Position {
    return this.reader.position(this, false);
  }

  range(): Range {
    const counted = this.reader.rows.range(this.startIndex, this.endIndex);
    if (counted) return counted;
    return rangeBetween(this.reader.position(this, true), this.reader.position(this, false));
  }

  /**
   * Read anew at each call, so that the nodes of a finished part of the tree become garbage at once (kept,
   * the nodes of a 1 MB job would all live to the end of the build and make every collection copy them).
   */
  get children(): readonly SyntaxNode[] {
    return this.reader.children(this);
  }

  get childCount(): number {
    return this.reader.childCount(this);
  }

  /**
   * The children from index `from` on (the first is child `from`): at most `max` of them when the list is
   * kept (ChildLists), else all the rest.
   */
  childrenFrom(from: number, max = Infinity): SyntaxNode[] {
    return this.reader.childrenFrom(this, from, max);
  }

  /**
   * Child `index`, without listing the others when they are not listed yet (a body of thousands of items
   * whose one item an edit changed). That child then has no parent: it is read by a reader of its own.
   */
  childAt(index: number): SyntaxNode | null {
    const child = this.reader.nodeOf(this).child(index);
    return child ? this.reader.subtree(child) : null;
  }

  get firstChild(): SyntaxNode | null {
    return this.reader.firstChild(this);
  }

  /** The first `max` children of type `type` and whether there are more, without listing the others. */
  childrenUpTo(type: string, max: number): { nodes: SyntaxNode[]; more: boolean } {
    return this.reader.childrenUpTo(this, type, max);
  }

  /** How many children have one of `types`, counted up to `max + 1` (then the count stops there). */
  countChildrenUpTo(types: ReadonlySet<string>, max: number): number {
    return this.reader.countChildrenUpTo(this, types, max);
  }

  childForFieldName(name: string): SyntaxNode | null {
    return this.reader.fieldChild(this, name);
  }

  /** Whether this node is or holds a syntax error (or a missing node); a clean parent answers for its children. */
  get hasError(): boolean {
    if (this.error === undefined) this.error = this.parent && !this.parent.hasError ? false : this.reader.hasError(this);
    return this.error;
  }

  get isMissing(): boolean {
    return this.parent && !this.parent.hasError ? false : this.reader.isMissing(this);
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get isNamed(): boolean {
    return this.reader.isNamed(this);
  }
}

/** The cursor over one tree (or one subtree, see `subtree`) and the node it stands on. */
export class SyntaxReader {
  private readonly cursor: Cursor;
  private at: SyntaxNode;
  readonly types: string[];
  private readonly fields: (string | null)[];
  private readonly named: NamedTable;
  /** Readers over subtrees made from this one: deleted with it. */
  private readonly others: SyntaxReader[] = [];
  private readonly scratch: SyntaxNode[] = [];
  readonly root: SyntaxNode;

  private constructor(node: Node, readonly rows: Rows, named: NamedTable, private readonly lists?: ChildLists) {
    specimen(this);
    this.cursor = cursorOf(node);
    this.types = node.tree.language.types;
    this.fields = node.tree.language.fields;
    this.named = named;
    this.root = this.make(undefined, 0);
    this.at = this.root;
  }

  /**
   * A reader of `tree` over `text` (the text the tree's rows count lines of; see Rows). `rows`: the lines
   * counted by an earlier reader of the same text (a build resumed after a pause goes on counting there).
   */
  static of(tree: Tree, text: string, rows = new Rows(text), lists?: ChildLists): SyntaxReader {
    return new SyntaxReader(tree.rootNode, rows, new Map(), lists);
  }

  /** A reader of the subtree at `node` (a web-tree-sitter node of this reader's tree), deleted with this one. */
  subtree(node: Node): SyntaxNode {
    const reader = new SyntaxReader(node, this.rows, this.named);
    this.others.push(reader);
    return reader.root;
  }

  /** The web-tree-sitter node of `node`, for what only a `Node` can tell. */
  nodeOf(node: SyntaxNode): Node {
    this.cursor.hold?.();
    try {
      this.goto(node);
    } finally {
      this.cursor.release?.();
    }
    return this.cursor.currentNode;
  }

  /** Frees the cursors; the nodes of this reader must not be read after. */
  delete(): void {
    this.cursor.delete();
    for (const other of this.others) other.delete();
    this.others.length = 0;
  }

  /** The node the cursor stands on, as a child of `parent` at `index`. */
  private make(parent: SyntaxNode | undefined, index: number): SyntaxNode {
    const cursor = this.cursor;
    const typeId = cursor.nodeTypeId;
    const depth = parent ? parent.depth + 1 : 0;
    // Far down a long list of children, the cursor goes back to a node in one jump (see `jump`).
    const descendant = index > NEAR ? cursor.currentDescendantIndex : -1;
    return new SyntaxNode(this, parent, index, depth, typeId, cursor.startIndex, cursor.endIndex, descendant);
  }

  /**
   * Moves the cursor to `node`. The builder reads nodes mostly in text order, so the usual cases are a
   * later sibling of a node the cursor stands in (or on), an earlier one, or a child of the node it stands
   * on: a few steps, where a jump from the common ancestor would step over every earlier sibling of each
   * node on the way (thousands in a large job's body).
   */
  private goto(node: SyntaxNode): void {
    const at = this.at;
    if (at === node) return;
    const cursor = this.cursor;
    // From the cursor's node up to the depth of `node`: a sibling of `node`, or its parent.
    let n = at;
    let up = 0;
    while (n.depth > node.depth) {
      n = n.parent!;
      up++;
    }
    let down = -1;
    if (n.depth === node.depth && n.parent === node.parent) {
      if (n.index <= node.index && node.index - n.index <= NEAR) {
        for (let i = 0; i < up; i++) cursor.gotoParent();
        for (let i = n.index; i < node.index; i++) cursor.gotoNextSibling();
      } else if (node.index <= NEAR) {
        for (let i = 0; i <= up; i++) cursor.gotoParent();
        down = node.index;
      } else this.jump(node);
    } else if (n === node.parent && node.index <= NEAR) down = node.index;
    else this.jump(node);
    if (down >= 0) {
      cursor.gotoFirstChild();
      for (let i = 0; i < down; i++) cursor.gotoNextSibling();
    }
    this.at = node;
  }

  /** Up from the cursor's node to the lowest ancestor it shares with `node`, then down the path to `node`. */
  private jump(node: SyntaxNode): void {
    const cursor = this.cursor;
    const path: SyntaxNode[] = [];
    let from = this.at;
    let to = node;
    while (from.depth > to.depth) {
      cursor.gotoParent();
      from = from.parent!;
    }
    while (to.depth > from.depth) {
      path.push(to);
      to = to.parent!;
    }
    while (from !== to) {
      cursor.gotoParent();
      from = from.parent!;
      path.push(to);
      to = to.parent!;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const step = path[i];
      if (step.descendant >= 0) {
        // Counted through the earlier siblings inside the wasm module, not one call each.
        cursor.gotoDescendant(step.descendant);
        continue;
      }
      cursor.gotoFirstChild();
      for (let k = step.index; k > 0; k--) cursor.gotoNextSibling();
    }
  }

  children(node: SyntaxNode): SyntaxNode[] {
    const known = this.lists?.get(node);
    if (known) return this.unpack(node, known);
    // Gathered in a list kept for the purpose and copied out at its size: a list grown by `push` from
    // empty takes room for 16 at once, where most nodes have two or three children.
    const scratch = this.scratch;
    const cursor = this.cursor;
    let count = 0;
    cursor.hold?.();
    try {
      this.goto(node);
      if (cursor.gotoFirstChild()) {
        do {
          scratch[count] = this.make(node, count);
          count++;
        } while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.release?.();
    }
    const out = scratch.slice(0, count);
    // A long list is let go (its nodes would live to the end of the build); short ones are overwritten.
    if (count >= LONG_LIST) scratch.length = 0;
    if (out.length === 0) return out;
    // Left on the last child: often the one read next (the value of an attribute, the only child).
    this.at = out[out.length - 1];
    if (this.lists && out.length >= LONG_LIST) this.lists.set(node, out);
    return out;
  }

  /**
   * The children of `node` from index `from` on, at most `max` of them from a kept list: a build taken up
   * again inside a body of thousands of items (pause.ts) makes neither the nodes of those it finished nor
   * those of the ones it will not reach before its next pause.
   */
  childrenFrom(node: SyntaxNode, from: number, max = Infinity): SyntaxNode[] {
    const known = from > 0 ? this.lists?.get(node) : undefined;
    if (known) return this.unpack(node, known, from, max);
    const all = this.children(node);
    return from > 0 ? all.slice(from) : all;
  }

  /** The children of `node` from a list kept by an earlier reader of the same tree (the cursor stays put). */
  private unpack(node: SyntaxNode, data: Int32Array, from = 0, max = Infinity): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    const end = Math.min(data.length, (from + max) * 4);
    for (let i = from * 4, index = from; i < end; i += 4, index++) {
      out.push(new SyntaxNode(this, node, index, node.depth + 1, data[i], data[i + 1], data[i + 2], data[i + 3]));
    }
    return out;
  }

  firstChild(node: SyntaxNode): SyntaxNode | null {
    const cursor = this.cursor;
    cursor.hold?.();
    try {
      this.goto(node);
      if (!cursor.gotoFirstChild()) return null;
      const child = this.make(node, 0);
      this.at = child;
      return child;
    } finally {
      cursor.release?.();
    }
  }

  /**
   * The first children of `node` of type `type`, at most `max`, and whether there are more: a node with
   * 100,000 children costs only as much as the children taken.
   */
  childrenUpTo(node: SyntaxNode, type: string, max: number): { nodes: SyntaxNode[]; more: boolean } {
    const nodes: SyntaxNode[] = [];
    let more = false;
    this.eachChild(node, (childType, index) => {
      if (childType !== type) return true;
      if (nodes.length === max) {
        more = true;
        return false;
      }
      nodes.push(this.make(node, index));
      return true;
    });
    return { nodes, more };
  }

  countChildrenUpTo(node: SyntaxNode, types: ReadonlySet<string>, max: number): number {
    let count = 0;
    this.eachChild(node, (childType) => !types.has(childType) || ++count <= max);
    return count;
  }

  /**
   * Steps the cursor over the children of `node`, giving each one's type and index to `visit` until it
   * returns false; the cursor is left on `node`. Only `make` may be called from `visit` (it reads the cursor).
   */
  private eachChild(node: SyntaxNode, visit: (type: string, index: number) => boolean): void {
    const cursor = this.cursor;
    cursor.hold?.();
    try {
      this.goto(node);
      if (!cursor.gotoFirstChild()) return;
      let index = 0;
      do {
        if (!visit(this.types[cursor.nodeTypeId] || 'ERROR', index++)) break;
      } while (cursor.gotoNextSibling());
      // Back to `node`: the cursor stands on a child that may not have been made.
      cursor.gotoParent();
    } finally {
      cursor.release?.();
      this.at = node;
    }
  }

  childCount(node: SyntaxNode): number {
    return this.nodeOf(node).childCount;
  }

  fieldChild(node: SyntaxNode, name: string): SyntaxNode | null {
    const children = node.children;
    const cursor = this.cursor;
    let found: SyntaxNode | null = null;
    cursor.hold?.();
    try {
      this.goto(node);
      if (!cursor.gotoFirstChild()) return null;
      let i = 0;
      do {
        if (this.fields[cursor.currentFieldId] === name) {
          found = children[i];
          break;
        }
        i++;
      } while (cursor.gotoNextSibling());
      this.at = children[Math.min(i, children.length - 1)];
    } finally {
      cursor.release?.();
    }
    return found;
  }

  hasError(node: SyntaxNode): boolean {
    return this.nodeOf(node).hasError;
  }

  isMissing(node: SyntaxNode): boolean {
    const cursor = this.cursor;
    cursor.hold?.();
    try {
      this.goto(node);
      return cursor.nodeIsMissing;
    } finally {
      cursor.release?.();
    }
  }

  isNamed(node: SyntaxNode): boolean {
    let named = this.named.get(node.typeId);
    if (named === undefined) {
      const cursor = this.cursor;
      cursor.hold?.();
      try {
        this.goto(node);
        named = cursor.nodeIsNamed;
      } finally {
        cursor.release?.();
      }
      this.named.set(node.typeId, named);
    }
    return named;
  }

  /** The start (or end) of `node`: counted in the text, or asked of the tree where nothing near is counted yet. */
  position(node: SyntaxNode, start: boolean): Position {
    const offset = start ? node.startIndex : node.endIndex;
    const known = this.rows.at(offset);
    if (known) return known;
    this.cursor.hold?.();
    try {
      this.goto(node);
    } finally {
      this.cursor.release?.();
    }
    const point = start ? this.cursor.startPosition : this.cursor.endPosition;
    this.rows.anchor(offset, point);
    return { line: point.row, character: point.column };
  }
}

/** Slots of Rows' recent positions (a power of two): nearly every position asked again is asked within 64 others. */
const RECENT = 64;

/** How far past the counted text a position is counted rather than asked of the tree. */
const COUNT_AHEAD = 8192;

/**
 * Positions from UTF-16 offsets, counting line ends in the text from a point the tree gave (`anchor`).
 * The tree's rows are LSP lines (it is parsed from lineEnds.treeText: `\n`, `\r\n` and a lone `\r` each end
 * one) and its columns UTF-16 units, so counting gives what the tree would say. A build from scratch reads
 * positions in text order and counts the text once; an incremental one anchors near each place it rebuilds.
 */
export class Rows {
  /** Start offsets of consecutive lines, the first being line `firstLine`; line ends before `counted` are in. */
  private starts = new Int32Array(64);
  private lines = 0;
  private firstLine = 0;
  private counted = 0;
  /** The next `\n` and `\r` at or after where counting stopped (text length: none); kept so that a line of megabytes is searched once. */
  private nextLf = -1;
  private nextCr = -1;
  /**
   * Positions handed out lately, by offset. A third of the positions a build asks for are asked again soon
   * after: a node starts where its first child starts and ends where its last child ends. They are one object
   * (positions are never changed once made): on a file of 30,000 locals, 270,000 fewer objects, 11 MB.
   */
  private readonly recentOffsets = new Int32Array(RECENT).fill(-1);
  private readonly recentPositions: Position[] = new Array<Position>(RECENT);

  /**
   * `crFree`: the text is known to hold no `\r` (see ModelBuilder), so none is searched for: the search
   * runs from the first position counted to the end of the text, half a megabyte on average for an edit
   * of a 1 MB job, where the `\n` search stops at the next line.
   */
  constructor(
    readonly text: string,
    readonly crFree = false,
  ) {
    specimen(this);
  }

  /** The position of `offset`, or undefined when it lies before the counted lines or far past them. */
  at(offset: number): Position | undefined {
    const slot = offset & (RECENT - 1);
    if (this.recentOffsets[slot] === offset) return this.recentPositions[slot];
    const index = this.lineIndex(offset);
    if (index < 0) return undefined;
    const position = { line: this.firstLine + index, character: offset - this.starts[index] };
    this.recentOffsets[slot] = offset;
    this.recentPositions[slot] = position;
    return position;
  }

  /**
   * The range from `start` to `end` (offsets), made without positions; undefined where `at` would give none.
   * The model's ranges are made here: a position object for each end would be garbage at once.
   */
  range(start: number, end: number): TextRange | undefined {
    const first = this.lineIndex(start);
    if (first < 0) return undefined;
    const last = this.lineIndex(end);
    if (last < 0) return undefined;
    return textRange(this.firstLine + first, start - this.starts[first], this.firstLine + last, end - this.starts[last]);
  }

  /** The index in `starts` of the line holding `offset`, counting on to it; -1 before the counted lines or far past them. */
  private lineIndex(offset: number): number {
    if (this.lines === 0 || offset < this.starts[0] || offset > this.counted + COUNT_AHEAD) return -1;
    if (offset > this.counted) this.count(offset);
    const starts = this.starts;
    let lo = 0;
    let hi = this.lines - 1;
    // Mostly the last line or close to it.
    if (starts[hi] > offset) {
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
    } else lo = hi;
    return lo;
  }

  /** Starts counting afresh at a position the tree gave. */
  anchor(offset: number, point: Point): void {
    this.starts[0] = offset - point.column;
    this.lines = 1;
    this.firstLine = point.row;
    this.counted = offset;
    this.nextLf = -1;
    this.nextCr = -1;
  }

  /** Counts the line ends before `to`, jumping from one to the next (`indexOf`) rather than reading each character. */
  private count(to: number): void {
    const text = this.text;
    let i = this.counted;
    for (;;) {
      if (this.nextLf < i) this.nextLf = at(text.indexOf('\n', i), text);
      if (this.nextCr < i) this.nextCr = this.crFree ? text.length : at(text.indexOf('\r', i), text);
      const end = Math.min(this.nextLf, this.nextCr);
      if (end >= to) break;
      // `\r\n` ends one line, at its `\n`; a lone `\r` ends one too.
      if (end !== this.nextCr || text.charCodeAt(end + 1) !== 10) this.push(end + 1);
      i = end + 1;
    }
    this.counted = to;
  }

  private push(start: number): void {
    if (this.lines === this.starts.length) {
      const bigger = new Int32Array(this.starts.length * 2);
      bigger.set(this.starts);
      this.starts = bigger;
    }
    this.starts[this.lines++] = start;
  }
}

/** An `indexOf` result, with "none" as the text's length. */
function at(index: number, text: string): number {
  return index === -1 ? text.length : index;
}
