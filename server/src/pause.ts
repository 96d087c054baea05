// Cooperative time slicing for the analysis of open documents. The language server runs everything on one
// thread, so a long analysis (a 1 MB job opened cold takes over a second to build and check) must give the
// thread back for requests about other documents. Long loops call `checkpoint()` between units of work
// that are remembered once done (a body item in the model cache, a group in the checks' memo): past the
// deadline it throws PAUSED, the caller returns to the event loop, and the next attempt finds the finished
// units in those caches and goes on from there. Without a deadline (the CLI, tests, one-shot analyses)
// checkpoint() does nothing.

/** Thrown by checkpoint() once the deadline has passed; never an error. */
export const PAUSED: unique symbol = Symbol('analysis paused');

let deadline = Infinity;
/** Whether a unit of work was finished under the current deadline: until one is, nothing pauses. */
let progressed = false;

/** Runs `work` with checkpoints pausing it after `until` (a performance.now() time). */
export function withDeadline<T>(until: number, work: () => T): T {
  const outer = deadline;
  const outerProgressed = progressed;
  deadline = Math.min(until, outer);
  progressed = false;
  try {
    return work();
  } finally {
    deadline = outer;
    progressed = outerProgressed;
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
 */
export function checkpoint(): void {
  if (progressed && deadline !== Infinity && performance.now() > deadline) throw PAUSED;
}

/** Marks a unit of work as finished and remembered (a body item built, a group checked). */
export function progress(): void {
  progressed = true;
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

export function isPaused(error: unknown): boolean {
  return error === PAUSED;
}
