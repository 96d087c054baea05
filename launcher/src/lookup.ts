// Command lookup exactly as the exec driver's lookupTaskBin (reference section 5): `local/<cmd>`, then
// `<cmd>` under the task dir, then (only for a bare name) /usr/local/bin, /usr/bin, /bin inside the task dir.
// The agent's PATH is never used. Because chroot_env is bind-mounted rather than copied, a task path under
// a bind is looked up at its host source.
import * as fs from 'fs';
import * as path from 'path';
import { isInside, type Dir } from './safeFs';
import { hostPathOf } from '../../server/src/model/taskPaths';
import type { CommandLookup, TaskPlan } from './types';

export { hostPathOf };

export interface LookupInput {
  command: string;
  taskDir: string;
  /** host -> task path binds (chroot_env, and any other read-only binds). */
  binds: { host: string; task: string }[];
}


/** What an exec task's command is looked up through: its chroot_env binds, then its host volume mounts. */
export function lookupBinds(task: Pick<TaskPlan, 'chrootBinds' | 'volumeMounts'>): LookupInput['binds'] {
  return [...task.chrootBinds, ...task.volumeMounts.map((m) => ({ host: m.hostPath, task: m.taskPath }))];
}

/** The task paths tried, in order. */
export function candidatePaths(command: string): string[] {
  const tried = [path.posix.join('/local', command), path.posix.join('/', command)];
  if (!command.includes('/')) {
    for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) tried.push(path.posix.join(dir, command));
  }
  return tried;
}

// stat, not lstat, on purpose: the lookup only decides whether the command is there (a link to a file counts,
// as in Nomad's lookupBin), and raw_exec runs as the invoking user anyway. Nothing is written or chmodded
// through this path: makeExecutable reaches the file again from the held alloc dir without following links.
function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Looks the command up; `found` or `pending` (not found anywhere yet). Never touches the disk beyond stat (see isRegularFile). */
export function lookupCommand(input: LookupInput): CommandLookup {
  const tried: string[] = [];
  for (const taskPath of candidatePaths(input.command)) {
    tried.push(taskPath);
    const hostPath = hostPathOf(taskPath, input.taskDir, input.binds);
    if (isRegularFile(hostPath)) return { state: 'found', taskPath, hostPath, tried };
  }
  return { state: 'pending', reason: notFoundMessage(input.command, input.taskDir), tried };
}

export function notFoundMessage(command: string, taskDir: string): string {
  return `file ${command} not found under path ${taskDir} (tried ${candidatePaths(command).join(', ')})`;
}

/**
 * As Nomad does before launch: a command lacking any of the 0555 bits gets them. Only files inside the task
 * dir are changed; a file reached through a chroot_env bind is the host's own and is left alone. The file is
 * reached from the held alloc dir without following any link: a command that is itself a link is left as
 * it is (its target is resolved inside the task, not on this machine).
 */
export function makeExecutable(lookup: Extract<CommandLookup, { state: 'found' }>, taskDir: string, alloc: Dir): boolean {
  if (!isInside(taskDir, lookup.hostPath) || !isInside(alloc.path, lookup.hostPath)) return false;
  return alloc.withHandle(path.relative(alloc.path, lookup.hostPath), (fd, stat) => {
    if (!stat.isFile()) return false;
    const mode = stat.mode & 0o7777;
    if ((mode & 0o555) === 0o555) return false;
    // Through the descriptor: the very file looked at, even if the name is swapped meanwhile.
    fs.chmodSync(`/proc/self/fd/${fd}`, mode | 0o555);
    return true;
  });
}

/**
 * raw_exec's lookup (the executor's lookupBin, no chroot): `<task dir>/local/<cmd>`, `<task dir>/<cmd>`,
 * then the command itself when absolute, else a search of the task's PATH. Paths are host paths.
 */
export function lookupRawExecCommand(command: string, taskDir: string, searchPath: string | undefined): CommandLookup {
  const tried: string[] = [];
  const candidates = [path.join(taskDir, 'local', command), path.join(taskDir, command)];
  if (path.isAbsolute(command)) candidates.push(command);
  else if (!command.includes('/')) for (const dir of (searchPath ?? '').split(':').filter((d) => path.isAbsolute(d))) candidates.push(path.join(dir, command));
  for (const candidate of candidates) {
    tried.push(candidate);
    if (isRegularFile(candidate)) return { state: 'found', taskPath: candidate, hostPath: candidate, tried };
  }
  return { state: 'pending', reason: `file ${command} not found (raw_exec tried ${tried.join(', ')})`, tried };
}
