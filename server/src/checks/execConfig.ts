// What the exec driver's task `config` values mean (reference sections 1 and 3): namespace modes,
// capability names and the client's allow_caps, an absolute work_dir. Its names, required `command` and
// value types are checked against the schema by driverConfig.ts, like every driver's. Nomad's
// `job validate` checks none of this; the client refuses it when the task starts.
import type { Attribute, Block, Expr, Group } from '../model/types';
import type { Value } from '../model/value';
import {
  computeTaskCapabilities, isValidCapability, nearestCapability, normalizeCapability,
} from '../schema/capabilities';
import type { Check, CheckContext } from './check';
import { attributeOf } from '../model/build';
import { sidecarTasks } from './driverConfig';
import { DiagnosticSeverity } from 'vscode-languageserver-types';

const EXPOSURE = {
  pid_mode: 'the task sees every process on the host, and other processes of the same user can read its process details, environment variables included',
  ipc_mode: 'the task shares System V and POSIX IPC (shared memory, semaphores, message queues) with host processes and may receive signals from them',
} as const;

export const execConfig: Check = {
  name: 'execConfig',
  run() {
    // Everything is per group (remembered per group by runChecks, groupMemo.ts).
  },
  groups: () => checkGroup,
};

function checkGroup(ctx: CheckContext, group: Group): void {
  for (const task of group.tasks) {
    if (task.driverName === 'exec' && !task.dynamic) checkTask(ctx, task.block, `task "${task.name}"`, task.config);
  }
  // A Connect sidecar task may run on exec too (its config is then an exec config).
  if (!group.implicit) {
    for (const sidecar of sidecarTasks(group.block.body)) {
      const driver = attributeOf(sidecar.body, 'driver');
      if (driver && ctx.evaluator.evaluate(driver.value) === 'exec') checkTask(ctx, sidecar, 'the sidecar_task', undefined);
    }
  }
}

/** The exec meaning of the config's values; its names and types are checked by driverConfig.ts. */
function checkTask(ctx: CheckContext, taskBlock: Block, title: string, modelConfig: Block | undefined): void {
  const config = modelConfig ?? taskBlock.body.items.find((i): i is Block => i.kind === 'block' && i.type === 'config');
  if (!config) return;
  checkWorkDir(ctx, config);
  checkNamespaces(ctx, config);
  checkCapabilities(ctx, taskBlock, config, title);
}

function checkWorkDir(ctx: CheckContext, config: Block): void {
  const workDir = attributeOf(config.body, 'work_dir');
  if (!workDir) return;
  const value = ctx.evaluator.evaluate(workDir.value);
  if (typeof value !== 'string' || value === '' || value.startsWith('/')) return;
  ctx.report({
    range: workDir.value.range,
    code: 'relative-work-dir',
    message: `work_dir must be an absolute path inside the task (the exec driver refuses "${value}" when the task starts). Did you mean "/${value.replace(/^\.\//, '')}"?`,
    data: { replacement: `"/${value.replace(/^\.\//, '')}"` },
  });
}

function checkNamespaces(ctx: CheckContext, config: Block): void {
  for (const key of ['pid_mode', 'ipc_mode'] as const) {
    const attribute = attributeOf(config.body, key);
    const value = attribute ? ctx.evaluator.evaluate(attribute.value) : undefined;
    const fallback = key === 'pid_mode' ? ctx.settings.defaultPidMode : ctx.settings.defaultIpcMode;
    if (value === 'host') {
      ctx.report({
        range: attribute!.value.range,
        code: 'host-namespace',
        message: `${key} = "host": ${EXPOSURE[key]}. Use "private" unless the task really needs this.`,
        data: { replacement: '"private"' },
      });
    } else if ((value === undefined || value === '') && fallback === 'host') {
      ctx.report({
        range: attribute?.value.range ?? config.typeRange,
        code: 'host-namespace',
        severity: DiagnosticSeverity.Information,
        message: `${key} is not set, and the client default (default_${key}) is "host": ${EXPOSURE[key]}.`,
      });
    }
  }
}

/** The string elements of a list attribute with the expression of each, when the list is known. */
function listEntries(ctx: CheckContext, attribute: Attribute | undefined): Array<{ text: string; expr: Expr }> | undefined {
  if (!attribute) return [];
  const value: Value = ctx.evaluator.evaluate(attribute.value);
  if (!Array.isArray(value)) return undefined;
  const items = attribute.value.kind === 'tuple' ? attribute.value.items : undefined;
  const entries: Array<{ text: string; expr: Expr }> = [];
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (typeof item !== 'string') return undefined; // unknown or mistyped entries: type check reports those
    entries.push({ text: item, expr: items?.[i] ?? attribute.value });
  }
  return entries;
}

function checkCapabilities(ctx: CheckContext, taskBlock: Block, config: Block, title: string): void {
  const capAdd = listEntries(ctx, attributeOf(config.body, 'cap_add'));
  const capDrop = listEntries(ctx, attributeOf(config.body, 'cap_drop'));
  let unknown = false;
  for (const entries of [capAdd, capDrop]) {
    for (const entry of entries ?? []) {
      if (isValidCapability(entry.text)) continue;
      unknown = true;
      const nearest = nearestCapability(entry.text);
      ctx.report({
        range: entry.expr.range,
        code: 'unknown-capability',
        message: `"${entry.text}" is not a Linux capability name${nearest ? `; did you mean "${nearest}"?` : '.'} Names are case-insensitive and may start with cap_; "all" means every capability.`,
        data: nearest ? { replacement: `"${nearest}"` } : undefined,
      });
    }
  }
  // The resulting set needs both lists known. Unknown names are reported above and left out here, so the
  // names outside allow_caps are reported too (Nomad's start error lists all of those at once).
  if (capAdd === undefined || capDrop === undefined) return;
  const validAdd = unknown ? capAdd.filter((e) => isValidCapability(e.text)) : capAdd;
  // Only cap_add entries can be refused (the names left are all valid): without any, the set is fine.
  if (validAdd.length === 0) return;
  const validDrop = unknown ? capDrop.filter((e) => isValidCapability(e.text)) : capDrop;
  const userAttr = attributeOf(taskBlock.body, 'user');
  const user = userAttr ? ctx.evaluator.evaluate(userAttr.value) : '';
  if (userAttr && typeof user !== 'string') return;
  const input = {
    capAdd: validAdd.map((e) => e.text),
    capDrop: validDrop.map((e) => e.text),
    allowCaps: ctx.settings.allowCaps,
    user: user as string,
  };
  const result = computeTaskCapabilities(input);
  if (result.ok) return;
  const refused = new Set(result.refused);
  const without = computeTaskCapabilities({ ...input, capAdd: input.capAdd.filter((c) => !refused.has(c)) });
  const resulting = without.ok ? (without.capabilities.length ? without.capabilities.join(', ') : 'no capabilities') : 'unknown';
  const names = result.refused.map((c) => `"${normalizeCapability(c)}"`).join(', ');
  const allow = ctx.settings.allowCaps.length ? ctx.settings.allowCaps.join(', ') : 'nothing';
  for (const entry of validAdd) {
    if (!refused.has(entry.text)) continue;
    ctx.report({
      range: entry.expr.range,
      code: 'capability-not-allowed',
      message:
        `The client refuses cap_add ${names} in ${title}: allow_caps (${ctx.settings.origin.allowCaps}) permits only ${allow}. ` +
        `The task fails to start; without ${result.refused.length === 1 ? 'it' : 'them'} its capabilities would be: ${resulting}.` +
        (normalizeCapability(entry.text) === 'all' ? ' "all" needs allow_caps = ["all"] on the client.' : ''),
      data: { capability: normalizeCapability(entry.text), allowCaps: ctx.settings.allowCaps, allowCapsOrigin: ctx.settings.origin.allowCaps },
    });
  }
}
