// The alloc dir on disk (reference section 4): `<alloc>/alloc/{data,logs,tmp}` shared by the group, and one
// task dir per task with `local/`, sticky `tmp/`, `secrets/`, `private/`. The launcher mounts the rest
// (chroot_env binds, /dev, /proc, tmpfs on secrets and private, /alloc). Old alloc dirs under the default
// root are pruned so that at most `keep` remain.
import * as fs from 'fs';
import * as path from 'path';
import type { LaunchPlan, TaskPlan } from './types';

/** Default folder holding alloc dirs for a workspace. */
export function defaultAllocRoot(workspace: string): string {
  return path.join(workspace, '.nomad-exec', 'allocs');
}

function mkdirMode(dir: string, mode: number): void {
  fs.mkdirSync(dir, { recursive: true });
  // mkdir's mode passes through the umask; the layout needs the exact bits.
  fs.chmodSync(dir, mode);
}

/** Creates the shared alloc dir and every task dir of the plan. */
export function createAllocDir(plan: LaunchPlan): void {
  if (plan.allocRoot) {
    fs.mkdirSync(plan.allocRoot, { recursive: true });
    ensureGitIgnore(path.dirname(plan.allocRoot));
  }
  mkdirMode(plan.allocDir, 0o755);
  mkdirMode(plan.sharedDir, 0o777);
  for (const sub of ['data', 'logs', 'tmp']) mkdirMode(path.join(plan.sharedDir, sub), 0o777);
  for (const task of plan.tasks) createTaskDir(task);
}

export function createTaskDir(task: TaskPlan): void {
  mkdirMode(task.taskDir, 0o755);
  mkdirMode(task.dirs.local, 0o777);
  mkdirMode(task.dirs.tmp, 0o1777);
  mkdirMode(task.dirs.secrets, 0o777);
  mkdirMode(task.dirs.private, 0o777);
}

/** `.nomad-exec/` holds runs, never sources: keep it out of git even without a .gitignore entry. */
function ensureGitIgnore(stateDir: string): void {
  const file = path.join(stateDir, '.gitignore');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '# runs of nomad-exec; safe to delete\n*\n');
}

/** Removes the oldest alloc dirs under `root` (by modification time) so that at most `keep` remain. */
export function pruneAllocDirs(root: string, keep: number, protect?: string): string[] {
  let entries: { dir: string; mtime: number }[];
  try {
    entries = fs
      .readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => {
        const dir = path.join(root, e.name);
        return { dir, mtime: fs.statSync(dir).mtimeMs };
      });
  } catch {
    return [];
  }
  entries.sort((a, b) => b.mtime - a.mtime);
  const removed: string[] = [];
  for (const entry of entries.slice(Math.max(0, keep))) {
    if (protect && path.resolve(entry.dir) === path.resolve(protect)) continue;
    try {
      makeWritable(entry.dir);
      fs.rmSync(entry.dir, { recursive: true, force: true });
      removed.push(entry.dir);
    } catch {
      // A dir still in use (or owned by another user) stays; the next run tries again.
    }
  }
  return removed;
}

/** Tasks may leave read-only dirs behind (chmod 0555 binaries, unpacked archives): allow deleting them. */
function makeWritable(dir: string): void {
  try {
    fs.chmodSync(dir, 0o755);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.isSymbolicLink()) makeWritable(path.join(dir, entry.name));
    }
  } catch {
    // best effort
  }
}
