// Names Nomad's server refuses when a job is registered (Job, TaskGroup and Task Validate in nomad/structs):
// a job ID with a space or NUL, a job or group name with NUL, a task named "alloc" or holding a slash,
// backslash or NUL (a task name becomes a directory name on the client). The checks and the local runner
// both use these texts, so a refused run says what the diagnostic said.

/** Why Nomad refuses this job ID, or undefined. */
export function jobIdProblem(id: string): string | undefined {
  if (id.includes(' ')) return `The job ID ${JSON.stringify(id)} contains a space, which Nomad refuses.`;
  if (id.includes('\0')) return 'The job ID contains a NUL character, which Nomad refuses.';
  return undefined;
}

/** Why Nomad refuses this job name, or undefined. */
export function jobNameProblem(name: string): string | undefined {
  return name.includes('\0') ? 'The job name contains a NUL character, which Nomad refuses.' : undefined;
}

/** Why Nomad refuses this group name, or undefined. */
export function groupNameProblem(name: string): string | undefined {
  return name.includes('\0') ? 'A group name cannot contain a NUL character, which Nomad refuses.' : undefined;
}

/** Why Nomad refuses this task name, or undefined. */
export function taskNameProblem(name: string): string | undefined {
  if (name === 'alloc') return 'A task cannot be named "alloc": that is the name of the directory the group\'s tasks share.';
  for (const ch of ['/', '\\']) {
    if (name.includes(ch)) return `A task name cannot contain "${ch}" (${JSON.stringify(name)}): it becomes a directory name.`;
  }
  if (name.includes('\0')) return 'A task name cannot contain a NUL character: it becomes a directory name.';
  return undefined;
}
