// HCL's verdict (hclVerdict.ts) of an open document, kept from edit to edit. Walking the whole text costs
// about half a millisecond per 1,000 lines, on every keystroke; but an edit inside a block can only change
// that block's verdict, when the walk reached the block before any mistake. So the cache keeps the spans of
// such blocks, and after an edit walks only the innermost one around the edit, alone:
// - the text before that block is unchanged, so HCL's scanner and parser reach its start in the same
//   state as before (about to read a body item, outside any template or heredoc, nothing found yet);
// - when the block's new text, walked alone, is still exactly one block from the same start to its `}`,
//   the walk in place reads the same tokens and finds the same mistakes, and leaves the block in the state
//   the old one was left in (balanced, outside templates), so everything after it reads as before;
// - a block adds no name to its parent body, so the parent's "Attribute redefined" verdict stands.
// Anything else (an edit outside every such block or on a block's own braces, a block that is no longer one
// block) walks the whole text. Tests compare both ways after many random edits.
import { hclSyntaxWalk, hclSyntaxWalkOfPart, partScansAlike, type BlockSpan, type SyntaxIssue } from './hclVerdict';
import { changedSpan, countLineEnds } from './lineEnds';

interface Verdict {
  text: string;
  /** undefined: too deeply nested to walk (no verdict). */
  issues: SyntaxIssue[] | undefined;
  /** Blocks an edit may be walked in alone, in the order they close (inner before outer). */
  blocks: BlockSpan[];
}

export class VerdictCache {
  private last: Verdict | undefined;
  /**
   * The verdict before `last`: a character typed and deleted, or an undo, brings its text back. After an
   * edit that broke a heredoc or a brace, whose verdict walked the whole text, the undo would walk it all
   * again.
   */
  private before: Verdict | undefined;
  /** How verdicts were reached: by walking one block, or the whole text (tests and benchmarks read it). */
  readonly walks = { block: 0, whole: 0 };

  /** HCL's verdict of `text` (as hclSyntaxIssues), from the last one when the edit allows. */
  issues(text: string): SyntaxIssue[] | undefined {
    const last = this.last;
    if (last?.text === text) return last.issues;
    const before = this.before;
    if (before?.text === text) {
      this.before = last;
      this.last = before;
      return before.issues;
    }
    let next = last?.issues ? afterEdit({ ...last, issues: last.issues }, text) : undefined;
    if (next) this.walks.block++;
    else {
      this.walks.whole++;
      const walk = hclSyntaxWalk(text);
      next = { text, issues: walk?.issues, blocks: walk?.blocks ?? [] };
    }
    this.before = last;
    this.last = next;
    return next.issues;
  }

  forget(): void {
    this.last = undefined;
    this.before = undefined;
  }
}

/** The verdict of `text` from that of the text before, when they differ only inside a block of its list. */
function afterEdit(before: Verdict & { issues: SyntaxIssue[] }, text: string): Verdict | undefined {
  const old = before.text;
  const { start, oldEnd, newEnd } = changedSpan(old, text);
  const delta = text.length - old.length;
  // The innermost block whose name and closing `}` are both outside the changed span: the first one to
  // close (inner blocks close before their parents).
  const around = before.blocks.find((b) => b.start < start && oldEnd < b.end);
  if (!around) return undefined;
  // With mistakes in the text, the old block may have left the scanner inside a string or template of its
  // own, so that the text after it scanned differently from how it will now: then walk everything. (In a
  // clean text every template and heredoc is closed where it should be.)
  if (before.issues.length > 0 && !partScansAlike(old, around.start, around.end)) return undefined;
  const end = around.end + delta;
  const walk = hclSyntaxWalkOfPart(text, around.start, end);
  if (!walk || walk.ranOut) return undefined;
  // Still one block, from the same name to the same `}`: the walk alone records it last (outermost), as
  // it starts with nothing found (unless it is no longer a block).
  const outer = walk.blocks[walk.blocks.length - 1];
  if (!outer || outer.start !== around.start || outer.end !== end) return undefined;
  // "already set on line N": N may be a line after the edit, which may have added or removed lines.
  // (From one character before: a `\r` there stops or starts ending a line as a `\n` follows it or not.)
  const linesMoved = countLineEnds(old, start - 1, oldEnd) !== countLineEnds(text, start - 1, newEnd);
  const issues: SyntaxIssue[] = [];
  for (const i of before.issues) {
    if (i.start >= around.start && i.start < around.end) continue; // the old block's own: replaced below
    if (i.start >= around.start && linesMoved && i.kind === 'duplicate') return undefined;
    issues.push(i.start < around.start && (i.skippedTo ?? 0) <= start ? i : shifted(i, oldEnd, delta));
  }
  for (const issue of walk.issues) issues.push(issue);
  issues.sort((a, b) => a.start - b.start);
  // A block after this one may be walked alone later only while nothing is found before it.
  const laterStayTrusted = walk.issues.length === 0;
  const blocks: BlockSpan[] = [];
  let inserted = false;
  for (const b of before.blocks) {
    if (b.start >= around.start && b.end <= around.end) {
      // The old block and those inside it (they close just before it): the new walk's, in its order.
      if (!inserted) for (const block of walk.blocks) blocks.push(block);
      inserted = true;
    } else if (b.end <= start) blocks.push(b);
    else if (b.start >= oldEnd) {
      if (laterStayTrusted) blocks.push({ start: b.start + delta, end: b.end + delta });
    } else blocks.push({ start: b.start, end: b.end + delta }); // an ancestor: it ends after the edit
  }
  return { text, issues, blocks };
}

/** An issue of the text before, in the text after an edit of [start, oldEnd) that moved what follows by `delta`. */
function shifted(issue: SyntaxIssue, oldEnd: number, delta: number): SyntaxIssue {
  const at = (offset: number) => (offset >= oldEnd ? offset + delta : offset);
  const moved: SyntaxIssue = { ...issue, start: at(issue.start), end: at(issue.end) };
  if (issue.itemFrom !== undefined) moved.itemFrom = at(issue.itemFrom);
  if (issue.skippedTo !== undefined) moved.skippedTo = at(issue.skippedTo);
  return moved;
}

