// A syntax error must not take the rest of the file down with it. tree-sitter's error recovery can read
// everything after one broken line as something else (`count = = 1` becomes a heredoc that swallows every
// later group), so the model of an erroneous text would lose the blocks whose text is intact. HCL's own
// parser (mirrored by parser/hclVerdict) skips just the body item that holds a mistake; we do the same by
// blanking those items (spaces in place of their characters, line ends kept, so every offset and position
// stays valid) and building the model from that text when it parses cleanly.
//
// While typing, most states of a file have a mistake somewhere, so the blanked text is kept per document
// with its own tree and model cache, kept in step with the document's edits and brought up to date
// incrementally when a model is asked for.
import type { Edit, Point, Tree } from 'web-tree-sitter';
import { ModelBuilder, type EditSpan } from './model/build';
import { unpaused } from './pause';
import type { JobFile } from './model/types';
import type { HclParser } from './parser/parser';
import type { SyntaxIssue } from './parser/hclVerdict';
import { pointAt, treeText } from './parser/lineEnds';

/** The body items holding a mistake, as spans of the text (sorted, merged), or undefined when some mistake is not confined to an item. */
function brokenItems(issues: readonly SyntaxIssue[]): Span[] | undefined {
  const spans: Span[] = [];
  for (const issue of issues) {
    if (issue.kind !== 'syntax') continue;
    if (issue.itemFrom === undefined || issue.skippedTo === undefined) return undefined;
    if (issue.skippedTo > issue.itemFrom) spans.push({ from: issue.itemFrom, to: issue.skippedTo });
  }
  return spans.length === 0 ? undefined : merged(spans);
}

/** Spans sorted by start, overlapping or touching ones joined. */
function merged(spans: Span[]): Span[] {
  spans.sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && span.from <= last.to) last.to = Math.max(last.to, span.to);
    else out.push({ ...span });
  }
  return out;
}

/** `text` with the characters of `spans` (sorted, disjoint) made spaces, line ends kept. */
function blanked(text: string, spans: readonly Span[]): string {
  let out = '';
  let at = 0;
  for (const { from, to } of spans) {
    out += text.slice(at, from) + text.slice(from, to).replace(/[^\r\n]/g, ' ');
    at = to;
  }
  return out + text.slice(at);
}

/** Where the span `[from, to)` of the text before `edit` is after it: grown to cover the edit where they meet. */
function spanAfter(span: Span, edit: Edit): Span {
  const delta = edit.newEndIndex - edit.oldEndIndex;
  if (span.to < edit.startIndex) return span;
  if (span.from > edit.oldEndIndex) return { from: span.from + delta, to: span.to + delta };
  return { from: Math.min(span.from, edit.startIndex), to: Math.max(span.to >= edit.oldEndIndex ? span.to + delta : edit.newEndIndex, edit.newEndIndex) };
}

interface Span {
  from: number;
  to: number;
}

/**
 * The blanked text of one document, its tree and its model cache. Once made, it follows every edit of the
 * document (`follow`): the edits are composed into the few regions they changed, and the spans blanked move
 * with them. When a model is asked for (`model`), what changed since the last one is those regions, the spans
 * blanked then and the spans blanked now: the tree is edited there, and the parse and the build go over those
 * alone. The blanked texts of two mistakes far apart (one in the third group, fixed; one in the twentieth,
 * now) used to be told apart by their common start and end, so everything in between was parsed and built
 * again: 5 to 40 ms on a 1,000-line job, the slowest keystrokes there.
 */
export class RepairedModels {
  private tree: Tree | undefined;
  /** The text `tree` was parsed from (as tree-sitter reads it). */
  private source = '';
  /** The spans blanked in that text, moved along by the edits since (sorted, disjoint). */
  private spans: Span[] = [];
  /** The changes from that text (and the text of the last build) to the current one. */
  private pending = new ComposedEdits();
  private built = false;
  private readonly builder = new ModelBuilder();

  constructor(private readonly parser: HclParser) {}

  /**
   * An edit of the document's text, as given to the document's own tree (the text tree-sitter reads: the
   * blanked text has the same line ends at the same offsets); undefined: the whole text was replaced.
   */
  follow(edit: Edit | undefined): void {
    if (!this.tree) return;
    if (!edit) {
      this.dispose();
      return;
    }
    this.spans = merged(this.spans.map((span) => spanAfter(span, edit)));
    this.pending.add(edit.startIndex, edit.oldEndIndex, edit.newEndIndex);
  }

  /**
   * The model of `text` with its broken items left out, when that text parses without error. The first one
   * parses the blanked text afresh: an incremental parse from the document's own tree, which holds the
   * mistakes, can cost tree-sitter's error recovery seconds (thousands of stray brackets).
   */
  model(text: string, issues: readonly SyntaxIssue[] | undefined): JobFile | undefined {
    return unpaused(() => this.modelNow(text, issues));
  }

  private modelNow(text: string, issues: readonly SyntaxIssue[] | undefined): JobFile | undefined {
    const spans = issues ? brokenItems(issues) : undefined;
    if (spans === undefined) return undefined;
    const repaired = blanked(text, spans);
    const source = treeText(repaired);
    if (this.tree) {
      // Blanking keeps every line end where it was: each span changed is an edit in place.
      for (const { from, to } of changedSpans(this.spans, spans)) this.pending.add(from, to, to);
      this.editTree(this.tree, source);
    }
    const tree = this.parser.parse(source, this.tree);
    this.tree?.delete();
    this.tree = tree;
    this.source = source;
    this.spans = spans;
    // The cache follows the blanked text whatever the outcome, so the next build may reuse it.
    const result = this.builder.build(tree, repaired, this.built ? this.pending.edits() : undefined);
    this.built = true;
    this.pending = new ComposedEdits();
    return tree.rootNode.hasError ? undefined : result.file;
  }

  /**
   * Edits `tree` (of `this.source`) to `source` by the pending regions, the last first: the text before each
   * region is then still the old one, where its start and old end are counted; its new end is counted on
   * over what the region holds now.
   */
  private editTree(tree: Tree, source: string): void {
    const old = this.source;
    const regions = this.pending.regions();
    // Counted in one pass from the text's start (the regions come last first).
    const starts: Point[] = [];
    const oldEnds: Point[] = [];
    let at = 0;
    let point: Point = { row: 0, column: 0 };
    for (let i = regions.length - 1; i >= 0; i--) {
      const { start, oldEnd } = regions[i];
      starts[i] = point = pointAt(old, start, at, point);
      oldEnds[i] = point = pointAt(old, oldEnd, start, point);
      at = oldEnd;
    }
    for (let i = 0; i < regions.length; i++) {
      const { start, oldEnd, newEnd, at: now } = regions[i];
      const startPosition = starts[i];
      // Counted on from the start over what the region holds now (in `source`, from `now`).
      const newEndPosition = pointAt(source, now + newEnd - start, now, startPosition);
      tree.edit({ startIndex: start, oldEndIndex: oldEnd, newEndIndex: newEnd, startPosition, oldEndPosition: oldEnds[i], newEndPosition });
    }
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.source = '';
    this.spans = [];
    this.pending = new ComposedEdits();
    this.built = false;
    this.builder.dispose();
  }
}

/** The spans blanked before or now, but not both alike (sorted, merged): where the two blanked texts may differ. */
function changedSpans(before: readonly Span[], now: readonly Span[]): Span[] {
  const key = (span: Span): string => `${span.from}:${span.to}`;
  const was = new Set(before.map(key));
  const is = new Set(now.map(key));
  return merged([...before.filter((span) => !is.has(key(span))), ...now.filter((span) => !was.has(key(span)))]);
}

/**
 * Edits one after the other, kept as the disjoint regions they changed: hundreds of keystrokes between two
 * repairs, most of them typed and deleted again, are a few regions (an edit undone leaves none), and the
 * model build looks each item up through every edit it is given.
 */
export class ComposedEdits {
  /** By position: where each region is now, how long it is now, and how long it was. */
  private changed: { start: number; now: number; was: number }[] = [];

  /** An edit of the current text: `[start, oldEnd)` became `[start, newEnd)`. */
  add(start: number, oldEnd: number, newEnd: number): void {
    const changed = this.changed;
    const delta = newEnd - oldEnd;
    // The regions met or touched: from the first that ends at `start` or later to the last that starts at
    // `oldEnd` or earlier (they are sorted and disjoint).
    let lo = 0;
    let hi = changed.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (changed[mid].start + changed[mid].now < start) lo = mid + 1;
      else hi = mid;
    }
    let last = lo;
    let from = start;
    let to = oldEnd;
    let grown = 0;
    for (; last < changed.length && changed[last].start <= oldEnd; last++) {
      const region = changed[last];
      // One region from here on, of the old text's length minus what the regions met added.
      from = Math.min(from, region.start);
      to = Math.max(to, region.start + region.now);
      grown += region.now - region.was;
    }
    if (delta !== 0) for (let i = last; i < changed.length; i++) changed[i].start += delta;
    const region = { start: from, now: to - from + delta, was: to - from - grown };
    if (region.now !== 0 || region.was !== 0) changed.splice(lo, last - lo, region);
    else changed.splice(lo, last - lo);
  }

  /**
   * The edits, applied in order, that take the text of before to the current one: the regions from the last,
   * each counted in the text of before (those after it already applied leave the text before it alone), with
   * where it starts in the current text (`at`).
   */
  regions(): (EditSpan & { at: number })[] {
    const out: (EditSpan & { at: number })[] = [];
    let shift = 0;
    const starts: number[] = [];
    for (const region of this.changed) {
      starts.push(region.start - shift);
      shift += region.now - region.was;
    }
    for (let i = this.changed.length - 1; i >= 0; i--) {
      const { start, now, was } = this.changed[i];
      out.push({ start: starts[i], oldEnd: starts[i] + was, newEnd: starts[i] + now, at: start });
    }
    return out;
  }

  edits(): EditSpan[] {
    return this.regions().map(({ start, oldEnd, newEnd }) => ({ start, oldEnd, newEnd }));
  }
}
