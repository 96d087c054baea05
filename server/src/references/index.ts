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
import type { Position, Range } from 'vscode-languageserver-types';
import type { Block, JobFile } from '../model/types';
import { before } from '../model/positions';
import { collectGroup, collectJobOwn, collectTop } from './collect';
import { Linker } from './link';
import type { Collected, Declaration, OpenKinds, ReferenceIndex, Use } from './types';

export type { Declaration, OpenKinds, ReferenceIndex, ReferenceKind, Use, UseForm } from './types';

const indexes = new WeakMap<JobFile, ReferenceIndex>();
/** A unit's uses as last linked, and the file-wide declarations they were linked against. */
const links = new WeakMap<Collected, { global: readonly Declaration[]; uses: Use[] }>();
/** The file-wide declarations of the last build: the same array while they are the same objects. */
let lastGlobal: readonly Declaration[] = [];

/** What uses anywhere may link to: variables, locals, services, template destinations, job meta keys. */
function globalToken(declarations: readonly Declaration[]): readonly Declaration[] {
  const global = declarations.filter((d) => d.kind === 'variable' || d.kind === 'local' || d.kind === 'service' || d.kind === 'file' || (d.kind === 'meta' && d.level === 'job'));
  if (global.length === lastGlobal.length && global.every((d, i) => d === lastGlobal[i])) return lastGlobal;
  lastGlobal = global;
  return global;
}
const walks = new WeakMap<Block, Collected>();

/** The reference index of a model (built on first request, then remembered with the model). */
export function referenceIndex(file: JobFile): ReferenceIndex {
  let index = indexes.get(file);
  if (!index) indexes.set(file, (index = buildIndex(file)));
  return index;
}

function buildIndex(file: JobFile): ReferenceIndex {
  const units: Collected[] = [];
  for (const item of file.body.items) {
    if (item.kind !== 'block') continue;
    if (item.type === 'job') {
      units.push(remembered(item, () => collectJobOwn(item)));
      for (const child of item.body.items) {
        if (child.kind === 'block' && (child.type === 'group' || child.type === 'task' || child.dynamic?.blockType === 'group')) {
          units.push(remembered(child, () => collectGroup(child)));
        }
      }
    } else {
      units.push(remembered(item, () => collectTop(item)));
    }
  }
  const declarations: Declaration[] = [];
  for (const unit of units) for (const d of unit.declarations) declarations.push(d);
  let made: Linker | undefined;
  const linker = (): Linker => (made ??= new Linker(declarations));
  const uses: Use[] = [];
  const byDeclaration = new Map<Declaration, Use[]>();
  /** Per unit, its uses as linked in this model (walks are shared between models, links are not). */
  const linkedUses = new Map<Collected, Use[]>();
  const note = (use: Use): void => {
    uses.push(use);
    if (!use.target) return;
    let list = byDeclaration.get(use.target);
    if (!list) byDeclaration.set(use.target, (list = []));
    list.push(use);
  };
  const global = globalToken(declarations);
  for (const unit of units) {
    // A unit's links depend on its own declarations and the file-wide ones only: reused while both are.
    const previous = links.get(unit);
    if (previous && previous.global === global) {
      for (const use of previous.uses) note(use);
      linkedUses.set(unit, previous.uses);
      continue;
    }
    const linked: Use[] = [];
    for (const raw of unit.uses) {
      const use = linker().link(raw);
      // A plain string of a driver's config is a use only when it names a port label.
      if (use.form === 'text' && !use.family && !use.target) continue;
      linked.push(use);
      note(use);
    }
    for (const s of unit.strings) {
      const target = linker().fileAt(s.value);
      if (!target || contains(target.fullRange, s.range.start)) continue;
      const use: Use = { kind: 'file', written: target.name, range: s.range, form: 'text', task: s.task, target };
      linked.push(use);
      note(use);
    }
    linkedUses.set(unit, linked);
    links.set(unit, { global, uses: linked });
  }
  const openGroups = new Map<Block, OpenKinds>();
  for (const unit of units) {
    const group = unit.declarations.find((d) => d.kind === 'group')?.group;
    if (group && (unit.open.ports || unit.open.volumes)) openGroups.set(group, unit.open);
  }
  return {
    declarations,
    uses,
    openGroups,
    usesOf: (declaration) => byDeclaration.get(declaration) ?? NO_USES,
    at(position) {
      // The innermost unit: a job's own unit spans its groups.
      let unit: Collected | undefined;
      for (const u of units) if (contains(u.range, position) && (!unit || before(unit.range.start, u.range.start))) unit = u;
      if (!unit) return undefined;
      const declaration = unit.declarations.find((d) => contains(d.range, position));
      if (declaration) return { declaration };
      const use = linkedUses.get(unit)?.find((u) => contains(u.range, position) || (u.viaTask !== undefined && contains(u.viaTask.range, position)));
      return use ? { use, declaration: use.target } : undefined;
    },
  };
}

const NO_USES: readonly Use[] = [];

/** start <= pos <= end: a cursor right after a name is on it too. */
export function contains(range: Range, pos: Position): boolean {
  return !before(pos, range.start) && !before(range.end, pos);
}

function remembered(block: Block, walk: () => Collected): Collected {
  let found = walks.get(block);
  if (!found) walks.set(block, (found = walk()));
  return found;
}
