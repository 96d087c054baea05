// One memo for the per-group part of every check (Check.groups). A 1 MB job holds about a thousand groups
// and an edit touches one: remembering each check's findings apart would cost a lookup and a replay per
// check and group on every edit. Here a group costs one lookup, and its result is already what gets
// published: the group's diagnostics from all checks, in order, without duplicates.
//
// A group's result is valid while its block (the same object, model/build.ts) and the job token
// (memo.ts: the file, the settings and the job's own settings) are the same, or while the job token
// without the variables and locals is the same and what the group reads of those is declared by the same
// objects (model/scopeReads.ts): typing in a variable's default re-checks only the groups that read it.
// Findings that depend on the machine too (whether a file exists, machine.ts) are `live` steps: run again
// whenever what the machine answered may have changed (machineGeneration), and the result is rebuilt only
// when they report other findings than last time.
import type { Block, Group, Job } from '../model/types';
import { contextFrom, type CheckContext, type Finding, type GroupCheck } from './check';
import { byPosition, movedFinding, movedPublished, placeOf, publishedOf, withoutDuplicates, type MovedPlace, type Published } from './published';
import { machineGeneration, provisionalAnswers } from './machine';
import { RecentState, jobSettings, type TokenMove } from './memo';
import { sameDeclarations, scopeReadsOf, type ScopeReads, type ScopeView } from '../model/scopeReads';
import { LARGE_BODY, checkpoint, isPaused, progress } from '../pause';
import { movesOf } from '../model/shift';

/** What a group's checks did, in the order they did it (check by check). */
type Step = { check: number; published: Published } | { check: number; live: (ctx: CheckContext) => void };

/** What a run's groups are checked against (see the top of this file). */
export interface GroupContext {
  /** The job token. */
  token: object;
  /** The job token without the file's variables and locals. */
  withoutScope: object;
  /** The variables and locals of this run's model. */
  scope: ScopeView;
  job: Job;
  /** Set when a line move moved what the job token covers (memo.ts jobTokenMove). */
  moved?: TokenMove;
}

interface Entry {
  /** The job token the result is valid under. */
  context: unknown;
  /** The job token without variables and locals, and the variables and locals, when it was recorded. */
  withoutScope: unknown;
  scope: ScopeView | undefined;
  steps: Step[];
  hasLive: boolean;
  /** machineGeneration() when the live steps last ran. */
  generation: number;
  /**
   * Their last run got an answer before the path's first look-up came back (machine.ts): they run again
   * at the next run, whatever the generation.
   */
  provisional?: boolean;
  /** What the live steps reported when `items` were made, in step order, and how many each reported. */
  live: LiveResult;
  /** Sorted by position then check, duplicates dropped. */
  items: readonly Published[];
  /** Made by a line move (movedEntry): its live steps are not run, it is checked again instead. */
  moved?: true;
}

interface LiveResult {
  findings: Finding[];
  counts: number[];
}

const entries = new WeakMap<Block, Entry>();

/**
 * The entry each block had before its current one, when that one was recorded under another job token: a
 * character typed into a variable that every group reads, then deleted, brings the token of before back
 * (model/build.ts gives back the objects of that build), and its results are here rather than checked again.
 */
const earlier = new WeakMap<Block, Entry>();

/**
 * By job token: the job's groups at its last run and their results, in order. Most groups of the next run
 * are the same objects at the same places: their results are then taken from here, one array read each,
 * rather than looked up by block (a thousand hash lookups over objects scattered in memory). Results are
 * never mutated, and `generation` says their live findings are current.
 */
const lastRuns = new RecentState<{ groups: readonly Group[]; results: (readonly Published[])[]; generation: number; provisional: boolean }>();

/**
 * The groups of the most recent run, whatever its job token: where a group that is checked again most
 * likely was (see remembersBlocks).
 */
let previousGroups: readonly Group[] = [];

/**
 * Pushes each group's result (see groupOutput) to `into`, in order. `context` is the job token, or
 * undefined to compute afresh.
 */
export function groupOutputs(ctx: CheckContext, job: Job, parts: readonly (GroupCheck | undefined)[], context: GroupContext | undefined, into: (readonly Published[])[]): void {
  // Read first: should an answer about the machine change during the run, the next run looks again.
  const generation = machineGeneration();
  const given = provisionalAnswers();
  const last = context ? lastRuns.get(context.token) : undefined;
  const same = last && last.generation === generation && !last.provisional ? last : undefined;
  const previous = last?.groups ?? previousGroups;
  const results: (readonly Published[])[] = [];
  for (let i = 0; i < job.groups.length; i++) {
    const group = job.groups[i];
    // Between groups: each finished group's result is remembered (entries), so an attempt after a pause
    // (pause.ts) finds it. Not without a memo (context undefined), where nothing would be kept.
    if (context) checkpoint();
    const result = same && same.groups[i] === group ? same.results[i] : groupOutput(ctx, group, parts, context, context !== undefined && remembersBlocks(group, previous[i]));
    results.push(result);
    into.push(result);
  }
  if (context) {
    lastRuns.set(context.token, { groups: job.groups, results, generation, provisional: provisionalAnswers() !== given });
    previousGroups = job.groups;
  }
  // Its base holds this run's model: kept past the run, it kept a whole model of before alive once later
  // runs stopped running live steps (a line move's results do not run them).
  liveContext = undefined;
}

/**
 * Forgets the most recent run (its groups and results) and the job it read: they belong to whichever
 * document ran last, and would keep that document's model alive after it is closed. Another open
 * document's next run finds its groups' results by block instead (one lookup each).
 */
export function forgetRecentRun(): void {
  lastRuns.clear();
  previousGroups = [];
  jobScope = undefined;
  liveContext = undefined;
}

/**
 * Whether the checks of a group remember their findings per block too (memo.ts), or compute them afresh
 * and remember only the group's result. Per block pays when the group is checked again after an edit in
 * it: the blocks the edit left alone are replayed. On a cold open it only costs (a WeakMap entry and a
 * recording per block and check, about a third of the checks' time on a 1 MB job), so a group remembers
 * per block only when it shares a block or attribute with the group at its place in the previous run:
 * a group being edited, or re-checked as a whole after a change to the job's settings; and a large group.
 */
function remembersBlocks(group: Group, before: Group | undefined): boolean {
  // A large group (two thousand tasks) always: a block remembered is a place where its checks can stop
  // (memo.ts), and each check over all of it at once held the thread for up to a hundred ms.
  if (group.block.body.items.length > LARGE_BODY) return true;
  if (!before) return false;
  if (before === group) return true;
  const items = group.block.body.items;
  const old = before.block.body.items;
  const n = Math.min(items.length, old.length);
  for (let i = 0; i < n; i++) if (items[i] === old[i]) return true;
  // An item added or removed at the start shifts the others by one.
  if (items.length !== old.length) {
    const [longer, shorter] = items.length > old.length ? [items, old] : [old, items];
    for (let i = 0; i < shorter.length; i++) if (shorter[i] === longer[i + 1]) return true;
  }
  return false;
}

// Whether what the job's own settings read of the variables and locals is declared alike in an earlier
// run's scope and this one's: per job being checked, by earlier scope (entries recorded in the same run share one).
let jobScope: { job: Job; now: ScopeView; reads: ScopeReads[]; same: Map<ScopeView, boolean> } | undefined;

function jobSettingsHold(job: Job, before: ScopeView, now: ScopeView): boolean {
  if (jobScope?.job !== job || jobScope.now !== now) jobScope = { job, now, reads: jobSettings(job).items.map(scopeReadsOf), same: new Map() };
  let same = jobScope.same.get(before);
  if (same === undefined) jobScope.same.set(before, (same = jobScope.reads.every((reads) => sameDeclarations(reads, before, now))));
  return same;
}

/** Whether `entry`, recorded under another job token, still holds: only the variables and locals changed, none it reads. */
function stillHolds(entry: Entry, group: Group, context: GroupContext): boolean {
  if (entry.withoutScope !== context.withoutScope || !entry.scope) return false;
  return sameDeclarations(scopeReadsOf(group.block), entry.scope, context.scope) && jobSettingsHold(context.job, entry.scope, context.scope);
}

/**
 * A group's diagnostics from every check (`parts`: each check's per-group part, by index in CHECKS), sorted
 * by position then check, without duplicates. Remembered per group while `context` (the job token) is the
 * same; `context` undefined computes afresh and remembers nothing.
 */
function groupOutput(ctx: CheckContext, group: Group, parts: readonly (GroupCheck | undefined)[], context: GroupContext | undefined, perBlock: boolean): readonly Published[] {
  let known = context ? entries.get(group.block) : undefined;
  // Asked once per entry: stillHolds compares what the group reads of the variables and locals.
  let fits = context !== undefined && known !== undefined && fitsContext(known, group, context);
  if (context && known && !fits) {
    const prior = earlier.get(group.block);
    if (prior && fitsContext(prior, group, context) && !stale(prior)) {
      earlier.set(group.block, known);
      entries.set(group.block, prior);
      known = prior;
      fits = true;
    }
  }
  if (context && !fits && movesOf(ctx.file) !== undefined) {
    const moved = movedEntry(ctx, group, context, known);
    // Made under this run's job token.
    if (moved) {
      entries.set(group.block, (known = moved));
      fits = true;
    }
  }
  if (known && context && fits && !stale(known)) {
    known.context = context.token;
    known.scope = context.scope;
    if (known.hasLive && (known.generation !== machineGeneration() || known.provisional)) refreshLive(ctx, known);
    return known.items;
  }
  // Checked again because the variables or locals it reads changed, and nothing else: every per-block result
  // was remembered under the file token of before, which holds those, so none can be found; recording new
  // ones would cost the whole run a third more for a later edit in this group to use.
  const scopeOnly = known !== undefined && context !== undefined && known.withoutScope === context.withoutScope;
  const steps = record(ctx, group, parts, perBlock && !scopeOnly, context !== undefined);
  if (context) progress();
  const hasLive = steps.some((s) => 'live' in s);
  const generation = machineGeneration();
  const given = provisionalAnswers();
  const entry: Entry = { context: context?.token, withoutScope: context?.withoutScope, scope: context?.scope, steps, hasLive, generation, live: hasLive ? copy(runLive(ctx, steps)) : NO_LIVE, items: [] };
  if (provisionalAnswers() !== given) entry.provisional = true;
  entry.items = itemsOf(entry);
  if (context) {
    if (known) earlier.set(group.block, known);
    entries.set(group.block, entry);
  }
  return entry.items;
}

/** Whether `entry` was recorded under `context`'s job token, or holds under it all the same (stillHolds). */
function fitsContext(entry: Entry, group: Group, context: GroupContext): boolean {
  return entry.context === context.token || stillHolds(entry, group, context);
}

/** A moved entry whose findings were made before the machine last answered differently: checked again. */
function stale(entry: Entry): boolean {
  return entry.moved === true && entry.generation !== machineGeneration();
}

/**
 * A result that holds after a line move or whitespace typed between two tokens (model/shift.ts movesOf),
 * with its findings moved along (published.ts movedRange): the entry of the block this group's block moved
 * from, under this token; or the entry of the group (moved or not) under the job token of the build before,
 * when what the token covers moved too (GroupContext.moved). Undefined when there is none or a finding
 * cannot be moved.
 *
 * Live steps are not carried over: they hold model objects of before the move (each move would wrap the
 * last and keep every model alive). Their findings are moved as they are, and the entry is `moved`: once
 * the machine answers differently (machineGeneration) it is checked again rather than its steps run.
 */
function movedEntry(ctx: CheckContext, group: Group, context: GroupContext, known: Entry | undefined): Entry | undefined {
  const move = movesOf(ctx.file)?.get(group.block);
  const origin = move ? entries.get(move.from as Block) : known;
  if (!origin || (origin.hasLive && (origin.generation !== machineGeneration() || origin.provisional))) return undefined;
  const places: MovedPlace[] = move ? [placeOf(move)] : [];
  if (origin.context !== context.token && !(move && stillHolds(origin, group, context))) {
    if (!context.moved || origin.context !== context.moved.before) return undefined;
    for (const place of context.moved.places) places.push(place);
  }
  if (places.length === 0) return undefined;
  const steps: Step[] = [];
  for (const step of origin.steps) {
    if ('live' in step) {
      steps.push({ check: step.check, live: NOT_RUN });
      continue;
    }
    const published = movedPublished(step.published, places);
    if (!published) return undefined;
    steps.push({ check: step.check, published });
  }
  let live = NO_LIVE;
  if (origin.hasLive) {
    const findings: Finding[] = [];
    for (const finding of origin.live.findings) {
      const moved = movedFinding(finding, places);
      if (!moved) return undefined;
      findings.push(moved);
    }
    live = { findings, counts: origin.live.counts.slice() };
  }
  const entry: Entry = { ...origin, context: context.token, withoutScope: context.withoutScope, scope: context.scope, steps, live, items: [], moved: true };
  entry.items = itemsOf(entry);
  return entry;
}

/** The live step of a moved entry, which is never run (see movedEntry). */
function NOT_RUN(): void {}

/**
 * A group whose checks were stopped at a checkpoint (pause.ts) between two of them: the steps of the checks
 * done (`next` of them), for the next attempt on the same model. A group of two thousand tasks costs each
 * check tens of ms: all of them at once held the thread for hundreds.
 */
interface PausedGroup {
  file: CheckContext['file'];
  settings: CheckContext['settings'];
  evaluator: CheckContext['evaluator'];
  steps: Step[];
  next: number;
}

const pausedGroups = new WeakMap<Block, PausedGroup>();

/** `pausable`: the run remembers its results (a memo), so checks done before a pause are kept for the next attempt. */
function record(base: CheckContext, group: Group, parts: readonly (GroupCheck | undefined)[], perBlock: boolean, pausable: boolean): Step[] {
  const paused = pausable ? pausedGroups.get(group.block) : undefined;
  pausedGroups.delete(group.block);
  const resumed = paused && paused.file === base.file && paused.settings === base.settings && paused.evaluator === base.evaluator ? paused : undefined;
  const steps: Step[] = resumed?.steps ?? [];
  // One context for all checks of the group (the check running is `check`): parts run one after the other
  // and report while they run, never later.
  let check = 0;
  const ctx = contextFrom(
    base,
    // Without it, the checks compute afresh below the group and remember nothing (see remembersBlocks).
    perBlock ? base.incremental : undefined,
    (finding) => steps.push({ check, published: publishedOf(finding, check) }),
    // Run right after recording (runLive), and again whenever the machine's answers may have changed.
    (run) => steps.push({ check, live: run }),
  );
  // Kept only when the run stops: a group checked at once (every keystroke) leaves nothing behind.
  const stopAt = (next: number): void => {
    if (pausable) pausedGroups.set(group.block, { file: base.file, settings: base.settings, evaluator: base.evaluator, steps, next });
  };
  for (check = resumed?.next ?? 0; check < parts.length; check++) {
    const part = parts[check];
    if (!part) continue;
    const before = steps.length;
    try {
      part(ctx, group);
    } catch (error) {
      // A check may stop inside a group of thousands of tasks (memo.ts: after a remembered task, or where its
      // walk keeps its place): it runs again at the next attempt, and goes on from there. Its steps so far go.
      if (isPaused(error)) {
        steps.length = before;
        stopAt(check);
        throw error;
      }
      // One failing check must not hide the others' findings.
    }
    if (!pausable || check === parts.length - 1) continue;
    progress();
    checkpoint(() => stopAt(check + 1));
  }
  return steps;
}

const NO_LIVE: LiveResult = { findings: [], counts: [] };

// What the live steps report, reused from run to run: a group whose live steps report what they reported
// last time costs no allocation.
const scratch: LiveResult = { findings: [], counts: [] };

// The context live steps run in, made once per run (a run may visit every group): the last one made.
let liveContext: { base: CheckContext; ctx: CheckContext } | undefined;

function liveContextOf(base: CheckContext): CheckContext {
  if (liveContext?.base !== base) liveContext = { base, ctx: contextFrom(base, base.incremental, (finding) => scratch.findings.push(finding), undefined) };
  return liveContext.ctx;
}

/** Runs the live steps; the result is `scratch`, valid until the next call. */
function runLive(base: CheckContext, steps: readonly Step[]): LiveResult {
  scratch.findings.length = 0;
  scratch.counts.length = 0;
  const ctx = liveContextOf(base);
  for (const step of steps) {
    if (!('live' in step)) continue;
    const before = scratch.findings.length;
    try {
      step.live(ctx);
    } catch {
      // As for any check: what it reported before failing stands.
    }
    scratch.counts.push(scratch.findings.length - before);
  }
  return scratch;
}

function copy(result: LiveResult): LiveResult {
  return { findings: result.findings.slice(), counts: result.counts.slice() };
}

function refreshLive(ctx: CheckContext, entry: Entry): void {
  // Read first: should an answer change while the steps run, they run again next time.
  entry.generation = machineGeneration();
  const given = provisionalAnswers();
  const fresh = runLive(ctx, entry.steps);
  entry.provisional = provisionalAnswers() !== given || undefined;
  if (sameList(fresh.findings, entry.live.findings) && sameList(fresh.counts, entry.live.counts)) return;
  entry.live = copy(fresh);
  entry.items = itemsOf(entry);
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The entry's findings in publishing order, without duplicates. */
function itemsOf(entry: Entry): Published[] {
  const all: Published[] = [];
  let liveStep = 0;
  let next = 0;
  for (const step of entry.steps) {
    if ('published' in step) {
      all.push(step.published);
      continue;
    }
    const count = entry.live.counts[liveStep++];
    for (let i = 0; i < count; i++) all.push(publishedOf(entry.live.findings[next++], step.check));
  }
  // Steps are in check order, then report order: a stable sort by position gives position, check, report order.
  all.sort(byPosition);
  return withoutDuplicates(all);
}
