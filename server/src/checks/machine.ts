// What the checks look up on this machine (whether a file exists, where a path's links lead), through a
// short-lived cache: the language server re-checks on every edit, and this keeps that from touching the disk
// each time while still noticing a program installed a moment ago. Every check that reads the disk asks here,
// never `fs` itself: an answer it got elsewhere would never change the generation, and a remembered finding
// built on it would stay until its group is edited. When the editor reports changed files (workspace/didChangeWatchedFiles),
// `forgetMachine` drops the answers about them at once instead of waiting for the cache to expire.
//
// A missing path is the one the user is about to create or install. In the language server `watchMachine`
// looks at the missing paths once a second, off the thread (a look-up that hangs on a dead mount holds no
// request), and says when one appeared: its finding goes without an edit, and no keystroke pays a look-up
// for it (one per missing path per edit, ~30 µs each here, a tenth of a warm edit of a 1,000-line job). It
// looks again at the paths found, once their answer is a few seconds old, the same way: an answer stands
// until the watch has a newer one (before, every answer older than that was asked again at the start of the
// next run, on the thread). A path's first look-up during an analysis is made off the thread too: a path on a
// hung network mount, or an automount that takes seconds, held the whole server inside one stat call. Until
// its answer comes, the run takes the path as there (no finding says it is missing) and counts that
// (provisionalAnswers): the server holds such an analysis' diagnostics until the answers come, for at most
// FIRST_LOOK_HOLD_MS, and checks again (documents.ts); an answer later than that tells the watchers, as a
// change would. Without the watch (the CLI, tests), a missing path a check asked for lately is asked again on
// every run instead, and any other answer once it is a few seconds old.
//
// A look-up stuck on a hung mount holds one of the threads of libuv's pool until the mount answers. The server
// asks for FILE_THREADS of them (libuv has four by default), the watch takes each answer as it comes (one stuck look-up
// stops neither it nor the others), and no look-up is started in a folder where one is stuck, nor at all once
// MAX_STUCK_LOOKS are: such a path is taken as there until a stuck one comes back.
//
// Findings built from these answers are `live` (memo.ts): they must follow the machine. Rather than asking
// again for every remembered finding on every run, a run first refreshes the answers that are older than the
// cache allows (refreshMachine), and `machineGeneration()` changes whenever an answer did: remembered live
// findings made in the current generation are still right.
import { host } from '../host';
import { underDeadline } from '../pause';

const STAT_CACHE_MS = 5000;
/** How often the watch looks at the missing paths (watchMachine). */
const WATCH_EVERY_MS = 1000;
const MAX_ENTRIES = 1000;
/**
 * Missing paths are asked again on every run (with the watch, every second). Typing a path leaves one
 * missing answer per keystroke (`/usr/bin/j`, `/usr/bin/jq`...), and asking all of them on every edit grew
 * with the typing: past this many, they are all forgotten at once (the findings built on them are looked at
 * again, and ask for the paths still named).
 */
const MAX_MISSING = 32;
/**
 * How long the server holds diagnostics built on answers still to come (see the top of this file): a local
 * disk answers in microseconds, a network mount in milliseconds; one slower than this is published without
 * them, and again once they come.
 */
export const FIRST_LOOK_HOLD_MS = 200;
/** Threads the server asks for its file work (libuv's pool, four by default): see MAX_STUCK_LOOKS. */
export const FILE_THREADS = 16;
/**
 * Look-ups under way for longer than FIRST_LOOK_HOLD_MS (stuck, as on a hung mount) at which no new one is
 * started: each holds one of the FILE_THREADS until its mount answers, and the server's other file work
 * (links, workspace symbols, the look-ups of paths on healthy disks) needs some. A path not looked up then is
 * taken as there, as one whose look-up is under way is; when a stuck look-up comes back, the documents are
 * checked again, and it is asked for then.
 */
const MAX_STUCK_LOOKS = 8;
/** What a path is on this machine: a regular file, something else (a folder...), or nothing. */
type PathKind = 'file' | 'other' | 'missing';
/**
 * Where a path leads with its links resolved (`real:` and the real path), or `missing`: asked by the file
 * sandbox check, whether a read leaves the job's folder through a link. Kept in the same cache under its own
 * key (REAL and the path), looked up and watched as a path's kind is.
 */
type RealPath = `real:${string}`;
type Found = PathKind | RealPath;
const REAL = '\u0000real\u0000';
/** Answers by key: a host path (its kind), or REAL and a host path (where it leads). */
const statCache = new Map<string, Answer>();

/** The host path a key asks about. */
function pathOf(key: string): string {
  return key.startsWith(REAL) ? key.slice(REAL.length) : key;
}

/**
 * An answer, when it was got and in which run of the checks (refreshMachine counts them), and when a check
 * last asked for it.
 */
interface Answer {
  at: number;
  run: number;
  kind: Found;
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

/**
 * Runs of the checks so far: without the watch, a missing path is asked again in every run, even two within
 * a millisecond.
 */
let run = 0;

/**
 * Whether a cached answer still stands: with the watch, always; without it, a missing path a check asked for
 * lately is asked again on every run, anything else after a few seconds.
 */
function fresh(cached: Answer, now: number): boolean {
  // The watch keeps every answer current, off the thread.
  if (watch) return true;
  // The file a finding says is missing is the one the user is about to create: without the watch, the next
  // run notices it. Only while a check still asks for it: each character typed into a path leaves a missing
  // answer that no finding names once the next one is typed, and asking all of them again on every edit cost
  // a look-up per stale path per keystroke. One no check asked for lately is asked every few seconds, as a
  // file is.
  if (cached.kind === 'missing' && now - cached.asked < STAT_CACHE_MS) return cached.run === run;
  return now - cached.at < STAT_CACHE_MS;
}

/** Who hears of an answer that changed (watchMachine), and the timer that looks while anyone does. */
const watchers = new Set<() => void>();
let watch: ReturnType<typeof setInterval> | undefined;

/**
 * Looks at the missing paths every second, and at the others once their answer is `foundAgeMs` old, and
 * calls `changed` when an answer changed (a missing path is there now, a file was removed): the language
 * server then checks its documents again. Until stopped (the returned function), runs take every answer
 * as it stands, the watch keeping them current. Does nothing where the machine cannot be looked at.
 */
export function watchMachine(changed: () => void, everyMs = WATCH_EVERY_MS, foundAgeMs = STAT_CACHE_MS): () => void {
  if (!canLookAtMachine()) return () => undefined;
  const listener = (): void => changed();
  watchers.add(listener);
  if (!watch) {
    // The first watcher's timings hold until the last one stops.
    watchFoundAgeMs = foundAgeMs;
    watch = setInterval(lookAgain, everyMs);
    // The watch never keeps the process alive on its own.
    watch.unref?.();
  }
  return () => {
    watchers.delete(listener);
    if (watchers.size > 0 || !watch) return;
    clearInterval(watch);
    watch = undefined;
  };
}

/** How old the answer about a path that was there may grow before the watch looks again (watchMachine). */
let watchFoundAgeMs = STAT_CACHE_MS;

/**
 * The watch's look-ups under way, by key. Each answer is taken as it comes, and a key is not asked again
 * while its look-up is under way: one stuck on a mount that died stops neither the others nor the next looks
 * (the watch once waited for all of its look-ups together, and one stuck look-up stopped it for good).
 */
const watchLooks = new Map<string, number>();
/** Watchers are told once for the answers that came in one turn (each tells every document to be checked again). */
let tellSoon: ReturnType<typeof setImmediate> | undefined;

/**
 * Asks again, off the thread (a look-up that hangs never holds a request), for the missing paths and for the
 * others whose answer is old; the watchers hear when an answer changed. An answer a run got meanwhile is as
 * new: it stands. The cache holds at most MAX_MISSING missing paths and MAX_ENTRIES in all.
 */
function lookAgain(): void {
  const now = Date.now();
  for (const [key, cached] of statCache) {
    if (watchLooks.has(key) || (cached.kind !== 'missing' && now - cached.at < watchFoundAgeMs)) continue;
    if (!mayStartLooks(now, key)) continue;
    watchLooks.set(key, now);
    void askLater(key).then((found) => {
      watchLooks.delete(key);
      watchAnswer(key, found, now);
    });
  }
}

function watchAnswer(key: string, found: Found, asked: number): void {
  const cached = statCache.get(key);
  if (Date.now() - asked >= FIRST_LOOK_HOLD_MS) lookedBack();
  if (!cached || cached.at > asked) return;
  statCache.set(key, { at: asked, run: cached.run, kind: found, asked: cached.asked });
  if (found === cached.kind) return;
  generation++;
  tellWatchersSoon();
}

function tellWatchersSoon(): void {
  tellSoon ??= setImmediate(() => {
    tellSoon = undefined;
    for (const heard of [...watchers]) heard();
  });
}

/** Paths were taken as there without a look-up, too many being stuck (MAX_STUCK_LOOKS). */
let lookUpsDeferred = false;

/**
 * Whether the look-up of `key` may start: fewer than MAX_STUCK_LOOKS are stuck, and none of them in the
 * folder of its path (a folder on a hung mount: typing a path there asks for a new one at each keystroke).
 * Notes when it may not (lookedBack).
 */
function mayStartLooks(now: number, key: string): boolean {
  const folder = parentOf(pathOf(key));
  let stuck = 0;
  for (const looks of [firstLooks, watchLooks]) {
    for (const [known, since] of looks) {
      if (now - since < FIRST_LOOK_HOLD_MS) continue;
      stuck++;
      if (parentOf(pathOf(known)) === folder) stuck = MAX_STUCK_LOOKS;
    }
  }
  if (stuck < MAX_STUCK_LOOKS) return true;
  lookUpsDeferred = true;
  return false;
}

/** The folder of a host path (either separator: the server runs on Windows too). */
function parentOf(hostPath: string): string {
  return hostPath.slice(0, Math.max(hostPath.lastIndexOf('/'), hostPath.lastIndexOf('\\'), 0));
}

/** A stuck look-up came back: paths not looked up meanwhile are asked for in the checks it has run again. */
function lookedBack(): void {
  if (!lookUpsDeferred) return;
  lookUpsDeferred = false;
  generation++;
  tellWatchersSoon();
}

/** As askNow, without waiting on the thread. */
async function askLater(key: string): Promise<Found> {
  try {
    if (!host.fs) return 'missing';
    if (key.startsWith(REAL)) return `real:${await host.fs.promises.realpath(pathOf(key))}`;
    return kindOf(await host.fs.promises.stat(key));
  } catch {
    return 'missing';
  }
}

/** Asks again for every answer older than the cache allows (once per run of the checks). */
export function refreshMachine(now = Date.now()): void {
  run++;
  let missing = 0;
  for (const cached of statCache.values()) if (cached.kind === 'missing') missing++;
  if (missing > MAX_MISSING) {
    // With the watch, only those no check asked for lately: a job that names more missing paths than this
    // keeps their answers (asked again, each would be a first look-up, taken as there until answered).
    let forgot = false;
    for (const [hostPath, cached] of statCache) {
      if (cached.kind !== 'missing' || (watch && now - cached.asked < STAT_CACHE_MS)) continue;
      statCache.delete(hostPath);
      forgot = true;
    }
    if (forgot) generation++;
  }
  for (const [hostPath, cached] of statCache) {
    if (fresh(cached, now)) continue;
    const kind = askNow(hostPath);
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
  // A look-up under way may have been answered before the change: its answer is dropped, and the next run
  // asks again.
  dropFirstLooks(hostPaths);
  if (!hostPaths) {
    const had = statCache.size > 0;
    if (had) generation++;
    statCache.clear();
    return had;
  }
  let forgot = false;
  for (const known of statCache.keys()) {
    if (!hostPaths.some((changed) => atOrBelow(pathOf(known), changed))) continue;
    statCache.delete(known);
    forgot = true;
  }
  if (forgot) generation++;
  return forgot;
}

/** `known` is the path `changed` or lies below it. */
function atOrBelow(known: string, changed: string): boolean {
  return known === changed || known.startsWith(changed.endsWith('/') ? changed : changed + '/');
}

/** Keeps an answer; a full cache is forgotten first (answers that come back different change the generation). */
function remember(hostPath: string, answer: Answer): void {
  if (!statCache.has(hostPath) && statCache.size >= MAX_ENTRIES) {
    statCache.clear();
    generation++;
  }
  statCache.set(hostPath, answer);
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
  return answer(hostPath, 'file') as PathKind;
}

/**
 * Where `hostPath` (absolute, normalised) leads with its links resolved, undefined when nothing is there
 * (cached and watched as pathKind). While its first look-up is under way in an analysis, the path is taken
 * as leading to itself.
 */
export function realPathOnMachine(hostPath: string): string | undefined {
  const found = answer(REAL + hostPath, `real:${hostPath}`);
  return found === 'missing' ? undefined : found.slice('real:'.length);
}

/** The answer for `key`: cached, looked up, or (a first look-up in an analysis, see lookFirst) `asThere` for now. */
function answer(key: string, asThere: Found): Found {
  const now = Date.now();
  const cached = statCache.get(key);
  if (cached) cached.asked = now;
  if (cached && fresh(cached, now)) return cached.kind;
  // In the server's analyses (in slices, under a deadline). A one-off request (a hover) asks on the thread,
  // after the analysis of its document asked the same paths: unless that look-up is still under way, or was
  // never started, a look-up in its folder being stuck (mayStartLooks).
  if (!cached && watch && (underDeadline() || firstLooks.has(key) || !mayStartLooks(now, key))) return lookFirst(key, now, asThere);
  const kind = askNow(key);
  if (cached && cached.kind !== kind) generation++;
  remember(key, { at: now, run, kind, asked: now });
  return kind;
}

/** First look-ups under way, by path: when each was started (Date.now()). */
const firstLooks = new Map<string, number>();
/** Answers given while a path's first look-up was under way (see the top of this file). */
let provisional = 0;
const settledListeners = new Set<() => void>();

/**
 * How many answers so far were given before the path's first look-up came back, that look-up begun less than
 * FIRST_LOOK_HOLD_MS before: a run that got one is provisional (its diagnostics are held, its live steps run
 * again). One asked for longer (a hung mount) is no longer counted: its answer, when it comes, changes the
 * generation instead.
 */
export function provisionalAnswers(): number {
  return provisional;
}

/** Whether a first look-up begun less than FIRST_LOOK_HOLD_MS ago is under way. */
export function firstLooksUnderWay(now = Date.now()): boolean {
  for (const since of firstLooks.values()) if (now - since < FIRST_LOOK_HOLD_MS) return true;
  return false;
}

/** Calls `listener` each time no first look-up begun less than FIRST_LOOK_HOLD_MS ago is left under way; returns its removal. */
export function onFirstLooksSettled(listener: () => void): () => void {
  settledListeners.add(listener);
  return () => settledListeners.delete(listener);
}

/** Starts the first look-up of `key` (once) and answers for now that the path is there (`asThere`). */
function lookFirst(key: string, now: number, asThere: Found): Found {
  const since = firstLooks.get(key);
  if (since === undefined) {
    // Too many stuck: taken as there, uncounted (no answer is coming to release a hold).
    if (!mayStartLooks(now, key)) return asThere;
    startLook(key, now);
  }
  if (since === undefined || now - since < FIRST_LOOK_HOLD_MS) provisional++;
  return asThere;
}

function startLook(key: string, now: number): void {
  firstLooks.set(key, now);
  void askLater(key).then((found) => firstAnswer(key, found));
}

/**
 * Starts the first look-ups of all of `hostPaths` at once, in the server's analyses. A check that stops at
 * the first path there (a command's candidates) takes the first one asked as there until it answers, and
 * would otherwise learn of each next candidate only after the one before it came back: one more run of the
 * checks each (typing a bare command name on a 1,000-line job: a p90 of 14.4 ms per keystroke against 7.4-9.0).
 */
export function lookAhead(hostPaths: readonly (string | undefined)[]): void {
  if (!watch || !underDeadline()) return;
  const now = Date.now();
  for (const hostPath of hostPaths) if (hostPath !== undefined && !statCache.has(hostPath) && !firstLooks.has(hostPath) && mayStartLooks(now, hostPath)) startLook(hostPath, now);
}

/** Requests waiting for a path's look-up (pathKindSoon). */
const answerWaiters = new Map<string, ((kind: Found | undefined) => void)[]>();

/**
 * What is at `hostPath`, for a request, without waiting on the thread: the answer known, or one looked up
 * off the thread (as a first look-up during an analysis); undefined when none comes within `waitMs` (a hung
 * mount) or the machine cannot be looked at.
 */
export function pathKindSoon(hostPath: string, waitMs = FIRST_LOOK_HOLD_MS): Promise<PathKind | undefined> {
  const now = Date.now();
  const cached = statCache.get(hostPath);
  if (cached && fresh(cached, now)) {
    cached.asked = now;
    return Promise.resolve(cached.kind as PathKind);
  }
  if (!canLookAtMachine()) return Promise.resolve(undefined);
  if (!firstLooks.has(hostPath)) {
    if (!mayStartLooks(now, hostPath)) return Promise.resolve(undefined);
    startLook(hostPath, now);
  }
  return new Promise<PathKind | undefined>((resolve) => {
    const timer = setTimeout(() => {
      const waiting = answerWaiters.get(hostPath);
      const left = waiting?.filter((w) => w !== answered) ?? [];
      if (left.length) answerWaiters.set(hostPath, left);
      else answerWaiters.delete(hostPath);
      resolve(undefined);
    }, waitMs);
    timer.unref?.();
    // A key without REAL: its answer is a kind.
    const answered = (kind: Found | undefined): void => {
      clearTimeout(timer);
      resolve(kind as PathKind | undefined);
    };
    const waiting = answerWaiters.get(hostPath);
    if (waiting) waiting.push(answered);
    else answerWaiters.set(hostPath, [answered]);
  });
}

function tellWaiters(hostPath: string, kind: Found | undefined): void {
  const waiting = answerWaiters.get(hostPath);
  if (!waiting) return;
  answerWaiters.delete(hostPath);
  for (const answered of waiting) answered(kind);
}

function firstAnswer(key: string, kind: Found): void {
  const since = firstLooks.get(key);
  // Forgotten meanwhile (forgetMachine): the next run asks again.
  if (since === undefined) return;
  firstLooks.delete(key);
  const now = Date.now();
  const cached = statCache.get(key);
  // An answer got on the thread meanwhile is as new; one from before this look-up (old, without the watch) is not.
  if (!cached || cached.at < since) {
    if (cached && cached.kind !== kind) generation++;
    remember(key, { at: now, run, kind, asked: cached?.asked ?? now });
  }
  tellWaiters(key, kind);
  // Runs took the path as there past their hold, uncounted (provisionalAnswers): what they built on it is
  // looked at again, and so are the paths not looked up while it was stuck (lookedBack).
  if (now - since >= FIRST_LOOK_HOLD_MS) {
    lookUpsDeferred = false;
    generation++;
    for (const heard of [...watchers]) heard();
  }
  tellIfSettled();
}

/** Tells the listeners (onFirstLooksSettled) when no young first look-up is left under way. */
function tellIfSettled(): void {
  if (!firstLooksUnderWay()) for (const listener of [...settledListeners]) listener();
}

/**
 * Drops the first look-ups under way for these paths (all when undefined), except those under way for longer
 * than FIRST_LOOK_HOLD_MS: stuck on a hung mount, each holds one of libuv's four pool threads, and asking again
 * would hold another (their answer, when the mount comes back, is a new one anyway).
 */
function dropFirstLooks(hostPaths: readonly string[] | undefined): void {
  if (firstLooks.size === 0) return;
  const now = Date.now();
  for (const [known, since] of [...firstLooks]) {
    if (now - since >= FIRST_LOOK_HOLD_MS) continue;
    if (hostPaths && !hostPaths.some((changed) => atOrBelow(pathOf(known), changed))) continue;
    firstLooks.delete(known);
    tellWaiters(known, undefined);
  }
  tellIfSettled();
}

function askNow(key: string): Found {
  try {
    if (!host.fs) return 'missing';
    if (key.startsWith(REAL)) return `real:${host.fs.realpathSync(pathOf(key))}`;
    // Without an exception for a missing path: asked again on every run, and a thrown error costs more than
    // the look-up itself.
    return kindOf(host.fs.statSync(key, { throwIfNoEntry: false }));
  } catch {
    return 'missing';
  }
}

/** What a look-up found: nothing, a regular file, or something else. */
function kindOf(stat: { isFile(): boolean } | undefined): PathKind {
  if (!stat) return 'missing';
  return stat.isFile() ? 'file' : 'other';
}
