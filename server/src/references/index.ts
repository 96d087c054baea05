// The reference index of a job file: every name the file declares (variables, locals, port labels, volumes,
// group and task names, meta keys, service names, template destinations) and every place that uses one
// (`var.x`, `local.y`, `${NOMAD_PORT_<label>}`, `NOMAD_ADDR_<task>_<label>`, `NOMAD_META_<key>`, a service's
// `port = "http"`, `volume_mount.volume`, upstream destination names, ...). What declares or refers is read
// from the schema (schema/types.ts ReferenceKind), not decided here per attribute.
//
// Built from the job model, lazily, once per model. The walk over one top-level block (a group of a job, a
// variable, a locals block) is remembered per Block: the model builder hands back the same Block objects for
// what an edit did not touch (same text, same place), so after an edit only the edited blocks are walked
// again; linking uses to declarations is one pass over what the walks found.
import type { Position } from 'vscode-languageserver-types';
import type { Block, BodyItem, JobFile } from '../model/types';
import { before, touches } from '../model/positions';
import { collectGroup, collectJobItem, collectTop, isGroupItem } from './collect';
import { Linker, type FileWide } from './link';
import { checkpoint, progress } from '../pause';
import { envForm } from '../schema/references';
import type { Collected, Declaration, OpenKinds, ReferenceIndex, Use } from './types';

export type { Declaration, OpenKinds, ReferenceIndex, ReferenceKind, Use, UseForm } from './types';

const indexes = new WeakMap<JobFile, ReferenceIndex>();
/** A unit's uses as last linked, and the file-wide declarations its names resolved to then. */
const links = new WeakMap<Collected, { deps: readonly (Declaration | undefined)[]; uses: Use[] }>();

/** The kinds of file-wide declaration a use may link to (job meta keys stand for `meta`). */
const GLOBAL_KINDS: ReadonlySet<string> = new Set(['variable', 'local', 'service', 'file', 'meta']);

/**
 * How a file-wide name is looked up: by kind and name (meta keys by their upper-cased environment form).
 * For other kinds the key is the Linker's `${kind}\0${name}`, so the map serves it as is.
 */
function globalKey(kind: string, name: string): string {
  return kind === 'meta' ? `meta\u0000${envForm(name).toUpperCase()}` : `${kind}\u0000${name}`;
}

const globalEntries = new WeakMap<Collected, readonly (readonly [string, Declaration])[]>();

/** A unit's file-wide declarations with their keys, worked out once per walk (keys are strings to build). */
function globalEntriesOf(unit: Collected): readonly (readonly [string, Declaration])[] {
  let found = globalEntries.get(unit);
  if (!found) {
    const entries: [string, Declaration][] = [];
    for (const d of unit.declarations) {
      if (!GLOBAL_KINDS.has(d.kind) || (d.kind === 'meta' && d.level !== 'job')) continue;
      entries.push([globalKey(d.kind, d.name), d]);
    }
    globalEntries.set(unit, (found = entries));
  }
  return found;
}

/** The file-wide declarations by key (the first of a name wins, as linking takes it). */
function fileWideByKey(units: readonly Collected[]): Map<string, Declaration> {
  const byKey = new Map<string, Declaration>();
  for (const unit of units) {
    for (const [key, d] of globalEntriesOf(unit)) if (!byKey.has(key)) byKey.set(key, d);
  }
  return byKey;
}

const needs = new WeakMap<Collected, readonly string[]>();

/** The file-wide names a unit's uses (and path strings) look up: its links stay valid while they resolve the same. */
function needsOf(unit: Collected): readonly string[] {
  let found = needs.get(unit);
  if (!found) {
    const keys = new Set<string>();
    for (const use of unit.uses) if (GLOBAL_KINDS.has(use.kind)) keys.add(globalKey(use.kind, use.written));
    for (const s of unit.strings) keys.add(globalKey('file', s.value));
    needs.set(unit, (found = [...keys]));
  }
  return found;
}

const walks = new WeakMap<BodyItem, Collected>();

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

/** Calls `visit` with the items of a file walked as units (a job's groups and own settings, other top-level blocks); stops when it returns false. */
function eachUnitSource(file: JobFile, visit: (item: BodyItem, kind: UnitKind) => boolean | void): void {
  for (const item of file.body.items) {
    if (item.kind !== 'block') continue;
    if (item.type === 'job') {
      for (const child of item.body.items) if (visit(child, isGroupItem(child) ? 'group' : 'jobItem') === false) return;
    } else if (visit(item, 'top') === false) return;
  }
}

/**
 * Walks the units of `file` not walked yet, until `stop()` says so (asked after each): true once all are
 * walked. For background work that must give the thread back; referenceIndex then only links.
 */
export function walkUnits(file: JobFile, stop: () => boolean): boolean {
  let all = true;
  eachUnitSource(file, (item, kind) => {
    if (walks.has(item)) return true;
    walks.set(item, walkOf(item, kind));
    if (!stop()) return true;
    all = false;
    return false;
  });
  return all;
}

function buildIndex(file: JobFile): ReferenceIndex {
  const units: Collected[] = [];
  eachUnitSource(file, (item, kind) => void units.push(remembered(item, kind)));
  const declarations: Declaration[] = [];
  for (const unit of units) for (const d of unit.declarations) declarations.push(d);
  let fileWide: FileWide | undefined;
  const uses: Use[] = [];
  const byDeclaration = new Map<Declaration, Use[]>();
  /** Per unit, its uses as linked in this model (walks are shared between models, links are not). */
  const linkedUses = new Map<Collected, Use[]>();
  const byViaTask = new Map<Block, Use[]>();
  const note = (use: Use): void => {
    uses.push(use);
    if (!use.target) return;
    const viaTask = use.viaTask && use.target.task;
    if (viaTask) {
      let list = byViaTask.get(viaTask);
      if (!list) byViaTask.set(viaTask, (list = []));
      list.push(use);
    }
    let list = byDeclaration.get(use.target);
    if (!list) byDeclaration.set(use.target, (list = []));
    list.push(use);
  };
  const global = fileWideByKey(units);
  for (const unit of units) {
    // A unit's links depend on its own declarations and on the file-wide ones its names resolve to:
    // reused while both are the same objects.
    const previous = links.get(unit);
    const keys = needsOf(unit);
    if (previous && sameTargets(previous.deps, keys, global)) {
      for (const use of previous.uses) note(use);
      linkedUses.set(unit, previous.uses);
      continue;
    }
    const wanted = keys.map((key) => global.get(key));
    // What this unit's uses may name: its own declarations and the file-wide ones.
    fileWide ??= { byName: global, meta: [...global.values()].filter((d) => d.kind === 'meta') };
    const linker = new Linker(unit.declarations, fileWide);
    const linked: Use[] = [];
    for (const raw of unit.uses) {
      const use = linker.link(raw);
      // A plain string of a driver's config is a use only when it names a port label.
      if (use.form === 'text' && !use.family && !use.target) continue;
      linked.push(use);
      note(use);
    }
    for (const s of unit.strings) {
      const target = linker.fileAt(s.value);
      if (!target || touches(target.fullRange, s.range.start)) continue;
      const use: Use = { kind: 'file', written: target.name, range: s.range, form: 'text', task: s.task, target };
      linked.push(use);
      note(use);
    }
    linkedUses.set(unit, linked);
    links.set(unit, { deps: wanted, uses: linked });
  }
  const openGroups = new Map<Block, OpenKinds>();
  for (const unit of units) {
    const group = unit.declarations.find((d) => d.kind === 'group')?.group;
    if (group && (unit.open.ports || unit.open.volumes)) openGroups.set(group, unit.open);
  }
  // Units in document order, for a binary search by position (a job's items and groups follow each other).
  const ordered = units.filter((u) => u.declarations.length > 0 || (linkedUses.get(u)?.length ?? 0) > 0);
  // Walked in document order already, but for a broken file: sorted only when one is out of place.
  if (ordered.some((u, i) => i > 0 && before(u.range.start, ordered[i - 1].range.start))) {
    ordered.sort((a, b) => (before(a.range.start, b.range.start) ? -1 : before(b.range.start, a.range.start) ? 1 : 0));
  }
  return {
    declarations,
    uses,
    openGroups,
    usesOf: (declaration) => byDeclaration.get(declaration) ?? NO_USES,
    viaTaskUsesOf: (task) => byViaTask.get(task) ?? NO_USES,
    at(position) {
      const unit = unitAt(ordered, position);
      if (!unit) return undefined;
      const declaration = unit.declarations.find((d) => touches(d.range, position));
      if (declaration) return { declaration };
      const use = linkedUses.get(unit)?.find((u) => touches(u.range, position) || (u.viaTask !== undefined && touches(u.viaTask.range, position)));
      return use ? { use, declaration: use.target } : undefined;
    },
  };
}

/**
 * The innermost unit touching `position`: of the units starting at or before it (found by binary search),
 * the last that touches it. Units do not nest, but a broken file can make neighbours share an edge.
 */
function unitAt(ordered: readonly Collected[], position: Position): Collected | undefined {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(position, ordered[mid].range.start)) high = mid;
    else low = mid + 1;
  }
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
function remembered(block: BodyItem, kind: UnitKind): Collected {
  let found = walks.get(block);
  if (!found) {
    checkpoint();
    walks.set(block, (found = walkOf(block, kind)));
    progress();
  }
  return found;
}
