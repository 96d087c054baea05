// Request -> launch plan. Reads the job model, picks the task(s), decides variable values, settings,
// alloc id and dir, and ports; each task is planned by taskPlan.ts. Writes nothing. Anything the user
// must fix comes back as a PlanError naming it.
import { randomUUID } from 'crypto';
import * as path from 'path';
import { mark } from './timing';
import { createEvaluator } from '../../server/src/model/evaluate';
import { FileSandboxError } from '../../server/src/model/fileSandbox';
import { resolveSettingsLater } from '../../server/src/settings';
import type { Group, Job, JobFile } from '../../server/src/model/types';
import type { PlanError, RunRequest } from './api';
import { allocDirOutside, allocRootIn, defaultAllocRoot } from './allocDir';
import { blocksOf, evalAttr, parseJobFile, readStringMap, type Evaluator } from './model';
import { nameProblems } from './names';
import { localNode, nodeNames } from './node';
import { assignPorts, readPortRequests } from './ports';
import { freezeSubmitTimeCalls, keepAsText } from './runtimeNames';
import { UnsafePathError } from './safeFs';
import { selectTasks } from './select';
import { FilePlanError } from './planFiles';
import { localDifferences, PlanProblem, planTask, type JobInfo, type ProblemPlace } from './taskPlan';
import type { LaunchPlan, TaskPlan } from './types';
import { resolveVariables } from './variables';

function planError(message: string): PlanError {
  return { kind: 'plan-error', message };
}

/** A problem in the job file, with its place as data (for a link to it and the editor's quick fix). */
function placedError(message: string, file: string, place: ProblemPlace | undefined): PlanError {
  const error = planError(message);
  if (!place) return error;
  error.at = { file, range: place.range };
  if (place.code) error.code = place.code;
  if (place.hint) error.hint = place.hint;
  return error;
}

export async function computePlan(request: RunRequest): Promise<LaunchPlan | PlanError> {
  try {
    return await compute(request);
  } catch (error) {
    const file = path.resolve(request.file);
    if (error instanceof PlanProblem) return placedError(error.message, file, error.place);
    if (error instanceof FilePlanError) return placedError(error.message, file, error.range ? { range: error.range } : undefined);
    if (error instanceof FileSandboxError || error instanceof UnsafePathError) return planError(error.message);
    return planError(`cannot plan the run: ${(error as Error).stack ?? error}`);
  }
}

async function compute(request: RunRequest): Promise<LaunchPlan | PlanError> {
  const jobFile = path.resolve(request.file);
  let parsed;
  try {
    parsed = await parseJobFile(jobFile, request.text);
  } catch (error) {
    return planError(`cannot read ${jobFile}: ${(error as Error).message}`);
  }
  if (parsed.syntaxErrors.length > 0) return planError(`${jobFile}: ${parsed.syntaxErrors.join('; ')}`);
  const file = parsed.file;
  // Only the body: jobs, groups and tasks reference the same blocks and would be walked again.
  freezeSubmitTimeCalls(file.body);
  const hostEnv = request.hostEnv ?? process.env;
  const baseDir = path.dirname(jobFile);

  mark('plan: frozen');
  const variables = await resolveVariables(file, hostEnv, request.varFiles ?? [], request.vars ?? []);
  if (variables.problems.length > 0) return planError(variables.problems.join('\n'));
  if (variables.missing.length > 0) {
    return planError(
      `variable${variables.missing.length > 1 ? 's' : ''} without a value: ${variables.missing.join(', ')} ` +
        `(give ${variables.missing.map((n) => `--var ${n}=...`).join(' ')}, a --var-file, or NOMAD_VAR_<name>)`,
    );
  }
  // The evaluator for every field but the driver config: client-side names stay as `${...}` text, to be
  // replaced later by simple interpolation. Drivers are re-read with it (a driver may be `var.driver`).
  const jobspec = createEvaluator(file, { variables: variables.values, baseDir, runtime: keepAsText });
  refreshDrivers(file, jobspec);

  const selection = selectTasks(file.jobs, request.group, request.task);
  if ('kind' in selection) return selection;
  const { job, group } = selection;

  mark('plan: selected');
  // Off the thread: an agent config file on a hung mount is given up after a while, not waited for (the
  // extension plans in its host process, which runs every other extension too).
  const settings = await resolveSettingsLater(request.settings ?? {});
  if (settings.agentConfigUnread !== undefined) {
    return planError(`${settings.agentConfigUnread}: the run is refused, as it would hold the task only to Nomad's defaults, not to that client's policies (mend the file, or clear nomadExec.agentConfigFile / --agent-config)`);
  }
  const notices = [...settings.problems];
  const node = localNode();
  const names = nodeNames(node);

  mark('plan: node');
  const allocId = randomUUID();
  const workspace = request.workspace ?? baseDir;
  const allocRoot = request.allocDir ? undefined : request.stateDir ? allocRootIn(request.stateDir) : defaultAllocRoot(workspace);
  const allocDir = request.allocDir ? path.resolve(request.allocDir) : path.join(allocRoot!, allocId);
  // Before anything is made (the folder of alloc dirs, `.nomad-exec` in `workspace`, is made too).
  const within = request.allocDirWithin;
  const outside = within === undefined ? undefined : request.allocDir ? allocDirOutside(allocDir, within, 'task definition') : allocDirOutside(allocRoot!, within, 'settings');
  if (outside) return planError(outside);
  const sharedDir = path.join(allocDir, 'alloc');

  const ports = await assignPorts(readPortRequests([group.block.body, ...selection.tasks.flatMap((t) => blocksOf(t.block.body, 'resources').map((r) => r.body))], jobspec));

  mark('plan: ports');
  const jobInfo = readJobInfo(job, jobspec);
  if (jobInfo.problems.length > 0) return planError(jobInfo.problems.join('; '));
  // Before any name becomes a path.
  const refused = nameProblems(jobInfo, group.name, [...new Set([...group.tasks.filter((t) => !t.dynamic), ...selection.tasks].map((t) => t.name))]);
  if (refused.length > 0) return planError(refused.join('\n'));
  const tasks: TaskPlan[] = [];
  for (const task of selection.tasks) {
    notices.push(...localDifferences(task));
    try {
      tasks.push(
        planTask({ task, group, job, jobspec, file, settings, node, names, ports, allocId, allocDir, sharedDir, hostEnv, variables: variables.values, baseDir, jobInfo }),
      );
    } catch (error) {
      // A problem without a place of its own is the task's: point at its block.
      if (error instanceof PlanProblem && !error.place) error.place = { range: task.block.typeRange };
      if (error instanceof FilePlanError && !error.range) error.range = task.block.typeRange;
      throw error;
    }
  }
  mark('plan: tasks planned');
  const unrunnable = skippedThatMatter(group, selection.skipped, jobspec);
  if (unrunnable.length > 0 && (tasks.every((t) => t.lifecycle.hook !== 'main') || unrunnable.some((u) => u.leader))) {
    return planError(
      `group "${group.name}" cannot run locally without ${unrunnable.map((u) => `task "${u.task}" (${u.leader ? 'its leader' : 'a main task'}; ${u.reason})`).join(', ')}`,
    );
  }
  for (const skipped of selection.skipped) notices.push(`task "${skipped.task}" is skipped: ${skipped.reason}`);

  return {
    version: 1,
    jobFile,
    jobId: jobInfo.id,
    jobName: jobInfo.name,
    group: group.name,
    tasks,
    allocId,
    allocDir,
    allocRoot,
    allocWithin: within === undefined ? undefined : path.resolve(within),
    keepAllocs: request.keepAllocs ?? 5,
    sharedDir,
    ports,
    skipped: selection.skipped,
    notices,
  };
}

/** Skipped tasks the group cannot do without: its main tasks (no lifecycle hook) and its leader. */
function skippedThatMatter(group: Group, skipped: LaunchPlan['skipped'], evaluator: Evaluator): { task: string; reason: string; leader: boolean }[] {
  const out: { task: string; reason: string; leader: boolean }[] = [];
  for (const s of skipped) {
    const task = group.tasks.find((t) => t.name === s.task);
    if (!task) continue;
    const lifecycle = blocksOf(task.block.body, 'lifecycle')[0];
    const leader = evalAttr(task.block.body, 'leader', evaluator) === true;
    if (!lifecycle || leader) out.push({ ...s, leader });
  }
  return out;
}

/** `driver = var.driver` is only known once the variables are: re-evaluate the drivers with them. */
function refreshDrivers(file: JobFile, evaluator: Evaluator): void {
  for (const job of file.jobs) {
    for (const group of job.groups) {
      for (const task of group.tasks) {
        if (task.driver && task.driverName === undefined) {
          const value = evaluator.evaluate(task.driver.value);
          if (typeof value === 'string') task.driverName = value;
        }
      }
    }
  }
}

function readJobInfo(job: Job, evaluator: Evaluator): JobInfo & { problems: string[] } {
  const body = job.block.body;
  const str = (name: string, fallback: string): string => {
    const value = evalAttr(body, name, evaluator);
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  const dcs = evalAttr(body, 'datacenters', evaluator);
  const firstDc = Array.isArray(dcs) && typeof dcs[0] === 'string' && !dcs[0].includes('*') ? dcs[0] : 'dc1';
  const problems: string[] = [];
  return {
    problems,
    id: str('id', job.name),
    name: str('name', job.name),
    region: str('region', 'global'),
    namespace: str('namespace', 'default'),
    datacenter: firstDc,
    meta: readStringMap(body, 'meta', evaluator, problems),
  };
}
