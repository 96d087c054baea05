// Validation Nomad's server applies to policies and placement once defaults are merged in: restart
// timing, update and migrate deadlines (and which job types may have them), constraint and affinity
// operands, spread targets, service checks and names, one leader per group, template change settings,
// and artifact/template destinations that would leave the allocation directory.
import type { Attribute, Block, Body, Group, Job } from '../model/types';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Check, CheckContext } from './check';
import { durationNs, formatDuration } from './values';
import { jobSettings } from './memo';

// Model bodies never change once built (and unchanged ones are reused across edits), so lookups are
// memoised by body: per-group checks read the job body, which would otherwise be scanned once per group.
const attrIndex = new WeakMap<Body, Map<string, Attribute>>();
const blockIndex = new WeakMap<Body, Map<string, Block[]>>();

// Below this many items a body is scanned rather than indexed: a group's or task's handful of items are
// read faster than a map is built and remembered (cold, a 1 MB job would index thousands of them).
const SCAN = 16;
const NO_BLOCKS: readonly Block[] = [];

function attr(body: Body, name: string): Attribute | undefined {
  const items = body.items;
  if (items.length < SCAN) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.kind === 'attribute' && item.name === name) return item;
    }
    return undefined;
  }
  let index = attrIndex.get(body);
  if (!index) {
    index = new Map();
    for (const i of body.items) if (i.kind === 'attribute' && !index.has(i.name)) index.set(i.name, i);
    attrIndex.set(body, index);
  }
  return index.get(name);
}

function blocks(body: Body, type: string): readonly Block[] {
  const items = body.items;
  if (items.length < SCAN) {
    let found: Block[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.kind === 'block' && item.type === type) (found ??= []).push(item);
    }
    return found ?? NO_BLOCKS;
  }
  let index = blockIndex.get(body);
  if (!index) {
    index = new Map();
    for (const i of body.items) {
      if (i.kind !== 'block') continue;
      const list = index.get(i.type);
      if (list) list.push(i);
      else index.set(i.type, [i]);
    }
    blockIndex.set(body, index);
  }
  return index.get(type) ?? NO_BLOCKS;
}

/** undefined: not written; null: written but not known; else the value. */
function read(ctx: CheckContext, body: Body, name: string): unknown {
  const a = attr(body, name);
  if (!a) return undefined;
  const v = ctx.evaluator.evaluate(a.value);
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

function readDuration(ctx: CheckContext, body: Body, name: string, fallback: number): number | null {
  const v = read(ctx, body, name);
  if (v === undefined) return fallback;
  if (v === null) return null;
  return durationNs(v as string | number) ?? null;
}

function readNumber(ctx: CheckContext, body: Body, name: string, fallback: number): number | null {
  const v = read(ctx, body, name);
  if (v === undefined) return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isNaN(n) ? null : n;
}

function readString(ctx: CheckContext, body: Body, name: string, fallback: string): string | null {
  const v = read(ctx, body, name);
  if (v === undefined) return fallback;
  return typeof v === 'string' ? v : v === null ? null : String(v);
}

function bodyOf(block: Block): Body | undefined {
  return block.type === 'dynamic' ? block.dynamic?.content : block.body;
}

export const policyRules: Check = {
  name: 'policyRules',
  run(ctx) {
    for (const job of ctx.file.jobs) {
      const type = readString(ctx, jobSettings(job), 'type', 'service');
      if (type === null) continue;
      checkJobLevel(ctx, job, type);
    }
  },
  // The job type is part of the job token (memo.ts), so per-group results may depend on it.
  groups(ctx, job) {
    const type = readString(ctx, jobSettings(job), 'type', 'service');
    return type === null ? undefined : (ctx, group) => checkGroup(ctx, group, type);
  },
};

function checkJobLevel(ctx: CheckContext, job: Job, type: string): void {
  const body = jobSettings(job);
  for (const update of blocks(body, 'update')) {
    // A job-level update block with no settings is ignored by Nomad; any setting is copied to every group.
    if (type !== 'service' && type !== 'system' && update.body.items.length > 0) reportNotAllowed(ctx, update, type);
    checkUpdate(ctx, update);
  }
  for (const migrate of blocks(body, 'migrate')) {
    if (type !== 'service') reportNotAllowed(ctx, migrate, type);
    checkMigrate(ctx, migrate);
  }
  checkPlacement(ctx, body, 'job');
  for (const parameterized of blocks(body, 'parameterized')) checkParameterized(ctx, parameterized);
}

function checkParameterized(ctx: CheckContext, block: Block): void {
  const required = attr(block.body, 'meta_required');
  const optional = attr(block.body, 'meta_optional');
  if (!required || !optional) return;
  const a = ctx.evaluator.evaluate(required.value);
  const b = ctx.evaluator.evaluate(optional.value);
  if (!Array.isArray(a) || !Array.isArray(b)) return;
  const both = a.filter((k) => typeof k === 'string' && b.includes(k));
  if (both.length > 0) {
    ctx.report({ range: optional.value.range, code: 'duplicate', message: `A metadata key cannot be both required and optional: ${both.map((k) => `"${k}"`).join(', ')}.` });
  }
}

function reportNotAllowed(ctx: CheckContext, block: Block, type: string): void {
  const allowed = block.type === 'update' ? 'service and system jobs' : 'service jobs';
  ctx.report({
    range: block.typeRange,
    code: 'invalid-value',
    message: `A ${type} job cannot have ${block.type === 'update' ? 'an' : 'a'} ${block.type} block: only ${allowed} are ${block.type === 'update' ? 'updated in rolling deployments' : 'migrated off draining nodes this way'}.`,
  });
}

function checkGroup(ctx: CheckContext, group: Group, type: string): void {
  const body = bodyOf(group.block);
  if (!body) return;
  if (!group.implicit) {
    for (const update of blocks(body, 'update')) {
      if (type !== 'service' && type !== 'system') reportNotAllowed(ctx, update, type);
      checkUpdate(ctx, update);
    }
    for (const migrate of blocks(body, 'migrate')) {
      if (type !== 'service') reportNotAllowed(ctx, migrate, type);
      checkMigrate(ctx, migrate);
    }
    checkPlacement(ctx, body, 'group');
  }

  {
    const jobBody = jobSettings(group.job);
    checkAutoPromote(ctx, jobBody, group.implicit ? undefined : body);
    if (type === 'service' || type === 'batch') checkReschedule(ctx, jobBody, group.implicit ? undefined : body, type);
    for (const scaling of group.implicit ? [] : blocks(body, 'scaling')) {
      const min = readNumber(ctx, scaling.body, 'min', 0);
      const max = readNumber(ctx, scaling.body, 'max', Infinity);
      if (min !== null && max !== null && max < min) {
        ctx.report({ range: attr(scaling.body, 'max')!.value.range, code: 'out-of-range', message: `Scaling max (${max}) must not be below min (${min}).` });
      }
    }
  }

  const defaults = type === 'batch' || type === 'sysbatch'
    ? { attempts: 3, interval: 24 * 3600e9, delay: 15e9, mode: 'fail' }
    : { attempts: 2, interval: 30 * 60e9, delay: 15e9, mode: 'fail' };
  const groupRestart = group.implicit ? undefined : blocks(body, 'restart')[0];
  const groupPolicy = groupRestart ? checkRestart(ctx, groupRestart, defaults) : defaults;

  const leaders: Block[] = [];
  for (const task of group.tasks) {
    const taskBody = task.dynamic ? task.block.dynamic?.content : task.block.body;
    if (!taskBody) continue;
    if (read(ctx, taskBody, 'leader') === true) leaders.push(task.block);
    const taskRestart = blocks(taskBody, 'restart')[0];
    if (taskRestart && groupPolicy) checkRestart(ctx, taskRestart, groupPolicy);
    checkPlacement(ctx, taskBody, 'task');
    for (const service of blocks(taskBody, 'service')) checkService(ctx, service);
    for (const template of blocks(taskBody, 'template')) checkTemplate(ctx, template);
    for (const artifact of blocks(taskBody, 'artifact')) checkDestination(ctx, artifact, 'artifact');
  }
  if (!group.implicit) for (const service of blocks(body, 'service')) checkService(ctx, service);
  for (const extra of leaders.slice(1)) {
    ctx.report({
      range: attr(extra.body, 'leader')?.nameRange ?? extra.typeRange,
      code: 'duplicate',
      message: `Only one task of group "${group.name}" may be the leader; ${leaders.length} tasks set leader = true.`,
    });
  }
}

interface RestartPolicy {
  attempts: number;
  interval: number;
  delay: number;
  mode: string;
}

/** Checks a restart block merged over `base`; returns the merged policy, or undefined when not known. */
function checkRestart(ctx: CheckContext, block: Block, base: RestartPolicy): RestartPolicy | undefined {
  const attempts = readNumber(ctx, block.body, 'attempts', base.attempts);
  const interval = readDuration(ctx, block.body, 'interval', base.interval);
  const delay = readDuration(ctx, block.body, 'delay', base.delay);
  const mode = readString(ctx, block.body, 'mode', base.mode);
  if (attempts === null || interval === null || delay === null || mode === null) return undefined;
  const policy = { attempts, interval, delay, mode };
  if (attempts === 0 && mode !== 'fail') {
    ctx.report({
      range: attr(block.body, 'attempts')?.value.range ?? block.typeRange,
      code: 'invalid-value',
      message: `A restart policy with mode "${mode}" and 0 attempts is ambiguous, and Nomad refuses it; use mode = "fail" to never restart, or allow some attempts.`,
    });
  } else if (interval < 5e9) {
    ctx.report({
      range: attr(block.body, 'interval')?.value.range ?? block.typeRange,
      code: 'out-of-range',
      message: `The restart interval must be at least 5s; it is ${formatDuration(interval)}.`,
    });
  } else if (attempts * delay > interval) {
    ctx.report({
      range: block.typeRange,
      code: 'out-of-range',
      message: `${attempts} restarts with a delay of ${formatDuration(delay)} need ${formatDuration(attempts * delay)}, more than the interval of ${formatDuration(interval)}; Nomad refuses this. Lower attempts or delay, or lengthen the interval${attr(block.body, 'interval') ? '' : ' (its default here)'}.`,
    });
  }
  return policy;
}

function checkUpdate(ctx: CheckContext, block: Block): void {
  const minHealthy = readDuration(ctx, block.body, 'min_healthy_time', 10e9);
  const healthy = readDuration(ctx, block.body, 'healthy_deadline', 300e9);
  const progress = readDuration(ctx, block.body, 'progress_deadline', 600e9);
  if (minHealthy === null || healthy === null || progress === null) return;
  if (healthy <= 0) {
    ctx.report({ range: attr(block.body, 'healthy_deadline')?.value.range ?? block.typeRange, code: 'out-of-range', message: 'healthy_deadline must be greater than zero.' });
  } else if (minHealthy >= healthy) {
    ctx.report({
      range: attr(block.body, 'min_healthy_time')?.value.range ?? attr(block.body, 'healthy_deadline')?.value.range ?? block.typeRange,
      code: 'out-of-range',
      message: `min_healthy_time (${formatDuration(minHealthy)}) must be shorter than healthy_deadline (${formatDuration(healthy)}).`,
    });
  } else if (progress !== 0 && healthy >= progress) {
    ctx.report({
      range: attr(block.body, 'progress_deadline')?.value.range ?? attr(block.body, 'healthy_deadline')?.value.range ?? block.typeRange,
      code: 'out-of-range',
      message: `healthy_deadline (${formatDuration(healthy)}) must be shorter than progress_deadline (${formatDuration(progress)}), or set progress_deadline = 0 to turn it off.`,
    });
  }
}

function checkMigrate(ctx: CheckContext, block: Block): void {
  const minHealthy = readDuration(ctx, block.body, 'min_healthy_time', 10e9);
  const healthy = readDuration(ctx, block.body, 'healthy_deadline', 300e9);
  if (minHealthy === null || healthy === null || minHealthy <= healthy) return;
  ctx.report({
    range: attr(block.body, 'min_healthy_time')?.value.range ?? block.typeRange,
    code: 'out-of-range',
    message: `min_healthy_time (${formatDuration(minHealthy)}) must not be longer than healthy_deadline (${formatDuration(healthy)}).`,
  });
}

const SHORTHANDS: Record<string, string> = {
  version: 'version', semver: 'semver', regexp: 'regexp', set_contains: 'set_contains', set_contains_any: 'set_contains_any',
  set_contains_all: 'set_contains_all', distinct_hosts: 'distinct_hosts', distinct_property: 'distinct_property',
};
const NEEDS_VALUE = new Set(['=', '==', 'is', '!=', 'not', '<', '<=', '>', '>=', 'set_contains', 'set_contains_all', 'set_contains_any', 'version', 'semver', 'regexp']);

function checkPlacement(ctx: CheckContext, body: Body, level: 'job' | 'group' | 'task'): void {
  for (const kind of ['constraint', 'affinity'] as const) {
    for (const block of blocks(body, kind)) {
      const shorthand = Object.keys(SHORTHANDS).find((k) => attr(block.body, k));
      if (shorthand) continue; // the shorthand fills operator and value (and attribute for distinct_property)
      const operator = readString(ctx, block.body, 'operator', '=');
      if (operator === null) continue;
      const attribute = attr(block.body, 'attribute');
      const value = attr(block.body, 'value');
      if (!attribute && operator !== 'distinct_hosts') {
        ctx.report({ range: block.typeRange, code: 'missing-required', message: `This ${kind} needs attribute: the node attribute to test (operator "${operator}").` });
      }
      if (!value && NEEDS_VALUE.has(operator)) {
        ctx.report({ range: block.typeRange, code: 'missing-required', message: `This ${kind} needs value: operator "${operator}" compares the attribute with it.` });
      }
      if (value && (operator === 'is_set' || operator === 'is_not_set')) {
        ctx.report({ range: value.nameRange, code: 'invalid-value', message: `Operator "${operator}" takes no value; remove it.` });
      }
      if (operator === 'distinct_property' && value) {
        const count = ctx.evaluator.evaluate(value.value);
        if ((typeof count === 'string' || typeof count === 'number') && !/^[1-9]\d*$/.test(String(count).trim())) {
          ctx.report({ range: value.value.range, code: 'invalid-value', message: `With distinct_property the value is how many allocations may share a property value: a whole number of 1 or more, not "${count}".` });
        }
      }
      if (level === 'task' && kind === 'constraint' && (operator === 'distinct_hosts' || operator === 'distinct_property')) {
        ctx.report({ range: attr(block.body, 'operator')?.value.range ?? block.typeRange, code: 'invalid-value', message: `"${operator}" is not allowed in a task constraint; put it in the group or job.` });
      }
      if (kind === 'affinity' && read(ctx, block.body, 'weight') === 0) {
        ctx.report({ range: attr(block.body, 'weight')!.value.range, code: 'out-of-range', message: 'An affinity weight of 0 does nothing and Nomad refuses it; use a value from -100 to 100 other than 0.' });
      }
    }
    // distinct_hosts = true at task level is refused too.
    if (level === 'task' && kind === 'constraint') {
      for (const block of blocks(body, 'constraint')) {
        for (const name of ['distinct_hosts', 'distinct_property']) {
          const a = attr(block.body, name);
          if (a) ctx.report({ range: a.nameRange, code: 'invalid-value', message: `"${name}" is not allowed in a task constraint; put it in the group or job.` });
        }
      }
    }
  }
  if (level === 'task') return;
  for (const spread of blocks(body, 'spread')) {
    let sum = 0;
    let known = true;
    const seen = new Map<string, Block>();
    for (const target of blocks(spread.body, 'target')) {
      const label = target.labels[0]?.value;
      if (label !== undefined) {
        if (seen.has(label)) ctx.report({ range: target.labels[0].range, code: 'duplicate', message: `Spread target "${label}" is given twice.` });
        seen.set(label, target);
      }
      const percent = readNumber(ctx, target.body, 'percent', 0);
      if (percent === null) known = false;
      else sum += percent;
    }
    if (known && sum > 100) {
      ctx.report({ range: spread.typeRange, code: 'out-of-range', message: `The spread target percentages add up to ${sum}%; they may total at most 100%.` });
    }
  }
}

function checkService(ctx: CheckContext, service: Block): void {
  const name = attr(service.body, 'name');
  const value = name ? ctx.evaluator.evaluate(name.value) : undefined;
  if (typeof value === 'string' && !value.includes('${')) {
    if (!/^(?:[a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9])$/i.test(value)) {
      ctx.report({
        range: name!.value.range,
        code: 'invalid-name',
        message: `Service name "${value}" is refused: use letters, digits and dashes only, not starting or ending with a dash, at most 63 characters (DNS label rules).`,
      });
    }
  }
  const checkNames = new Map<string, Block>();
  for (const check of blocks(service.body, 'check')) {
    const type = readString(ctx, check.body, 'type', '');
    const checkName = readString(ctx, check.body, 'name', '');
    if (checkName) {
      if (checkNames.has(checkName)) ctx.report({ range: attr(check.body, 'name')!.value.range, code: 'duplicate', message: `Two checks of this service are named "${checkName}".` });
      checkNames.set(checkName, check);
    }
    if (type === 'http' && !attr(check.body, 'path')) {
      ctx.report({ range: check.typeRange, code: 'missing-required', message: 'An http check needs path: the URL path to request, e.g. "/health".' });
    }
    const path = readString(ctx, check.body, 'path', '');
    if (type === 'http' && path && /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
      ctx.report({ range: attr(check.body, 'path')!.value.range, code: 'invalid-value', message: 'An http check path is relative to the service address (e.g. "/health"), not a full URL.' });
    }
    if (type === 'script' && !attr(check.body, 'command')) {
      ctx.report({ range: check.typeRange, code: 'missing-required', message: 'A script check needs command: the program to run inside the task.' });
    }
    for (const field of ['interval', 'timeout']) {
      const ns = readDuration(ctx, check.body, field, -1);
      if (ns !== null && ns >= 0 && ns < 1e9) {
        ctx.report({ range: attr(check.body, field)!.value.range, code: 'out-of-range', message: `A check ${field} must be at least 1s; it is ${formatDuration(ns)}.` });
      }
    }
  }
}

function checkTemplate(ctx: CheckContext, template: Block): void {
  // A missing change_signal is fine: Nomad uses SIGHUP for change_mode = "signal". Its name and the perms
  // syntax are the schema's (allowed values): here only what ties one field to another.
  const mode = readString(ctx, template.body, 'change_mode', 'restart');
  const signal = attr(template.body, 'change_signal');
  if (signal && mode !== null && mode !== 'signal') {
    ctx.report({
      range: signal.nameRange,
      code: 'invalid-value',
      severity: DiagnosticSeverity.Warning,
      message: `change_signal is only sent when change_mode = "signal"; with change_mode = "${mode}" Nomad ignores it.`,
    });
  }
  const wait = blocks(template.body, 'wait')[0];
  if (wait) {
    const min = readDuration(ctx, wait.body, 'min', -1);
    const max = readDuration(ctx, wait.body, 'max', -1);
    if (min !== null && max !== null && min >= 0 && max >= 0 && min > max) {
      ctx.report({ range: attr(wait.body, 'max')!.value.range, code: 'out-of-range', message: `wait max (${formatDuration(max)}) is below min (${formatDuration(min)}): Nomad refuses the template.` });
    }
  }
  if (mode === 'signal' && read(ctx, template.body, 'env') === true) {
    ctx.report({
      range: attr(template.body, 'change_mode')!.value.range,
      code: 'invalid-value',
      message: 'A template with env = true cannot use change_mode = "signal": new environment values only reach the task when it restarts.',
    });
  }
  if (mode === 'script' && blocks(template.body, 'change_script').length === 0) {
    ctx.report({ range: attr(template.body, 'change_mode')!.value.range, code: 'missing-required', message: 'With change_mode = "script" the template needs a change_script { command = ... } block.' });
  }
  checkDestination(ctx, template, 'template');
}

/** Nomad refuses destinations that climb out of the allocation directory (the task dir is one level down). */
function checkDestination(ctx: CheckContext, block: Block, what: string): void {
  const destination = attr(block.body, 'destination');
  const value = destination ? ctx.evaluator.evaluate(destination.value) : undefined;
  if (typeof value !== 'string' || value.includes('${')) return;
  let depth = 1; // inside <alloc>/<task>
  for (const part of value.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) {
      ctx.report({
        range: destination!.value.range,
        code: 'invalid-value',
        message: `The ${what} destination "${value}" leads out of the allocation directory, which Nomad refuses. Use a path inside the task directory such as "local/...".`,
      });
      return;
    }
  }
}

/** Fields of a job-level block overridden by the group's block of the same type (as Nomad merges them). */
function merged(ctx: CheckContext, jobBody: Body, groupBody: Body | undefined, type: string): { block?: Block; read: (name: string) => unknown } {
  const jobBlock = blocks(jobBody, type)[0];
  const groupBlock = groupBody ? blocks(groupBody, type)[0] : undefined;
  return {
    block: groupBlock ?? jobBlock,
    read: (name) => {
      const fromGroup = groupBlock ? read(ctx, groupBlock.body, name) : undefined;
      return fromGroup !== undefined ? fromGroup : jobBlock ? read(ctx, jobBlock.body, name) : undefined;
    },
  };
}

function checkAutoPromote(ctx: CheckContext, jobBody: Body, groupBody: Body | undefined): void {
  const update = merged(ctx, jobBody, groupBody, 'update');
  if (!update.block) return;
  const stagger = update.read('stagger');
  const staggerNs = stagger === undefined ? 30e9 : typeof stagger === 'string' || typeof stagger === 'number' ? durationNs(stagger) : undefined;
  if (staggerNs !== undefined && staggerNs <= 0 && attr(update.block.body, 'stagger')) {
    ctx.report({ range: attr(update.block.body, 'stagger')!.value.range, code: 'out-of-range', message: 'stagger must be greater than zero.' });
  }
  if (update.read('auto_promote') !== true) return;
  const canary = update.read('canary');
  const count = canary === undefined ? 0 : typeof canary === 'number' ? canary : typeof canary === 'string' ? Number(canary) : NaN;
  if (count !== 0) return;
  const where = attr(update.block.body, 'auto_promote') ?? attr(blocks(jobBody, 'update')[0]?.body ?? update.block.body, 'auto_promote');
  ctx.report({
    range: where?.value.range ?? update.block.typeRange,
    code: 'invalid-value',
    message: 'auto_promote needs canary deployments: set canary to 1 or more, or remove auto_promote.',
  });
}

/** Reschedule policies are merged: Nomad's defaults for the job type, then the job's block, then the group's. */
function checkReschedule(ctx: CheckContext, jobBody: Body, groupBody: Body | undefined, type: string): void {
  const policy = merged(ctx, jobBody, groupBody, 'reschedule');
  const block = policy.block;
  if (!block) return;
  const service = type === 'service';
  const attempts = policy.read('attempts') ?? (service ? 0 : 1);
  const unlimited = policy.read('unlimited') ?? service;
  const interval = policy.read('interval') ?? (service ? 0 : '24h');
  const delay = policy.read('delay') ?? (service ? '30s' : '5s');
  const delayFunction = policy.read('delay_function') ?? (service ? 'exponential' : 'constant');
  const maxDelay = policy.read('max_delay') ?? (service ? '1h' : 0);
  const n = typeof attempts === 'number' ? attempts : typeof attempts === 'string' ? Number(attempts) : NaN;
  const isUnlimited = unlimited === true || unlimited === 'true';
  if (Number.isNaN(n) || (unlimited !== true && unlimited !== false && unlimited !== 'true' && unlimited !== 'false')) return;
  const here = (name: string) => attr(block.body, name)?.value.range ?? block.typeRange;
  if (n > 0 && isUnlimited) {
    ctx.report({
      range: here(attr(block.body, 'unlimited') ? 'unlimited' : 'attempts'),
      code: 'invalid-value',
      message: `A reschedule policy with attempts = ${n} and unlimited = true is ambiguous, and Nomad refuses it${attr(block.body, 'unlimited') ? '' : ` (unlimited defaults to true for ${type} jobs)`}. Set unlimited = false to limit attempts.`,
    });
    return;
  }
  const intervalNs = typeof interval === 'string' || typeof interval === 'number' ? durationNs(interval) : undefined;
  if (n > 0 && intervalNs !== undefined && intervalNs <= 0) {
    ctx.report({ range: here('attempts'), code: 'missing-required', message: 'A reschedule policy with attempts needs an interval in which they are counted, e.g. interval = "1h".' });
    return;
  }
  if (n === 0 && !isUnlimited) return; // rescheduling is off: Nomad checks nothing else
  const delayNs = typeof delay === 'string' || typeof delay === 'number' ? durationNs(delay) : undefined;
  if (delayNs !== undefined && delayNs < 5e9) {
    ctx.report({ range: here('delay'), code: 'out-of-range', message: `The reschedule delay must be at least 5s; it is ${formatDuration(delayNs)}.` });
    return;
  }
  const maxNs = typeof maxDelay === 'string' || typeof maxDelay === 'number' ? durationNs(maxDelay) : undefined;
  if (delayFunction !== 'constant' && maxNs !== undefined && delayNs !== undefined && maxNs < delayNs && attr(block.body, 'max_delay')) {
    ctx.report({ range: here('max_delay'), code: 'out-of-range', message: `max_delay (${formatDuration(maxNs)}) cannot be shorter than delay (${formatDuration(delayNs)}).` });
  }
}
