// Reference targets and origins that are not tied to one attribute: the traversal roots HCL resolves at
// submission (`var.x`, `local.y`), the runtime environment names derived from a declared name
// (`NOMAD_PORT_<label>`, `NOMAD_ADDR_<task>_<label>`, `NOMAD_META_<key>`), and what a valid new name of
// each kind looks like. Labels and attributes say what they declare or refer to in the schema itself
// (LabelSchema.declares, AttributeSchema.refersTo/declares, BlockSchema.keysDeclare).
import type { ReferenceKind } from './types';
import { META_PREFIX, OTHER_TASK_PORT_FAMILIES, PORT_FAMILIES } from './runtimeNames';

/** `var.<name>` names an input variable, `local.<name>` a local value. */
export const TRAVERSAL_ROOTS: Readonly<Record<string, ReferenceKind>> = { var: 'variable', local: 'local' };

/** A family of environment names that embed a declared name after a fixed prefix. */
export interface EnvReferenceFamily {
  prefix: string;
  kind: ReferenceKind;
  /** `NOMAD_ADDR_<task>_<label>`: the name may be preceded by the name of the task that declares it. */
  taskQualified?: boolean;
  /** Nomad also sets the upper-cased form (`NOMAD_META_FOO` for key `foo`). */
  upperCased?: boolean;
}

export const ENV_REFERENCE_FAMILIES: readonly EnvReferenceFamily[] = [
  ...PORT_FAMILIES.map((f) => ({
    prefix: f.prefix,
    kind: 'port' as const,
    taskQualified: OTHER_TASK_PORT_FAMILIES.some((o) => o.prefix === f.prefix),
  })),
  { prefix: META_PREFIX, kind: 'meta', upperCased: true },
];

/** The family whose prefix starts `name` (the longest such prefix), with the rest of the name. */
export function envFamilyOf(name: string): { family: EnvReferenceFamily; rest: string } | undefined {
  let best: EnvReferenceFamily | undefined;
  for (const family of ENV_REFERENCE_FAMILIES) {
    if (name.length > family.prefix.length && name.startsWith(family.prefix) && (!best || family.prefix.length > best.prefix.length)) best = family;
  }
  return best ? { family: best, rest: name.slice(best.prefix.length) } : undefined;
}

/** What a kind of name is called in messages. */
export const KIND_NAMES: Readonly<Record<ReferenceKind, string>> = {
  variable: 'input variable',
  local: 'local value',
  port: 'port label',
  volume: 'volume',
  meta: 'meta key',
  group: 'group',
  task: 'task',
  service: 'service',
  file: 'template destination',
};

/**
 * What a new name must look like for rename, so that every place that derives something from it keeps
 * working: HCL identifiers for `var.`/`local.`, environment-name characters where Nomad builds
 * `NOMAD_PORT_<label>` or `NOMAD_META_<key>` from it. `undefined`: not renamed in the editor.
 */
export const NAME_RULES: Readonly<Record<ReferenceKind, { pattern: RegExp; description: string } | undefined>> = {
  variable: { pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/, description: 'an HCL identifier (a letter or `_`, then letters, digits, `_` or `-`)' },
  local: { pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/, description: 'an HCL identifier (a letter or `_`, then letters, digits, `_` or `-`)' },
  port: { pattern: /^[A-Za-z0-9_]+$/, description: 'letters, digits and `_` only (Nomad builds NOMAD_PORT_<label> and similar environment names from it)' },
  volume: { pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, description: 'letters, digits, `_`, `.` and `-`' },
  meta: { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, description: 'a letter or `_`, then letters, digits and `_` (Nomad builds NOMAD_META_<key> from it)' },
  group: { pattern: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/, description: 'letters, digits, `_` and `-`' },
  task: { pattern: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/, description: 'letters, digits, `_` and `-` (Nomad builds NOMAD_ADDR_<task>_<label> from it)' },
  service: { pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, description: 'letters, digits and inner `-` (a DNS label)' },
  file: undefined,
};

/** Nomad's environment form of a name: characters not valid there become `_`. */
export function envForm(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}
