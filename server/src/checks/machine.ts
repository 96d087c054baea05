// What the checks look up on this machine (whether a file exists), through a short-lived cache: the
// language server re-checks on every edit, and this keeps that from touching the disk each time while still
// noticing a program installed a moment ago.
//
// Findings built from these answers are `live` (memo.ts): they must follow the machine. Rather than asking
// again for every remembered finding on every run, a run first refreshes the answers that are older than the
// cache allows (refreshMachine), and `machineGeneration()` changes whenever an answer did: remembered live
// findings made in the current generation are still right.
import { host } from '../host';

const STAT_CACHE_MS = 5000;
const MAX_ENTRIES = 1000;
const statCache = new Map<string, { at: number; isFile: boolean }>();
let generation = 0;

/** Whether this machine's files can be looked at (not in a browser): without them the lookups are skipped. */
export function canLookAtMachine(): boolean {
  return host.fs !== undefined;
}

/** Changes whenever an answer of isRegularFile may have changed. */
export function machineGeneration(): number {
  return generation;
}

/** Asks again for every answer older than the cache allows (once per run of the checks). */
export function refreshMachine(now = Date.now()): void {
  for (const [hostPath, cached] of statCache) {
    if (now - cached.at < STAT_CACHE_MS) continue;
    const isFile = statIsFile(hostPath);
    if (isFile !== cached.isFile) generation++;
    statCache.set(hostPath, { at: now, isFile });
  }
}

/** Whether `hostPath` is a regular file on this machine (cached for a few seconds). */
export function isRegularFile(hostPath: string): boolean {
  const now = Date.now();
  const cached = statCache.get(hostPath);
  if (cached && now - cached.at < STAT_CACHE_MS) return cached.isFile;
  const isFile = statIsFile(hostPath);
  if (cached && cached.isFile !== isFile) generation++;
  if (statCache.size >= MAX_ENTRIES) {
    // Forgotten answers may come back different: anything built on them is looked at again.
    statCache.clear();
    generation++;
  }
  statCache.set(hostPath, { at: now, isFile });
  return isFile;
}

function statIsFile(hostPath: string): boolean {
  try {
    return host.fs?.statSync(hostPath).isFile() ?? false;
  } catch {
    return false;
  }
}
