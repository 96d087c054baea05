// Returns the garbage of past edits while the user types. Every edit replaces the model objects, findings and
// diagnostics of the block it touched. Those objects were long-lived (they survived many scavenges), so they
// sit in V8's old space when they die, and V8 leaves them there until its old-space limit is reached: on a
// 1,000-line file the server's RSS then grows by a quarter over 1,000 keystrokes and by a tenth over each
// thousand after, without holding any more live data (a full collection brings the heap back to where it
// started). So when the old space (with the large objects: in a 1 MB job, each edit's text) has grown well
// past what was live after the last full collection, the server collects once, at the first pause in the
// work.
//
// At a pause, not after each edit's diagnostics as it first did: a full collection stops the thread (a few ms
// on a small file, tens on a 1 MB one), and a keystroke arriving meanwhile waited for it. It also cost the
// edits after it: V8 threw away the optimised code made for the layouts of objects the collection freed, and
// the next few hundred edits ran slower while it was compiled again (about 0.4 ms per edit on average on a
// 1,000-line file, with one collection per 400 edits). The objects kept at start (specimens.ts) now hold
// those layouts, and with them most of that code. A user who pauses pays neither while typing. Two
// cases do not wait for a pause: growth several times the threshold (a user who never pauses; not when the
// work was a document opened, whose model is live), and a closed document (its memory comes free at once,
// and the next document would be analysed on top of it).
//
// A heap above `largestHeap` is left to V8, whose collector marks concurrently: the pause of a forced
// collection grows with what is live. Left to V8, a server that opened and closed a 1 MB job ten times grew
// from 210 to 510 MB of RSS without holding anything more (V8 had not run a full collection; one brought it
// back to 176 MB). So after a close, when the documents still open are small (what stays live is what they
// hold, and the collection is short whatever the old space's size) and the process is above the memory the
// server allows itself for them (`memoryBudget`: 300 MB and 30 bytes per character open), it collects
// anyway. Only then: a forced collection costs the next large document opened ~100 ms (V8 lowers its heap
// limits to what was live, and marks again while that document's model grows).
import { host } from './host';

export interface MemoryKeeperOptions {
  /**
   * Collect when the old space and the large objects exceed what was live after the last collection by this
   * fraction of it...
   */
  growthFraction?: number;
  /** ...and by at least this many bytes (small heaps would otherwise collect too often). */
  minimumGrowth?: number;
  /**
   * No forced collection while the old space holds more than this: a full collection stops the thread for
   * time proportional to what is live (27-47 ms with a 1 MB job open, on a 2-core VM), and requests about
   * other documents would wait for it. V8's own collector, which marks concurrently, looks after heaps that
   * large.
   */
  largestHeap?: number;
  /** How long no work may be reported (afterWork) before a collection that is due runs (ms). */
  pauseMs?: number;
  /**
   * Without a pause, a collection runs after the work once the old space has grown by this many times the
   * growth that makes one due: rarely, so that a user who never pauses is not left with the heap V8 lets grow.
   */
  busyFactor?: number;
  /**
   * After a document closes, a collection that is due runs even above `largestHeap` when the texts still open
   * are no longer than this (their models are all that stays live, so the collection is short) and the
   * process holds more than `memoryBudget` allows.
   */
  smallOpenText?: number;
  /** The resident memory the server allows itself for this many characters open (see the top of this file). */
  memoryBudget?: (openText: number) => number;
  /** For tests: a collector other than V8's full GC. */
  collect?: () => void;
}

/**
 * Open texts up to this long keep little live (the model of a 1 MB job is ~34 MB): after a close, a full
 * collection then takes ~10 ms whatever garbage the closed document left.
 */
const SMALL_OPEN_TEXT = 256 * 1024;

/** What the server allows itself: 300 MB, and 30 bytes per character open (the bound of its benchmarks). */
function defaultMemoryBudget(openText: number): number {
  return 300 * 1024 * 1024 + 30 * openText;
}

/** Typing pauses this long often; a burst of keystrokes does not. */
const PAUSE_MS = 1000;
/** See MemoryKeeperOptions.busyFactor: on a 1,000-line file, about one collection per 1,600 edits without a pause. */
const BUSY_FACTOR = 4;

type Collect = () => void | Promise<void>;

/** V8's full collection, made callable without --expose-gc; undefined if V8 refuses or is out of reach. */
function exposeCollector(): Collect | undefined {
  return host.heap?.collector();
}

const NOTHING_USED = { oldSpace: 0, largeObjects: 0 };

/**
 * The old space, and with it what a full collection frees: the old space and the large objects. Each edit of
 * a 1 MB job leaves its text behind, a megabyte, too large for a page; the young collections promote such
 * texts, which then wait for a full collection. 75 keystrokes there left ~75 MB of them while the old space
 * grew by 6.
 */
function oldGeneration(): { oldSpace: number; used: number } {
  const { oldSpace, largeObjects } = host.heap?.oldGenerationUsed() ?? NOTHING_USED;
  return { oldSpace, used: oldSpace + largeObjects };
}

function residentBytes(): number {
  return host.heap?.residentBytes() ?? 0;
}

export class MemoryKeeper {
  private collect: Collect | undefined;
  private readonly growthFraction: number;
  private readonly minimumGrowth: number;
  private readonly largestHeap: number;
  private readonly smallOpenText: number;
  private readonly memoryBudget: (openText: number) => number;
  private readonly pauseMs: number;
  private readonly busyFactor: number;
  private liveAfterCollection: number;
  /** Armed while a collection is due, pushed back by each unit of work. */
  private pause: ReturnType<typeof setTimeout> | undefined;
  private collecting = false;
  /** How many collections ran, and their total time from asking to done (for the server log and tests). */
  collections = 0;
  collectMs = 0;

  constructor(options: MemoryKeeperOptions = {}) {
    this.collect = options.collect ?? exposeCollector();
    this.growthFraction = options.growthFraction ?? 0.5;
    this.minimumGrowth = options.minimumGrowth ?? 8 * 1024 * 1024;
    this.largestHeap = options.largestHeap ?? 64 * 1024 * 1024;
    this.smallOpenText = options.smallOpenText ?? SMALL_OPEN_TEXT;
    this.memoryBudget = options.memoryBudget ?? defaultMemoryBudget;
    this.pauseMs = options.pauseMs ?? PAUSE_MS;
    this.busyFactor = options.busyFactor ?? BUSY_FACTOR;
    this.liveAfterCollection = oldGeneration().used;
  }

  /**
   * True when the old space has grown enough since the last collection to be worth one (`factor` times
   * that), and is small enough for one.
   */
  due(factor = 1): boolean {
    return this.growth() > factor;
  }

  /**
   * The growth of the old space and the large objects since the last collection, in thresholds; 0 when the
   * old space is too large to collect, unless `anySize` (what is live is known to be small).
   */
  private growth(anySize = false): number {
    const { oldSpace, used } = oldGeneration();
    // The pause marks what is live, which is in the old space; dead large objects are only let go.
    if (oldSpace > this.largestHeap && !anySize) return 0;
    return (used - this.liveAfterCollection) / Math.max(this.minimumGrowth, this.liveAfterCollection * this.growthFraction);
  }

  /**
   * Call after finishing a unit of work (an edit's diagnostics sent). When a collection is due, it runs once
   * no work has been reported for `pauseMs`; each call meanwhile pushes it back. `opened`: the work was a
   * document's first analysis. However much that grew the heap, it waits for the pause: the growth is the
   * document's model, live, and a collection right after its diagnostics stopped the thread for 42-56 ms
   * on a 1 MB job, just when requests about it begin.
   */
  afterWork(opened = false): void {
    if (!this.collect || this.collecting) return;
    // Asked once: this runs after every edit.
    const growth = this.growth();
    if (growth <= 1) return;
    if (growth > this.busyFactor && !opened) {
      this.collectSoon();
      return;
    }
    if (this.pause) clearTimeout(this.pause);
    this.pause = setTimeout(() => {
      this.pause = undefined;
      if (this.due()) this.start();
    }, this.pauseMs);
    // A pending collection never keeps the process alive.
    this.pause.unref?.();
  }

  /**
   * Call when a large amount of memory was just let go (a document closed: its text, tree and model): a
   * collection that is due runs at once, after the current turn, rather than at the next pause. Unlike the
   * garbage of edits, which comes a little at a time, this comes at once, and the next document opened
   * would otherwise be analysed on top of it (a server that opened 1 MB jobs one after another without a
   * pause reached half as much memory again). `openText`: the length of the texts still open; when they
   * are small and the process is above its budget, the old space's size does not hold the collection back
   * (see the top of this file).
   */
  afterRelease(openText = Infinity): void {
    if (!this.collect || this.collecting) return;
    const overBudget = openText <= this.smallOpenText && residentBytes() > this.memoryBudget(openText);
    if (this.growth(overBudget) > 1) this.collectSoon();
  }

  /** A collection after the current turn, in place of one waiting for a pause. */
  private collectSoon(): void {
    if (this.pause) clearTimeout(this.pause);
    this.pause = undefined;
    this.collecting = true;
    setImmediate(() => this.start());
  }

  /** Collects, and asks for no other collection until this one is done. */
  private start(): void {
    this.collecting = true;
    void this.collectNow().finally(() => {
      this.collecting = false;
    });
  }

  /** Forgets a pending collection (the server is shutting down). */
  dispose(): void {
    if (this.pause) clearTimeout(this.pause);
    this.pause = undefined;
  }

  /** Collects now, or as soon as V8 runs the collection it was asked for (see HeapAccess.collector). */
  async collectNow(): Promise<void> {
    if (!this.collect) return;
    const started = performance.now();
    try {
      await this.collect();
    } catch {
      // A collector that fails is not tried again: the heap is left to V8.
      this.collect = undefined;
      return;
    }
    this.collectMs += performance.now() - started;
    this.collections++;
    this.liveAfterCollection = oldGeneration().used;
  }
}
