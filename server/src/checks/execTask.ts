// Task settings a default client refuses or changes when an exec task starts (issue 7, parts 3 to 5):
// `work_dir` outside the chroot, `user = "root"`, an unknown `kill_signal`, a `kill_timeout` that will be
// capped, and a `volume_mount` naming no volume of the group.
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import type { Check, CheckContext } from './check';
import type { Group, Task } from '../model/types';
import { findAttribute, findBlocks, knownString } from '../schema/runtimeQuery';
import { groupBody, taskBody } from '../schema/runtimeQuery';
import { SIGNALS, isKnownSignal } from '../schema/signals';
import { nearestName } from '../schema/capabilities';
import { userDeniedMessage } from '../settings';
import { TASK_DIRS, describeChroot, describeMounts, isUnder, taskPlaces, taskRelative } from './execPlaces';

/** Client default `max_kill_timeout`. */
const MAX_KILL_TIMEOUT_NS = 30e9;

export const execTaskCheck: Check = {
  name: 'exec-task',
  run() {
    // Everything is per group (remembered per group by runChecks, groupMemo.ts).
  },
  groups: () => checkGroup,
};

function checkGroup(ctx: CheckContext, group: Group): void {
  for (const task of group.tasks) {
    checkStopSettings(ctx, task);
    checkVolumeMounts(ctx, task);
    if (task.driverName !== 'exec') continue;
    checkUser(ctx, task);
    checkWorkDir(ctx, task);
  }
}

function checkWorkDir(ctx: CheckContext, task: Task): void {
  const attribute = findAttribute(task.config?.body, 'work_dir');
  const workDir = knownString(attribute?.value, ctx.evaluator);
  if (!attribute || workDir === undefined || !workDir.startsWith('/')) return; // relative: relative-work-dir
  const places = taskPlaces(task, ctx.settings, ctx.evaluator);
  if (places.unknownPlaces) return;
  const p = taskRelative(workDir);
  if (p === '') return; // `/`, the task root: the default
  if (TASK_DIRS.some((dir) => isUnder(p, dir))) return;
  if (places.chroot.some((entry) => isUnder(p, entry.task))) return;
  if (places.mounts.some((mount) => isUnder(p, mount))) return;
  ctx.report({
    range: attribute.value.range,
    code: 'work-dir-not-in-chroot',
    message: `work_dir \`${workDir}\` is not inside the task's chroot: not under /local, /alloc, /secrets or /tmp, nor ${describeChroot(places)}; ${describeMounts(places)}. The task may fail to start there.`,
  });
}

function checkUser(ctx: CheckContext, task: Task): void {
  const attribute = findAttribute(taskBody(task), 'user');
  const user = knownString(attribute?.value, ctx.evaluator);
  const message = !attribute || user === undefined ? undefined : userDeniedMessage(user, 'exec', ctx.settings);
  if (!message) return;
  ctx.report({ range: attribute!.value.range, code: 'user-denied', message });
}

function checkStopSettings(ctx: CheckContext, task: Task): void {
  const signal = findAttribute(taskBody(task), 'kill_signal');
  const signalName = knownString(signal?.value, ctx.evaluator);
  if (signal && signalName !== undefined && signalName !== '' && !isKnownSignal(signalName)) {
    const names = SIGNALS.map((s) => s.name);
    const upper = signalName.trim().toUpperCase();
    const suggestion = nearestName(upper.startsWith('SIG') ? upper : 'SIG' + upper, names);
    ctx.report({
      range: signal.value.range,
      code: 'invalid-value',
      message: `\`${signalName}\` is not a signal Nomad knows, so the task cannot be stopped with it.${suggestion ? ` Did you mean \`${suggestion}\`?` : ` Known: ${names.join(', ')}.`}`,
      data: suggestion ? { replacement: suggestion } : undefined,
    });
  }
  const timeout = findAttribute(taskBody(task), 'kill_timeout');
  if (!timeout) return;
  const text = knownString(timeout.value, ctx.evaluator);
  const ns = text === undefined ? undefined : durationNs(text);
  if (ns === undefined || ns <= MAX_KILL_TIMEOUT_NS) return;
  ctx.report({
    range: timeout.value.range,
    code: 'kill-timeout-capped',
    severity: DiagnosticSeverity.Warning,
    message: `kill_timeout \`${text}\` is above the client's default max_kill_timeout (30s): the client waits at most 30s before it kills the task, unless its agent config raises max_kill_timeout.`,
  });
}

function checkVolumeMounts(ctx: CheckContext, task: Task): void {
  const group = task.group;
  const volumes = group.implicit ? [] : findBlocks(groupBody(group), 'volume');
  // Volume names from a dynamic block are not known while editing.
  if (volumes.some((v) => v.dynamic)) return;
  const names = volumes.map((v) => v.block.labels[0]?.value).filter((n): n is string => n !== undefined);
  for (const mount of findBlocks(taskBody(task), 'volume_mount')) {
    if (mount.dynamic) continue;
    const attribute = findAttribute(mount.body, 'volume');
    const name = knownString(attribute?.value, ctx.evaluator);
    if (!attribute || name === undefined || names.includes(name)) continue;
    const suggestion = nearestName(name, names) ?? (names.length === 1 ? names[0] : undefined);
    ctx.report({
      range: attribute.value.range,
      code: 'unknown-volume',
      message: `No \`volume "${name}"\` block in group "${group.name}" (${names.length ? `volumes: ${names.join(', ')}` : 'it declares no volumes'}); Nomad refuses the job.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
      data: suggestion ? { replacement: suggestion } : undefined,
    });
  }
}

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (`"45s"`, `"1m30s"`) or a number of nanoseconds; undefined when it is neither. */
export function durationNs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (trimmed === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  const sign = trimmed.startsWith('-') ? -1 : 1;
  const body = trimmed.replace(/^[-+]/, '');
  if (body === '') return undefined;
  while (index < body.length) {
    re.lastIndex = index;
    const match = re.exec(body);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_NS[match[2]];
    index = re.lastIndex;
  }
  return sign * total;
}
