// Returns the garbage of past edits while the user types. Every edit replaces the model objects, findings and
// diagnostics of the block it touched. Those objects were long-lived (they survived many scavenges), so they
// sit in V8's old space when they die, and V8 leaves them there until its old-space limit is reached: on a
// 1,000-line file the server's RSS then grows by a third over 1,000 keystrokes without holding any more live
// data (a full collection brings the heap back to where it started). So after the server has answered, when
// the old space has grown well past what was live after the last full collection, it collects once.
//
// The collection runs after the diagnostics are written (setImmediate), never before: the user sees the
// squiggles first. It costs a few ms on a small file and tens of ms on a 1 MB one, and the threshold makes it
// rare: about once per 300 single-character edits on a 1,000-line file.
import { host } from './host';

export interface MemoryKeeperOptions {
  /** Collect when old space exceeds live-after-last-collection by this fraction of it... */
  growthFraction?: number;
  /** ...and by at least this many bytes (small heaps would otherwise collect too often). */
  minimumGrowth?: number;
  /**
   * No forced collection while the old space holds more than this: a full collection stops the thread for
   * time proportional to what is live (over a second for the model of a 1 MB job on a loaded machine), and
   * requests about other documents would wait for it. V8's own collector, which marks concurrently, looks
   * after heaps that large.
   */
  largestHeap?: number;
  /** For tests: a collector other than V8's full GC. */
  collect?: () => void;
}

type Collect = () => void;

/** V8's full collection, made callable without --expose-gc; undefined if V8 refuses or is out of reach. */
function exposeCollector(): Collect | undefined {
  return host.heap?.collector();
}

function oldSpaceUsed(): number {
  return host.heap?.oldSpaceUsed() ?? 0;
}

export class MemoryKeeper {
  private readonly collect: Collect | undefined;
  private readonly growthFraction: number;
  private readonly minimumGrowth: number;
  private readonly largestHeap: number;
  private liveAfterCollection: number;
  private scheduled = false;
  /** How many collections ran, and their total time (for the server log and tests). */
  collections = 0;
  collectMs = 0;

  constructor(options: MemoryKeeperOptions = {}) {
    this.collect = options.collect ?? exposeCollector();
    this.growthFraction = options.growthFraction ?? 0.5;
    this.minimumGrowth = options.minimumGrowth ?? 8 * 1024 * 1024;
    this.largestHeap = options.largestHeap ?? 64 * 1024 * 1024;
    this.liveAfterCollection = oldSpaceUsed();
  }

  /** True when the old space has grown enough since the last collection to be worth one, and is small enough for one. */
  due(): boolean {
    const used = oldSpaceUsed();
    if (used > this.largestHeap) return false;
    return used - this.liveAfterCollection > Math.max(this.minimumGrowth, this.liveAfterCollection * this.growthFraction);
  }

  /** Call after finishing a unit of work (an edit's diagnostics sent); collects later if due. */
  afterWork(): void {
    if (!this.collect || this.scheduled || !this.due()) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.collectNow();
    });
  }

  collectNow(): void {
    if (!this.collect) return;
    const started = performance.now();
    this.collect();
    this.collectMs += performance.now() - started;
    this.collections++;
    this.liveAfterCollection = oldSpaceUsed();
  }
}
