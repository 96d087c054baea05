// The order findings are published in: source order, and at one position the order they were reported in
// (check by check). sortedByPosition merges the checks' runs itself; it must give exactly what a stable sort
// by position gives, or diagnostics at one place would swap from run to run.
import test from 'node:test';
import assert from 'node:assert/strict';
import { byPosition, sortedByPosition, type Published } from '../server/src/checks/published';
import { int, seededRandom, type Random } from './helpers/random';

function finding(line: number, character: number, check: number, n: number): Published {
  const at = { line, character };
  return { diagnostic: { range: { start: at, end: at }, message: `finding ${n}` }, check, line, character };
}

/**
 * Findings as checks report them: check by check, each check's in source order or (`shuffled`) not; each
 * message numbered in the order reported.
 */
function reported(random: Random, checks: number, perCheck: number, lines: number, shuffled: boolean): Published[] {
  const out: Published[] = [];
  for (let check = 0; check < checks; check++) {
    const places = Array.from({ length: int(random, perCheck + 1) }, () => ({ line: int(random, lines), character: int(random, 3) }));
    if (!shuffled) places.sort((a, b) => a.line - b.line || a.character - b.character);
    for (const { line, character } of places) out.push(finding(line, character, check, out.length));
  }
  return out;
}

test('sortedByPosition gives the order of a stable sort by position, ties in the order reported', () => {
  const random = seededRandom(7);
  for (let round = 0; round < 400; round++) {
    const items = reported(random, 1 + int(random, 14), int(random, 60), 1 + int(random, 30), round % 3 === 0);
    const expected = [...items].sort(byPosition);
    assert.deepEqual(sortedByPosition([...items]).map((p) => p.diagnostic.message), expected.map((p) => p.diagnostic.message), `round ${round}`);
  }
});

test('sortedByPosition: findings already in order come back as they are; none, one', () => {
  const items = [finding(0, 0, 0, 0), finding(0, 0, 1, 1), finding(2, 1, 0, 2)];
  assert.equal(sortedByPosition(items), items);
  assert.deepEqual(sortedByPosition([]), []);
  const one = [finding(5, 0, 3, 0)];
  assert.equal(sortedByPosition(one), one);
});

test('sortedByPosition: two checks of 30,000 findings each, one per line, interleaved into source order', () => {
  const first = Array.from({ length: 30_000 }, (_, i) => finding(i, 2, 9, i));
  const second = Array.from({ length: 30_000 }, (_, i) => finding(i, 2, 11, 30_000 + i));
  const sorted = sortedByPosition([...first, ...second]);
  assert.equal(sorted.length, 60_000);
  for (let i = 0; i < 30_000; i++) {
    assert.equal(sorted[2 * i], first[i]);
    assert.equal(sorted[2 * i + 1], second[i]);
  }
});

test('sortedByPosition: 300,000 findings in reverse order (one run each) come back in source order', () => {
  const items = Array.from({ length: 300_000 }, (_, i) => finding(300_000 - i, 0, 0, i));
  const sorted = sortedByPosition(items);
  assert.equal(sorted.length, 300_000);
  for (let i = 0; i < sorted.length; i++) assert.equal(sorted[i].line, i + 1);
});
