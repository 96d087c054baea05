// The reference index of a job file: every name the file declares (variables, locals, port labels, volumes,
// group and task names, meta keys, service names, template destinations) and every place that uses one
// (`var.x`, `local.y`, `${NOMAD_PORT_<label>}`, `NOMAD_ADDR_<task>_<label>`, `NOMAD_META_<key>`, a service's
// `port = "http"`, `volume_mount.volume`, upstream destination names, ...). What declares or refers is read
// from the schema (schema/types.ts ReferenceKind), not decided here per attribute.
//
// Built from the job model, lazily, once per model. The walk over one top-level block (a group of a job, a
// variable, a locals block) is remembered per Block: the model builder hands back the same Block objects for
// what an edit did not touch (same text, same place), so after an edit only the edited blocks are walked
// again; linking uses to declarations is one pass over what the walks found. The units that line up with the
// previous model's (alignment.ts) are taken over without looking inside them. What spans the whole file
// (every use, the uses of each declaration) is put together only when a feature asks for it: per edit the
// checks read the index unit by unit (checks/references.ts).
import type { Position, Range } from 'vscode-languageserver-types';
import type { Block, BodyItem, JobFile } from '../model/types';
import { before, startingUpTo, touches } from '../model/positions';
import { collectGroup, collectJobItem, collectTop, isGroupItem } from './collect';
import { Linker, type FileWide } from './link';
import { LastList, align, alignedValues } from './alignment';
import { checkpoint, isPaused, progress } from '../pause';
import { copiedBlocks, movesOf, shiftedBy, type Move } from '../model/shift';
import { envForm } from '../schema/references';
import type { Collected, Declaration, LinkedUnit, OpenKinds, ReferenceIndex, Use } from './types';
import { specimen } from '../specimens';

export type { Declaration, LinkedUnit, OpenKinds, ReferenceIndex, ReferenceKind, Use, UseForm } from './types';

const indexes = new WeakMap<JobFile, ReferenceIndex>();

/** The kinds of file-wide declaration a use may link to (job meta keys stand for `meta`). */
const GLOBAL_KINDS: ReadonlySet<string> = new Set(['variable', 'local', 'service', 'file', 'meta']);

/**
 * How a file-wide name is looked up: by kind and name (meta keys by their upper-cased environment form).
 * For other kinds the key is the Linker's `${kind}\0${name}`, so the map serves it as is.
 */
function globalKey(kind: string, name: string): string {
  return kind === 'meta' ? `meta\u0000${envForm(name).toUpperCase()}` : `${kind}\u0000${name}`;
}

/**
 * What is known about one unit's item: its walk, and what linking reads of it, all worked out once per walk
 * (keys are strings to build). One record per item: a 1 MB job has a thousand units, and each edit looks
 * every one of them up.
 */
interface UnitState {
  unit: Collected;
  /** How it was walked (an item the model moved into or out of a job is walked again). */
  kind: UnitKind;
  /**
   * Its file-wide declarations and their keys, side by side: a pair per declaration was an array of two
   * each, 30,000 of them for a file of 30,000 locals.
   */
  globalKeys: readonly string[];
  globals: readonly Declaration[];
  /** The file-wide names its uses (and path strings) look up: its links stay valid while they resolve the same. */
  needs: readonly string[];
  /** The unit as last linked, and the file-wide declarations its names resolved to then. */
  link?: { deps: readonly (Declaration | undefined)[]; linked: LinkedUnit };
}

const states = new WeakMap<BodyItem, UnitState>();

function stateOf(unit: Collected, kind: UnitKind): UnitState {
  const globalKeys: string[] = [];
  const globals: Declaration[] = [];
  for (const d of unit.declarations) {
    if (!GLOBAL_KINDS.has(d.kind) || (d.kind === 'meta' && d.level !== 'job')) continue;
    globalKeys.push(globalKey(d.kind, d.name));
    globals.push(d);
  }
  const needs = new Set<string>();
  for (const use of unit.uses) if (GLOBAL_KINDS.has(use.kind)) needs.add(globalKey(use.kind, use.written));
  for (const s of unit.strings) needs.add(globalKey('file', s.value));
  return { unit, kind, globalKeys, globals, needs: [...needs] };
}

/** The file-wide declarations by key (the first of a name wins, as linking takes it). */
function fileWideByKey(units: readonly UnitState[]): Map<string, Declaration> {
  const byKey = new Map<string, Declaration>();
  for (const state of units) {
    const { globalKeys, globals } = state;
    for (let i = 0; i < globals.length; i++) if (!byKey.has(globalKeys[i])) byKey.set(globalKeys[i], globals[i]);
  }
  return byKey;
}

/**
 * The reference index of a model (built on first request, then remembered with the model). Under a
 * deadline it may throw PAUSED (see `remembered`); a later call goes on from there.
 */
export function referenceIndex(file: JobFile): ReferenceIndex {
  let index = indexes.get(file);
  if (!index) indexes.set(file, (index = buildIndex(file)));
  return index;
}

/** How a unit is walked: a job's group, another item of a job, or a top-level block. */
type UnitKind = 'group' | 'jobItem' | 'top';

function walkOf(item: BodyItem, kind: UnitKind): Collected {
  if (kind === 'group') return collectGroup(item as Block);
  if (kind === 'jobItem') return collectJobItem(item);
  return collectTop(item as Block);
}

/** The items of a file walked as units (a job's groups and own settings, other top-level blocks), in order. */
function unitSources(file: JobFile): { items: BodyItem[]; inJob: boolean[] } {
  const items: BodyItem[] = [];
  /** Per item: whether it is an item of a job (else a top-level block). */
  const inJob: boolean[] = [];
  for (const item of file.body.items) {
    if (item.kind !== 'block') continue;
    if (item.type !== 'job') {
      items.push(item);
      inJob.push(false);
      continue;
    }
    for (const child of item.body.items) {
      items.push(child);
      inJob.push(true);
    }
  }
  return { items, inJob };
}

function unitKind(item: BodyItem, inJob: boolean): UnitKind {
  return inJob ? (isGroupItem(item) ? 'group' : 'jobItem') : 'top';
}

/**
 * Walks the units of `file` not walked yet, until `stop()` says so (asked after each): true once all are
 * walked. For background work that must give the thread back; referenceIndex then only links.
 */
export function walkUnits(file: JobFile, stop: () => boolean): boolean {
  const { items, inJob } = unitSources(file);
  for (let i = 0; i < items.length; i++) {
    const kind = unitKind(items[i], inJob[i]);
    if (states.get(items[i])?.kind === kind) continue;
    states.set(items[i], stateOf(movedWalk(items[i], kind, movesOf(file)) ?? walkOf(items[i], kind), kind));
    if (stop()) return i === items.length - 1;
  }
  return true;
}

/** An index as built, for the next model's: most of its units line up with this one's (alignment.ts). */
interface Build {
  items: readonly BodyItem[];
  /** Per item: whether it is an item of a job (else a top-level block). */
  inJob: readonly boolean[];
  states: readonly UnitState[];
  units: readonly LinkedUnit[];
  global: Map<string, Declaration>;
}

const lastBuilds = new LastList<BodyItem, Build>();

/**
 * A build whose units are walked, being linked: kept when a pause (pause.ts) stops the linking, so the next
 * attempt on the same model goes on where it stopped, inside a unit if need be (a locals block of 30,000
 * is one unit), rather than line up the units and gather the file-wide names again.
 */
interface Linking {
  items: readonly BodyItem[];
  inJob: readonly boolean[];
  states: readonly UnitState[];
  last: Build | undefined;
  aligned: ReturnType<typeof align>;
  /** The file-wide declarations are the last build's (and so are its links where the units line up). */
  sameGlobal: boolean;
  global: Map<string, Declaration>;
  fileWide?: FileWide;
  /** The units linked so far, in order. */
  units: LinkedUnit[];
  /** The unit being linked when the linking stopped, and its uses linked so far. */
  current?: UnitLinking;
}

interface UnitLinking {
  state: UnitState;
  linker: Linker;
  uses: Use[];
  /** The next of the unit's uses, then of its path strings, to link. */
  next: number;
}

const pausedLinks = new WeakMap<JobFile, Linking>();

function buildIndex(file: JobFile): ReferenceIndex {
  const paused = pausedLinks.get(file);
  pausedLinks.delete(file);
  const build = paused ?? walked(file);
  try {
    linkUnits(build);
  } catch (error) {
    if (isPaused(error)) pausedLinks.set(file, build);
    throw error;
  }
  const { items, inJob, states, units, global } = build;
  lastBuilds.remember(items, { items, inJob, states, units, global });
  return new Index(units);
}

/** The units of `file` walked (remembered walks taken over), ready to link. */
function walked(file: JobFile): Linking {
  const { items, inJob } = unitSources(file);
  const count = items.length;
  const last = lastBuilds.find(items);
  const aligned = align(items, last?.items, (i, j) => inJob[i] === last!.inJob[j]);
  const states = alignedValues(count, last?.states, aligned, (i) => remembered(items[i], unitKind(items[i], inJob[i]), movesOf(file)));
  // The file-wide declarations are those of last time when no unit that changed declares any.
  const sameGlobal = !!last && !declaresFileWide(states, aligned.head, count - aligned.tail) && !declaresFileWide(last.states, aligned.head, last.states.length - aligned.tail);
  const global = sameGlobal ? last.global : fileWideByKey(states);
  return { items, inJob, states, last, aligned, sameGlobal, global, units: [] };
}

function linkUnits(build: Linking): void {
  const { states, last, sameGlobal, units } = build;
  const { head, tail } = build.aligned;
  const count = states.length;
  for (let i = units.length; i < count; i++) {
    // Where the units line up with the last build's and the file-wide names are the same, so are the links.
    if (sameGlobal && i < head) units.push(last!.units[i]);
    else if (sameGlobal && i >= count - tail) units.push(last!.units[last!.units.length - (count - i)]);
    else units.push(link(build, states[i]));
  }
}

function link(build: Linking, state: UnitState): LinkedUnit {
  const { global } = build;
  // A unit's links depend on its own declarations and on the file-wide ones its names resolve to:
  // reused while both are the same objects.
  const previous = state.link;
  if (previous && sameTargets(previous.deps, state.needs, global)) return previous.linked;
  const { unit } = state;
  // What this unit's uses may name: its own declarations and the file-wide ones.
  build.fileWide ??= { byName: global, meta: [...global.values()].filter((d) => d.kind === 'meta') };
  if (build.current?.state !== state) build.current = { state, linker: new Linker(unit.declarations, build.fileWide), uses: [], next: 0 };
  const linked: LinkedUnit = { declarations: unit.declarations, uses: linkUses(unit, build.current), open: unit.open, range: unit.range };
  build.current = undefined;
  state.link = { deps: state.needs.map((key) => global.get(key)), linked };
  return linked;
}

function declaresFileWide(states: readonly UnitState[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (states[i].globals.length > 0) return true;
  return false;
}

/** Uses linked between two places where the linking of a unit can stop (a unit may hold 30,000). */
const LINKED_AT_ONCE = 512;

/** The unit's uses linked, going on from where `linking` stopped (kept there when it stops again). */
function linkUses(unit: Collected, linking: UnitLinking): Use[] {
  const { linker, uses: linked } = linking;
  const { uses, strings } = unit;
  for (let i = linking.next; i < uses.length + strings.length; i++) {
    if (i > linking.next && i % LINKED_AT_ONCE === 0) {
      linking.next = i;
      progress();
      checkpoint();
    }
    if (i < uses.length) {
      const use = linker.link(uses[i]);
      // A plain string of a driver's config is a use only when it names a port label.
      if (use.form === 'text' && !use.family && !use.target) continue;
      linked.push(use);
      continue;
    }
    const s = strings[i - uses.length];
    const target = linker.fileAt(s.value);
    if (!target || touches(target.fullRange, s.range.start)) continue;
    linked.push({ kind: 'file', written: target.name, range: s.range, form: 'text', task: s.task, target });
  }
  return linked;
}

/**
 * The index over linked units. After an edit most units are those of the last model, and the checks read
 * them unit by unit (their memos key on the unit); what spans the whole file (every use, uses by
 * declaration, the position lookup) is put together only when a feature first asks for it, not per edit.
 */
class Index implements ReferenceIndex {
  private allDeclarations: Declaration[] | undefined;
  private allUses: Use[] | undefined;
  private byDeclaration: Map<Declaration, Use[]> | undefined;
  private byViaTask: Map<Block, Use[]> | undefined;
  private groupsOpen: Map<Block, OpenKinds> | undefined;
  private ordered: LinkedUnit[] | undefined;

  constructor(readonly units: readonly LinkedUnit[]) {
    specimen(this);
  }

  get declarations(): readonly Declaration[] {
    if (!this.allDeclarations) {
      const all: Declaration[] = [];
      for (const unit of this.units) for (const d of unit.declarations) all.push(d);
      this.allDeclarations = all;
    }
    return this.allDeclarations;
  }

  get uses(): readonly Use[] {
    if (!this.allUses) this.gatherUses();
    return this.allUses!;
  }

  usesOf(declaration: Declaration): readonly Use[] {
    if (!this.byDeclaration) this.gatherUses();
    return this.byDeclaration!.get(declaration) ?? NO_USES;
  }

  viaTaskUsesOf(task: Block): readonly Use[] {
    if (!this.byViaTask) this.gatherUses();
    return this.byViaTask!.get(task) ?? NO_USES;
  }

  get openGroups(): ReadonlyMap<Block, OpenKinds> {
    if (!this.groupsOpen) {
      const open = new Map<Block, OpenKinds>();
      for (const unit of this.units) {
        const group = unit.declarations.find((d) => d.kind === 'group')?.group;
        if (group && (unit.open.ports || unit.open.volumes)) open.set(group, unit.open);
      }
      this.groupsOpen = open;
    }
    return this.groupsOpen;
  }

  at(position: Position): { declaration?: Declaration; use?: Use } | undefined {
    const unit = unitAt(this.inOrder(), position);
    if (!unit) return undefined;
    const declaration = unit.declarations.find((d) => touches(d.range, position));
    if (declaration) return { declaration };
    const use = unit.uses.find((u) => touches(u.range, position) || (u.viaTask !== undefined && touches(u.viaTask.range, position)));
    return use ? { use, declaration: use.target } : undefined;
  }

  private gatherUses(): void {
    const uses: Use[] = [];
    const byDeclaration = new Map<Declaration, Use[]>();
    const byViaTask = new Map<Block, Use[]>();
    for (const unit of this.units) {
      for (const use of unit.uses) {
        uses.push(use);
        if (!use.target) continue;
        const viaTask = use.viaTask && use.target.task;
        if (viaTask) listIn(byViaTask, viaTask).push(use);
        listIn(byDeclaration, use.target).push(use);
      }
    }
    this.allUses = uses;
    this.byDeclaration = byDeclaration;
    this.byViaTask = byViaTask;
  }

  /** Units that declare or use something, in document order, for a binary search by position. */
  private inOrder(): readonly LinkedUnit[] {
    if (!this.ordered) {
      const ordered = this.units.filter((u) => u.declarations.length > 0 || u.uses.length > 0);
      // Walked in document order already, but for a broken file: sorted only when one is out of place.
      if (ordered.some((u, i) => i > 0 && before(u.range.start, ordered[i - 1].range.start))) {
        ordered.sort((a, b) => (before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0));
      }
      this.ordered = ordered;
    }
    return this.ordered;
  }
}

function listIn<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

/**
 * The innermost unit touching `position`: of the units starting at or before it (found by binary search),
 * the last that touches it. Units do not nest, but a broken file can make neighbours share an edge.
 */
function unitAt(ordered: readonly LinkedUnit[], position: Position): LinkedUnit | undefined {
  const low = startingUpTo(ordered, position);
  for (let i = low - 1; i >= 0 && i >= low - 2; i--) if (touches(ordered[i].range, position)) return ordered[i];
  return undefined;
}

const NO_USES: readonly Use[] = [];

/** Whether `keys` resolve in `global` to `deps`, one for one. */
function sameTargets(deps: readonly (Declaration | undefined)[], keys: readonly string[], global: Map<string, Declaration>): boolean {
  if (deps.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (global.get(keys[i]) !== deps[i]) return false;
  return true;
}

/**
 * A top-level block's walk, remembered. Between walks an analysis under a deadline may pause (pause.ts):
 * the walks done are kept here, so the next attempt only links (a cold index of a 1 MB job walks a
 * thousand groups).
 */
function remembered(item: BodyItem, kind: UnitKind, moves: ReadonlyMap<BodyItem, Move> | undefined): UnitState {
  let found = states.get(item);
  if (!found || found.kind !== kind) {
    checkpoint();
    states.set(item, (found = stateOf(movedWalk(item, kind, moves) ?? walkOf(item, kind), kind)));
    progress();
  }
  return found;
}

/**
 * The walk of an item that only moved to other rows, or differs from the item before only by whitespace
 * between two tokens (model/shift.ts movesOf): the walk of the item it came from, moved along, its blocks
 * those of the new item (the same structure, block for block). A walk reads its item only, so everything in
 * it moves alike. Undefined when something in it cannot be moved (shiftedBy): then it is walked again.
 */
function movedWalk(item: BodyItem, kind: UnitKind, moves: ReadonlyMap<BodyItem, Move> | undefined): Collected | undefined {
  const move = moves?.get(item);
  const before = move && states.get(move.from);
  if (!before || before.kind !== kind) return undefined;
  let unmovable = false;
  const moved = (r: Range): Range => {
    const to = shiftedBy(r, move);
    if (to) return to;
    unmovable = true;
    return r;
  };
  const copies = copiedBlocks(move.from, item);
  const block = (b: Block | undefined): Block | undefined => (b === undefined ? undefined : (copies.get(b) ?? b));
  const unit = before.unit;
  const walk: Collected = {
    declarations: unit.declarations.map((d) => {
      const m: Declaration = { ...d, range: moved(d.range), fullRange: moved(d.fullRange) };
      if (d.group) m.group = block(d.group);
      if (d.task) m.task = block(d.task);
      return m;
    }),
    uses: unit.uses.map((u) => {
      const m: Use = { ...u, range: moved(u.range) };
      if (u.group) m.group = block(u.group);
      if (u.task) m.task = block(u.task);
      if (u.owner) m.owner = block(u.owner);
      return m;
    }),
    strings: unit.strings.map((s) => (s.task ? { value: s.value, range: moved(s.range), task: block(s.task) } : { value: s.value, range: moved(s.range) })),
    open: unit.open,
    range: moved(unit.range),
  };
  return unmovable ? undefined : walk;
}
