// Checks from the reference index (references/index.ts): a service, check or expose path that names a port
// label the group does not declare (`unknown-port-label`, Nomad refuses the job), and variables, locals and
// dynamic port labels nothing in the file uses (`unused-declaration`, a hint).
import type { Block, Body, JobFile } from '../model/types';
import type { Check, CheckContext, Finding } from './check';
import { nearestName } from '../schema/capabilities';
import { referenceIndex, type Declaration, type LinkedUnit, type Use } from '../references/index';
import { KIND_NAMES } from '../schema/references';
import { LastList, align, alignedValues } from '../references/alignment';
import { diagnosticOf } from './published';
import { checkpoint, progress } from '../pause';

export const referencesCheck: Check = {
  name: 'references',
  run(ctx) {
    const index = referenceIndex(ctx.file);
    const run = unitResults(index.units, !!ctx.incremental);
    const { results, has } = run;
    for (let i = 0; i < results.length; i++) if (has[i] & PORTS) for (const finding of results[i].unknownPorts) ctx.report(finding);
    for (let i = 0; i < results.length; i++) if (has[i] & VOLUMES) for (const finding of results[i].unknownVolumes) ctx.report(finding);
    unusedDeclarations(ctx, run);
  },
};

/**
 * What one unit contributes. Ports and volumes belong to a group, and a group is one unit of the index
 * together with everything that may name them (uses link to ports and volumes of their own unit only,
 * references/link.ts). So this is worked out per unit and remembered with it: a linked unit is a new object
 * whenever anything read here changed, and an edit re-checks the unit it touched, not every use in the file.
 */
interface UnitResult {
  unknownPorts: Finding[];
  unknownVolumes: Finding[];
  /** The variables and locals its uses name (they may be declared anywhere in the file). */
  fileWideTargets: Declaration[];
  /** Its declarations that are unused unless a use elsewhere names them (variables, locals), in order; ports named by no use of the unit included. */
  unusedCandidates: Declaration[];
}

/** What a result holds, one number per unit: loops over a thousand units then read one small array, not each result. */
const PORTS = 1;
const VOLUMES = 2;
const CANDIDATES = 4;

function hasOf(result: UnitResult): number {
  return (result.unknownPorts.length > 0 ? PORTS : 0) | (result.unknownVolumes.length > 0 ? VOLUMES : 0) | (result.unusedCandidates.length > 0 ? CANDIDATES : 0);
}

interface Run {
  units: readonly LinkedUnit[];
  results: readonly UnitResult[];
  has: readonly number[];
  /**
   * How many units' uses name each variable or local. Handed on to the next run, which updates it for the
   * units that changed; undefined once handed on (a run found again later counts afresh).
   */
  uses: Map<Declaration, number> | undefined;
}

const lastRuns = new LastList<LinkedUnit, Run>();
/** Results of units that did not line up with the last run (an edit's group, a pasted one): found again on undo. */
const byUnit = new WeakMap<LinkedUnit, UnitResult>();

/** Each unit's result, taken from the last run where the units line up (references/alignment.ts). */
function unitResults(units: readonly LinkedUnit[], remember: boolean): Run {
  const count = units.length;
  if (!remember) {
    const results = units.map(computeUnitResult);
    return { units, results, has: results.map(hasOf), uses: countUses(results, 0, count, new Map(), 1) };
  }
  const last = lastRuns.find(units);
  const aligned = align(units, last?.units);
  const results = alignedValues(count, last?.results, aligned, (i) => {
    let result = byUnit.get(units[i]);
    if (!result) {
      byUnit.set(units[i], (result = computeUnitResult(units[i])));
      // Remembered with its unit: the run can stop here (pause.ts) and find it again (a job of a thousand
      // groups is as many units).
      progress();
      checkpoint();
    }
    return result;
  });
  const has = alignedValues(count, last?.has, aligned, (i) => hasOf(results[i]));
  const { head, tail } = aligned;
  let uses: Map<Declaration, number>;
  if (last?.uses) {
    // The counts of the last run, less the units that left, plus those that came.
    uses = countUses(last.results, head, last.results.length - tail, last.uses, -1);
    countUses(results, head, count - tail, uses, 1);
    last.uses = undefined;
  } else uses = countUses(results, 0, count, new Map(), 1);
  const run: Run = { units, results, has, uses };
  lastRuns.remember(units, run);
  return run;
}

function countUses(results: readonly UnitResult[], from: number, to: number, into: Map<Declaration, number>, sign: 1 | -1): Map<Declaration, number> {
  for (let i = from; i < to; i++) {
    for (const target of results[i].fileWideTargets) {
      const n = (into.get(target) ?? 0) + sign;
      if (n === 0) into.delete(target);
      else into.set(target, n);
    }
  }
  return into;
}

function computeUnitResult(unit: LinkedUnit): UnitResult {
  const unknownPorts: Finding[] = [];
  const unknownVolumes: Finding[] = [];
  unknownPortLabels((f) => void unknownPorts.push(f), unit);
  unknownVolumesOf((f) => void unknownVolumes.push(f), unit);
  const targets = new Set<Declaration>();
  for (const use of unit.uses) if (use.target) targets.add(use.target);
  const fileWideTargets = [...targets].filter((d) => d.kind === 'variable' || d.kind === 'local');
  const unusedCandidates = unit.declarations.filter((d) => reportsUnused(d, unit) && !(d.kind === 'port' && targets.has(d)));
  return { unknownPorts, unknownVolumes, fileWideTargets, unusedCandidates };
}

type Report = (finding: Finding) => void;

/** Whether a group's ports or volumes cannot all be listed: its unit's, when the unit is that group's. */
function openIn(unit: LinkedUnit, group: Block): LinkedUnit['open'] | undefined {
  return unit.declarations.some((d) => d.kind === 'group' && d.group === group) ? unit.open : undefined;
}

function unknownPortLabels(report: Report, unit: LinkedUnit): void {
  for (const use of unit.uses) {
    if (use.kind !== 'port' || use.form !== 'string' || use.target || !use.group) continue;
    if (openIn(unit, use.group)?.ports) continue;
    if (!literalString(use)) continue;
    const labels = unit.declarations.filter((d) => d.kind === 'port' && d.group === use.group).map((d) => d.name);
    // A port of another task's own network (older form) is accepted for the group's services too.
    if (labels.includes(use.written)) continue;
    if (driverAddressed(use)) continue;
    const suggestion = nearestName(use.written, labels) ?? (labels.length === 1 ? labels[0] : undefined);
    const groupName = use.group.labels[0]?.value ?? '';
    report({
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
function unknownVolumesOf(report: Report, unit: LinkedUnit): void {
  for (const use of unit.uses) {
    if (use.kind !== 'volume' || use.form !== 'string' || use.target || !use.group || !use.owner) continue;
    if (openIn(unit, use.group)?.volumes || !literalString(use)) continue;
    const owner = use.owner;
    if (use.task && (use.task.body.items.includes(owner) || use.task.dynamic?.content?.items.includes(owner))) continue;
    const names = unit.declarations.filter((d) => d.kind === 'volume' && d.group === use.group).map((d) => d.name);
    const suggestion = nearestName(use.written, names) ?? (names.length === 1 ? names[0] : undefined);
    report({
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

function unusedDeclarations(ctx: CheckContext, run: Run): void {
  // A file of variables alone (no job) is read together with a job elsewhere: its variables are not unused.
  // Nor in a file the model left part of out (an analysis limit): that part may read anything.
  if (ctx.file.jobs.length === 0 || ctx.file.unread) return;
  const { results, has, uses } = run;
  const paused = pausedUnused.get(ctx.file);
  pausedUnused.delete(ctx.file);
  const at: UnusedSoFar = paused?.units === run.units ? paused : { units: run.units, unit: 0, candidate: 0, seen: new Set<string>(), reported: [] };
  for (const finding of at.reported) ctx.report(finding);
  for (; at.unit < results.length; at.unit++, at.candidate = 0) {
    if (!(has[at.unit] & CANDIDATES)) continue;
    const candidates = results[at.unit].unusedCandidates;
    for (; at.candidate < candidates.length; at.candidate++) {
      const declaration = candidates[at.candidate];
      // Only the first declaration of a name counts, used or not: a second one is a `duplicate` mistake, and
      // the uses are linked to the first.
      const key = `${declaration.kind}:${declaration.name}:${groupKey(declaration.group)}`;
      if (at.seen.has(key)) continue;
      at.seen.add(key);
      if (declaration.kind !== 'port' && uses!.has(declaration)) continue;
      const finding = unusedFinding(declaration);
      ctx.report(finding);
      at.reported.push(finding);
      if (at.reported.length % REPORTED_AT_ONCE === 0) {
        progress();
        // A stop (pause.ts) keeps the place after this one: the next attempt on the same units reports what
        // this one did and goes on from there.
        checkpoint(() => pausedUnused.set(ctx.file, { ...at, candidate: at.candidate + 1 }));
      }
    }
  }
}

/** Unused declarations reported between two places where the references check can stop (30,000 locals). */
const REPORTED_AT_ONCE = 256;

/** How far the unused declarations of a model were reported when the check stopped (pause.ts). */
interface UnusedSoFar {
  units: readonly LinkedUnit[];
  unit: number;
  candidate: number;
  seen: Set<string>;
  reported: Finding[];
}

const pausedUnused = new WeakMap<JobFile, UnusedSoFar>();

/**
 * By declaration: the index keeps a declaration's object while its text is unchanged, so the finding (and its
 * published diagnostic and JSON, published.ts and the transport) is made once, not at every edit (a file of
 * 30,000 unused locals made as many new findings per keystroke).
 */
const unusedFindings = new WeakMap<Declaration, Finding>();

function unusedFinding(declaration: Declaration): Finding {
  let finding = unusedFindings.get(declaration);
  if (!finding) unusedFindings.set(declaration, (finding = diagnosticOf({ range: declaration.range, code: 'unused-declaration', message: unusedMessage(declaration) })));
  return finding;
}

const groupIds = new WeakMap<Block, number>();
let nextGroupId = 0;
function groupKey(group: Block | undefined): number {
  if (!group) return -1;
  let id = groupIds.get(group);
  if (id === undefined) groupIds.set(group, (id = nextGroupId++));
  return id;
}

function reportsUnused(declaration: Declaration, unit: LinkedUnit): boolean {
  switch (declaration.kind) {
    case 'variable':
    case 'local':
      return declaration.name !== '';
    case 'port':
      // A static port's number is known without its label; a dynamic group network may use any label.
      return !declaration.fixedNumber && !(declaration.group && openIn(unit, declaration.group)?.ports);
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
