// What the checks look up on this machine (whether a file exists), through a short-lived cache: the
// language server re-checks on every edit, and this keeps that from touching the disk each time while still
// noticing a program installed a moment ago (a missing path a check looked at lately is asked again on every
// run). Every check that reads the disk asks here, never `fs` itself:
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
const MAX_ENTRIES = 1000;
/**
 * Missing paths are asked again on every run. Typing a path leaves one missing answer per keystroke
 * (`/usr/bin/j`, `/usr/bin/jq`...), and asking all of them on every edit grew with the typing: past this
 * many, they are all forgotten at once (the findings built on them are looked at again, and ask for the
 * paths still named).
 */
const MAX_MISSING = 32;
/** What a path is on this machine: a regular file, something else (a folder...), or nothing. */
type PathKind = 'file' | 'other' | 'missing';
const statCache = new Map<string, Answer>();

/**
 * An answer, when it was got and in which run of the checks (refreshMachine counts them), and when a check
 * last asked for it.
 */
interface Answer {
  at: number;
  run: number;
  kind: PathKind;
  asked: number;
}
let generation = 0;

/** Whether this machine's files can be looked at (not in a browser): without them the lookups are skipped. */
export function canLookAtMachine(): boolean {
  return host.fs !== undefined;
}

/** Changes whenever an answer of isRegularFile may have changed. */
export function machineGeneration(): number {
  return generation;
}

/** Runs of the checks so far: a missing path is asked again in every run, even two within a millisecond. */
let run = 0;

/**
 * Whether a cached answer still stands: a missing path a check asked for lately is asked again on every run,
 * anything else after a few seconds.
 */
function fresh(cached: Answer, now: number): boolean {
  // The file a finding says is missing is the one the user is about to create: the next run notices it.
  // Only while a check still asks for it: each character typed into a path leaves a missing answer that no
  // finding names once the next one is typed, and asking all of them again on every edit cost a look-up
  // per stale path per keystroke. One no check asked for lately is asked every few seconds, as a file is.
  if (cached.kind === 'missing' && now - cached.asked < STAT_CACHE_MS) return cached.run === run;
  return now - cached.at < STAT_CACHE_MS;
}

/** Asks again for every answer older than the cache allows (once per run of the checks). */
export function refreshMachine(now = Date.now()): void {
  run++;
  let missing = 0;
  for (const cached of statCache.values()) if (cached.kind === 'missing') missing++;
  if (missing > MAX_MISSING) {
    for (const [hostPath, cached] of statCache) if (cached.kind === 'missing') statCache.delete(hostPath);
    generation++;
  }
  for (const [hostPath, cached] of statCache) {
    if (fresh(cached, now)) continue;
    const kind = statKind(hostPath);
    if (kind !== cached.kind) generation++;
    statCache.set(hostPath, { at: now, run, kind, asked: cached.asked });
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
  if (cached) cached.asked = now;
  if (cached && fresh(cached, now)) return cached.kind;
  const kind = statKind(hostPath);
  if (cached && cached.kind !== kind) generation++;
  if (statCache.size >= MAX_ENTRIES) {
    // Forgotten answers may come back different: anything built on them is looked at again.
    statCache.clear();
    generation++;
  }
  statCache.set(hostPath, { at: now, run, kind, asked: now });
  return kind;
}

function statKind(hostPath: string): PathKind {
  try {
    if (!host.fs) return 'missing';
    // Without an exception for a missing path: asked again on every run, and a thrown error costs more than
    // the look-up itself.
    const stat = host.fs.statSync(hostPath, { throwIfNoEntry: false });
    if (!stat) return 'missing';
    return stat.isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}
