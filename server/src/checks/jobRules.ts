// Rules across fields that Nomad's server applies when a job is registered (reference section 9.2):
// one job per file, unique group and task names, names Nomad refuses, groups without tasks, resource
// bounds that depend on each other, log storage against the ephemeral disk, artifact checksums, templates
// without content or with a shared destination, and reschedule policies on system jobs.
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Attribute, Block, Body, Group, Job, Task } from '../model/types';
import type { Check, CheckContext } from './check';
import { RecentState, jobSettings, jobToken } from './memo';
import { groupNameProblem, jobIdProblem, jobNameProblem, taskNameProblem } from '../schema/names';

function attr(body: Body, name: string): Attribute | undefined {
  return body.items.find((i): i is Attribute => i.kind === 'attribute' && i.name === name);
}

function blocks(body: Body, type: string): Block[] {
  return body.items.filter((i): i is Block => i.kind === 'block' && i.type === type);
}

/** A known number, accepting numeric strings as HCL would convert them. */
function knownNumber(ctx: CheckContext, attribute: Attribute | undefined): number | undefined {
  if (!attribute) return undefined;
  const value = ctx.evaluator.evaluate(attribute.value);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

function knownString(ctx: CheckContext, attribute: Attribute | undefined): string | undefined {
  if (!attribute) return undefined;
  const value = ctx.evaluator.evaluate(attribute.value);
  return typeof value === 'string' ? value : undefined;
}

/** The body of the task: its own block body, or a dynamic block's content. */
function taskBody(task: Task): Body | undefined {
  return task.dynamic ? task.block.dynamic?.content : task.block.body;
}

export const jobRules: Check = {
  name: 'jobRules',
  run(ctx) {
    checkJobCount(ctx);
    for (const job of ctx.file.jobs) checkJob(ctx, job);
  },
  // The job type is part of the job token (memo.ts), so per-group results may depend on it.
  groups(ctx, job) {
    const type = jobType(ctx, job);
    return (ctx, group) => checkGroup(ctx, group, type);
  },
};

function jobType(ctx: CheckContext, job: Job): string {
  return knownString(ctx, attr(jobSettings(job), 'type')) ?? 'service';
}

function checkJobCount(ctx: CheckContext): void {
  const jobs = blocks(ctx.file.body, 'job');
  if (jobs.length === 0 && ctx.file.body.items.length > 0) {
    const start = ctx.file.body.range.start;
    ctx.report({
      range: { start, end: start },
      code: 'missing-required',
      message: 'This file has no job block; Nomad needs exactly one `job "<id>" { ... }`.',
    });
  }
  for (const extra of jobs.slice(1)) {
    ctx.report({ range: extra.typeRange, code: 'duplicate', message: 'A job file holds exactly one job block; Nomad refuses a second one.' });
  }
}

function checkJob(ctx: CheckContext, job: Job): void {
  const settings = jobSettings(job);
  const id = knownString(ctx, attr(settings, 'id')) ?? job.block.labels[0]?.value;
  const idProblem = id !== undefined ? jobIdProblem(id) : undefined;
  if (idProblem) ctx.report({ range: job.block.labels[0]?.range ?? job.block.typeRange, code: 'invalid-name', message: idProblem });
  const nameAttr = attr(settings, 'name');
  const nameProblem = jobNameProblem(knownString(ctx, nameAttr) ?? job.block.labels[0]?.value ?? '');
  if (nameProblem) ctx.report({ range: nameAttr?.range ?? job.block.labels[0]?.range ?? job.block.typeRange, code: 'invalid-name', message: nameProblem });
  const type = jobType(ctx, job);

  if (type === 'system' || type === 'sysbatch') {
    for (const reschedule of blocks(settings, 'reschedule')) reportReschedule(ctx, reschedule, type);
  }
  // Only jobs that run to completion can be launched by a schedule or by dispatch.
  if (type === 'service' || type === 'system') {
    for (const kind of ['periodic', 'parameterized']) {
      for (const block of blocks(settings, kind)) {
        ctx.report({
          range: block.typeRange,
          code: 'invalid-value',
          message: `A ${type} job cannot be ${kind}: only batch and sysbatch jobs run on a ${kind === 'periodic' ? 'schedule' : 'dispatch'}. Set type = "batch" (or "sysbatch").`,
        });
      }
    }
  }

  // Each group's own rules run apart (see `groups` above); only names across groups are compared here.
  checkGroupNames(ctx, job);
}

/**
 * By job token (memo.ts): the groups of the job's last run, when their names were all different. An edit
 * usually changes one group and not its name; then the names are still all different, and a 1 MB job's
 * thousand names need not be compared again.
 */
const uniqueNames = new RecentState<readonly Group[]>();

/** Forgets the groups of the last run (see groupMemo.forgetRecentRun). */
export function forgetRecentNames(): void {
  uniqueNames.clear();
}

function checkGroupNames(ctx: CheckContext, job: Job): void {
  const token = ctx.incremental ? jobToken(ctx, job) : undefined;
  const last = token ? uniqueNames.get(token) : undefined;
  if (token && last && sameNames(last, job.groups)) {
    uniqueNames.set(token, job.groups);
    return;
  }
  let unique = true;
  const groupNames = new Map<string, Group>();
  for (const group of job.groups) {
    const name = nameOf(group);
    if (name === undefined) continue;
    const first = groupNames.get(name);
    if (first) {
      unique = false;
      ctx.report({
        range: group.block.labels[0]?.range ?? group.block.typeRange,
        code: 'duplicate',
        message: `Two groups are named "${name}" in job "${job.name}" (first on line ${first.block.typeRange.start.line + 1}); group names must be unique.`,
      });
    } else groupNames.set(name, group);
  }
  if (!token) return;
  if (unique) uniqueNames.set(token, job.groups);
  else uniqueNames.delete(token);
}

/** The name compared across groups (a dynamic group's is not known here). */
function nameOf(group: Group): string | undefined {
  return !group.dynamic && group.name ? group.name : undefined;
}

/** Whether both lists name their groups alike, in the same order (groups kept across edits are not looked at). */
function sameNames(a: readonly Group[], b: readonly Group[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && nameOf(a[i]) !== nameOf(b[i])) return false;
  return true;
}

function reportReschedule(ctx: CheckContext, block: Block, type: string): void {
  ctx.report({
    range: block.typeRange,
    code: 'invalid-value',
    message: `${type} jobs cannot have a reschedule block: they run one allocation per node and are never moved to another node.`,
  });
}

function checkGroup(ctx: CheckContext, group: Group, type: string): void {
  const body = group.dynamic ? group.block.dynamic?.content : group.block.body;
  if (!body) return;
  if (!group.implicit) {
    if (type === 'system' || type === 'sysbatch') for (const r of blocks(body, 'reschedule')) reportReschedule(ctx, r, type);
    const hasDynamicTasks = body.items.some((i) => i.kind === 'block' && i.type === 'dynamic' && i.dynamic?.blockType === 'task');
    // Nomad adds the task itself for a Connect gateway or sidecar service before it validates the group.
    const injectsTask = blocks(body, 'service').some((service) =>
      blocks(service.body, 'connect').some((c) => blocks(c.body, 'gateway').length > 0 || blocks(c.body, 'sidecar_service').length > 0),
    );
    if (group.tasks.length === 0 && !hasDynamicTasks && !injectsTask) {
      ctx.report({
        range: group.block.typeRange,
        code: 'missing-required',
        message: `group "${group.name}" has no task; a group needs at least one task block.`,
      });
    }
  }

  if (!group.implicit) checkPorts(ctx, body);
  const groupProblem = !group.implicit && !group.dynamic ? groupNameProblem(group.name) : undefined;
  if (groupProblem) ctx.report({ range: group.block.labels[0]?.range ?? group.block.typeRange, code: 'invalid-name', message: groupProblem });

  const disk = blocks(body, 'ephemeral_disk')[0];
  const sizeAttr = disk ? attr(disk.body, 'size') : undefined;
  const diskSize = sizeAttr ? knownNumber(ctx, sizeAttr) : 300;

  const taskNames = new Map<string, Task>();
  for (const task of group.tasks) {
    if (!task.dynamic && task.name) {
      const first = taskNames.get(task.name);
      if (first) {
        ctx.report({
          range: task.block.labels[0]?.range ?? task.block.typeRange,
          code: 'duplicate',
          message: `Two tasks are named "${task.name}" in group "${group.name}" (first on line ${first.block.typeRange.start.line + 1}); task names must be unique within a group.`,
        });
      } else taskNames.set(task.name, task);
      const problem = taskNameProblem(task.name);
      if (problem) ctx.report({ range: task.block.labels[0]?.range ?? task.block.typeRange, code: 'invalid-name', message: problem });
    }
    const tbody = taskBody(task);
    if (tbody) checkTask(ctx, tbody, diskSize);
  }
}

function checkTask(ctx: CheckContext, body: Body, diskSize: number | undefined): void {
  for (const resources of blocks(body, 'resources')) checkResources(ctx, resources);
  if (diskSize !== undefined) checkLogs(ctx, body, diskSize);
  for (const artifact of blocks(body, 'artifact')) checkChecksum(ctx, artifact);
  checkTemplates(ctx, body);
}

function checkResources(ctx: CheckContext, resources: Block): void {
  const cpu = attr(resources.body, 'cpu');
  const cores = attr(resources.body, 'cores');
  if (cpu && cores && knownNumber(ctx, cpu) !== 0 && knownNumber(ctx, cores) !== 0) {
    ctx.report({
      range: cores.nameRange,
      code: 'out-of-range',
      message: 'A task asks for either cpu (MHz) or cores (whole reserved cores), not both; remove one of them.',
    });
  }
  const memoryMax = knownNumber(ctx, attr(resources.body, 'memory_max'));
  const memoryAttr = attr(resources.body, 'memory');
  const memory = memoryAttr ? knownNumber(ctx, memoryAttr) : 300;
  if (memoryMax !== undefined && memory !== undefined && memoryMax !== 0 && memoryMax !== -1 && memoryMax < memory) {
    ctx.report({
      range: attr(resources.body, 'memory_max')!.value.range,
      code: 'out-of-range',
      message: `memory_max (${memoryMax} MB) must be at least memory (${memory} MB${memoryAttr ? '' : ', the default'}); use 0 to leave it unset or -1 for no limit.`,
    });
  }
}

function checkLogs(ctx: CheckContext, body: Body, diskSize: number): void {
  const logs = blocks(body, 'logs')[0];
  const filesAttr = logs ? attr(logs.body, 'max_files') : undefined;
  const sizeAttr = logs ? attr(logs.body, 'max_file_size') : undefined;
  const files = filesAttr ? knownNumber(ctx, filesAttr) : 10;
  const size = sizeAttr ? knownNumber(ctx, sizeAttr) : 10;
  if (files === undefined || size === undefined) return;
  const total = files * size;
  if (total < diskSize) return;
  ctx.report({
    range: logs ? logs.typeRange : (blocks(body, 'resources')[0]?.typeRange ?? body.range),
    code: 'log-storage',
    message: `Logs may take ${files} files x ${size} MB = ${total} MB, which must be less than the ephemeral disk (${diskSize} MB). Lower max_files or max_file_size, or raise ephemeral_disk size.`,
  });
}

const CHECKSUM_LENGTH: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

function checkChecksum(ctx: CheckContext, artifact: Block): void {
  let checksum: Attribute | undefined;
  let value: string | undefined;
  for (const options of blocks(artifact.body, 'options')) {
    checksum = attr(options.body, 'checksum') ?? checksum;
  }
  if (checksum) value = knownString(ctx, checksum);
  else {
    const asMap = attr(artifact.body, 'options');
    const map = asMap ? ctx.evaluator.evaluate(asMap.value) : undefined;
    if (map && typeof map === 'object' && !Array.isArray(map) && typeof (map as Record<string, unknown>).checksum === 'string') {
      checksum = asMap;
      value = (map as Record<string, string>).checksum;
    }
  }
  if (!checksum || value === undefined || value === '' || value.includes('${')) return;
  const range = checksum.value.range;
  const parts = value.split(':');
  if (parts.length !== 2) {
    ctx.report({ range, code: 'invalid-checksum', message: `An artifact checksum is written "type:hex", e.g. "sha256:<64 hex digits>"; "${value}" is not.` });
    return;
  }
  const [kind, hex] = parts;
  const expected = CHECKSUM_LENGTH[kind];
  if (expected === undefined) {
    ctx.report({ range, code: 'invalid-checksum', message: `Unsupported checksum type "${kind}"; use md5, sha1, sha256 or sha512.` });
    return;
  }
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length !== expected) {
    ctx.report({
      range,
      code: 'invalid-checksum',
      message: `A ${kind} checksum has ${expected} hexadecimal digits; this one has ${hex.length}${/^[0-9a-fA-F]*$/.test(hex) ? '' : ' and characters that are not hex'}.`,
    });
  }
}

function checkTemplates(ctx: CheckContext, body: Body): void {
  const destinations = new Map<string, Block>();
  for (const template of blocks(body, 'template')) {
    const source = attr(template.body, 'source');
    const data = attr(template.body, 'data');
    if (!source && !data) {
      ctx.report({
        range: template.typeRange,
        code: 'missing-required',
        message: 'A template needs its text: set data (inline) or source (a file in the task directory).',
        severity: DiagnosticSeverity.Error,
      });
    }
    const destination = knownString(ctx, attr(template.body, 'destination'));
    if (destination === undefined) continue;
    const key = destination.replace(/^\.\//, '');
    const first = destinations.get(key);
    if (first) {
      ctx.report({
        range: attr(template.body, 'destination')!.value.range,
        code: 'duplicate',
        message: `Two templates write to "${destination}" (first on line ${first.typeRange.start.line + 1}); Nomad refuses a shared destination.`,
      });
    } else destinations.set(key, template);
  }
}

/** Port labels must be unique in the group network, and two ports cannot reserve one static number. */
function checkPorts(ctx: CheckContext, body: Body): void {
  const labels = new Map<string, Block>();
  const statics = new Map<number, string>();
  for (const network of blocks(body, 'network')) {
    for (const port of blocks(network.body, 'port')) {
      const label = port.labels[0];
      if (!label) continue;
      if (labels.has(label.value)) {
        ctx.report({ range: label.range, code: 'duplicate', message: `Port label "${label.value}" is declared twice in this network.` });
        continue;
      }
      labels.set(label.value, port);
      const staticAttr = attr(port.body, 'static');
      const value = knownNumber(ctx, staticAttr);
      if (value === undefined || value === 0) continue;
      const other = statics.get(value);
      if (other !== undefined) {
        ctx.report({ range: staticAttr!.value.range, code: 'duplicate', message: `Static port ${value} is already reserved by port "${other}"; one allocation cannot take it twice.` });
      } else statics.set(value, label.value);
    }
  }
}
