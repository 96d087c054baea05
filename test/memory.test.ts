// The language server collects the old-space garbage of past edits itself (server/src/memory.ts): these tests
// drive the real V8 heap, promoting retained objects into old space by allocating past several scavenges.
import test, { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import { MemoryKeeper, type MemoryKeeperOptions } from '../server/src/memory';

/**
 * A full collection by V8's own collector, so that a keeper made next measures its growth from what is live:
 * garbage an earlier test left in old space, collected later by V8 itself, would make the old space shrink.
 */
async function settle(): Promise<void> {
  await new MemoryKeeper().collectNow();
}

/** Retains `count` small objects and churns young garbage until they have been promoted to old space. */
function growOldSpace(count: number): unknown[] {
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) kept.push({ index: i, text: `item ${i}` });
  churn();
  return kept;
}

/** Well over two semi-spaces of short-lived allocation: what is kept meanwhile survives two scavenges. */
function churn(): void {
  let sink = 0;
  for (let i = 0; i < 3_000_000; i++) sink += [i, i + 1].length;
  assert.ok(sink > 0);
}

/**
 * A keeper counting the collections it makes, measuring from a settled heap, its pause on node:test's mock
 * timers. By default due past 1 MB of growth, whatever the heap's size, and never busy enough to skip the pause.
 */
async function countingKeeper(t: TestContext, options: MemoryKeeperOptions = {}): Promise<{ keeper: MemoryKeeper; collected: () => number }> {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  await settle();
  let collected = 0;
  const keeper = new MemoryKeeper({ growthFraction: 0, minimumGrowth: 1024 * 1024, busyFactor: 1000, pauseMs: 1000, largestHeap: Infinity, ...options, collect: () => collected++ });
  return { keeper, collected: () => collected };
}

/** A counting keeper (countingKeeper) over an old space grown by megabytes: a collection is due. */
async function dueKeeper(t: TestContext): Promise<{ keeper: MemoryKeeper; collected: () => number; kept: unknown[] }> {
  const { keeper, collected } = await countingKeeper(t);
  const kept = growOldSpace(300_000);
  assert.ok(keeper.due(), 'old space grew by megabytes');
  return { keeper, collected, kept };
}

test('a keeper collects once the old space has grown past its threshold, at the first pause in the work', async (t) => {
  const { keeper, collected } = await countingKeeper(t);
  keeper.afterWork();
  t.mock.timers.tick(5000);
  assert.equal(collected(), 0, 'nothing has grown yet');
  const kept = growOldSpace(300_000);
  assert.ok(keeper.due(), 'old space grew by megabytes');
  // Work keeps coming, each unit within the pause of the one before: no collection meanwhile.
  for (let i = 0; i < 10; i++) {
    keeper.afterWork();
    t.mock.timers.tick(999);
  }
  assert.equal(collected(), 0, 'no collection while work keeps coming');
  t.mock.timers.tick(1);
  assert.equal(collected(), 1, 'one collection at the pause');
  await Promise.resolve();
  assert.equal(keeper.collections, 1);
  t.mock.timers.tick(5000);
  assert.equal(collected(), 1, 'not again without new work');
  assert.ok(kept.length > 0);
});

test('without a pause, a keeper collects after the work once the old space has grown by several times the threshold', async (t) => {
  // Due past 1 MB of growth, at once past 4 MB (the busy factor): megabytes of growth make both hold.
  const { keeper, collected } = await countingKeeper(t, { busyFactor: 4 });
  const kept = growOldSpace(600_000);
  assert.ok(keeper.due(4), 'old space grew past four times the threshold');
  keeper.afterWork();
  assert.equal(collected(), 0, 'the collection waits until the current work is done');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collected(), 1, 'collected without waiting for a pause');
  assert.ok(kept.length > 0);
});

test('a document opened is not collected right after its first diagnostics, however much it grew the heap, but at the pause', async (t) => {
  // Its growth is its model, live: collecting at once stopped the thread just when requests about it begin.
  const { keeper, collected } = await countingKeeper(t, { busyFactor: 4 });
  const kept = growOldSpace(600_000);
  assert.ok(keeper.due(4), 'old space grew past four times the threshold');
  keeper.afterWork(true);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collected(), 0, 'not right after the document opened');
  t.mock.timers.tick(1000);
  assert.equal(collected(), 1, 'at the pause');
  assert.ok(kept.length > 0);
});

test('a document let go is collected at once when a collection is due, without waiting for a pause', async (t) => {
  const { keeper, collected, kept } = await dueKeeper(t);
  keeper.afterWork();
  keeper.afterRelease();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collected(), 1);
  t.mock.timers.tick(5000);
  assert.equal(collected(), 1, 'the pending collection at the pause was replaced by this one');
  assert.ok(kept.length > 0);
});

test('large objects kept past a young collection make a collection due, though the old space hardly grew', async (t) => {
  // What typing in a 1 MB job leaves: a text of a megabyte per edit, too large for a page, promoted by the
  // young collections and dead soon after.
  const { keeper, collected } = await countingKeeper(t, { minimumGrowth: 4 * 1024 * 1024 });
  const oldBefore = oldSpaceUsed();
  const kept = Array.from({ length: 8 }, (_, i) => new Array<number>(200_000).fill(i + 0.5));
  churn();
  assert.ok(oldSpaceUsed() - oldBefore < 4 * 1024 * 1024, 'the old space alone would not make one due');
  assert.ok(keeper.due(), 'about 13 MB of large objects');
  keeper.afterWork();
  t.mock.timers.tick(1000);
  assert.equal(collected(), 1);
  assert.equal(kept.length, 8);
});

test('a keeper that is disposed collects no more', async (t) => {
  const { keeper, collected, kept } = await dueKeeper(t);
  keeper.afterWork();
  keeper.dispose();
  t.mock.timers.tick(5000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collected(), 0);
  assert.ok(kept.length > 0);
});

test('without growth past the threshold no collection is made', async (t) => {
  const { keeper, collected } = await countingKeeper(t, { growthFraction: 10, minimumGrowth: 512 * 1024 * 1024 });
  const kept = growOldSpace(100_000);
  keeper.afterWork();
  t.mock.timers.tick(5000);
  assert.equal(collected(), 0);
  assert.ok(kept.length > 0);
});

test('a keeper leaves a heap above its largest size to V8 (a forced collection would stall requests)', async (t) => {
  const { keeper, collected } = await countingKeeper(t, { largestHeap: 1024 * 1024 });
  const kept = growOldSpace(300_000);
  assert.ok(!keeper.due(), 'the old space is above largestHeap');
  keeper.afterWork();
  keeper.afterRelease();
  t.mock.timers.tick(5000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collected(), 0);
  assert.ok(kept.length > 0);
});

test('after a close over its memory budget, a keeper collects above its largest size when the documents left open are small', async (t) => {
  // The old space is above largestHeap: edits leave it to V8. A close with little left open, in a process
  // holding more than its budget, collects (the closed document's garbage is most of it); the twins do not.
  const overBudget = await countingKeeper(t, { largestHeap: 1024 * 1024, memoryBudget: () => 0, smallOpenText: 1000 });
  const kept = growOldSpace(300_000);
  assert.ok(!overBudget.keeper.due(), 'the old space is above largestHeap');
  overBudget.keeper.afterWork();
  t.mock.timers.tick(5000);
  assert.equal(overBudget.collected(), 0, 'edits leave a heap this large to V8');
  // A large document is still open: its model is live, and a collection would be long.
  overBudget.keeper.afterRelease(1001);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(overBudget.collected(), 0, 'not while a large document stays open');
  overBudget.keeper.afterRelease(1000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(overBudget.collected(), 1, 'collected once little is left open');
  assert.ok(kept.length > 0);
});

test('after a close within its memory budget, a keeper leaves a heap above its largest size to V8', async (t) => {
  const { keeper, collected } = await countingKeeper(t, { largestHeap: 1024 * 1024, memoryBudget: () => Number.MAX_SAFE_INTEGER });
  const kept = growOldSpace(300_000);
  keeper.afterRelease(0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(collected(), 0);
  assert.ok(kept.length > 0);
});

test("V8's own full collection is reachable without --expose-gc and frees the garbage of dropped objects", async () => {
  const keeper = new MemoryKeeper();
  let kept: unknown[] | undefined = growOldSpace(400_000);
  assert.equal(kept.length, 400_000);
  await keeper.collectNow();
  assert.equal(keeper.collections, 1, 'a collector was found');
  const withKept = oldSpaceUsed();
  kept = undefined;
  await keeper.collectNow();
  assert.ok(oldSpaceUsed() < withKept - 4 * 1024 * 1024, `old space shrank: ${withKept} -> ${oldSpaceUsed()}`);
});

function oldSpaceUsed(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
}
