// Job, group and task names checked before anything touches the disk: what Nomad's server refuses (the
// same text as the diagnostic), and what a local run cannot turn into a task dir: no name at all, "." or
// "..", a name longer than a directory entry can be, and the runner's own folder in the alloc dir.
import { groupNameProblem, jobIdProblem, jobNameProblem, taskNameProblem } from '../../server/src/schema/names';
import { RUNNER_DIR } from './allocDir';

/** Longest file name Linux takes (NAME_MAX), in bytes. */
const NAME_MAX = 255;

function localTaskProblem(name: string): string | undefined {
  if (name === '') return 'A task needs a name: it becomes a directory name.';
  if (name === '.' || name === '..') return `A task cannot be named "${name}": its task dir would not be a directory of its own.`;
  if (name === RUNNER_DIR) return `A task cannot be named "${RUNNER_DIR}" in a local run: that is the name of the runner's own folder in the alloc dir.`;
  if (Buffer.byteLength(name) > NAME_MAX) return `A task name longer than ${NAME_MAX} bytes cannot be a directory name.`;
  return undefined;
}

/** Every refusal, each naming its job, group or task; empty when all names are fine. */
export function nameProblems(job: { id: string; name: string }, group: string, tasks: readonly string[]): string[] {
  const out: string[] = [];
  const add = (where: string, problem: string | undefined): void => {
    if (problem) out.push(`${where}: ${problem}`);
  };
  add(`job ${JSON.stringify(job.id)}`, jobIdProblem(job.id));
  add(`job ${JSON.stringify(job.id)}`, jobNameProblem(job.name));
  add(`group ${JSON.stringify(group)}`, groupNameProblem(group));
  for (const task of tasks) add(`task ${JSON.stringify(task)}`, taskNameProblem(task) ?? localTaskProblem(task));
  return out;
}
