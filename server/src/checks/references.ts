// Checks from the reference index (references/index.ts): a service, check or expose path that names a port
// label the group does not declare (`unknown-port-label`, Nomad refuses the job), and variables, locals and
// dynamic port labels nothing in the file uses (`unused-declaration`, a hint).
import type { Block, Body } from '../model/types';
import type { Check, CheckContext } from './check';
import { nearestName } from '../schema/capabilities';
import { referenceIndex, type Declaration, type ReferenceIndex, type Use } from '../references/index';
import { KIND_NAMES } from '../schema/references';

export const referencesCheck: Check = {
  name: 'references',
  run(ctx) {
    const index = referenceIndex(ctx.file);
    unknownPortLabels(ctx, index);
    unknownVolumes(ctx, index);
    unusedDeclarations(ctx, index);
  },
};

function unknownPortLabels(ctx: CheckContext, index: ReferenceIndex): void {
  for (const use of index.uses) {
    if (use.kind !== 'port' || use.form !== 'string' || use.target || !use.group) continue;
    if (index.openGroups.get(use.group)?.ports) continue;
    if (!literalString(use)) continue;
    const labels = index.declarations.filter((d) => d.kind === 'port' && d.group === use.group).map((d) => d.name);
    // A port of another task's own network (older form) is accepted for the group's services too.
    if (labels.includes(use.written)) continue;
    if (driverAddressed(use)) continue;
    const suggestion = nearestName(use.written, labels) ?? (labels.length === 1 ? labels[0] : undefined);
    const groupName = use.group.labels[0]?.value ?? '';
    ctx.report({
      range: use.range,
      code: 'unknown-port-label',
      message: `No port "${use.written}" in the network of group "${groupName}" (${labels.length ? `ports: ${labels.join(', ')}` : 'it declares no ports'}); Nomad refuses the job.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
      data: suggestion ? { replacement: suggestion } : undefined,
    });
  }
}

/**
 * A `volume_mount` that is not a task's own (a Connect `sidecar_task`'s) naming no volume of the group. A
 * task's own mounts are checked with the task (execTask.ts), with the same message.
 */
function unknownVolumes(ctx: CheckContext, index: ReferenceIndex): void {
  for (const use of index.uses) {
    if (use.kind !== 'volume' || use.form !== 'string' || use.target || !use.group || !use.owner) continue;
    if (index.openGroups.get(use.group)?.volumes || !literalString(use)) continue;
    const owner = use.owner;
    if (use.task && (use.task.body.items.includes(owner) || use.task.dynamic?.content?.items.includes(owner))) continue;
    const names = index.declarations.filter((d) => d.kind === 'volume' && d.group === use.group).map((d) => d.name);
    const suggestion = nearestName(use.written, names) ?? (names.length === 1 ? names[0] : undefined);
    ctx.report({
      range: use.range,
      code: 'unknown-volume',
      message: `No \`volume "${use.written}"\` block in group "${use.group.labels[0]?.value ?? ''}" (${names.length ? `volumes: ${names.join(', ')}` : 'it declares no volumes'}); Nomad refuses the job.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
      data: suggestion ? { replacement: suggestion } : undefined,
    });
  }
}

/** With `address_mode = "driver"` the port may be one the task driver maps (a number or the driver's own label). */
function driverAddressed(use: Use): boolean {
  return use.owner !== undefined && attributeText(use.owner.body, 'address_mode') === 'driver';
}

function literalString(use: Use): boolean {
  return use.written.length > 0 && !use.written.includes('${');
}

function attributeText(body: Body, name: string): string | undefined {
  for (const item of body.items) {
    if (item.kind !== 'attribute' || item.name !== name) continue;
    const v = item.value;
    if (v.kind === 'literal') return String(v.value);
    if (v.kind === 'template' && v.parts.length === 1 && v.parts[0].kind === 'literal') return v.parts[0].text;
  }
  return undefined;
}

function unusedDeclarations(ctx: CheckContext, index: ReferenceIndex): void {
  // A file of variables alone (no job) is read together with a job elsewhere: its variables are not unused.
  if (ctx.file.jobs.length === 0) return;
  const seen = new Set<string>();
  for (const declaration of index.declarations) {
    if (!reportsUnused(declaration, index)) continue;
    if (index.usesOf(declaration).length > 0) continue;
    // Only the first declaration of a name counts (a second one is a `duplicate` mistake).
    const key = `${declaration.kind}:${declaration.name}:${groupKey(declaration.group)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ctx.report({
      range: declaration.range,
      code: 'unused-declaration',
      message: unusedMessage(declaration),
    });
  }
}

const groupIds = new WeakMap<Block, number>();
let nextGroupId = 0;
function groupKey(group: Block | undefined): number {
  if (!group) return -1;
  let id = groupIds.get(group);
  if (id === undefined) groupIds.set(group, (id = nextGroupId++));
  return id;
}

function reportsUnused(declaration: Declaration, index: ReferenceIndex): boolean {
  switch (declaration.kind) {
    case 'variable':
    case 'local':
      return declaration.name !== '';
    case 'port':
      // A static port's number is known without its label; a dynamic group network may use any label.
      return !declaration.fixedNumber && !(declaration.group && index.openGroups.get(declaration.group)?.ports);
    default:
      return false;
  }
}

function unusedMessage(declaration: Declaration): string {
  switch (declaration.kind) {
    case 'variable':
      return `The input variable "${declaration.name}" is never used: nothing reads \`var.${declaration.name}\`.`;
    case 'local':
      return `The local value "${declaration.name}" is never used: nothing reads \`local.${declaration.name}\`.`;
    default:
      return `The ${KIND_NAMES[declaration.kind]} "${declaration.name}" is never used: no service, check or NOMAD_*_${declaration.name} name refers to it, and it has no static number.`;
  }
}
