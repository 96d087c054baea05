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

/** Runs `work` with checkpoints pausing it after `until` (a performance.now() time). */
export function withDeadline<T>(until: number, work: () => T): T {
  const outer = deadline;
  deadline = Math.min(until, outer);
  try {
    return work();
  } finally {
    deadline = outer;
  }
}

/** Throws PAUSED when the current deadline has passed. */
export function checkpoint(): void {
  if (deadline !== Infinity && performance.now() > deadline) throw PAUSED;
}

/** The deadline now in force (Infinity: none). */
export function currentDeadline(): number {
  return deadline;
}

export function isPaused(error: unknown): boolean {
  return error === PAUSED;
}
