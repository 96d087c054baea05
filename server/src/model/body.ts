// Syntax tree -> bodies, blocks and attributes, with a cache of body items so that after an edit only the
// items the edit touched are rebuilt: an item whose source range lies outside every edited range has the
// same text as before, so its model is reused (found by mapping its offset back through the edits, into the
// previous build or, for an undo, the build before it). Also
// enforces HCL2 rules tree-sitter-hcl does not (one item per line, single-line blocks, no interpolation in
// labels), reported as syntax problems.
import type { Position, Range } from 'vscode-languageserver-types';
import type { Attribute, Block, Body, BodyItem, Label } from './types';
import { fitted, own } from './nodes';
import type { Rows, SyntaxNode } from './syntax';
import type { BuildContext, SyntaxProblem } from './buildContext';
import { buildExpr, stringLitValue } from './expr';
import { checkpoint, isPaused, progress } from '../pause';
import { movedItem, type Move } from './shift';
import { rangeBetween } from './positions';
import { specimen } from '../specimens';

/** One text change, in UTF-16 offsets: [start, oldEnd) of the old text became [start, newEnd). */
export interface EditSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
  /** Set when neither the replaced nor the inserted text holds a line break: later rows did not move. */
  sameLine?: boolean;
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

const NONE: BodyItem[] = [];
/** The items of an entry whose one item is its `first`. */
const ONE: BodyItem[] = [];
const NO_STARTS = new Int32Array(0);
/** The type of an entry no build may reuse (no node has this type). */
const UNFINISHED = '\0unfinished';

/**
 * One item of a build: what the cache checks (extent, type) and what it hands back (items, problems).
 * Made once when the item is built and shared, unchanged, by every later build that reuses the item.
 */
interface Entry {
  readonly length: number;
  readonly row: number;
  readonly column: number;
  readonly type: string;
  /** The items salvaged from an ERROR node; ONE for an attribute or block (its item is `first`); NONE: unfinished. */
  items: BodyItem[];
  /** The item of an attribute or block. */
  first: BodyItem | undefined;
  /** undefined when there are none, the common case. */
  problems: SyntaxProblem[] | undefined;
}

/** The first index in `[lo, hi)` whose start is `start` or later (`starts` ascending). */
function firstAtOrAfter(starts: Int32Array, start: number, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Whether `entry` is the item with these properties. `row` undefined: at any row, when a line move may copy it
 * (an attribute or block without problems: see Generation.move).
 */
function isEntryOf(entry: Entry, length: number, row: number | undefined, column: number, type: string): boolean {
  return entry.type === type && entry.length === length && entry.column === column && (row === undefined ? entry.first !== undefined && !entry.problems : entry.row === row);
}

/**
 * The entries a build of a block made for what the block holds (its nested items, in visit order), with their
 * starts counted from the block's start: they stay valid as long as the block object does, since a block is
 * reused only where its text is unchanged. See BodyBuilder.heldBefore.
 */
class HeldEntries {
  constructor(
    readonly starts: Int32Array,
    readonly entries: readonly Entry[],
  ) {
    specimen(this);
  }

  /** The index of the entry with these properties (-1: none); `start` counted from the block's start. */
  find(start: number, length: number, row: number, column: number, type: string): number {
    const starts = this.starts;
    for (let i = firstAtOrAfter(starts, start, 0, starts.length); i < starts.length && starts[i] === start; i++) {
      if (isEntryOf(this.entries[i], length, row, column, type)) return i;
    }
    return -1;
  }
}

/**
 * Blocks holding more entries than this keep no HeldEntries: the blocks on the path from the root to an edit
 * (a large job) are built again at every keystroke, and their large bodies are taken care of by `reuseBody`.
 */
const HELD_MAX = 4096;

/**
 * The items of one build, in the order they were visited: by start offset in that build's text (an ERROR
 * and the item inside it may share a start). The build looks items up in the same order, so a moving index
 * finds them without hashing. Only the start offsets are per build (they move with edits); the entries are
 * shared, and the offsets sit in a typed array: a large job copies tens of thousands of them per edit, and
 * plain arrays of that size, new on every edit, were copied again by each young-generation collection.
 */
class Generation {
  /** Made at the first append: a build makes generations that stay empty (see BodyBuilder.finish). */
  private starts = NO_STARTS;
  private readonly entries: Entry[] = [];
  private at = 0;
  /** Large bodies of this build, by their start offset: which entries hold their direct items (see BodyRecord). */
  readonly bodies = new Map<number, BodyRecord>();
  /**
   * Large bodies this build was stopped inside (pause.ts), by start offset: the record of their direct items
   * finished so far, for the next attempt to take over at once (see BodyBuilder.resumeBody). Made at the
   * first such stop: a build makes several generations per keystroke.
   */
  pausedBodies: Map<number, BodyRecord> | undefined;
  /** The whole build, when it was of a clean tree (see BodyBuilder.undo). */
  whole: WholeBuild | undefined;

  get size(): number {
    return this.entries.length;
  }

  start(i: number): number {
    return this.starts[i];
  }

  entry(i: number): Entry {
    return this.entries[i];
  }

  private room(more: number): void {
    const needed = this.entries.length + more;
    if (needed <= this.starts.length) return;
    let capacity = Math.max(1024, this.starts.length * 2);
    while (capacity < needed) capacity *= 2;
    const bigger = new Int32Array(capacity);
    bigger.set(this.starts.subarray(0, this.entries.length));
    this.starts = bigger;
  }

  private append(start: number, entry: Entry): number {
    this.room(1);
    this.starts[this.entries.length] = start;
    return this.entries.push(entry) - 1;
  }

  /** Appends an item before its children are visited (they come after it, keeping the order by start). */
  reserve(start: number, length: number, row: number, column: number, type: string): number {
    return this.append(start, { length, row, column, type, items: NONE, first: undefined, problems: undefined });
  }

  /** The items salvaged from an ERROR node. */
  fill(slot: number, items: BodyItem[], problems: SyntaxProblem[] | undefined): void {
    const entry = this.entries[slot];
    entry.items = items;
    if (problems) entry.problems = problems;
  }

  /** An attribute or block. */
  fillOne(slot: number, item: BodyItem, problems: SyntaxProblem[] | undefined): void {
    const entry = this.entries[slot];
    entry.items = ONE;
    entry.first = item;
    if (problems) entry.problems = problems;
  }

  /**
   * The index of the item with these properties (-1: none); fastest when asked in increasing order of start.
   * `row` undefined: an item at any row that a line move may copy (see `move`).
   */
  find(start: number, length: number, row: number | undefined, column: number, type: string): number {
    const starts = this.starts;
    const count = this.entries.length;
    let i = this.at;
    if (i > 0 && starts[i - 1] >= start) i = 0;
    // Usually the next entry or close to it; far away (a skipped region), halve.
    for (let steps = 0; i < count && starts[i] < start; i++) {
      if (++steps === 8) {
        i = firstAtOrAfter(starts, start, i, count);
        break;
      }
    }
    this.at = i;
    for (; i < count && starts[i] === start; i++) {
      if (isEntryOf(this.entries[i], length, row, column, type)) return i;
    }
    return -1;
  }

  /**
   * Appends to `to` at `start` entry `i` moved to `row` (its text and column unchanged, only lines above it
   * added or removed), its item copied with every position moved (shift.ts), and gives that item to `out`.
   * Only an attribute or block without problems is moved: a problem's message may quote a line number.
   */
  move(i: number, start: number, row: number, to: Generation, out: BodyItem[], moves: Map<BodyItem, Move>): void {
    const entry = this.entries[i];
    const from = entry.first!;
    const rows = row - entry.row;
    const item = movedItem(from, rows);
    to.append(start, { length: entry.length, row, column: entry.column, type: entry.type, items: ONE, first: item, problems: undefined });
    moves.set(item, { from, rows });
    // A job copied whole: its groups and settings moved too. The checks keep results per group under a token
    // of the job's settings, and the reference index walks per group: both follow moves item by item.
    if (item.kind === 'block' && item.type === 'job' && from.kind === 'block') {
      const copies = item.body.items;
      const originals = from.body.items;
      for (let k = 0; k < copies.length; k++) moves.set(copies[k], { from: originals[k], rows });
    }
    out.push(item);
  }

  /**
   * Copies entries `indices` (ascending) into `to`, each at its own start, with their items and problems, as
   * `copy` does one by one: the room for them is taken once.
   */
  copyAll(indices: readonly number[], to: Generation, out: BodyItem[], problems: SyntaxProblem[]): void {
    to.room(indices.length);
    for (const i of indices) this.copy(i, this.starts[i], to, out, problems);
  }

  /** Copies entry `i` into `to` at `start`, and its items and problems to `out` and `problems`. */
  copy(i: number, start: number, to: Generation, out: BodyItem[], problems: SyntaxProblem[]): void {
    to.take(start, this.entries[i], out, problems);
  }

  /** Appends `entry` (of this build or another) at `start`, and its items and problems to `out` and `problems`. */
  take(start: number, entry: Entry, out: BodyItem[], problems: SyntaxProblem[]): void {
    this.append(start, entry);
    if (entry.first) out.push(entry.first);
    else for (const item of entry.items) out.push(item);
    if (entry.problems) for (const problem of entry.problems) problems.push(problem);
  }

  /** Entries `from` to `to` (exclusive), their starts counted from `base`. */
  held(from: number, to: number, base: number): HeldEntries {
    const starts = new Int32Array(to - from);
    for (let i = from; i < to; i++) starts[i - from] = this.starts[i] - base;
    return new HeldEntries(starts, this.entries.slice(from, to));
  }

  /**
   * Copies the entries `indices[from..to)` into `target`, their starts moved by `shift`: items' own entries,
   * not those of what they hold (see BodyBuilder.reuseBody).
   */
  copyOwn(indices: readonly number[], from: number, to: number, shift: number, target: Generation): void {
    target.room(to - from);
    const starts = target.starts;
    const entries = target.entries;
    for (let i = from; i < to; i++) {
      const entry = indices[i];
      starts[entries.length] = this.starts[entry] + shift;
      entries.push(this.entries[entry]);
    }
  }

  /**
   * For a build stopped half-way: entries reserved for items whose building had begun but not finished
   * (the item being built and its enclosing blocks) become unfindable, so that a later build never takes
   * an empty, unfinished item for a finished one.
   */
  dropUnfinished(): void {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry.items === NONE) entries[i] = { ...entry, type: UNFINISHED };
    }
    this.bodies.clear();
  }
}

/**
 * A body's record cut to its finished direct items: the one being built when the build stopped is left out.
 * The record is the stopped build's, read by no one else: its lists are cut in place (a body of 30,000 items
 * stopped in each of a hundred slices would otherwise copy them each time).
 */
function finishedPart(record: BodyRecord): BodyRecord {
  const count = record.entryEnd.length;
  record.childIndex.length = count;
  record.entryStart.length = count;
  record.items.length = count;
  if (record.errored.some((k) => k >= count)) record.errored = record.errored.filter((k) => k < count);
  if (record.noisy.some((k) => k >= count)) record.noisy = record.noisy.filter((k) => k < count);
  return record;
}

/** What a complete build of a clean tree made: an undo back to its text (`rows.text`) takes it whole. */
export interface WholeBuild {
  readonly body: Body;
  readonly problems: readonly SyntaxProblem[];
  /** The text's line starts, as counted for the build, with the text itself. */
  readonly rows: Rows;
}

/**
 * A body with many items (a job with a thousand groups), as built: its extent, its count of tree children,
 * and for each direct item the tree child index and its generation entries (its own, and those of all it
 * contains when this build made it).
 * An edit inside one of those items then rebuilds that item alone: the others are copied entry by entry
 * without asking web-tree-sitter about each child, which is most of what a large job would cost per edit.
 */
interface BodyRecord {
  length: number;
  row: number;
  column: number;
  childCount: number;
  /**
   * Per direct item: tree child index, first entry, entry after its last nested one (the entry after its own
   * when its nested ones were left behind: see `reuseBody`).
   */
  childIndex: number[];
  entryStart: number[];
  entryEnd: number[];
  /** The direct items (their positions in the lists above) whose nodes hold a syntax error. */
  errored: number[];
  /**
   * The direct items themselves, in order: copied from here by `reuseBody` rather than from each one's
   * entry, objects spread over the heap that a large job's edit would otherwise visit by the thousand.
   */
  items: BodyItem[];
  /** The direct items (positions, ascending) whose entries hold problems: usually none. */
  noisy: number[];
}

/**
 * The cache key's type: the node type, marked when the node holds a syntax error. Items so marked are never
 * reused: the same text can parse with or without an error depending on what precedes it, and even two
 * parses that both hold an error can differ inside (error recovery may group tokens differently after an
 * edit elsewhere), so the model of such an item is only as good as the tree it was built from. Only the
 * path from the root to each error is rebuilt for that: clean items inside are still reused.
 */
function cacheType(node: SyntaxNode, type: string): string {
  return node.hasError ? `${type}!` : type;
}

/** Items up to this length (UTF-16 units) moved to other rows are copied whole, larger ones walked (see `moved`). */
const MOVED_ITEM_LENGTH = 32 * 1024;

/** How many children of a large body a resumed build lists at a time (see collectBody). */
const RESUMED_WINDOW = 512;

/** Bodies with fewer children are walked child by child: that costs less than keeping a record. */
const RECORDED_BODY_CHILDREN = 8;

/** Deeper blocks are kept without their bodies: the recursion must stay far from the stack limit. */
export const MAX_BLOCK_DEPTH = 300;

export class BodyBuilder {
  private depth = 0;
  /** Items of the previous complete build, by their start offset in its text. */
  private previous = new Generation();
  private next = new Generation();
  /** Edits from the previous complete build's text to this one; undefined: nothing can be reused. */
  private edits: readonly EditSpan[] | undefined;
  /**
   * Items of the build before the previous one, and the edits from its text to the previous text (undefined:
   * unrelated). An undo after an edit that re-parsed a large region (a broken heredoc marker swallows the
   * rest of the file) finds the items of that region here, as the same objects, although the previous build
   * did not have them.
   */
  private older = new Generation();
  private olderEdits: readonly EditSpan[] | undefined;
  /**
   * What a build stopped at a checkpoint (pause.ts) finished, and the edits from the text it was building to
   * this one. The next attempt takes those items over and goes on from there, still finding the rest in the
   * generations above, which the stopped build was reading too: an undo that copies a thousand groups back
   * from `older` is stopped a dozen times on the way.
   */
  private partial: Generation | undefined;
  private partialEdits: readonly EditSpan[] = [];
  /** The items the current build moved (see `moved`), with what each was copied from or built again like. */
  moves = new Map<BodyItem, Move>();
  /** What each block built here held (HeldEntries), for a later build of it after an edit inside it. */
  private readonly held = new WeakMap<BodyItem, HeldEntries>();
  /**
   * While a block is built again after an edit inside it: what it held as built before, and where it starts (in
   * the previous build's text, which agrees with this one before the edit). See `heldBefore`.
   */
  private within: { held: HeldEntries; start: number } | undefined;

  /**
   * Starts a build. `edits` are the changes since the text of the last build begun (empty: same text);
   * undefined when unknown (then everything is built afresh). Entries not used are dropped at `finish()`.
   */
  begin(edits: readonly EditSpan[] | undefined): void {
    this.next = new Generation();
    // A build taken up after a pause keeps the moves of the items it takes over.
    if (!this.partial) this.moves = new Map();
    if (!edits) {
      this.edits = undefined;
      this.partial = undefined;
    } else if (this.partial) {
      // The last build begun was stopped: the previous complete build is one more step behind.
      this.partialEdits = edits;
      if (this.edits && edits.length > 0) this.edits = [...this.edits, ...edits];
    } else {
      this.edits = edits;
    }
  }

  /** Ends a build; `whole`: what it made, when its tree was clean (see `undo`). */
  finish(whole?: WholeBuild): void {
    this.next.whole = whole;
    if (!this.edits) {
      this.older = new Generation();
      this.olderEdits = undefined;
    } else if (this.edits.length > 0) {
      this.older = this.previous;
      this.olderEdits = this.edits;
    }
    // A build of the same text keeps the older generation: it is still one edit step behind.
    this.previous = this.next;
    this.next = new Generation();
    this.partial = undefined;
    this.partialEdits = [];
  }

  /**
   * The build of the text before the previous one, when `text` is that text again and that build was of a
   * clean tree: a character typed and deleted, an undo. The edits would otherwise have every item on the path
   * from the root to the change built again (new objects, so every result remembered for them is missed),
   * although that path as it was is in `older`. That build becomes the previous one, whole, and the previous
   * build, one edit away, the older one: the next undo finds it. No build is begun (nothing to `finish`).
   */
  undo(edits: readonly EditSpan[], text: string): WholeBuild | undefined {
    const whole = this.older.whole;
    if (this.partial || this.olderEdits === undefined || edits.length === 0 || whole === undefined || whole.rows.text !== text) return undefined;
    [this.previous, this.older] = [this.older, this.previous];
    // From positions in this text (the older one's) back to the previous text: the edits just made.
    this.olderEdits = edits;
    this.edits = [];
    this.moves = new Map();
    return whole;
  }

  /**
   * The last complete build when its tree was clean and no build was stopped since, so that the edits of the
   * next build are from its text (`rows.text`).
   */
  get lastWhole(): WholeBuild | undefined {
    return this.partial ? undefined : this.previous.whole;
  }

  /** The build was stopped at a checkpoint (pause.ts): what it finished is kept for the next attempt. */
  pause(): void {
    this.next.dropUnfinished();
    this.depth = 0;
    this.partial = this.next;
    this.partialEdits = [];
    this.next = new Generation();
  }

  clear(): void {
    this.previous = new Generation();
    this.next = new Generation();
    this.older = new Generation();
    this.olderEdits = undefined;
    this.partial = undefined;
    this.partialEdits = [];
    this.moves = new Map();
  }

  /** The root body from a `config_file` node. */
  root(node: SyntaxNode, ctx: BuildContext): Body {
    const items: BodyItem[] = [];
    // When nothing parses, the root itself is an ERROR node.
    if (node.type === 'ERROR') this.salvage(node, ctx, items);
    else for (const child of node.children) this.collectItems(child, ctx, items);
    if (!node.hasError) checkLayout(items, undefined, ctx);
    return { items, range: node.range() };
  }

  /** Appends the body items found in `node` (a body, an item, or an ERROR holding salvageable items). */
  private collectItems(node: SyntaxNode, ctx: BuildContext, out: BodyItem[], type = node.type): void {
    switch (type) {
      case 'body':
        if (this.reuseBody(node, ctx, out)) return;
        this.collectBody(node, ctx, out);
        return;
      case 'attribute':
      case 'block':
      case 'ERROR':
        this.cached(node, type, ctx, out);
        return;
      default:
        return;
    }
  }

  /** The items of a body node, child by child; a large body is recorded for `reuseBody` next time. */
  private collectBody(node: SyntaxNode, ctx: BuildContext, out: BodyItem[]): void {
    // Taken up inside this body (resumeBody): the children it finished are not listed again.
    const paused = this.pausedBody(node);
    let children = paused ? undefined : node.children;
    const count = children ? children.length : node.childCount;
    if (count < RECORDED_BODY_CHILDREN) {
      for (const child of children ?? node.children) if (child) this.collectItems(child, ctx, out);
      return;
    }
    const start = node.start;
    const record: BodyRecord = { length: node.endIndex - node.startIndex, row: start.line, column: start.character, childCount: count, childIndex: [], entryStart: [], entryEnd: [], errored: [], items: [], noisy: [] };
    let recordable = true;
    try {
      const from = paused ? this.resumeBody(paused, record, ctx, out) : 0;
      // Taken up again: the rest listed a window at a time (a slice reaches a few thousand items of 30,000).
      let listedFrom = from;
      for (let i = from; i < count; i++) {
        if (!children || i - listedFrom >= children.length) {
          children = node.childrenFrom(i, RESUMED_WINDOW);
          listedFrom = i;
          if (children.length === 0) break;
        }
        const child = children[i - listedFrom];
        if (!child) continue;
        const type = child.type;
        if (type === 'attribute' || type === 'block') {
          if (child.hasError) record.errored.push(record.childIndex.length);
          const slot = this.next.size;
          record.childIndex.push(i);
          record.entryStart.push(slot);
          this.collectItems(child, ctx, out, type);
          record.entryEnd.push(this.next.size);
          // An attribute or block gives one item (its entry's `first`), the last one out.
          record.items.push(out[out.length - 1]);
          if (this.next.entry(slot).problems) record.noisy.push(record.items.length - 1);
        } else {
          // ERROR salvage may yield several items or none: such a body is not recorded.
          if (type === 'ERROR') recordable = false;
          this.collectItems(child, ctx, out, type);
        }
      }
    } catch (error) {
      if (recordable && isPaused(error)) (this.next.pausedBodies ??= new Map()).set(node.startIndex, finishedPart(record));
      throw error;
    }
    if (recordable) this.next.bodies.set(node.startIndex, record);
  }

  /** The record of what the last attempt finished inside this body, when it stopped there on the same text. */
  private pausedBody(node: SyntaxNode): BodyRecord | undefined {
    const partial = this.partial;
    if (!partial || this.partialEdits.length > 0) return undefined;
    return partial.pausedBodies?.get(node.startIndex);
  }

  /**
   * Where the last attempt stopped inside this body (a build stopped at a checkpoint, pause.ts, on the same
   * text): its finished direct items are taken over without asking the tree about each child, and appended
   * to `record` and `out`; the index of the first child still to build (0: none taken over). Without this
   * each attempt found the finished items again child by child, so a body of 30,000 attributes, built in a
   * few hundred slices, cost each slice more than the last: seconds in all.
   *
   * Each item keeps only its own entry, as an item taken over by `reuse` or `reuseBody` does: not the entries
   * of what it holds (see `reuseBody`).
   */
  private resumeBody(paused: BodyRecord, record: BodyRecord, ctx: BuildContext, out: BodyItem[]): number {
    const partial = this.partial;
    const count = paused.items.length;
    if (!partial || count === 0 || paused.length !== record.length || paused.childCount !== record.childCount) return 0;
    const next = this.next;
    const base = next.size;
    // The text is the same: each item starts where it did.
    partial.copyAll(paused.entryStart, next, out, ctx.problems);
    // The stopped build's record is read no more (its generation serves this build alone): its lists become
    // this record's, their entries renumbered to where they now are, one each.
    const { entryStart, entryEnd } = paused;
    for (let k = 0; k < count; k++) {
      entryStart[k] = base + k;
      entryEnd[k] = base + k + 1;
    }
    record.childIndex = paused.childIndex;
    record.entryStart = entryStart;
    record.entryEnd = entryEnd;
    record.items = paused.items;
    record.errored = paused.errored;
    record.noisy = paused.noisy;
    return paused.childIndex[count - 1] + 1;
  }

  /**
   * A large body whose one direct item holds the whole edit: that item is rebuilt (through the cache, so only
   * its edited path is new), the others are taken from the previous build. Safe only when the tree around it
   * is provably the same: the body's extent, its number of children, and that item's extent and type all
   * match the old ones moved by the edit, and the edit moved no line (the items after keep their rows). A
   * change that spread past the item (an unclosed heredoc swallowing what follows) alters the item's extent
   * or the child count, and the body is then walked child by child.
   *
   * The others keep only their own entries, not those of what they hold. Those serve only an edit inside the
   * item (its untouched parts are then found); kept, every group an edit had touched once was copied whole
   * at every later keystroke: over 700 random edits of a 1 MB job, 35,000 entries per keystroke on average
   * and growing (1.7 ms, hundreds of KB), now 1,700, one per group (0.15 ms). The rebuilt item keeps all of
   * its own, so typing on in one group still finds its parts; going back to a group edited earlier builds
   * it again from the tree once, a few hundred µs.
   */
  private reuseBody(node: SyntaxNode, ctx: BuildContext, out: BodyItem[]): boolean {
    const edits = this.edits;
    if (!edits || edits.length !== 1 || !edits[0].sameLine) return false;
    const edit = edits[0];
    const start = node.startIndex;
    if (start >= edit.start) return false;
    const previous = this.previous;
    const record = previous.bodies.get(start);
    if (!record) return false;
    const delta = edit.newEnd - edit.oldEnd;
    if (node.endIndex - start !== record.length + delta) return false;
    const { line: row, character: column } = node.start;
    if (row !== record.row || column !== record.column || node.childCount !== record.childCount) return false;
    // The direct item holding the edit, strictly inside (an edit at its edge may join it to a neighbour).
    const count = record.entryStart.length;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (previous.start(record.entryStart[mid]) < edit.start) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    if (k < 0) return false;
    const entry = record.entryStart[k];
    const itemStart = previous.start(entry);
    const itemEnd = itemStart + previous.entry(entry).length;
    if (!(itemStart < edit.start && edit.oldEnd < itemEnd)) return false;
    const child = node.childAt(record.childIndex[k]);
    if (!child || child.startIndex !== itemStart || child.endIndex !== itemEnd + delta) return false;
    const childType = child.type;
    if (cacheType(child, childType) !== previous.entry(entry).type) return false;
    // The copied items must be as a parse of the new tree would make them: no error may have appeared or
    // gone anywhere but in the rebuilt item (error recovery can re-read untouched text differently).
    if (record.errored.some((i) => i !== k) || (node.hasError && !child.hasError)) return false;
    // The next item must start on a later line: one on the edited line would have moved sideways.
    if (k + 1 < count && previous.entry(record.entryStart[k + 1]).row === child.end.line) return false;

    const next = this.next;
    const rebuilt: BodyRecord = { ...record, length: record.length + delta, entryStart: [], entryEnd: [], items: record.items.slice(0, k), noisy: [] };
    const base = next.size;
    previous.copyOwn(record.entryStart, 0, k, 0, next);
    for (let i = 0; i < k; i++) {
      out.push(record.items[i]);
      rebuilt.entryStart.push(base + i);
      rebuilt.entryEnd.push(base + i + 1);
    }
    for (const i of record.noisy) if (i < k) this.noisy(previous, record, i, rebuilt, ctx);
    const slot = next.size;
    rebuilt.entryStart.push(slot);
    this.collectItems(child, ctx, out, childType);
    rebuilt.entryEnd.push(next.size);
    rebuilt.items.push(out[out.length - 1]);
    if (next.entry(slot).problems) rebuilt.noisy.push(k);
    rebuilt.errored = child.hasError ? [k] : [];
    if (k + 1 < count) {
      const tail = next.size - (k + 1);
      previous.copyOwn(record.entryStart, k + 1, count, delta, next);
      for (let i = k + 1; i < count; i++) {
        out.push(record.items[i]);
        rebuilt.items.push(record.items[i]);
        rebuilt.entryStart.push(tail + i);
        rebuilt.entryEnd.push(tail + i + 1);
      }
      for (const i of record.noisy) if (i > k) this.noisy(previous, record, i, rebuilt, ctx);
    }
    next.bodies.set(start, rebuilt);
    return true;
  }

  /** The problems of direct item `i` of a body copied by `reuseBody`, kept in the rebuilt record too. */
  private noisy(previous: Generation, record: BodyRecord, i: number, rebuilt: BodyRecord, ctx: BuildContext): void {
    for (const problem of previous.entry(record.entryStart[i]).problems!) ctx.problems.push(problem);
    rebuilt.noisy.push(i);
  }

  /**
   * Keeps what can be understood inside an ERROR node, so a half-typed file still has a model. When
   * tree-sitter gives up on a region it leaves a flat run of tokens; blocks are rebuilt from
   * `name labels... {` and `}` tokens, attributes from `name = expression`.
   */
  private salvage(node: SyntaxNode, ctx: BuildContext, out: BodyItem[]): void {
    if (this.depth >= MAX_BLOCK_DEPTH) return;
    interface Frame {
      items: BodyItem[];
      typeNode?: SyntaxNode;
      labelNodes?: readonly SyntaxNode[];
      open?: SyntaxNode;
    }
    const stack: Frame[] = [{ items: out }];
    const children = node.children;
    const close = (frame: Frame, closeNode: SyntaxNode | undefined): void => {
      const parent = stack[stack.length - 1];
      const last = frame.items[frame.items.length - 1];
      const end = closeNode ? closeNode.end : last ? last.range.end : frame.open!.end;
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
          nameRange: child.range(),
          value,
          range: rangeBetween(child.start, value.range.end),
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

  /**
   * The items built from `node` (an attribute, a block, or the items salvaged from an ERROR), reused from
   * the two previous builds when the edits did not touch it.
   */
  private cached(node: SyntaxNode, type: string, ctx: BuildContext, out: BodyItem[]): void {
    const startIndex = node.startIndex;
    const length = node.endIndex - startIndex;
    // Made once: the cache key's row and column, and then the start of the item's range.
    const start = node.start;
    const row = start.line;
    const column = start.character;
    const key = cacheType(node, type);
    const reused = this.reuse(startIndex, length, row, column, key, ctx, out);
    if (reused === true) return;
    // An item too large to copy that only moved: built again below, and recorded as moved.
    const move = reused === false ? undefined : reused;
    // Only before an item is begun: the items finished so far are in `next` for the next attempt.
    checkpoint();
    const slot = this.next.reserve(startIndex, length, row, column, key);
    // The item's problems are those added to `ctx` while it is built (its nested items' included), kept
    // with its entry; no list of its own per item.
    const from = ctx.problems.length;
    const around = this.within;
    try {
      if (type === 'ERROR') {
        const items: BodyItem[] = [];
        this.salvage(node, ctx, items);
        this.next.fill(slot, items, problemsFrom(ctx, from));
        for (const item of items) out.push(item);
      } else if (type === 'attribute') {
        const item = this.attribute(node, start, ctx);
        this.next.fillOne(slot, item, problemsFrom(ctx, from));
        if (move) this.moves.set(item, move);
        out.push(item);
      } else {
        this.within = this.heldBefore(startIndex, length, row, column, key) ?? around;
        const item = this.block(node, start, ctx);
        this.next.fillOne(slot, item, problemsFrom(ctx, from));
        if (move) this.moves.set(item, move);
        out.push(item);
        const held = this.next.size - slot - 1;
        if (held > 0 && held <= HELD_MAX) this.held.set(item, this.next.held(slot + 1, this.next.size, startIndex));
      }
    } catch (error) {
      // An item given up (a pause) leaves no problems behind, as a finished one's are its entry's.
      ctx.problems.length = from;
      throw error;
    } finally {
      this.within = around;
    }
    // Progress only if the next attempt can take it over: an item holding an error is rebuilt every time.
    if (!key.endsWith('!')) progress();
  }

  /**
   * Appends the items of an earlier build for this range and type to `out` when no edit touched its text
   * since then (true); false when there are none, or the move of an item too large to copy (see `moved`).
   */
  private reuse(startIndex: number, length: number, row: number, column: number, type: string, ctx: BuildContext, out: BodyItem[]): boolean | Move {
    if (type.endsWith('!')) return false;
    if (this.partial) {
      const at = mapBack(this.partialEdits, startIndex, startIndex + length);
      const i = at === undefined ? -1 : this.partial.find(at, length, row, column, type);
      if (i >= 0) {
        this.partial.copy(i, startIndex, this.next, out, ctx.problems);
        return true;
      }
    }
    if (!this.edits) return false;
    const old = mapBack(this.edits, startIndex, startIndex + length);
    if (old === undefined) return false;
    const i = this.previous.find(old, length, row, column, type);
    if (i >= 0) {
      this.previous.copy(i, startIndex, this.next, out, ctx.problems);
      return true;
    }
    const older = this.olderEdits && mapBack(this.olderEdits, old, old + length);
    if (older !== undefined) {
      const j = this.older.find(older, length, row, column, type);
      if (j >= 0) {
        this.older.copy(j, startIndex, this.next, out, ctx.problems);
        return true;
      }
    }
    // Inside a block built again after an edit inside it: its items the edit left alone, as it held them.
    const within = this.within;
    if (within) {
      const k = within.held.find(old - within.start, length, row, column, type);
      if (k >= 0) {
        this.next.take(startIndex, within.held.entries[k], out, ctx.problems);
        return true;
      }
    }
    // Not at this row in either: on another one, first in the previous build, else in the one before (an
    // item the previous build took over whole keeps only its own entry, not those of its items).
    const moved = this.moved(this.previous, old, startIndex, length, row, column, type, out);
    if (moved !== false || older === undefined) return moved;
    return this.moved(this.older, older, startIndex, length, row, column, type, out);
  }

  /**
   * What the block at `start` held as the previous build had it, when one edit inside it is all that changed
   * it. A block the previous build took over whole keeps only its own entry there, not those of what it holds
   * (see `reuseBody`, and `resumeBody` and `reuse` for a build taken up after a pause: a document's first
   * build, sliced, leaves only that of every block finished before a slice ended, and every undo goes back to
   * it). Without this, the first keystroke in such a block built it again from the tree, every block and
   * attribute in it new, here and in every memo of the checks and the reference index. With it, the items the
   * edit left alone are found in what the block held (see `reuse`), the same objects.
   */
  private heldBefore(start: number, length: number, row: number, column: number, key: string): { held: HeldEntries; start: number } | undefined {
    const edits = this.edits;
    if (!edits || edits.length !== 1 || this.partial) return undefined;
    const edit = edits[0];
    // Strictly inside: the texts before and after agree up to the edit, so the block starts where it did.
    if (!(start < edit.start && edit.newEnd < start + length)) return undefined;
    const oldLength = length - (edit.newEnd - edit.oldEnd);
    // The block as it was may or may not have held a syntax error (cacheType).
    const bare = key.endsWith('!') ? key.slice(0, -1) : key;
    const around = this.within;
    for (const type of [bare, `${bare}!`]) {
      const i = this.previous.find(start, oldLength, row, column, type);
      const held = i >= 0 ? this.heldOf(this.previous.entry(i).first) : undefined;
      if (held) return { held, start };
      // A block inside one being built again: as that one held it.
      const k = around ? around.held.find(start - around.start, oldLength, row, column, type) : -1;
      const inner = k >= 0 ? this.heldOf(around!.held.entries[k].first) : undefined;
      if (inner) return { held: inner, start };
    }
    return undefined;
  }

  private heldOf(item: BodyItem | undefined): HeldEntries | undefined {
    return item ? this.held.get(item) : undefined;
  }

  /**
   * An item of `from` at `at` (now at `startIndex`) with the same text and column but on another row (line
   * breaks were added or removed above it: Enter, a pasted or deleted line), moved to `row` rather than
   * built again. Items larger than MOVED_ITEM_LENGTH are built, their own items moved one by one: a copy is
   * not stopped at checkpoints, and a whole job in one copy would hold the thread past a slice: for those
   * the move is given back, and `cached` records it once the item is built.
   */
  private moved(from: Generation, at: number, startIndex: number, length: number, row: number, column: number, type: string, out: BodyItem[]): boolean | Move {
    const i = from.find(at, length, undefined, column, type);
    if (i < 0) return false;
    if (length > MOVED_ITEM_LENGTH) {
      const entry = from.entry(i);
      return { from: entry.first!, rows: row - entry.row };
    }
    checkpoint();
    from.move(i, startIndex, row, this.next, out, this.moves);
    progress();
    return true;
  }

  /** `start`: the node's start, made by the caller for this item alone. */
  private attribute(node: SyntaxNode, start: Position, ctx: BuildContext): Attribute {
    const children = node.children;
    const name = children.find((c) => c.type === 'identifier');
    const valueNode = children.find((c) => c.type === 'expression');
    const eq = children.find((c) => c.type === '=') ?? name ?? node;
    return {
      kind: 'attribute',
      name: name ? own(ctx.text.slice(name.startIndex, name.endIndex)) : '',
      nameRange: name ? name.range() : node.range(),
      value: buildExpr(valueNode, ctx, eq),
      range: rangeBetween(start, node.end),
    };
  }

  private block(node: SyntaxNode, start: Position, ctx: BuildContext): Block {
    const children = node.children;
    const typeNode = children[0];
    const labelNodes: SyntaxNode[] = [];
    let open: SyntaxNode | undefined;
    let closeNode: SyntaxNode | undefined;
    const items: BodyItem[] = [];
    const tooDeep = this.depth >= MAX_BLOCK_DEPTH;
    this.depth++;
    try {
      for (let i = 1; i < children.length; i++) {
        const child = children[i];
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
    const block = this.makeBlock(typeNode ?? node, labelNodes, open, closeNode, fitted(items), node, node.end, ctx, start);
    if (!node.hasError) checkLayout(items, block, ctx);
    return block;
  }

  private makeBlock(typeNode: SyntaxNode, labelNodes: readonly SyntaxNode[], open: SyntaxNode | undefined, closeNode: SyntaxNode | undefined, items: BodyItem[], node: SyntaxNode | undefined, end: Position, ctx: BuildContext, start?: Position): Block {
    // A brace is missing itself or as the first child of its node; only a node holding an error can hold that.
    const present = (n: SyntaxNode | undefined): n is SyntaxNode => !!n && !n.isMissing && !(n.hasError && n.firstChild?.isMissing) && n.endIndex > n.startIndex;
    const openBrace = present(open) ? open.range() : undefined;
    const closeBrace = present(closeNode) ? closeNode.range() : undefined;
    const range: Range = rangeBetween(start ?? (node ?? typeNode).start, end);
    const body: Body = { items, range: rangeBetween(openBrace?.end ?? range.start, closeBrace?.start ?? range.end) };
    const type = typeNode.type === 'identifier' ? own(ctx.text.slice(typeNode.startIndex, typeNode.endIndex)) : '';
    const labels = labelNodes.map((l) => this.label(l, ctx));
    const block: Block = { kind: 'block', type, typeRange: typeNode.range(), labels, body, range };
    if (openBrace) block.openBrace = openBrace;
    if (closeBrace) block.closeBrace = closeBrace;
    if (type === 'dynamic' && labels[0]) {
      const content = items.find((i): i is Block => i.kind === 'block' && i.type === 'content');
      block.dynamic = { blockType: labels[0].value, ...(content ? { content: content.body } : {}) };
    }
    return block;
  }

  private label(node: SyntaxNode, ctx: BuildContext): Label {
    const range = node.range();
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

/** The problems added to `ctx` since it held `from` (undefined: none, the common case). */
function problemsFrom(ctx: BuildContext, from: number): SyntaxProblem[] | undefined {
  return ctx.problems.length > from ? ctx.problems.slice(from) : undefined;
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
