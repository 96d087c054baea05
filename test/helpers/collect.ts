// A full garbage collection, for tests of what the server lets go.
import assert from 'node:assert/strict';
import { MemoryKeeper } from '../../server/src/memory';

/** Ends this turn (a WeakRef made or read during it holds its object until then), then collects in full. */
export async function collectAll(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const keeper = new MemoryKeeper();
  await keeper.collectNow();
  assert.equal(keeper.collections, 1, 'a full collection could be asked for');
}
