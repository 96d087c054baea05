// The schema is data: one description of the jobspec and of the exec driver that every feature reads
// (checks, hover, completion, formatting hints, the launch planner). Modelled on hashicorp/hcl-lang:
// bodies hold attribute and block schemas; a block's body may depend on the task's driver.

/** The type an attribute's value must have. */
export type ValueType =
  | { kind: 'string' }
  | { kind: 'number'; integer?: boolean }
  | { kind: 'bool' }
  /** A Go duration string (`"30s"`, `"1h30m"`) or an integer number of nanoseconds. */
  | { kind: 'duration' }
  | { kind: 'list'; element: ValueType }
  | { kind: 'map'; element: ValueType }
  /** An object with known keys, e.g. template `wait` when written as an attribute (not accepted by Nomad). */
  | { kind: 'object'; attributes: Record<string, ValueType> }
  | { kind: 'any' };

/** One allowed value of an enumerated attribute, with what choosing it means. */
export interface EnumValue {
  value: string;
  doc: string;
}

/**
 * What a name in a job file stands for, for definitions, references and rename: hcl-lang's reference
 * targets (what declares a name) and origins (what refers to one), as data in the schema.
 */
export type ReferenceKind = 'variable' | 'local' | 'port' | 'volume' | 'meta' | 'group' | 'task' | 'service' | 'file';

export interface AttributeSchema {
  type: ValueType;
  required?: boolean;
  /** The allowed values; a value outside them is `invalid-value`. Matching is exact unless `caseInsensitive`. */
  values?: EnumValue[];
  caseInsensitive?: boolean;
  /** Values matching this pattern are allowed besides `values` (e.g. network mode `cni/<name>`). */
  valuePattern?: { regex: string; description: string };
  /** Inclusive numeric bounds (`out-of-range` outside them). */
  min?: number;
  max?: number;
  /** The default as a user would write it, for hover and completion (e.g. `"5s"`, `50`, `"private"`). */
  default?: string;
  /** Markdown, in our own words. */
  doc: string;
  /** Path under https://developer.hashicorp.com/nomad/docs/ for the page that explains it. */
  docPath?: string;
  /** Why it is deprecated or removed, when Nomad no longer wants it. */
  deprecated?: string;
  /** True when current Nomad refuses it outright (reported as an error, not a warning). */
  removed?: boolean;
  /** True when Nomad still accepts it but does nothing with it: its deprecation is also tagged Unnecessary (faded). */
  ignored?: boolean;
  /** What makes it special for completion: e.g. values are capability names or signal names. */
  completion?: 'capability' | 'signal' | 'driver';
  /** The value (a string, or each string of a list) names something declared elsewhere, e.g. a port label. */
  refersTo?: ReferenceKind;
  /** The value (a string, or each string of a list) declares a name, e.g. a service name. */
  declares?: ReferenceKind;
  /**
   * The value is an address a document link opens: a URL as is, a go-getter address by its URL part, and a
   * relative path as a file next to the job file.
   */
  link?: 'address';
}

export interface LabelSchema {
  name: string;
  doc: string;
  /** The label declares a name of this kind (a port label, a volume, a task). */
  declares?: ReferenceKind;
}

export interface BlockSchema {
  labels?: LabelSchema[];
  /** How many times the block may appear in its parent (undefined = no limit). */
  minItems?: number;
  maxItems?: number;
  /** The block's body. `driverConfig` means: chosen by the enclosing task's `driver` (see DriverSchema). */
  body: BodySchema | 'driverConfig';
  doc: string;
  docPath?: string;
  deprecated?: string;
  /** True when current Nomad refuses it outright (reported as an error, not a warning). */
  removed?: boolean;
  /** Some blocks may also be written as a map attribute (`env = { ... }`, `meta = { ... }`). */
  alsoAttribute?: boolean;
  /** Each attribute name in the body declares a name of this kind (`meta` keys, `locals`). */
  keysDeclare?: ReferenceKind;
}

export interface BodySchema {
  attributes: Record<string, AttributeSchema>;
  blocks: Record<string, BlockSchema>;
  /** Free-form: any attribute and block is accepted (e.g. `meta`, `env`, an unknown driver's `config`). */
  open?: boolean;
  /** For an open body: the type every attribute must have (e.g. strings in `env` and `meta`). */
  openType?: ValueType;
  /** For an open body: whether nested blocks are refused (e.g. `meta` takes only attributes). */
  openNoBlocks?: boolean;
  /** Attributes only one of which may be set, e.g. resources `cpu` and `cores`. */
  exclusive?: string[][];
}

export interface DriverSchema {
  name: string;
  doc: string;
  docPath?: string;
  /** The task `config` body. */
  config: BodySchema;
  /** The client agent's `plugin "<name>" { config { ... } }` body. */
  pluginConfig?: BodySchema;
}

// ---- Driver task configs (issue 16) ----------------------------------------------------------------
// Nomad hands a task's `config` to the driver as plain data: every block becomes an attribute holding a
// list of objects, and an object written as an attribute becomes a one-element list (jobspec2's
// BlocksAsAttrs). So in a driver config `auth { ... }`, `auth = { ... }` and `mounts = [{ ... }]` all mean
// the same, and a `list(map(T))` attribute such as docker `labels` may be written as a block too. These
// optional fields (merged into the interfaces above) say so.

export interface AttributeSchema {
  /**
   * A map (its type is `map(T)`) that may also be written as a block `name { key = value }` or as a list
   * of maps, merged by the driver: hclspec `list(map(T))` attributes such as docker `labels`.
   */
  blockForm?: boolean;
}

export interface BlockSchema {
  /** With `alsoAttribute`: the attribute may hold one object or a list of objects, each a body of this block. */
  objectList?: boolean;
}

export interface BodySchema {
  /** Groups of attributes at least one of each must be set (java needs `jar_path` or `class`). */
  requireOneOf?: string[][];
}
