// The reference index's data: declarations, uses and what the walk over one top-level block finds.
import type { Position, Range } from 'vscode-languageserver-types';
import type { Block } from '../model/types';
import type { ReferenceKind } from '../schema/types';
import type { EnvReferenceFamily } from '../schema/references';

export type { ReferenceKind };

/** A name the file declares. */
export interface Declaration {
  kind: ReferenceKind;
  name: string;
  /** The name's own text (inside the quotes of a label or string). */
  range: Range;
  /** The whole declaring block or attribute. */
  fullRange: Range;
  /** False when the name as written cannot be replaced in place (escapes in a label, a computed key). */
  editable: boolean;
  /** The group block it belongs to (ports, volumes, tasks, group and task meta). */
  group?: Block;
  /** The task block it belongs to (the task itself, task meta, ports of a task's own network). */
  task?: Block;
  /** For meta keys: which level declares it. */
  level?: 'job' | 'group' | 'task';
  /** Extra words for outlines and hovers, e.g. `lifecycle sidecar`. */
  detail?: string;
  /** A port with `static` or `to`: its number is known without reading the environment. */
  fixedNumber?: boolean;
}

/** How a use is written. */
export type UseForm =
  /** `var.x`, `local.y` */
  | 'traversal'
  /** a string whose whole value is the name: `port = "http"` */
  | 'string'
  /** an environment name in an HCL expression: `${NOMAD_PORT_http}` */
  | 'env'
  /** inside literal text the file does not evaluate (consul-template, a script, a driver's own config) */
  | 'text';

/** A place that names something. */
export interface Use {
  kind: ReferenceKind;
  /** The name as it is written at `range` (for env forms the part after the prefix, maybe upper-cased). */
  written: string;
  /** The text a rename replaces. */
  range: Range;
  form: UseForm;
  /** The group and task the use is written in (they decide which ports, volumes and meta it can see). */
  group?: Block;
  task?: Block;
  /** For env forms: the family (prefix) of the name. */
  family?: EnvReferenceFamily;
  /** What it names, once linked; undefined when nothing in the file declares it. */
  target?: Declaration;
  /** For `NOMAD_ADDR_<task>_<label>`: the task part, once linked (its range precedes the label's). */
  viaTask?: { name: string; range: Range };
  /** For string forms: the block whose attribute it is (a service, a check). */
  owner?: Block;
}

/** Which names of a kind a group cannot list while editing (dynamic blocks): unknown ones may exist. */
export interface OpenKinds {
  ports: boolean;
  volumes: boolean;
}

/** What the walk over one top-level block found. */
export interface Collected {
  declarations: Declaration[];
  uses: Use[];
  /** Strings in the group (normalised paths), for uses of template destinations. */
  strings: Array<{ value: string; range: Range; task?: Block }>;
  open: OpenKinds;
  range: Range;
}

/**
 * A unit with its uses linked. The same object from one model to the next while the unit and the
 * file-wide declarations its uses name are the same: memos of findings per unit key on it.
 */
export interface LinkedUnit {
  declarations: readonly Declaration[];
  uses: readonly Use[];
  open: OpenKinds;
  range: Range;
}

export interface ReferenceIndex {
  /** The file's units (a job's groups and own settings, other top-level blocks), in walk order. */
  units: readonly LinkedUnit[];
  declarations: readonly Declaration[];
  uses: readonly Use[];
  /** Groups whose ports or volumes cannot all be listed (dynamic blocks), by group block. */
  openGroups: ReadonlyMap<Block, OpenKinds>;
  /** The declaration or use at a position (the use's target, when linked). */
  at(position: Position): { declaration?: Declaration; use?: Use } | undefined;
  /** Every use linked to `declaration`. */
  usesOf(declaration: Declaration): readonly Use[];
  /** The `NOMAD_ADDR_<task>_<label>` uses whose task part names `task` (a task block). */
  viaTaskUsesOf(task: Block): readonly Use[];
}

