// Where files can be inside an exec task's chroot, as far as the file and the settings tell: the chroot_env
// entries (host path -> task path), volume mounts, and what artifacts, templates and a dispatch payload put
// in place before the task starts. Paths here are relative to the task directory, without leading `/`.
import * as path from 'node:path';
import type { Expr, Task } from '../model/types';
import type { Evaluator } from '../model/eval';
import type { EffectiveSettings } from '../settings';
import { findAttribute, findBlocks, knownString } from '../schema/runtimeQuery';
import { taskBody } from '../schema/runtimeQuery';
import { FIXED_EXEC_VALUES } from '../schema/runtimeNames';
import { byRecentText } from './memo';

/** The directories Nomad creates in every task directory. */
export const TASK_DIRS = ['local', 'alloc', 'secrets', 'tmp', 'private'];

export interface ChrootEntry {
  host: string;
  /** Task-relative path ('' for the root). */
  task: string;
}

export interface Provider {
  kind: 'artifact' | 'template' | 'dispatch_payload';
  /** Task-relative destination. */
  destination: string;
  /** A template or payload file puts exactly one file; an artifact may unpack a whole tree under its destination. */
  exact: boolean;
}

export interface TaskPlaces {
  chroot: readonly ChrootEntry[];
  /** Where chroot_env came from ("Nomad default", a setting, an agent config file), for messages. */
  chrootOrigin: string;
  /** Task-relative mount destinations of `volume_mount` blocks. */
  mounts: string[];
  providers: Provider[];
  /** Some destination or mount is not known while editing: anything might be put in place. */
  unknownPlaces: boolean;
}

/** A task path as written (`local/x`, `/local/x`, `${NOMAD_TASK_DIR}/x`, `../alloc/x`) made task-relative. */
// Asked for the same few paths (chroot_env entries, commands, destinations) for every task on every edit.
export const taskRelative: (raw: string) => string = byRecentText(1024, (raw) => makeTaskRelative(raw));

function makeTaskRelative(raw: string): string {
  let p = raw.replace(/\\/g, '/');
  if (p.startsWith('../alloc/') || p === '../alloc') p = p.slice(3); // the shared alloc dir is bound at alloc/
  p = path.posix.normalize('/' + p).replace(/^\/+/, '').replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

/** True when `p` is `dir` or inside it (both task-relative). */
export function isUnder(p: string, dir: string): boolean {
  return dir === '' || p === dir || p.startsWith(dir + '/');
}

/**
 * A path attribute's value while editing: a known string, or a template whose runtime parts are only the
 * task directory variables (their value inside an exec task is fixed).
 */
export function pathValue(expr: Expr | undefined, evaluator?: Evaluator): string | undefined {
  if (!expr) return undefined;
  const known = knownString(expr, evaluator);
  if (known !== undefined) return known;
  if (expr.kind !== 'template' || expr.heredoc) return undefined;
  let text = '';
  for (const part of expr.parts) {
    if (part.kind === 'literal') text += part.text;
    else if (part.kind === 'interpolation' && part.expr.kind === 'reference' && part.expr.path.length === 0 && Object.hasOwn(FIXED_EXEC_VALUES, part.expr.root)) {
      text += FIXED_EXEC_VALUES[part.expr.root];
    } else if (part.kind === 'interpolation') {
      const value = knownString(part.expr, evaluator);
      if (value === undefined) return undefined;
      text += value;
    } else return undefined;
  }
  return text;
}

// The chroot entries of a chroot_env map, with the entries they were made from: a map changed in place is
// read again. Shared by every task's places (never mutated).
const chroots = new WeakMap<Readonly<Record<string, string>>, { from: [string, string][]; entries: readonly ChrootEntry[] }>();

function chrootOf(chrootEnv: Readonly<Record<string, string>>): readonly ChrootEntry[] {
  const known = chroots.get(chrootEnv);
  // Asked for every exec task on every edit: compared in place, without listing the map's entries anew.
  if (known && sameEntries(known.from, chrootEnv)) return known.entries;
  const from = Object.entries(chrootEnv);
  const entries = from.map(([host, inside]) => ({ host, task: taskRelative(inside) }));
  chroots.set(chrootEnv, { from, entries });
  return entries;
}

/** Whether `chrootEnv` has exactly these entries, in this order (Object.entries' order). */
function sameEntries(from: readonly [string, string][], chrootEnv: Readonly<Record<string, string>>): boolean {
  let i = 0;
  for (const host in chrootEnv) {
    if (!Object.hasOwn(chrootEnv, host)) continue;
    const entry = from[i++];
    if (entry === undefined || entry[0] !== host || entry[1] !== chrootEnv[host]) return false;
  }
  return i === from.length;
}

export function taskPlaces(task: Task, settings: EffectiveSettings, evaluator?: Evaluator): TaskPlaces {
  const places: TaskPlaces = { chroot: chrootOf(settings.chrootEnv), chrootOrigin: settings.origin?.chrootEnv ?? 'Nomad default', mounts: [], providers: [], unknownPlaces: false };
  const body = taskBody(task);
  for (const mount of findBlocks(body, 'volume_mount')) {
    const destination = pathValue(findAttribute(mount.body, 'destination')?.value, evaluator);
    if (mount.dynamic || destination === undefined) places.unknownPlaces = true;
    else places.mounts.push(taskRelative(destination));
  }
  for (const artifact of findBlocks(body, 'artifact')) {
    const attribute = findAttribute(artifact.body, 'destination');
    const destination = attribute ? pathValue(attribute.value, evaluator) : 'local/';
    const mode = knownString(findAttribute(artifact.body, 'mode')?.value, evaluator);
    if (artifact.dynamic || destination === undefined) places.unknownPlaces = true;
    else places.providers.push({ kind: 'artifact', destination: taskRelative(destination), exact: mode === 'file' });
  }
  for (const template of findBlocks(body, 'template')) {
    const destination = pathValue(findAttribute(template.body, 'destination')?.value, evaluator);
    if (template.dynamic || destination === undefined) places.unknownPlaces = true;
    else places.providers.push({ kind: 'template', destination: taskRelative(destination), exact: true });
  }
  for (const payload of findBlocks(body, 'dispatch_payload')) {
    const file = pathValue(findAttribute(payload.body, 'file')?.value, evaluator);
    if (payload.dynamic || file === undefined) places.unknownPlaces = true;
    else places.providers.push({ kind: 'dispatch_payload', destination: taskRelative('local/' + file), exact: true });
  }
  return places;
}

/** The provider that puts something at `p`, if any. */
export function providerFor(places: TaskPlaces, p: string): Provider | undefined {
  return places.providers.find((provider) => (provider.exact ? p === provider.destination : isUnder(p, provider.destination)));
}

/** The chroot entry that brings `p` into the task, with the host path it comes from. */
export function chrootFor(places: TaskPlaces, p: string): ChrootMatch | undefined {
  const chroot = places.chroot;
  let match = chrootMatches.get(chroot);
  if (!match) chrootMatches.set(chroot, (match = byRecentText(1024, (p) => findChroot(chroot, p))));
  return match(p);
}

type ChrootMatch = { readonly entry: ChrootEntry; readonly hostPath: string };

// By chroot list (one per chroot_env map, chrootOf) and task path: every exec task asks for its command's
// candidates on every edit, and a path join per entry was a tenth of the command check's time.
const chrootMatches = new WeakMap<readonly ChrootEntry[], (p: string) => ChrootMatch | undefined>();

function findChroot(chroot: readonly ChrootEntry[], p: string): ChrootMatch | undefined {
  // The longest matching task path wins, as a more specific entry is copied over a broader one.
  let best: { entry: ChrootEntry; hostPath: string } | undefined;
  for (const entry of chroot) {
    if (!isUnder(p, entry.task)) continue;
    if (best && best.entry.task.length >= entry.task.length) continue;
    const rest = entry.task === '' ? p : p.slice(entry.task.length).replace(/^\//, '');
    best = { entry, hostPath: rest ? path.posix.join(entry.host, rest) : entry.host };
  }
  return best;
}

export function mountFor(places: TaskPlaces, p: string): string | undefined {
  return places.mounts.find((mount) => isUnder(p, mount));
}

/** How chroot_env reads in a message: `/bin, /etc, /usr` (task paths). */
export function describeChroot(places: TaskPlaces): string {
  if (places.chroot.length === 0) return `chroot_env (${places.chrootOrigin}) is empty`;
  return `chroot_env (${places.chrootOrigin}): ` + places.chroot.map((e) => (e.host === '/' + e.task ? e.host : `${e.host} -> /${e.task}`)).join(', ');
}

export function describeMounts(places: TaskPlaces): string {
  return places.mounts.length ? 'volume mounts: ' + places.mounts.map((m) => '/' + m).join(', ') : 'no volume mounts';
}
