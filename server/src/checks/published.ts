// A finding as it is published: its Diagnostic (made once, never mutated), and the index of the check that
// reported it, which orders findings at the same position. Two findings at the same position with the same
// code and message are one diagnostic (the first is kept).
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { before } from '../model/positions';
import { shiftedBy, type Move, type Shift } from '../model/shift';
import type { Finding } from './check';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE, type CodeInfo } from './codes';

export interface Published {
  readonly diagnostic: Diagnostic;
  /** Index of the reporting check in CHECKS. */
  readonly check: number;
  /** The diagnostic's start, copied here: sorting and merging compare positions of thousands of these. */
  readonly line: number;
  readonly character: number;
}

/**
 * Made anew at each run: a replayed finding (memo.ts) is already its own diagnostic, so this is one small
 * object for the length of the run. Kept from run to run by finding, these were 60,000 objects and a weak
 * map's table of 60,000 entries on a file of 30,000 locals (about 5 MB) for as long as the document was open.
 */
export function publishedOf(finding: Finding, check: number): Published {
  return withDiagnostic(diagnosticOf(finding), check);
}

/**
 * `finding` as the diagnostic it is published as. A finding kept to be reported again (a memo's record, the
 * unused-declaration findings) is kept in this form: it is then its own diagnostic, where keeping the finding
 * and its diagnostic made two objects of each (60,000 findings of a file of 30,000 locals: 3.6 MB).
 */
export function diagnosticOf(finding: Finding): Diagnostic & Finding {
  if (finding.source === DIAGNOSTIC_SOURCE) return finding as Diagnostic & Finding;
  const { range, code, message, data } = finding;
  const severity = finding.severity ?? DIAGNOSTIC_CODES[code].severity;
  const source = DIAGNOSTIC_SOURCE;
  const tags = finding.tags ?? (DIAGNOSTIC_CODES[code] as CodeInfo).tags;
  // Each shape written out whole: a field set after the object is made goes to a separate store (40 bytes
  // more per diagnostic, 1.2 MB for the 30,000 tagged hints of a file of 30,000 locals).
  if (data === undefined) return tags ? { range, severity, code, source, message, tags } : { range, severity, code, source, message };
  return tags ? { range, severity, code, source, message, data, tags } : { range, severity, code, source, message, data };
}

function withDiagnostic(diagnostic: Diagnostic, check: number): Published {
  const start = diagnostic.range.start;
  return { diagnostic, check, line: start.line, character: start.character };
}

/**
 * Where a model object was before a line move (model/shift.ts), and by how many rows it moved; or before
 * whitespace between two of its tokens changed, and how that moved the rest of the line.
 */
export interface MovedPlace extends Shift {
  range: Range;
}

/** Where the item `move` came from was, and how it moved. */
export function placeOf(move: Move): MovedPlace {
  return { range: move.from.range, rows: move.rows, columns: move.columns };
}

/**
 * Where `range` lies after the moves of `places`: moved with the place it lies in, the same object when in
 * none (on something that did not move: what the memo's token covers), undefined when it straddles a
 * place's edge or cannot be moved (shiftedBy). Places do not overlap (a group, items of the job token, the
 * job's type and labels).
 */
export function movedRange(range: Range, places: readonly MovedPlace[]): Range | undefined {
  const { start, end } = range;
  for (const place of places) {
    const from = place.range;
    if (before(end, from.start) || before(from.end, start)) continue;
    if (before(start, from.start) || before(from.end, end)) return undefined;
    return shiftedBy(range, place);
  }
  return range;
}

/** Whether a message names a line ("first on line 12"): a number in the text, which a move would make wrong. */
function namesLine(message: string): boolean {
  return /\bline \d/.test(message);
}

/** `finding` moved as movedRange says, or undefined when it cannot be (see there, and namesLine). */
export function movedFinding(finding: Finding, places: readonly MovedPlace[]): Finding | undefined {
  if (namesLine(finding.message)) return undefined;
  const range = movedRange(finding.range, places);
  if (range === undefined) return undefined;
  return range === finding.range ? finding : { ...finding, range };
}

/** `item` moved as movedFinding says, or undefined when it cannot be. */
export function movedPublished(item: Published, places: readonly MovedPlace[]): Published | undefined {
  const { diagnostic } = item;
  if (namesLine(diagnostic.message)) return undefined;
  const range = movedRange(diagnostic.range, places);
  if (range === undefined) return undefined;
  return range === diagnostic.range ? item : withDiagnostic({ ...diagnostic, range }, item.check);
}

/** Source order. */
export function byPosition(a: Published, b: Published): number {
  return a.line - b.line || a.character - b.character;
}

/** Source order, then check order: a from-scratch run reports check by check. */
export function byPositionThenCheck(a: Published, b: Published): number {
  return byPosition(a, b) || a.check - b.check;
}

/**
 * `items` in source order, findings at the same position in the order given (a stable sort by position).
 * The file-level findings come check by check, each check's mostly in source order already: they are merged
 * run by run (a natural merge sort), comparing positions in place. Array.prototype.sort found the same runs
 * but called its comparator once per step: 15 ms for the 60,000 findings of a file of 30,000 locals, in the
 * one step at the end of the analysis that cannot stop half-way.
 */
export function sortedByPosition(items: Published[]): Published[] {
  // Where each run starts, and the end of the last.
  let bounds: number[] = [0];
  for (let i = 1; i < items.length; i++) if (byPosition(items[i - 1], items[i]) > 0) bounds.push(i);
  if (bounds.length === 1) return items;
  bounds.push(items.length);
  let from = items;
  let to = new Array<Published>(items.length);
  while (bounds.length > 2) {
    const merged: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const end = r + 2 < bounds.length ? bounds[r + 2] : bounds[r + 1];
      mergeRuns(from, to, bounds[r], bounds[r + 1], end);
      merged.push(end);
    }
    bounds = merged;
    [from, to] = [to, from];
  }
  return from;
}

/** Merges from[start, middle) and from[middle, end) into `to` at `start`; on equal positions, the first run's first. */
function mergeRuns(from: readonly Published[], to: Published[], start: number, middle: number, end: number): void {
  let i = start;
  let j = middle;
  let k = start;
  while (i < middle && j < end) {
    if (byPosition(from[j], from[i]) < 0) to[k++] = from[j++];
    else to[k++] = from[i++];
  }
  while (i < middle) to[k++] = from[i++];
  while (j < end) to[k++] = from[j++];
}

/**
 * Drops every item an earlier item duplicates (same position, code and message), in place (`items` sorted by
 * position: duplicates are in one run of equal positions, so only that run is looked at). Compared field by
 * field: a key string per finding cost a copy of every message (12 MB for 60,000 findings).
 */
function sameFinding(a: Diagnostic, b: Diagnostic): boolean {
  return a.code === b.code && a.message === b.message;
}

export function withoutDuplicates(items: Published[]): Published[] {
  let kept = 0;
  let runStart = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (kept > 0 && byPosition(items[kept - 1], item) !== 0) runStart = kept;
    let duplicate = false;
    for (let j = runStart; j < kept && !duplicate; j++) duplicate = sameFinding(items[j].diagnostic, item.diagnostic);
    if (!duplicate) items[kept++] = item;
  }
  items.length = kept;
  return items;
}
