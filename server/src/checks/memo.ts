// Incremental checking. Model objects an edit did not touch keep their identity across edits (model/build.ts),
// so the findings of a check over one block can be remembered per block and replayed, as long as everything
// else the check read is unchanged too. That "everything else" is an explicit context token:
// - the file token: the settings object, the evaluator options, and every top-level item that is not a job
//   block (variables, locals: what the evaluator reads);
// - a job token: the file token, the job's labels, and every item of the job body that is not a group
//   (job type, meta, update, reschedule, constraints... what per-group checks read from the job), blocks and
//   attributes no per-group check reads excepted (see JOB_CONTEXT_BLOCKS and JOB_CONTEXT_ATTRIBUTES).
// Tokens are interned: equal contents give the same object, so a cached result is checked with `===`. A
// context may also be an array of parts, compared part by part (SchemaWalker does that per body).
// Per-edit cost is then: the blocks on the path from the root to the edit, plus one lookup per group for
// all checks' per-group parts together (groupMemo.ts). An edit to the settings or to the job settings in
// the job token re-checks every group, as it should (per-block memos below the file token still hit); an
// edit to the variables or locals re-checks the groups that read what changed (model/scopeReads.ts).
// Replaying a memoised result reports the same findings in the same order as computing it, so the sorted,
// deduplicated diagnostics are exactly those of a from-scratch run.
import type { Block, Body, BodyItem, Job, Range } from '../model/types';
import type { CheckContext, Finding } from './check';
import { ROOT } from '../schema/lookup';
import { JOB_VALUE_ATTRIBUTES } from '../schema/runtime';
import type { BodySchema } from '../schema/types';
import { diagnosticOf, placeOf, type MovedPlace } from './published';
import { movesOf } from '../model/shift';
import { LARGE_BODY, checkpoint, isPaused, progress } from '../pause';
import { specimen } from '../specimens';

/** What a memoised computation produced: findings, and work that must run on every replay (see `live`). */
type Recorded = Finding | ((ctx: CheckContext) => void);

interface Entry {
  context: unknown;
  recorded: Recorded[];
}

/** Contexts are tokens (compared by identity) or arrays of parts (compared part by part, by identity). */
function sameContext(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return Array.isArray(a) && Array.isArray(b) && sameParts(a, b);
}

// Every memo's entries for one model object, by memo (FindingMemo.slot): one WeakMap entry per block for
// all the checks that remember it, not one per check. Cold, a 1 MB job sets tens of thousands of them,
// and a WeakMap insertion costs far more than an array slot.
const entriesByKey = new WeakMap<object, (Entry | undefined)[]>();
let memos = 0;

/** One memo per check (or per part of a check): results by model object, valid for one context. */
export class FindingMemo {
  private readonly slot = memos++;

  /**
   * Reports what `compute` reports for `key` in `context` (a token, or an array of parts), computing it only
   * when not remembered.
   */
  run(ctx: CheckContext, key: object, context: unknown, compute: (ctx: CheckContext) => void): void {
    if (!ctx.incremental) {
      compute(ctx);
      return;
    }
    let slots = entriesByKey.get(key);
    const entry = slots?.[this.slot];
    if (entry && sameContext(entry.context, context)) {
      replay(ctx, entry.recorded);
      return;
    }
    const recording = new Recording(ctx);
    compute(recording);
    // Looked up again: compute may have remembered other memos' results for the same key meanwhile.
    slots ??= entriesByKey.get(key);
    if (!slots) entriesByKey.set(key, (slots = []));
    slots[this.slot] = { context, recorded: recording.recorded };
    // A remembered result is a place to stop at (pause.ts): the next attempt replays it. The walk that
    // asked for it stops with it, and its own result (not remembered yet) is made again from the parts.
    progress();
    checkpoint();
  }

  /**
   * Runs `visit` on each item of `body`. A body of more than LARGE_BODY items (a generated file of 30,000
   * locals, a group of 2,000 tasks) is walked with a place to stop after each item (pause.ts): on a stop,
   * what its items reported so far is kept with the place, and the next walk of the same body in the same
   * context reports that again at once and goes on from there. `context` must cover what the findings
   * depend on besides the items, as for `run`. A walk that keeps state from item to item is given the items
   * it does not walk again, in order, through `passed`.
   */
  eachItem(ctx: CheckContext, body: Body, context: unknown, visit: (ctx: CheckContext, item: BodyItem) => void, passed?: (item: BodyItem) => void): void {
    const items = body.items;
    if (!ctx.incremental || items.length <= LARGE_BODY) {
      for (const item of items) visit(ctx, item);
      return;
    }
    let walks = pausedWalks.get(body);
    const paused = walks?.[this.slot];
    if (walks) walks[this.slot] = undefined;
    const resumed = paused && sameContext(paused.context, context) ? paused : undefined;
    const recording = new Recording(ctx);
    if (resumed) {
      // Item by item: a spread of a list this long into push's arguments could overflow the stack.
      for (const item of resumed.recorded) recording.recorded.push(item);
      replay(ctx, resumed.recorded);
    }
    if (resumed && passed) for (let i = 0; i < resumed.next; i++) passed(items[i]);
    const stop = (next: number, recorded: number): void => {
      recording.recorded.length = recorded;
      walks ??= pausedWalks.get(body);
      if (!walks) pausedWalks.set(body, (walks = []));
      walks[this.slot] = { context, next, recorded: recording.recorded };
    };
    for (let i = resumed?.next ?? 0; i < items.length; i++) {
      const before = recording.recorded.length;
      try {
        visit(recording, items[i]);
      } catch (error) {
        // Stopped inside the item (a large body within it): the item is walked again, from its own place.
        if (isPaused(error)) stop(i, before);
        throw error;
      }
      progress();
      checkpoint(() => stop(i + 1, recording.recorded.length));
    }
  }
}

/** Reports what a memoised computation recorded again, and runs its live steps again. */
function replay(ctx: CheckContext, recorded: readonly Recorded[]): void {
  for (const item of recorded) {
    if (typeof item === 'function') live(ctx, item);
    else ctx.report(item);
  }
}

/** A walk of a large body stopped after item `next - 1` (FindingMemo.eachItem), per memo: what it recorded. */
interface PausedWalk {
  context: unknown;
  next: number;
  recorded: Recorded[];
}

const pausedWalks = new WeakMap<Body, (PausedWalk | undefined)[]>();

/**
 * The context a memoised computation runs in: passes everything through and keeps a copy. A class rather
 * than a spread of the outer context with two closures: cold, a 1 MB job makes tens of thousands of these,
 * and the spread of contexts of varying shapes was a tenth of all the checks' time.
 */
class Recording implements CheckContext {
  readonly file: CheckContext['file'];
  readonly settings: CheckContext['settings'];
  readonly evaluator: CheckContext['evaluator'];
  readonly documentDir: CheckContext['documentDir'];
  readonly incremental: CheckContext['incremental'];
  readonly recorded: Recorded[] = [];

  constructor(private readonly outer: CheckContext) {
    specimen(this);
    this.file = outer.file;
    this.settings = outer.settings;
    this.evaluator = outer.evaluator;
    this.documentDir = outer.documentDir;
    this.incremental = outer.incremental;
  }

  report(finding: Finding): void {
    // Kept as its diagnostic: what is recorded is kept for as long as the block, and published as it is.
    const kept = diagnosticOf(finding);
    this.recorded.push(kept);
    this.outer.report(kept);
  }

  live(run: (ctx: CheckContext) => void): void {
    this.recorded.push(run);
    // Inside another memoised computation, it is live there too.
    live(this.outer, run);
  }
}

/**
 * Runs `run` now, and again whenever the memoised result it is part of is reused: for findings that depend
 * on the machine too (whether a file exists, machine.ts), not only on the model and the settings. In a
 * group's result (groupMemo.ts) it runs again when what the machine answered may have changed.
 */
export function live(ctx: CheckContext, run: (ctx: CheckContext) => void): void {
  if (ctx.live) ctx.live(run);
  else run(ctx);
}

// A few recent tokens are kept: enough for a document or two being edited; older ones simply miss.
// Their parts are held weakly: a token of a closed document's model must not keep that model alive (a
// 1 MB job's model, its reference index and its group results, about 100 MB, stayed until 16 other tokens
// had pushed it out). A token whose part was collected can never be asked for again, and goes.
const RECENT = 16;
const recent: { parts: readonly unknown[]; token: object }[] = [];

/** `parts` with each object held through a WeakRef (parts never hold a WeakRef of their own). */
function heldWeakly(parts: readonly unknown[]): unknown[] {
  return parts.map((part) => ((typeof part === 'object' && part !== null) || typeof part === 'function' ? new WeakRef(part as object) : part));
}

/** The parts held by `held` (heldWeakly) are `parts`; a collected one matches nothing. */
function sameParts(held: readonly unknown[], parts: readonly unknown[]): boolean {
  if (held.length !== parts.length) return false;
  for (let i = 0; i < held.length; i++) {
    const part = held[i];
    if (part instanceof WeakRef) {
      const target: unknown = part.deref();
      if (target === undefined || target !== parts[i]) return false;
    } else if (part !== parts[i]) return false;
  }
  return true;
}

function collected(held: readonly unknown[]): boolean {
  for (const part of held) if (part instanceof WeakRef && part.deref() === undefined) return true;
  return false;
}

/** The one token object for these parts (compared element by element, by identity). */
export function intern(parts: readonly unknown[]): object {
  for (let i = 0; i < recent.length; i++) {
    const candidate = recent[i];
    if (sameParts(candidate.parts, parts)) {
      if (i > 0) {
        recent.splice(i, 1);
        recent.unshift(candidate);
      }
      return candidate.token;
    }
  }
  for (let i = recent.length - 1; i >= 0; i--) if (collected(recent[i].parts)) recent.splice(i, 1);
  const token = { parts: parts.length };
  recent.unshift({ parts: heldWeakly(parts), token });
  if (recent.length > RECENT) recent.pop();
  return token;
}

/** The token these parts were interned as lately, if they were; never makes one. */
function internedAlready(parts: readonly unknown[]): object | undefined {
  for (const candidate of recent) if (sameParts(candidate.parts, parts)) return candidate.token;
  return undefined;
}

/**
 * `make`, remembered for the texts it was asked about lately: at most `max` of them, all forgotten at once
 * past that. For pure functions of a short text that every edit asks again (durations, task paths,
 * template parses); `make` may give undefined, which is remembered too.
 */
export function byRecentText<T>(max: number, make: (text: string) => T): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    // One look-up for a remembered value; `has` only to tell a remembered undefined from none.
    const remembered = known.get(text);
    if (remembered !== undefined || known.has(text)) return remembered as T;
    const made = make(text);
    if (known.size >= max) known.clear();
    known.set(text, made);
    return made;
  };
}

/**
 * State carried from one run to the next, by token, for the most recent token only (the document being
 * edited; another one misses and computes afresh, correctly, just slower). Not a WeakMap by token: a token
 * outlives its runs (memo entries keep their context), and state hung on it kept older models alive, one
 * edit after another (measured: the heap grew by about 15 KB per edit of a 1,000-line job). Even a second
 * kept state did that; one does not.
 */
export class RecentState<T> {
  private last: { token: object; state: T } | undefined;

  get(token: object): T | undefined {
    return this.last?.token === token ? this.last.state : undefined;
  }

  set(token: object, state: T): void {
    this.last = { token, state };
  }

  delete(token: object): void {
    if (this.last?.token === token) this.last = undefined;
  }

  clear(): void {
    this.last = undefined;
  }
}

/**
 * The file token (see the top of this file), or with `withoutScope` the same without the blocks that declare
 * variables and locals (`variable`, `variables`, `locals`): a group's result is kept across an edit of those
 * when what it reads of them is unchanged (scopeReads.ts).
 */
export function fileToken(ctx: Pick<CheckContext, 'file' | 'settings' | 'documentDir'>, evaluateOptions: unknown, withoutScope = false): object {
  return intern(filePartsOf(ctx, evaluateOptions, withoutScope));
}

/** The parts of a file token; `as` gives the part for an item (jobTokenMove: what it was in the build before). */
function filePartsOf(ctx: Pick<CheckContext, 'file' | 'settings' | 'documentDir'>, evaluateOptions: unknown, withoutScope: boolean, as?: (item: BodyItem) => BodyItem): unknown[] {
  // The document's folder too: paths read beside the job are judged against it (fileSandbox.ts).
  const parts: unknown[] = [ctx.settings, evaluateOptions, ctx.documentDir];
  if (withoutScope) parts.push(SCOPE_FREE);
  for (const item of ctx.file.body.items) {
    if (item.kind === 'block' && (item.type === 'job' || (withoutScope && SCOPE_BLOCKS.has(item.type)))) continue;
    parts.push(as ? as(item) : item);
  }
  return parts;
}

/**
 * What a line move did to a job token (model/shift.ts movesOf): the job token of the build before,
 * made from the items the moved ones were, and where each moved item the token covers was before and by how
 * many rows it moved. A result remembered under `before` holds now with its findings in those places moved.
 */
export interface TokenMove {
  before: object;
  places: MovedPlace[];
}

/**
 * The job token's move in this run: undefined when nothing the job token covers moved (the job block, its
 * own settings, the file's other top-level items), or when the token of the build before is not among the
 * recent ones.
 */
export function jobTokenMove(ctx: CheckContext, job: Job, evaluateOptions: unknown): TokenMove | undefined {
  const moves = movesOf(ctx.file);
  if (!moves || !ctx.incremental) return undefined;
  const places: MovedPlace[] = [];
  const before = (item: BodyItem): BodyItem => {
    const move = moves.get(item);
    if (!move) return item;
    places.push(placeOf(move));
    return move.from;
  };
  const jobMove = moves.get(job.block);
  if (jobMove) {
    // Its type and labels only: the token covers those, and its groups and settings each move on their
    // own (an item found unchanged in an older build did not move, though the job around it did).
    const from = jobMove.from as Block;
    places.push({ range: from.typeRange, rows: jobMove.rows });
    for (const label of from.labels) places.push({ range: label.range, rows: jobMove.rows });
  }
  const fileParts = filePartsOf(ctx, evaluateOptions, false, before);
  const settingsParts = jobPartsOf(job, jobMove?.rows ?? 0, before);
  if (places.length === 0) return undefined;
  const file = internedAlready(fileParts);
  const token = file && internedAlready([file, ...settingsParts]);
  return token ? { before: token, places } : undefined;
}

/** Marks a token made without the scope blocks, so it never equals a full one. */
const SCOPE_FREE = {};
const SCOPE_BLOCKS: ReadonlySet<string> = new Set(['variable', 'variables', 'locals']);

const jobTokens = new WeakMap<Job, { file: unknown; token: object }[]>();

/**
 * Job-level block types a per-group check may read: those of the job schema, and every type the checks and
 * the runtime scope look up by name. A block of any other type (say `grop "x" { ... }` while typing) is read
 * by no per-group check, so it is left out of the job token and does not make every group re-checked.
 */
const JOB_CONTEXT_BLOCKS: ReadonlySet<string> = new Set([
  ...Object.keys((ROOT.blocks.job.body as BodySchema).blocks),
  // Looked up by name in schema/runtime.ts, schema/runtimeQuery.ts and checks/*.ts (findBlocks, mapEntries, blocks).
  'artifact', 'change_script', 'check', 'connect', 'constraint', 'consul', 'device', 'dispatch_payload', 'env',
  'ephemeral_disk', 'gateway', 'identity', 'job', 'logs', 'meta', 'migrate', 'network', 'options', 'parameterized',
  'periodic', 'port', 'proxy', 'reschedule', 'resources', 'restart', 'scaling', 'service', 'sidecar_service',
  'spread', 'target', 'template', 'update', 'upstreams', 'vault', 'volume', 'volume_mount',
]);

/**
 * Job-level attributes a per-group check may read: those behind the runtime scope's NOMAD_* values
 * (schema/runtime.ts JOB_VALUE_ATTRIBUTES: name, region, namespace), the type (checks/jobRules.ts and
 * checks/policyRules.ts), the id, and the attribute forms of the blocks above (`meta = { ... }`). The others
 * (`datacenters`, `priority`, `node_pool`, `all_at_once`, tokens, or a name being typed) are read by the
 * job-level checks only, so typing in them does not re-check every group. A per-group check that starts
 * reading another one adds it here.
 */
const JOB_CONTEXT_ATTRIBUTES: ReadonlySet<string> = new Set(['type', 'id', ...JOB_VALUE_ATTRIBUTES.map((v) => v.attribute)]);

function inJobToken(item: BodyItem): boolean {
  if (item.kind === 'attribute') return JOB_CONTEXT_ATTRIBUTES.has(item.name) || JOB_CONTEXT_BLOCKS.has(item.name);
  return item.type === 'dynamic' || JOB_CONTEXT_BLOCKS.has(item.type);
}

/**
 * The job token (see the top of this file) over `file`, a file token of this run (by default the full one);
 * a fresh object (never a cache hit) outside incremental runs.
 */
export function jobToken(ctx: CheckContext, job: Job, file: object | undefined = ctx.incremental?.file): object {
  if (!ctx.incremental || !file) return {};
  const known = jobTokens.get(job);
  const cached = known?.find((k) => k.file === file);
  if (cached) return cached.token;
  const token = intern([file, ...jobPartsOf(job, 0)]);
  // Two per job and run: over the full file token and over the one without variables and locals.
  jobTokens.set(job, [...(known ?? []).slice(-1), { file, token }]);
  return token;
}

/**
 * The parts of a job token after its file token. `rows`: how far the job block moved since the build `as`
 * gives the items of (jobTokenMove), so that its labels are placed as they were then.
 */
function jobPartsOf(job: Job, rows: number, as?: (item: BodyItem) => BodyItem): unknown[] {
  const parts: unknown[] = [job.name, job.block.labels.length];
  for (const label of job.block.labels) parts.push(label.value, label.range.start.line - rows, label.range.start.character);
  for (const item of jobSettings(job).items) if (inJobToken(item)) parts.push(as ? as(item) : item);
  return parts;
}

/** The file token of an incremental run; a fresh object otherwise. */
export function fileTokenOf(ctx: CheckContext): object {
  return ctx.incremental?.file ?? {};
}

const settingsBodies = new WeakMap<Job, Body>();

/**
 * The job's body without its groups: what job-level rules read. A 1 MB job holds a thousand groups, and
 * looking up `type` or `update` in the whole body on every edit would scan them each time.
 */
export function jobSettings(job: Job): Body {
  let known = settingsBodies.get(job);
  if (!known) settingsBodies.set(job, (known = { range: job.block.body.range, items: withoutGroups(job) }));
  return known;
}

/**
 * The job body's items but its groups' blocks. The groups are in body order (model/build.ts assembleJob),
 * so one pass side by side finds them by identity, with no set of a thousand blocks made per edit.
 */
function withoutGroups(job: Job): BodyItem[] {
  const items: BodyItem[] = [];
  const groups = job.groups;
  let next = 0;
  for (const item of job.block.body.items) {
    if (next < groups.length && groups[next].block === item) next++;
    else items.push(item);
  }
  if (next === groups.length) return items;
  // Not in body order after all: by identity, the slow way.
  const blocks = new Set<BodyItem>(groups.map((g) => g.block));
  return job.block.body.items.filter((item) => !blocks.has(item));
}

const settingsKeys = new WeakMap<Job, object>();

/**
 * What a whole-file walk remembers a block's findings by: the block, but for a job block an interned token
 * of what the walk reads of it (its type and labels where they are, its own settings without its groups,
 * see ownBody). The job block is a new object after every edit of any of its groups, and the walk of its
 * settings was redone on every edit by each check that walks the file.
 */
export function blockKey(ctx: Pick<CheckContext, 'file'>, block: Block): object {
  const job = jobOf(ctx, block);
  return job ? settingsKey(job) : block;
}

/** The job whose block `block` is, if it is one. */
function jobOf(ctx: Pick<CheckContext, 'file'>, block: Block): Job | undefined {
  if (block.type !== 'job') return undefined;
  for (const job of ctx.file.jobs) if (job.block === block) return job;
  return undefined;
}

function settingsKey(job: Job): object {
  let key = settingsKeys.get(job);
  if (key) return key;
  const block = job.block;
  const parts: unknown[] = [settingsKeys, block.type, block.labels.length];
  pushPosition(parts, block.typeRange);
  for (const label of block.labels) {
    parts.push(label.value, label.quoted);
    pushPosition(parts, label.range);
  }
  for (const item of jobSettings(job).items) parts.push(item);
  key = intern(parts);
  settingsKeys.set(job, key);
  return key;
}

function pushPosition(parts: unknown[], range: Range): void {
  parts.push(range.start.line, range.start.character, range.end.line, range.end.character);
}

/**
 * The body a whole-file walk reads for `block`: a job's without its groups (runChecks checks each group
 * apart, groupMemo.ts), any other block's own.
 */
export function ownBody(ctx: Pick<CheckContext, 'file'>, block: Block): Body {
  const job = jobOf(ctx, block);
  return job ? jobSettings(job) : block.body;
}
