// A text and its syntax tree, kept in step under incremental edits. Each LSP content change is applied to
// the text and to the tree (`tree.edit`); the next `tree()` reparses once with the edited old tree and
// deletes it. Offsets and columns are UTF-16 code units, the unit of both LSP and web-tree-sitter.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Point, Tree } from 'web-tree-sitter';
import type { Position, Range } from 'vscode-languageserver-types';
import type { HclParser } from './parser';
import type { EditSpan } from '../model/body';

export interface TextChange {
  /** Absent: the whole text is replaced. */
  range?: Range;
  text: string;
}

function toPoint(position: Position): Point {
  return { row: position.line, column: position.character };
}

export class SyntaxDocument {
  private document: TextDocument;
  private current: Tree | undefined;
  /** The tree has edits applied that the next parse must take into account. */
  private stale = true;
  /** Counts parses; features may use it to tell whether the tree changed since they last looked. */
  generation = 0;
  /** Changes since the last `takeEdits()`; undefined after a full replacement. */
  private pendingEdits: EditSpan[] | undefined = [];
  /** A parse of the current text was stopped by `advance` before it finished; the parser holds its state. */
  private stopped = false;

  constructor(
    private readonly parser: HclParser,
    readonly uri: string,
    text: string,
    version = 0,
  ) {
    this.document = TextDocument.create(uri, 'nomad', version, text);
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
        this.dropTree();
        this.pendingEdits = undefined;
        continue;
      }
      const doc = this.document;
      const startIndex = doc.offsetAt(change.range.start);
      const oldEndIndex = Math.max(startIndex, doc.offsetAt(change.range.end));
      const startPosition = toPoint(doc.positionAt(startIndex));
      const oldEndPosition = toPoint(doc.positionAt(oldEndIndex));
      const normalised = { range: { start: doc.positionAt(startIndex), end: doc.positionAt(oldEndIndex) }, text: change.text };
      this.document = TextDocument.update(doc, [normalised], version);
      const newEndIndex = startIndex + change.text.length;
      const newEndPosition = toPoint(this.document.positionAt(newEndIndex));
      if (this.current) {
        this.current.edit({ startIndex, oldEndIndex, newEndIndex, startPosition, oldEndPosition, newEndPosition });
      }
      const sameLine = oldEndPosition.row === startPosition.row && newEndPosition.row === startPosition.row;
      this.pendingEdits?.push({ start: startIndex, oldEnd: oldEndIndex, newEnd: newEndIndex, ...(sameLine ? { sameLine } : {}) });
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
      this.current = this.parser.parse(this.text, old);
      old?.delete();
      this.stale = false;
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
    const old = this.current;
    const tree = this.parser.parseUntil(this.text, old, stop);
    if (!tree) {
      this.stopped = true;
      return undefined;
    }
    this.stopped = false;
    this.current = tree;
    old?.delete();
    this.stale = false;
    this.generation++;
    return tree;
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
