// A text and its syntax tree, kept in step under incremental edits. Each LSP content change is applied to
// the text and to the tree (`tree.edit`); the next `tree()` reparses once with the edited old tree and
// deletes it. Offsets and columns are UTF-16 code units, the unit of both LSP and web-tree-sitter.
// tree-sitter reads the text with each lone `\r` made a line end it counts (lineEnds.treeText), so the tree's
// rows are the document's LSP lines and no feature maps positions; the text itself is left as written.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Edit, Point, Tree } from 'web-tree-sitter';
import type { Position, Range } from 'vscode-languageserver-types';
import type { HclParser, ParseState } from './parser';
import type { EditSpan } from '../model/body';
import { changedSpan, countLoneCarriageReturns, pointAt, rowsAround, spanUnion, treeText, treeTextOfRows } from './lineEnds';

export interface TextChange {
  /** Absent: the whole text is replaced. */
  range?: Range;
  text: string;
}

function toPoint(position: Position): Point {
  return { row: position.line, column: position.character };
}

/** A `\r\n` has one character on each side of `offset`. */
function splitsLineEnd(text: string, offset: number): boolean {
  return text.charCodeAt(offset - 1) === 13 && text.charCodeAt(offset) === 10;
}

/** An old tree of a text this long is given up when a parse reuses nothing of it (SyntaxDocument.advance). */
const REUSE_WATCHED_SIZE = 256 * 1024;

/**
 * Progress reports past the changed text after which a parse is taken to reuse nothing: tree-sitter reports
 * every few hundred steps, about 18 times per KB it reads afresh; a parse that reuses the rest of a 1 MB job
 * reports about 120 times in all.
 */
const REUSE_LOST_REPORTS = 1000;

/** Where `offset` of the text before the edit `span` is after it (inside the replaced text: its end). */
function movedBy(offset: number, span: EditSpan): number {
  if (offset < 0 || offset <= span.start) return offset;
  if (offset >= span.oldEnd) return offset + span.newEnd - span.oldEnd;
  return span.newEnd;
}

export class SyntaxDocument {
  private document: TextDocument;
  /** The text tree-sitter reads: `text` with its lone `\r` made `\n` (lineEnds.treeText). */
  private source: string;
  /** How many lone `\r` the text holds: while none, `source` is the text itself and costs nothing. */
  private loneCrs: number;
  private current: Tree | undefined;
  /** The tree has edits applied that the next parse must take into account. */
  private stale = true;
  /** Counts parses; features may use it to tell whether the tree changed since they last looked. */
  generation = 0;
  /** Changes since the last `takeEdits()`; undefined after a full replacement. */
  private pendingEdits: EditSpan[] | undefined = [];
  /** A parse of the current text was stopped by `advance` before it finished; the parser holds its state. */
  private stopped = false;
  /**
   * Where the text changed since the last parse ends (an offset of the current text; -1: no change yet). Past
   * it, an incremental parse reuses the old tree's subtrees, unless the change altered how the rest reads.
   */
  private changedTo = -1;
  /** Progress reports of the parse under way that came from past `changedTo` (see `advance`). */
  private reportsPastChange = 0;
  /**
   * Told each edit as given to the tree (of the text tree-sitter reads), whether a tree is kept or not;
   * undefined: the whole text was replaced. Another tree of a text with the same line ends follows with it
   * (syntaxRepair.ts).
   */
  onTreeEdit: ((edit: Edit | undefined) => void) | undefined;

  constructor(
    private readonly parser: HclParser,
    readonly uri: string,
    text: string,
    version = 0,
  ) {
    this.document = TextDocument.create(uri, 'nomad', version, text);
    this.loneCrs = countLoneCarriageReturns(text, 0, text.length);
    this.source = treeText(text);
  }

  get text(): string {
    return this.document.getText();
  }

  get version(): number {
    return this.document.version;
  }

  get textDocument(): TextDocument {
    return this.document;
  }

  /** Applies LSP content changes in order (each range refers to the text after the previous change). */
  applyChanges(changes: readonly TextChange[], version: number): void {
    // A parse stopped half-way was of the old text: start the next one afresh.
    this.forgetStoppedParse();
    for (const change of changes) {
      if (!change.range) {
        this.document = TextDocument.create(this.uri, 'nomad', version, change.text);
        this.loneCrs = countLoneCarriageReturns(change.text, 0, change.text.length);
        this.source = treeText(change.text);
        this.dropTree();
        this.pendingEdits = undefined;
        this.onTreeEdit?.(undefined);
        continue;
      }
      const doc = this.document;
      const before = doc.getText();
      const oldSource = this.source;
      const startIndex = doc.offsetAt(change.range.start);
      const oldEndIndex = Math.max(startIndex, doc.offsetAt(change.range.end));
      // Where the change ended in the text before it, taken now: TextDocument.update changes `doc` in place,
      // and a point of the old text asked of it afterwards is one of the new text (a deleted line break then
      // looked like no line break at all, to tree.edit and to `sameLine`).
      const oldEnd = doc.positionAt(oldEndIndex);
      const changeOldEnd = toPoint(oldEnd);
      const normalised = { range: { start: doc.positionAt(startIndex), end: oldEnd }, text: change.text };
      let next = TextDocument.update(doc, [normalised], version);
      const after = next.getText();
      const newEndIndex = startIndex + change.text.length;
      // TextDocument.update counts the line ends of the inserted text alone: a `\r\n` joined or split at an
      // edge of the change (a `\n` typed after a lone `\r`, the `\n` of a `\r\n` deleted) leaves its lines wrong.
      if (splitsLineEnd(before, startIndex) || splitsLineEnd(before, oldEndIndex) || splitsLineEnd(after, startIndex) || splitsLineEnd(after, newEndIndex)) {
        next = TextDocument.create(this.uri, 'nomad', version, after);
      }
      this.document = next;
      // Whether a `\r` is lone depends on the character after it: the one before the change may have changed.
      const from = Math.max(0, startIndex - 1);
      const hadLoneCrs = this.loneCrs > 0;
      this.loneCrs += countLoneCarriageReturns(after, from, newEndIndex) - countLoneCarriageReturns(before, from, oldEndIndex);
      let span: EditSpan = { start: startIndex, oldEnd: oldEndIndex, newEnd: newEndIndex };
      if (hadLoneCrs || this.loneCrs > 0) {
        // The text tree-sitter reads changes within the rows the change touches (lineEnds.rowsAround): a `\r`
        // that became or stopped being lone next to it, a comment's `#`. Those are edits of that text too.
        const { from, to } = rowsAround(after, startIndex, newEndIndex);
        const oldTo = to - newEndIndex + oldEndIndex;
        const rows = treeTextOfRows(after, from, to);
        const changed = changedSpan(this.source.slice(from, oldTo), rows);
        span = spanUnion(span, { start: from + changed.start, oldEnd: from + changed.oldEnd, newEnd: from + changed.newEnd });
        this.source = this.loneCrs > 0 ? this.source.slice(0, from) + rows + this.source.slice(oldTo) : after;
      } else {
        this.source = after;
      }
      // Rows of the text tree-sitter reads are LSP lines: the documents' positions are its points. The texts
      // before and after agree up to the span's start; its old end is counted on from the change's (the span
      // reaches past the change only over rows of the text tree-sitter read before, `oldSource`).
      const startPosition = toPoint(next.positionAt(span.start));
      const oldEndPosition = span.oldEnd === oldEndIndex ? changeOldEnd : pointAt(oldSource, span.oldEnd, oldEndIndex, changeOldEnd);
      const newEndPosition = toPoint(next.positionAt(span.newEnd));
      const edit: Edit = { startIndex: span.start, oldEndIndex: span.oldEnd, newEndIndex: span.newEnd, startPosition, oldEndPosition, newEndPosition };
      if (this.current) {
        this.current.edit(edit);
        this.changedTo = Math.max(span.newEnd, movedBy(this.changedTo, span));
      }
      this.onTreeEdit?.(edit);
      const sameLine = oldEndPosition.row === startPosition.row && newEndPosition.row === startPosition.row;
      this.pendingEdits?.push(sameLine ? { ...span, sameLine } : span);
      this.stale = true;
    }
    // TextDocument.update keeps the old version when given the same; set it explicitly.
    if (this.document.version !== version) {
      this.document = TextDocument.update(this.document, [], version);
    }
  }

  /** The tree for the current text, reparsing (incrementally when possible) if the text changed. */
  tree(): Tree {
    if (!this.current || this.stale) {
      this.forgetStoppedParse();
      const old = this.current;
      this.current = this.parser.parse(this.source, old);
      old?.delete();
      this.stale = false;
      this.changedTo = -1;
      this.generation++;
    }
    return this.current;
  }

  /**
   * As `tree()`, but parses only until `stop()` returns true (it is asked every few hundred parser steps);
   * undefined when stopped before the end. The next call goes on where this one stopped, unless the text
   * changed in between.
   */
  advance(stop: () => boolean): Tree | undefined {
    if (this.current && !this.stale) return this.current;
    if (!this.stopped) this.reportsPastChange = 0;
    let lostReuse = false;
    const old = this.current;
    const watchReuse = old !== undefined && this.source.length >= REUSE_WATCHED_SIZE;
    const progress = (state: ParseState): boolean => {
      if (watchReuse && this.reusesNothing(state)) {
        lostReuse = true;
        return true;
      }
      return stop();
    };
    let tree = this.parser.parseUntil(this.source, old, progress);
    if (lostReuse) {
      // The new tree would share almost nothing with the old one, and both would be held until the parse
      // ends: twice a large tree's memory, which wasm never gives back. The text is parsed afresh instead.
      this.parser.reset();
      this.dropTree();
      tree = this.parser.parseUntil(this.source, undefined, stop);
    }
    if (!tree) {
      this.stopped = true;
      return undefined;
    }
    this.stopped = false;
    this.current = tree;
    if (!lostReuse) old?.delete();
    this.stale = false;
    this.changedTo = -1;
    this.generation++;
    return tree;
  }

  /**
   * Whether the incremental parse under way has read so far past the changed text, a little at a time, that
   * the change has altered how the rest of the text reads (a heredoc's opener, `/*`): tree-sitter then
   * reuses none of the old tree after it. Reusing a subtree is one step, however large.
   */
  private reusesNothing(state: ParseState): boolean {
    // Offsets are bytes of UTF-16.
    const at = state.currentOffset / 2;
    if (this.changedTo < 0 || at <= this.changedTo) return false;
    this.reportsPastChange++;
    return this.reportsPastChange > REUSE_LOST_REPORTS && this.source.length - at > this.source.length / 4;
  }

  /** The current tree if it is parsed from the current text (no parse is started). */
  parsedTree(): Tree | undefined {
    return this.current && !this.stale ? this.current : undefined;
  }

  /**
   * Frees the tree and any stopped parse (a file too large or too slow to parse keeps no tree); the next
   * parse starts from nothing and `takeEdits()` then says the text was replaced.
   */
  forgetTree(): void {
    this.forgetStoppedParse();
    this.dropTree();
    this.pendingEdits = undefined;
  }

  private forgetStoppedParse(): void {
    if (!this.stopped) return;
    this.parser.reset();
    this.stopped = false;
  }

  /**
   * The changes since the previous call (in order), for the model cache; undefined when the text was
   * replaced as a whole since then. Starts a new record.
   */
  takeEdits(): EditSpan[] | undefined {
    const edits = this.pendingEdits;
    this.pendingEdits = [];
    return edits;
  }

  /** Frees the tree (web-tree-sitter memory is not garbage collected). */
  dispose(): void {
    this.forgetStoppedParse();
    this.dropTree();
  }

  private dropTree(): void {
    this.current?.delete();
    this.current = undefined;
    this.stale = true;
  }
}
