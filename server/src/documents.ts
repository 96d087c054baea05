// Open documents of the language server, and when their analyses run. Each document keeps its text, syntax
// tree and model cache in step under incremental edits (analysis.ts DocumentAnalysis). An edit only records
// the change; the analysis runs afterwards, in slices of a few milliseconds taken in turn by the documents
// that need one, each slice followed by a return to the event loop. So a request never waits for another
// document's analysis (only, through `ready`, for its own document's), and a newer edit makes the
// unfinished analysis of the older text stop at its next slice: it is never completed or published.
//
// An analysis that took a path as there while its first look-up was under way (checks/machine.ts) is held:
// neither published nor given to requests until the answers come (microseconds on a local disk), when its
// checks run again; past FIRST_LOOK_HOLD_MS (a hung mount) it goes out as it is, and again once they come.
import type { Analysis, DocumentSnapshot } from './analysis';
import { DocumentAnalysis } from './analysis';
import type { TextChange } from './parser/syntaxDocument';
import type { HclParser } from './parser/parser';
import type { EffectiveSettings } from './settings';
import { FIRST_LOOK_HOLD_MS, firstLooksUnderWay, onFirstLooksSettled, provisionalAnswers } from './checks/machine';
import { SPECIMEN_JOB, keepSpecimens } from './specimens';

export type { DocumentSnapshot };

/** Length of one slice of analysis work before the event loop gets the thread back. */
export const SLICE_MS = 20;

export interface DocumentStoreOptions {
  /**
   * Called once per completed analysis of a document's current version (the server publishes it); `first`:
   * the first since the document was opened.
   */
  analysed?: (snapshot: DocumentSnapshot, first: boolean) => void;
  /** Called when an analysis fails unexpectedly (the document then gets an empty analysis). */
  failed?: (uri: string, error: unknown) => void;
  sliceMs?: number;
  /**
   * How many requests are being answered now (handler started, reply not yet written). While one is, and it
   * is not waiting for an analysis (`ready`), slices are short: its reply is written a few turns of the event
   * loop later, and a 20 ms slice in each of those turns added up to most of a hover's wait.
   */
  requestsInFlight?: () => number;
  /**
   * Counts the chunks of input received so far, when the transport can tell. No slice runs in the turn after
   * new input: the message it brings is read in that turn, but after the slice would have run.
   */
  inputCount?: () => number;
}

/** A slice while a request is being answered (see DocumentStoreOptions.requestsInFlight). */
export const SHORT_SLICE_MS = 2;

/** How long slices wait for a request being answered before they go on (short: SHORT_SLICE_MS). */
const REQUEST_WAIT_MS = 20;

/**
 * Turns of the event loop a slice waits after input came: a message read from stdin reaches its handler two
 * turns later (vscode-jsonrpc decodes it in a setImmediate of its reader's semaphore, then dispatches it in a
 * setImmediate of its message queue), and a slice begun in the turn between held a hover that had arrived
 * during the slice before for a second slice (measured: 74 ms behind two 34 ms slices of a 30,000-locals file).
 */
const INPUT_TURNS = 2;

/**
 * Calls `callback` once a message read in the next turn has been handled: one turn more than a slice waits,
 * as the callback is queued before the turn in which the message is read.
 */
export function afterMessagesRead(callback: () => void, turns = INPUT_TURNS + 1): void {
  if (turns === 0) return callback();
  setImmediate(() => afterMessagesRead(callback, turns - 1));
}

type Waiter = (snapshot: DocumentSnapshot | undefined) => void;

export class DocumentStore {
  private readonly open = new Map<string, DocumentAnalysis>();
  /** Documents whose analysis is not complete, in turn order (insertion order of the Set). */
  private readonly pending = new Set<string>();
  private readonly waiters = new Map<string, Waiter[]>();
  private scheduled: { immediate: NodeJS.Immediate } | { timeout: NodeJS.Timeout } | undefined;
  /** Since when slices have waited for a request being answered (see `work`). */
  private waitingSince: number | undefined;
  private readonly sliceMs: number;
  private inputSeen = 0;
  /** Turns still to wait for input read before the next slice (INPUT_TURNS). */
  private inputTurns = 0;
  private readonly closeListeners: ((uri: string) => void)[] = [];
  /** Documents opened whose first analysis is not published yet. */
  private readonly opening = new Set<string>();
  /** Documents whose analysis so far got an answer still to come (machine.ts provisionalAnswers). */
  private readonly provisional = new Set<string>();
  /** Held documents (see the top of this file), and since when (performance.now()). */
  private readonly held = new Map<string, number>();
  private readonly stopHearingLooks: () => void;

  constructor(
    private readonly parser: HclParser,
    private readonly currentSettings: () => EffectiveSettings,
    private readonly options: DocumentStoreOptions = {},
  ) {
    this.sliceMs = options.sliceMs ?? SLICE_MS;
    this.stopHearingLooks = onFirstLooksSettled(() => this.release());
  }

  /**
   * Analyses the specimen job once per process and keeps what it made (specimens.ts). The server calls it
   * once initialised, before the documents it is sent are analysed.
   */
  keepSpecimens(): void {
    try {
      keepSpecimens(() => specimenAnalysis(this.parser, this.currentSettings()));
    } catch (error) {
      this.options.failed?.(SPECIMEN_URI, error);
    }
  }

  openDocument(uri: string, text: string, version: number): DocumentAnalysis {
    this.open.get(uri)?.dispose();
    const doc = new DocumentAnalysis(this.parser, uri, text, version);
    this.open.set(uri, doc);
    this.opening.add(uri);
    this.provisional.delete(uri);
    this.held.delete(uri);
    this.schedule(uri);
    return doc;
  }

  change(uri: string, changes: readonly TextChange[], version: number): DocumentAnalysis | undefined {
    const doc = this.open.get(uri);
    if (!doc) return undefined;
    doc.applyChanges(changes, version);
    // A hold goes on from when it began: a user typing into a path on a hung mount still sees diagnostics.
    this.provisional.delete(uri);
    this.schedule(uri);
    return doc;
  }

  close(uri: string): void {
    this.open.get(uri)?.dispose();
    this.open.delete(uri);
    this.pending.delete(uri);
    this.opening.delete(uri);
    this.provisional.delete(uri);
    this.held.delete(uri);
    this.settle(uri, undefined);
    for (const listener of this.closeListeners) listener(uri);
  }

  /**
   * Calls `listener` with the URI of each document closed from now on: a feature that keeps answers per
   * document lets them go (they hold that document's model).
   */
  onDidClose(listener: (uri: string) => void): void {
    this.closeListeners.push(listener);
  }

  get(uri: string): DocumentAnalysis | undefined {
    return this.open.get(uri);
  }

  /** The length of the texts open, together: what their models, kept live, grow with. */
  openTextLength(): number {
    let length = 0;
    for (const doc of this.open.values()) length += doc.text.length;
    return length;
  }

  /**
   * The completed analysis of the document's current version, with its tree and text: at once when it is
   * done, else once this document's own analysis completes (never waiting for another document's).
   * undefined when the document is not open (or is closed meanwhile).
   */
  ready(uri: string): Promise<DocumentSnapshot | undefined> {
    const doc = this.open.get(uri);
    if (!doc) return Promise.resolve(undefined);
    if (doc.isDone(this.currentSettings()) && !this.held.has(uri)) return Promise.resolve(doc.snapshot());
    this.schedule(uri);
    return new Promise((resolve) => {
      const list = this.waiters.get(uri);
      if (list) list.push(resolve);
      else this.waiters.set(uri, [resolve]);
    });
  }

  /** The current analysis of an open document, completed now however long it takes (prefer `ready`). */
  analysis(uri: string): Analysis | undefined {
    return this.open.get(uri)?.analyse(this.currentSettings());
  }

  /** Analyses every open document again (the settings changed). */
  reanalyseAll(): void {
    for (const uri of this.open.keys()) this.schedule(uri);
  }

  /** Checks every open document again on its current model (files on the machine changed). */
  recheckAll(): void {
    for (const [uri, doc] of this.open) {
      doc.recheck();
      this.schedule(uri);
    }
  }

  /** Whether any analysis is pending (for tests and benchmarks). */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  uris(): string[] {
    return [...this.open.keys()];
  }

  disposeAll(): void {
    if (this.scheduled && 'immediate' in this.scheduled) clearImmediate(this.scheduled.immediate);
    else if (this.scheduled) clearTimeout(this.scheduled.timeout);
    this.scheduled = undefined;
    this.stopHearingLooks();
    for (const uri of [...this.open.keys()]) this.close(uri);
  }

  private schedule(uri: string): void {
    this.pending.add(uri);
    if (this.scheduled) return;
    // Work starting now, after the message that asked for it: that input is read already.
    this.inputSeen = this.options.inputCount?.() ?? 0;
    this.later();
  }

  /** The next slice: in the next turn of the event loop, or after `ms`. */
  private later(ms?: number): void {
    this.scheduled = ms === undefined ? { immediate: setImmediate(() => this.work()) } : { timeout: setTimeout(() => this.work(), ms) };
  }

  /** One slice: documents someone waits for first, then in turn; unfinished ones go to the back. */
  private work(): void {
    this.scheduled = undefined;
    const input = this.options.inputCount?.() ?? 0;
    if (input !== this.inputSeen) {
      // Input came since the last slice. The transport handles its messages a few turns later (INPUT_TURNS),
      // and a slice ends at its deadline only at a point where the work can stop: a large group's checks, a
      // check of 30,000 locals, run on past it. So the messages go first, and the work after them.
      this.inputSeen = input;
      this.inputTurns = INPUT_TURNS;
    }
    if (this.inputTurns > 0) {
      this.inputTurns--;
      this.later();
      return;
    }
    const answering = (this.options.requestsInFlight?.() ?? 0) > this.waiting();
    // A request being answered (not one waiting for an analysis) may take a few turns to reply (a file read
    // on the way): no slice meanwhile, for the same reason, up to REQUEST_WAIT_MS; then one short slice, and
    // the wait again (requests one after the other still leave a slice to every REQUEST_WAIT_MS).
    if (answering) {
      const now = performance.now();
      this.waitingSince ??= now;
      if (now - this.waitingSince < REQUEST_WAIT_MS) {
        this.later(1);
        return;
      }
    }
    this.waitingSince = undefined;
    const end = performance.now() + (answering ? Math.min(SHORT_SLICE_MS, this.sliceMs) : this.sliceMs);
    const settings = this.currentSettings();
    while (this.pending.size > 0) {
      const uri = this.next();
      this.pending.delete(uri);
      const doc = this.open.get(uri);
      if (!doc) continue;
      let done: Analysis | undefined;
      const given = provisionalAnswers();
      try {
        done = doc.advance(settings, end);
      } catch (error) {
        this.options.failed?.(uri, error);
        done = doc.fail(settings);
      }
      if (provisionalAnswers() !== given) this.provisional.add(uri);
      if (done && this.hold(uri)) {
        if (performance.now() >= end) break;
        continue;
      }
      if (done) {
        const snapshot = doc.snapshot()!;
        this.options.analysed?.(snapshot, this.opening.delete(uri));
        this.settle(uri, snapshot);
      } else {
        this.pending.add(uri);
      }
      if (performance.now() >= end) break;
    }
    if (this.pending.size > 0 && !this.scheduled) this.later();
  }

  /**
   * Whether the completed analysis of `uri` waits for first look-ups (see the top of this file): while it
   * got an answer still to come and its hold began less than FIRST_LOOK_HOLD_MS ago.
   */
  private hold(uri: string): boolean {
    if (!this.provisional.has(uri)) {
      this.held.delete(uri);
      return false;
    }
    const now = performance.now();
    const since = this.held.get(uri);
    if (since !== undefined && now - since >= FIRST_LOOK_HOLD_MS) {
      this.held.delete(uri);
      this.provisional.delete(uri);
      return false;
    }
    if (since === undefined) this.held.set(uri, now);
    // Its end: the analysis is checked again and goes out, answers or not. Set again at each hold: a timer
    // may fire a fraction of a millisecond early by this clock, and the hold would then wait for answers that
    // a hung mount never gives.
    setTimeout(() => this.release(), FIRST_LOOK_HOLD_MS - (now - (since ?? now)) + 1).unref();
    // Answered during the slice already: checked again in this one.
    if (!firstLooksUnderWay()) this.release();
    return true;
  }

  /** Checks the held documents again, with the answers that came (or, past their hold, without). */
  private release(): void {
    for (const uri of this.held.keys()) {
      const doc = this.open.get(uri);
      if (!doc) continue;
      this.provisional.delete(uri);
      doc.recheck();
      this.schedule(uri);
    }
  }

  /** Requests waiting in `ready` for an analysis. */
  private waiting(): number {
    let n = 0;
    for (const list of this.waiters.values()) n += list.length;
    return n;
  }

  private next(): string {
    for (const uri of this.pending) if (this.waiters.has(uri)) return uri;
    return this.pending.values().next().value as string;
  }

  private settle(uri: string, snapshot: DocumentSnapshot | undefined): void {
    const list = this.waiters.get(uri);
    if (!list) return;
    this.waiters.delete(uri);
    for (const resolve of list) resolve(snapshot);
  }
}

const SPECIMEN_URI = 'nomad-exec-specimen:/specimen.nomad.hcl';

/**
 * The analysis whose objects are kept for their shapes (specimens.ts): the specimen job analysed, then edited
 * and analysed again, so that what an edit makes (a reparse, the blocks it did not touch reused) is among them.
 */
function specimenAnalysis(parser: HclParser, settings: EffectiveSettings): DocumentAnalysis {
  const doc = new DocumentAnalysis(parser, SPECIMEN_URI, SPECIMEN_JOB, 1);
  doc.analyse(settings);
  const before = SPECIMEN_JOB.slice(0, SPECIMEN_JOB.indexOf('count = 1') + 'count = '.length);
  const line = before.split('\n').length - 1;
  const character = before.length - before.lastIndexOf('\n') - 1;
  doc.applyChanges([{ range: { start: { line, character }, end: { line, character: character + 1 } }, text: '2' }], 2);
  doc.analyse(settings);
  return doc;
}
