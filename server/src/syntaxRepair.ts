// A syntax error must not take the rest of the file down with it. tree-sitter's error recovery can read
// everything after one broken line as something else (`count = = 1` becomes a heredoc that swallows every
// later group), so the model of an erroneous text would lose the blocks whose text is intact. HCL's own
// parser (mirrored by parser/hclVerdict) skips just the body item that holds a mistake; we do the same by
// blanking those items (spaces in place of their characters, line ends kept, so every offset and position
// stays valid) and building the model from that text when it parses cleanly.
//
// While typing, most states of a file have a mistake somewhere, so the blanked text is kept per document
// with its own tree and model cache, brought up to date incrementally (from the blanked text last parsed)
// when a model is asked for.
import type { Tree } from 'web-tree-sitter';
import { ModelBuilder, type EditSpan } from './model/build';
import { unpaused } from './pause';
import type { JobFile } from './model/types';
import type { HclParser } from './parser/parser';
import type { SyntaxIssue } from './parser/hclVerdict';
import { changedSpan, pointAt, spanUnion, treeText } from './parser/lineEnds';

/** `text` with each broken body item blanked, or undefined when some mistake is not confined to an item. */
function blankBrokenItems(text: string, issues: readonly SyntaxIssue[]): string | undefined {
  const spans: [number, number][] = [];
  for (const issue of issues) {
    if (issue.kind !== 'syntax') continue;
    if (issue.itemFrom === undefined || issue.skippedTo === undefined) return undefined;
    spans.push([issue.itemFrom, issue.skippedTo]);
  }
  if (spans.length === 0) return undefined;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [from, to] of spans) {
    if (to <= at) continue;
    const start = Math.max(from, at);
    out += text.slice(at, start) + text.slice(start, to).replace(/[^\r\n]/g, ' ');
    at = to;
  }
  return out + text.slice(at);
}


/**
 * The blanked text of one document, its tree and its model cache. It follows every analysis of the document
 * (`follow`), so consecutive states differ only around the edit, and parses and builds only when a model is
 * asked for (`model`), reusing what did not change since then.
 */
export class RepairedModels {
  private text: string | undefined;
  /** `text` as tree-sitter reads it (lineEnds.treeText). */
  private source: string | undefined;
  private tree: Tree | undefined;
  /** The blanked text differs from the text of `tree` by these edits (in order); none yet parsed. */
  private pending: EditSpan[] = [];
  private built = false;
  private readonly builder = new ModelBuilder();

  constructor(private readonly parser: HclParser) {}

  /** The model of `text` with its broken items left out, when that text parses without error. */
  model(text: string, issues: readonly SyntaxIssue[] | undefined): JobFile | undefined {
    return unpaused(() => this.modelNow(text, issues));
  }

  private modelNow(text: string, issues: readonly SyntaxIssue[] | undefined): JobFile | undefined {
    const blanked = issues ? blankBrokenItems(text, issues) : undefined;
    if (blanked === undefined) return undefined;
    const source = treeText(blanked);
    // The tree and the model cache are of the blanked text last parsed: one edit, from it to this one (of
    // the text, and of what tree-sitter reads, whose substitutions may reach beyond it).
    if (this.text !== undefined && this.source !== undefined && this.text !== blanked) {
      let span = changedSpan(this.text, blanked);
      if (this.source !== this.text || source !== blanked) span = spanUnion(span, changedSpan(this.source, source));
      // Both texts are the same before the span: its start is counted once, both ends on from there.
      const startPosition = pointAt(this.source, span.start);
      this.tree?.edit({
        startIndex: span.start,
        oldEndIndex: span.oldEnd,
        newEndIndex: span.newEnd,
        startPosition,
        oldEndPosition: pointAt(this.source, span.oldEnd, span.start, startPosition),
        newEndPosition: pointAt(source, span.newEnd, span.start, startPosition),
      });
      this.pending.push(span);
    }
    this.text = blanked;
    this.source = source;
    const tree = this.parser.parse(source, this.tree);
    this.tree?.delete();
    this.tree = tree;
    // The cache follows the blanked text whatever the outcome, so the next build may reuse it.
    const result = this.builder.build(tree, blanked, this.built ? this.pending : undefined);
    this.built = true;
    this.pending = [];
    return tree.rootNode.hasError ? undefined : result.file;
  }

  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.text = undefined;
    this.source = undefined;
    this.pending = [];
    this.built = false;
    this.builder.dispose();
  }
}
