// Whitespace typed or deleted between two tokens of a line: an indent, a space before `=`, a tab to align.
// Nothing in the model reads the whitespace between tokens (names, values and literals are tokens; strings,
// heredocs and comments keep theirs inside tokens), so the group holding the line is the group of before
// with the positions after the edit on that line moved. The builder still builds that group again (it is a
// new object, as every item on an edited path is), but it records it as a move (shift.ts): the checks and the
// reference index then take what they worked out for the group of before, moved along, instead of checking
// and walking it again. An edit that could change what a token is (two tokens joined or one split), or that
// lies in a string, a heredoc, a comment or a file with a syntax error, is not taken for one.
import type { Node } from 'web-tree-sitter';
import type { Position } from 'vscode-languageserver-types';
import type { EditSpan } from './body';
import type { Block, Body, BodyItem } from './types';
import type { ColumnShift } from './shift';
import { advance } from './nodes';
import { before, startingUpTo } from './positions';

/** Whitespace runs longer than this are not searched for line ends. */
const MAX_SPAN = 64 * 1024;

/** Node types whose whitespace is text: an edit there changes a value. */
const TEXT_TYPES = /template|heredoc|string|comment/;

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * The shift `edit` makes when it only typed or deleted spaces and tabs next to whitespace that was there
 * already, between two tokens of one line; undefined for any other edit. `root` is the root of the tree
 * after it, which the caller knows to be without errors, as was the tree before; `text` is the text after it
 * (as the tree reads it, same offsets), `previous` the text before. The text is looked at first: any other
 * edit costs a few comparisons.
 */
export function whitespaceShift(root: Node, text: string, previous: string, edit: EditSpan): ColumnShift | undefined {
  if (!edit.sameLine) return undefined;
  const { start, oldEnd, newEnd } = edit;
  let blankFrom: number;
  let delta: number;
  if (oldEnd === start && newEnd > start) {
    for (let i = start; i < newEnd; i++) if (!isBlank(text.charCodeAt(i))) return undefined;
    // Next to whitespace already there: no two tokens were split apart (`foo` into `fo o`).
    if (!(start === 0 || isSpace(text.charCodeAt(start - 1)) || newEnd === text.length || isSpace(text.charCodeAt(newEnd)))) return undefined;
    blankFrom = start;
    delta = newEnd - start;
  } else if (newEnd === start && oldEnd > start) {
    for (let i = start; i < oldEnd; i++) if (!isBlank(previous.charCodeAt(i))) return undefined;
    // Some of it is left: no two tokens were joined (`a b` into `ab`).
    if (start > 0 && isBlank(text.charCodeAt(start - 1))) blankFrom = start - 1;
    else if (start < text.length && isBlank(text.charCodeAt(start))) blankFrom = start;
    else return undefined;
    delta = start - oldEnd;
  } else {
    return undefined;
  }
  // The whitespace (some of what is left, for a deletion) lies between the children of the smallest node
  // spanning it, not inside a token, and not in a string, heredoc or comment.
  const spanning = root.descendantForIndex(blankFrom, blankFrom + 1);
  if (!spanning || spanning.childCount === 0) return undefined;
  for (let node: Node | null = spanning; node; node = node.parent) if (TEXT_TYPES.test(node.type)) return undefined;
  // Where the edit is, counted from the end of the token before it: only whitespace lies in between.
  const token = spanning.firstChildForIndex(blankFrom)?.previousSibling;
  const from = token ? { index: token.endIndex, point: token.endPosition } : { index: spanning.startIndex, point: spanning.startPosition };
  if (start - from.index > MAX_SPAN) return undefined;
  const at = advance({ line: from.point.row, character: from.point.column }, text.slice(from.index, start));
  return { line: at.line, column: at.character, delta };
}

/**
 * The group block of `after` holding `at` and the one of `previous` in the same place, both blocks of a job
 * at the same index of bodies of the same length; undefined when there is none, or it is the same object.
 */
export function shiftedGroup(previous: Body, after: Body, at: Position): { from: Block; to: Block } | undefined {
  const items = after.items;
  if (items.length !== previous.items.length) return undefined;
  const j = itemHolding(items, at);
  if (j < 0) return undefined;
  const job = items[j];
  const jobBefore = previous.items[j];
  if (job.kind !== 'block' || job.type !== 'job' || jobBefore.kind !== 'block' || jobBefore.type !== 'job') return undefined;
  const groups = job.body.items;
  if (groups.length !== jobBefore.body.items.length) return undefined;
  const g = itemHolding(groups, at);
  if (g < 0) return undefined;
  const to = groups[g];
  const from = jobBefore.body.items[g];
  if (to === from || to.kind !== 'block' || from.kind !== 'block' || to.type !== 'group' || from.type !== 'group') return undefined;
  // Before the edit's column nothing moved: the group of before holds the same place.
  if (before(at, from.range.start) || !before(at, from.range.end)) return undefined;
  return { from, to };
}

/** The index of the item whose range holds `at` (items in source order), -1 for none. */
function itemHolding(items: readonly BodyItem[], at: Position): number {
  const i = startingUpTo(items, at) - 1;
  return i >= 0 && before(at, items[i].range.end) ? i : -1;
}
