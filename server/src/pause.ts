// Cooperative time slicing for the analysis of open documents. The language server runs everything on one
// thread, so a long analysis (a 1 MB job opened cold takes over a second to build and check) must give the
// thread back for requests about other documents. Long loops call `checkpoint()` between units of work
// that are remembered once done (a body item in the model cache, a group in the checks' memo): past the
// deadline it throws PAUSED, the caller returns to the event loop, and the next attempt finds the finished
// units in those caches and goes on from there. Without a deadline (the CLI, tests, one-shot analyses)
// checkpoint() does nothing.

/**
 * Bodies with more items than this are walked with a place kept after each item, so that the walk can stop
 * between two and go on from there (a check's walk, memo.ts eachItem; the reference index's, references/
 * collect.ts walkLarge), where one walk over the body would be a single unit: a generated file of 30,000
 * locals held the thread for hundreds of ms per check.
 */
export const LARGE_BODY = 256;

/** Thrown by checkpoint() once the deadline has passed; never an error. */
export const PAUSED: unique symbol = Symbol('analysis paused');

let deadline = Infinity;
/** Whether a unit of work was finished under the current deadline: until one is, nothing pauses. */
let progressed = false;
/** When the current deadline was set, and when its first unit of work was finished. */
let started = 0;
let firstProgress = 0;

/**
 * An attempt goes on past its deadline until it has worked on new units for as long as it took to reach the
 * first (up to this): the time an attempt spends finding what earlier ones finished grows with what they
 * finished, and an attempt stopped right after its first new unit made a long run quadratic.
 */
const MAX_CATCH_UP_MS = 10;
let catchUp = MAX_CATCH_UP_MS;

/**
 * Runs `work` with checkpoints pausing it after `until` (a performance.now() time). `catchUpMs` caps how
 * long an attempt works on past the deadline to match its time to the first unit (MAX_CATCH_UP_MS); 0: it
 * stops at the first checkpoint past the deadline after one unit (tests of the resumption itself).
 */
export function withDeadline<T>(until: number, work: () => T, catchUpMs = MAX_CATCH_UP_MS): T {
  const outer = deadline;
  const outerProgressed = progressed;
  const outerStarted = started;
  const outerFirst = firstProgress;
  const outerCatchUp = catchUp;
  deadline = Math.min(until, outer);
  catchUp = catchUpMs;
  progressed = false;
  started = performance.now();
  try {
    return work();
  } finally {
    deadline = outer;
    progressed = outerProgressed;
    started = outerStarted;
    firstProgress = outerFirst;
    catchUp = outerCatchUp;
  }
}

/**
 * Runs `work` to the end whatever the deadline: for work whose own state cannot resume after a pause (a
 * build over a scratch text such as syntaxRepair's, which would start over and pause again at every attempt).
 */
export function unpaused<T>(work: () => T): T {
  const outer = deadline;
  deadline = Infinity;
  try {
    return work();
  } finally {
    deadline = outer;
  }
}

/**
 * Throws PAUSED when the current deadline has passed, but only once a unit of work was finished (see
 * `progress`) under it: each attempt gets somewhere, however late it started (or it could never finish).
 * `beforeStop` runs first when it does: a loop keeps its place there for the next attempt.
 */
export function checkpoint(beforeStop?: () => void): void {
  if (!progressed || deadline === Infinity) return;
  const now = performance.now();
  if (now > deadline && now - firstProgress >= Math.min(firstProgress - started, catchUp)) {
    beforeStop?.();
    throw PAUSED;
  }
}

/** Marks a unit of work as finished and remembered (a body item built, a group checked). */
export function progress(): void {
  if (progressed) return;
  progressed = true;
  firstProgress = performance.now();
}

/** A stop test for a parse under the current deadline (or `until`, if sooner), with the same guarantee. */
export function stopAfter(until: number): () => boolean {
  const at = Math.min(until, deadline);
  let first = true;
  return () => {
    if (first) {
      first = false;
      return false;
    }
    return performance.now() > at;
  };
}

/**
 * Whether work now runs under a deadline (an analysis of the language server, in slices), rather than to the
 * end (the CLI, tests, one-off requests).
 */
export function underDeadline(): boolean {
  return deadline !== Infinity;
}

export function isPaused(error: unknown): boolean {
  return error === PAUSED;
}
