// What the checks look up on this machine (whether a file exists), through a short-lived cache: the
// language server re-checks on every edit, and this keeps that from touching the disk each time while still
// noticing a program installed a moment ago (a missing path is asked again after a second: typing a path
// leaves one missing answer per keystroke, and asking all of them again on every edit grew with the typing). Every check that reads the disk asks here, never `fs` itself:
// an answer it got elsewhere would never change the generation, and a remembered finding built on it would
// stay until its group is edited. When the editor reports changed files (workspace/didChangeWatchedFiles),
// `forgetMachine` drops the answers about them at once instead of waiting for the cache to expire.
//
// Findings built from these answers are `live` (memo.ts): they must follow the machine. Rather than asking
// again for every remembered finding on every run, a run first refreshes the answers that are older than the
// cache allows (refreshMachine), and `machineGeneration()` changes whenever an answer did: remembered live
// findings made in the current generation are still right.
import { host } from '../host';

const STAT_CACHE_MS = 5000;
const MISSING_CACHE_MS = 1000;
const MAX_ENTRIES = 1000;
/** What a path is on this machine: a regular file, something else (a folder...), or nothing. */
type PathKind = 'file' | 'other' | 'missing';
const statCache = new Map<string, { at: number; kind: PathKind }>();
let generation = 0;

/** Whether this machine's files can be looked at (not in a browser): without them the lookups are skipped. */
export function canLookAtMachine(): boolean {
  return host.fs !== undefined;
}

/** Changes whenever an answer of isRegularFile may have changed. */
export function machineGeneration(): number {
  return generation;
}

/** Whether a cached answer still stands: a missing path is asked again after a second, anything else after a few. */
function fresh(cached: { at: number; kind: PathKind }, now: number): boolean {
  // The file a finding says is missing is the one the user is about to create: soon noticed.
  return now - cached.at < (cached.kind === 'missing' ? MISSING_CACHE_MS : STAT_CACHE_MS);
}

/** Asks again for every answer older than the cache allows (once per run of the checks). */
export function refreshMachine(now = Date.now()): void {
  for (const [hostPath, cached] of statCache) {
    if (fresh(cached, now)) continue;
    const kind = statKind(hostPath);
    if (kind !== cached.kind) generation++;
    statCache.set(hostPath, { at: now, kind });
  }
}

/**
 * Forgets the answers about these paths and anything below them (files created, changed or deleted, as the
 * editor reports them), so the next run asks the disk again; `undefined` forgets everything. True when an
 * answer was forgotten (only then may a finding change).
 */
export function forgetMachine(hostPaths?: readonly string[]): boolean {
  if (!hostPaths) {
    const had = statCache.size > 0;
    if (had) generation++;
    statCache.clear();
    return had;
  }
  let forgot = false;
  for (const changed of hostPaths) {
    const below = changed.endsWith('/') ? changed : changed + '/';
    for (const known of statCache.keys()) {
      if (known === changed || known.startsWith(below)) {
        statCache.delete(known);
        forgot = true;
      }
    }
  }
  if (forgot) generation++;
  return forgot;
}

/** Whether `hostPath` is a regular file on this machine (cached for a few seconds). */
export function isRegularFile(hostPath: string): boolean {
  return pathKind(hostPath) === 'file';
}

/** Whether anything is at `hostPath` on this machine, links followed (cached for a few seconds). */
export function pathExists(hostPath: string): boolean {
  return pathKind(hostPath) !== 'missing';
}

function pathKind(hostPath: string): PathKind {
  const now = Date.now();
  const cached = statCache.get(hostPath);
  if (cached && fresh(cached, now)) return cached.kind;
  const kind = statKind(hostPath);
  if (cached && cached.kind !== kind) generation++;
  if (statCache.size >= MAX_ENTRIES) {
    // Forgotten answers may come back different: anything built on them is looked at again.
    statCache.clear();
    generation++;
  }
  statCache.set(hostPath, { at: now, kind });
  return kind;
}

function statKind(hostPath: string): PathKind {
  try {
    if (!host.fs) return 'missing';
    return host.fs.statSync(hostPath).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}
