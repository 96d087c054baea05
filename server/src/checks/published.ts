// A finding as it is published: its Diagnostic (made once, never mutated), the key duplicates are dropped
// by, and the index of the check that reported it, which orders findings at the same position.
import type { Diagnostic } from 'vscode-languageserver-types';
import type { Finding } from './check';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE, type CodeInfo } from './codes';

export interface Published {
  readonly diagnostic: Diagnostic;
  /** Position, code and message: two findings with the same key are one diagnostic (the first is kept). */
  readonly key: string;
  /** Index of the reporting check in CHECKS. */
  readonly check: number;
  /** The diagnostic's start, copied here: sorting and merging compare positions of thousands of these. */
  readonly line: number;
  readonly character: number;
}

/** By finding: a replayed finding (memo.ts, groupMemo.ts) is the same object as last time, and so is its diagnostic. */
const published = new WeakMap<Finding, Published>();

export function publishedOf(finding: Finding, check: number): Published {
  const known = published.get(finding);
  if (known && known.check === check) return known;
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: finding.severity ?? DIAGNOSTIC_CODES[finding.code].severity,
    code: finding.code,
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
  if (finding.data !== undefined) diagnostic.data = finding.data;
  const tags = finding.tags ?? (DIAGNOSTIC_CODES[finding.code] as CodeInfo).tags;
  if (tags) diagnostic.tags = tags;
  const start = diagnostic.range.start;
  const key = `${start.line}:${start.character}:${diagnostic.code}:${diagnostic.message}`;
  const made: Published = { diagnostic, key, check, line: start.line, character: start.character };
  published.set(finding, made);
  return made;
}

/** Source order. */
export function byPosition(a: Published, b: Published): number {
  return a.line - b.line || a.character - b.character;
}

/** Source order, then check order: a from-scratch run reports check by check. */
export function byPositionThenCheck(a: Published, b: Published): number {
  return byPosition(a, b) || a.check - b.check;
}

/** Whether `items` are in the order `compare` gives. */
export function inOrder(items: readonly Published[], compare: (a: Published, b: Published) => number): boolean {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1], items[i]) > 0) return false;
  return true;
}

/**
 * Drops every item whose key an earlier item has, in place (`items` sorted by position: equal keys are in
 * one run of equal positions, so only that run is looked at).
 */
export function withoutDuplicates(items: Published[]): Published[] {
  let kept = 0;
  let runStart = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (kept > 0 && byPosition(items[kept - 1], item) !== 0) runStart = kept;
    let duplicate = false;
    for (let j = runStart; j < kept && !duplicate; j++) duplicate = items[j].key === item.key;
    if (!duplicate) items[kept++] = item;
  }
  items.length = kept;
  return items;
}
