// Choosing what to run from a request: one task (by name, optionally within a group), a whole group, or the
// file's only exec task. When the choice is ambiguous the error lists what can be chosen.
import type { Group, Job, Task } from '../../server/src/model/types';
import type { PlanError } from './api';

export interface Selection {
  job: Job;
  group: Group;
  /** The tasks to run (exec and raw_exec; one for a task run). */
  tasks: Task[];
  /** Tasks of the group left out (a group run): drivers that cannot run locally, each with why. */
  skipped: { task: string; reason: string }[];
  groupRun: boolean;
}

/** Drivers a local run can start: exec under the launcher, raw_exec as a plain process (with permission). */
export const LOCAL_DRIVERS: readonly string[] = ['exec', 'raw_exec'];

export function runsLocally(task: Task): boolean {
  return task.driverName !== undefined && LOCAL_DRIVERS.includes(task.driverName);
}

/** Why a task of another driver is left out of a local run, in one line. */
export function skipReason(task: Task): string {
  if (task.driverName === undefined) return 'its driver is not known (no driver attribute, or one only known at run time)';
  return `driver "${task.driverName}" cannot run locally (only exec and raw_exec tasks do)`;
}

function choicesOf(job: Job): NonNullable<PlanError['choices']> {
  const choices: NonNullable<PlanError['choices']> = [];
  for (const group of job.groups) {
    const exec = group.tasks.filter(runsLocally);
    if (exec.length === 0) continue;
    for (const task of exec) choices.push({ group: group.name, task: task.name, label: `--task ${task.name}${group.implicit ? '' : ` --group ${group.name}`}` });
    if (exec.length > 1 || group.tasks.length > 1) choices.push({ group: group.name, label: `--group ${group.name} (all its exec and raw_exec tasks)` });
  }
  return choices;
}

function planError(message: string, job?: Job): PlanError {
  const error: PlanError = { kind: 'plan-error', message };
  if (job) {
    const choices = choicesOf(job);
    if (choices.length > 0) {
      error.choices = choices;
      error.message += `\nchoose one of:\n${choices.map((c) => `  ${c.label}`).join('\n')}`;
    }
  }
  return error;
}

export function selectTasks(jobs: Job[], groupName?: string, taskName?: string): Selection | PlanError {
  if (jobs.length === 0) return planError('the file has no job block');
  const job = jobs[0];
  const skippedOf = (group: Group, kept: Task[]): Selection['skipped'] =>
    group.tasks.filter((t) => !kept.includes(t)).map((t) => ({ task: t.name, reason: skipReason(t) }));

  if (groupName !== undefined && !job.groups.some((g) => g.name === groupName)) {
    return planError(`job "${job.name}" has no group "${groupName}"`, job);
  }
  const groups = groupName !== undefined ? job.groups.filter((g) => g.name === groupName) : job.groups;

  if (taskName !== undefined) {
    const matches = groups.flatMap((g) => g.tasks.filter((t) => t.name === taskName).map((t) => ({ g, t })));
    if (matches.length === 0) return planError(`no task "${taskName}"${groupName ? ` in group "${groupName}"` : ''}`, job);
    if (matches.length > 1) return planError(`task "${taskName}" exists in several groups (${matches.map((m) => m.g.name).join(', ')}); add --group`, job);
    const { g, t } = matches[0];
    if (!runsLocally(t)) return planError(`task "${taskName}" uses the driver "${t.driverName ?? 'unknown'}"; only exec and raw_exec tasks run locally`, job);
    return { job, group: g, tasks: [t], skipped: [], groupRun: false };
  }
  if (groupName !== undefined) {
    const group = groups[0];
    const tasks = group.tasks.filter(runsLocally);
    if (tasks.length === 0) return planError(`group "${groupName}" has no exec or raw_exec task`, job);
    return { job, group, tasks, skipped: skippedOf(group, tasks), groupRun: true };
  }
  const all = job.groups.flatMap((g) => g.tasks.filter(runsLocally).map((t) => ({ g, t })));
  if (all.length === 1) return { job, group: all[0].g, tasks: [all[0].t], skipped: [], groupRun: false };
  if (all.length === 0) return planError(`job "${job.name}" has no exec or raw_exec task`);
  return planError(`job "${job.name}" has ${all.length} tasks that can run locally; say which to run`, job);
}
