// The alloc dir on disk (reference section 4): `<alloc>/alloc/{data,logs,tmp}` shared by the group, and one
// task dir per task with `local/`, sticky `tmp/`, `secrets/`, `private/`. Beside them `<alloc>/.nomad-exec/`
// holds what only the runner writes: the log files (shown to tasks read-only at /alloc/logs), staged
// secrets dirs and the marker that lets pruning tell our alloc dirs from anything else. The launcher mounts
// the rest (chroot_env binds, /dev, /proc, tmpfs on secrets and private, /alloc).
// Every step goes through safeFs: tasks write into this tree while the runner works in it.
// The alloc tree is private to the invoking user (0700 folders above the alloc dirs); old alloc dirs under
// the default root are pruned so that at most `keep` remain.
import * as fs from 'fs';
import * as path from 'path';
import { Dir, isInside, UnsafePathError } from './safeFs';
import type { LaunchPlan, TaskPlan } from './types';

/** The runner's own folder inside an alloc dir; tasks never see it (their logs come read-only from it). */
export const RUNNER_DIR = '.nomad-exec';
/** Names in an alloc dir that are not task dirs: Nomad's shared dir and the runner's own folder. */
export const RESERVED_NAMES: readonly string[] = ['alloc', RUNNER_DIR];
/** Written (exclusively) when the runner creates an alloc dir; pruning removes only dirs that have it. */
export const ALLOC_MARKER = `${RUNNER_DIR}/alloc-id`;

/** Default folder holding alloc dirs for a workspace. */
export function defaultAllocRoot(workspace: string): string {
  return allocRootIn(path.join(workspace, RUNNER_DIR));
}

/** Who named where a run's alloc dir goes, when a workspace did (see allocDirOutside). */
export type AllocDirNamer = 'task definition' | 'settings';

/** How a refusal names the folder, and what it suggests instead, by who named it. */
const NAMERS: Record<AllocDirNamer, { named: (dir: string) => string; hint: string }> = {
  'task definition': {
    named: (dir) => `the alloc dir ${dir}, named by the workspace (a task definition),`,
    hint: "a workspace may keep an alloc dir only inside itself (leave allocDir out: runs then go to the extension's storage)",
  },
  settings: {
    named: (dir) => `the folder of alloc dirs ${dir}, named by the workspace (its nomadExec.allocDir setting),`,
    hint: "a workspace may keep alloc dirs only inside itself (set nomadExec.allocDir in your user settings instead, or leave it out: runs then go to the extension's storage)",
  },
};

/**
 * Why an alloc dir a workspace names (a task definition's `allocDir`), or the folder of alloc dirs its
 * settings name (`nomadExec.allocDir` in `.vscode/settings.json`), is refused, or undefined: it must lie in
 * the workspace folder `within`, as written and with the links of the part that exists resolved. The runner
 * creates the folder, makes it private and writes the task dirs in it, and a task writes where its templates
 * say inside its task dir: named by a repository, `../../bin` with a task `t` would have a task's template
 * write into a folder on the user's PATH.
 */
export function allocDirOutside(allocDir: string, within: string, namer: AllocDirNamer): string | undefined {
  const folder = path.resolve(within);
  const dir = path.resolve(allocDir);
  const named = NAMERS[namer].named(dir);
  const hint = NAMERS[namer].hint;
  if (!isInside(folder, dir)) return `${named} is outside the workspace folder ${folder}: ${hint}`;
  try {
    const root = fs.realpathSync(folder);
    // The part that exists, links resolved; the rest is made by the runner, without following links. A link
    // counts as there even when it leads nowhere: resolving it then fails, and the alloc dir is refused.
    let existing = dir;
    while (!fs.lstatSync(existing, { throwIfNoEntry: false }) && path.dirname(existing) !== existing) existing = path.dirname(existing);
    const real = path.join(fs.realpathSync(existing), path.relative(existing, dir));
    if (!isInside(root, real)) return `${named} leads through a link to ${real}, outside the workspace folder ${root}: ${hint}`;
  } catch (error) {
    return `${named} cannot be checked: ${(error as Error).message}: ${hint}`;
  }
  return undefined;
}

/** The folder of alloc dirs in a state folder (`<workspace>/.nomad-exec`, or the extension's storage). */
export function allocRootIn(stateDir: string): string {
  return path.join(path.resolve(stateDir), 'allocs');
}

/** Host dir of the log files of an alloc dir. */
export function logsDirOf(allocDir: string): string {
  return path.join(allocDir, RUNNER_DIR, 'logs');
}

/** Host dir holding a task's secrets when templates or artifacts write there (bound at /secrets). */
export function stagedSecretsDirOf(allocDir: string, task: string): string {
  return path.join(allocDir, RUNNER_DIR, 'secrets', task);
}

/** A task's dir and the host dirs of its layout; the name was checked (names.ts) before it becomes a path. */
export function taskDirsOf(allocDir: string, sharedDir: string, task: string): { taskDir: string; dirs: TaskPlan['dirs'] } {
  const taskDir = path.join(allocDir, task);
  if (path.dirname(taskDir) !== path.resolve(allocDir) || RESERVED_NAMES.includes(task)) throw new UnsafePathError(`task ${JSON.stringify(task)} cannot have a task dir of its own in ${allocDir}`);
  return {
    taskDir,
    dirs: {
      local: path.join(taskDir, 'local'),
      tmp: path.join(taskDir, 'tmp'),
      secrets: path.join(taskDir, 'secrets'),
      private: path.join(taskDir, 'private'),
      alloc: sharedDir,
      logs: logsDirOf(allocDir),
    },
  };
}

/** `p` relative to the alloc dir; refuses a path that is not below it. */
export function insideAlloc(allocDir: string, p: string): string {
  if (!isInside(allocDir, p)) throw new UnsafePathError(`${p} is outside the alloc dir ${allocDir}; refusing to write there`);
  return path.relative(allocDir, p);
}

function euid(): number {
  return process.geteuid?.() ?? -1;
}

/**
 * Opens (creating with `mode` when missing) the folder `name` below `parent`, which must be a real
 * directory owned by this user: a link or another user's folder could send the runner's writes and
 * deletions elsewhere. With `exact`, a folder that was there gets `mode` too.
 */
function ownedDir(parent: Dir, name: string, mode: number, purpose: string, exact = false): Dir {
  const shown = parent.pathOf(name);
  let dir: Dir;
  try {
    // Opened without following a link (created when missing); only a refusal needs a closer look.
    dir = parent.dir(name, { mode });
  } catch (error) {
    if (error instanceof UnsafePathError) {
      const found = parent.lstat(name);
      if (found?.isSymbolicLink()) throw new UnsafePathError(`${shown} is a symbolic link; refusing to keep ${purpose} through it (delete the link; nomad-exec creates a private folder there)`);
      if (found && !found.isDirectory()) throw new UnsafePathError(`${shown} is not a directory; refusing to keep ${purpose} there`);
    }
    throw error;
  }
  const stat = fs.fstatSync(dir.fd);
  if (stat.uid !== euid()) {
    dir.close();
    throw new UnsafePathError(`${shown} belongs to uid ${stat.uid}, not to you (uid ${euid()}); refusing to keep ${purpose} in a folder someone else controls (delete it, or pass another alloc dir)`);
  }
  // After the owner check: someone else's folder (root may change any) is refused untouched.
  if (exact && (stat.mode & 0o7777) !== mode) dir.chmod('', mode);
  return dir;
}

/** The folder the user chose (links on its way included), created when missing. */
function openChosenDir(dir: string): Dir {
  try {
    return Dir.open(dir, true);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(dir, { recursive: true });
  return Dir.open(dir, true);
}

/**
 * The folder `dir` a workspace named, below its workspace folder `within`: reached from `within` one name at
 * a time without following a link (made with `create` when missing). The plan checked it with its links
 * resolved; a name swapped for a link since then is refused, not followed.
 */
function openWithin(within: string, dir: string, create: boolean): Dir {
  if (!isInside(within, dir)) throw new UnsafePathError(`${dir} is outside the workspace folder ${within}; refusing to use it`);
  // The workspace folder is the user's own choice (links on its way included); only what is below it is checked.
  const workspace = Dir.open(within, true);
  try {
    return workspace.dir(path.relative(path.resolve(within), path.resolve(dir)), create ? { mode: 0o755 } : undefined);
  } finally {
    workspace.close();
  }
}

/**
 * Opens the folder of alloc dirs (`<state dir>/allocs`, the state dir usually `<workspace>/.nomad-exec`),
 * creating it private to this user. `within`: the workspace folder that named it (LaunchPlan.allocWithin).
 */
function openAllocRoot(allocRoot: string, within: string | undefined): Dir {
  const stateDir = path.dirname(allocRoot);
  // A folder the user chose may be reached through links; one a workspace named only through real folders.
  const workspace = within === undefined ? openChosenDir(path.dirname(stateDir)) : openWithin(within, path.dirname(stateDir), true);
  try {
    const state = ownedDir(workspace, path.basename(stateDir), 0o700, 'runs');
    try {
      // A `.nomad-exec` folder sits among sources (a workspace, a job's folder); a storage folder does not.
      if (path.basename(stateDir) === RUNNER_DIR) ensureGitIgnore(state);
      // Older versions made it 0755; the alloc tree is not for other local users to walk.
      return ownedDir(state, path.basename(allocRoot), 0o700, 'alloc dirs', true);
    } finally {
      state.close();
    }
  } finally {
    workspace.close();
  }
}

/**
 * Creates the alloc dir (private to this user), the shared dir, the runner's folder and every task dir of the
 * plan, and returns the alloc dir and the runner's logs folder held open: everything the run writes later is
 * anchored at them.
 */
export function createAllocDir(plan: LaunchPlan): { alloc: Dir; logs: Dir } {
  let alloc: Dir;
  if (plan.allocRoot) {
    const root = openAllocRoot(plan.allocRoot, plan.allocWithin);
    try {
      if (!isInside(plan.allocRoot, plan.allocDir) || path.dirname(plan.allocDir) !== path.resolve(plan.allocRoot)) throw new UnsafePathError(`the alloc dir ${plan.allocDir} is not directly in ${plan.allocRoot}`);
      alloc = root.mkdir(path.basename(plan.allocDir), 0o700);
    } finally {
      root.close();
    }
  } else {
    const above = path.dirname(path.resolve(plan.allocDir));
    const parent = plan.allocWithin === undefined ? Dir.open(above, true) : openWithin(plan.allocWithin, above, false);
    try {
      alloc = ownedDir(parent, path.basename(plan.allocDir), 0o700, 'the alloc dir', true);
    } finally {
      parent.close();
    }
  }
  try {
    // Each dir is made below its parent's handle: one name at a time, no walk from the top again.
    const runner = alloc.mkdir(RUNNER_DIR, 0o755);
    let logs: Dir;
    try {
      markCreated(runner, plan.allocId);
      logs = runner.mkdir(path.basename(logsDirOf(plan.allocDir)), 0o755);
    } finally {
      runner.close();
    }
    // Whatever fails from here on, the logs folder is let go of with the alloc dir.
    try {
      const shared = alloc.mkdir('alloc', 0o777);
      try {
        for (const sub of ['data', 'tmp']) shared.makeDir(sub, 0o777);
        // Only a mount point: the launcher shows the runner's logs folder read-only over it.
        shared.makeDir('logs', 0o755);
      } finally {
        shared.close();
      }
      for (const task of plan.tasks) createTaskDir(alloc, plan.allocDir, task);
    } catch (error) {
      logs.close();
      throw error;
    }
    return { alloc, logs };
  } catch (error) {
    alloc.close();
    throw error;
  }
}

export function createTaskDir(alloc: Dir, allocDir: string, task: TaskPlan): void {
  const taskDir = alloc.mkdir(insideAlloc(allocDir, task.taskDir), 0o755);
  try {
    const own = (dir: string): string => {
      if (!isInside(task.taskDir, dir)) throw new UnsafePathError(`${dir} is not in the task dir ${task.taskDir}`);
      return path.relative(task.taskDir, dir);
    };
    taskDir.makeDir(own(task.dirs.local), 0o777);
    taskDir.makeDir(own(task.dirs.tmp), 0o1777);
    taskDir.makeDir(own(task.dirs.private), 0o777);
    // Staged secrets (see taskPlan.ts) live in the runner's folder and are bound at /secrets.
    if (isInside(task.taskDir, task.dirs.secrets)) taskDir.makeDir(own(task.dirs.secrets), 0o777);
    else {
      const secrets = insideAlloc(allocDir, task.dirs.secrets);
      const parent = alloc.dir(path.dirname(secrets), { mode: 0o755 });
      try {
        parent.makeDir(path.basename(secrets), 0o777);
      } finally {
        parent.close();
      }
    }
  } finally {
    taskDir.close();
  }
}

function markCreated(runner: Dir, allocId: string): void {
  try {
    const fd = runner.createExclusive(path.basename(ALLOC_MARKER), 0o644);
    try {
      fs.writeSync(fd, `${allocId}\n`);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    // A given alloc dir used again keeps the marker of its first run.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * `.nomad-exec/` holds runs, never sources: keep it out of git even without a .gitignore entry. Whatever is
 * already there (the user's own file, or a link planted by the repository) is left alone: the new file is
 * created exclusively below the held folder, without following a link.
 */
function ensureGitIgnore(state: Dir): void {
  if (state.lstat('.gitignore')) return;
  try {
    const fd = state.createExclusive('.gitignore', 0o644);
    try {
      fs.writeSync(fd, '# runs of nomad-exec; safe to delete\n*\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Removes the oldest alloc dirs under `root` (by modification time) so that at most `keep` remain. Only
 * alloc dirs this runner created (they hold its marker) are counted and removed; nothing is followed, so a
 * link in the folder (or anywhere in an alloc dir) is removed as a link, never its target. A root that is
 * itself a link or someone else's folder is left alone. The removal runs off the event loop. `within`: the
 * workspace folder that named the root (LaunchPlan.allocWithin), from which it is reached without links.
 */
export async function pruneAllocDirs(root: string, keep: number, protect?: string, within?: string): Promise<string[]> {
  let allocs: Dir;
  try {
    const above = path.dirname(path.dirname(root));
    const workspace = within === undefined ? Dir.open(above, true) : openWithin(within, above, false);
    try {
      const found = workspace.existingDir(`${path.basename(path.dirname(root))}/${path.basename(root)}`);
      if (!found) return [];
      allocs = found;
    } finally {
      workspace.close();
    }
  } catch {
    return [];
  }
  try {
    if (fs.fstatSync(allocs.fd).uid !== euid()) return [];
    const entries: { name: string; mtime: number }[] = [];
    for (const entry of allocs.list()) {
      if (!entry.isDirectory()) continue;
      try {
        const dir = allocs.dir(entry.name);
        try {
          const marker = dir.lstat(ALLOC_MARKER);
          if (!marker?.isFile() || marker.uid !== euid()) continue;
          entries.push({ name: entry.name, mtime: fs.fstatSync(dir.fd).mtimeMs });
        } finally {
          dir.close();
        }
      } catch {
        // swapped or unreadable meanwhile: not one of ours to judge now
      }
    }
    entries.sort((a, b) => b.mtime - a.mtime);
    const removed: string[] = [];
    for (const entry of entries.slice(Math.max(0, keep))) {
      const dir = path.join(root, entry.name);
      if (protect && path.resolve(dir) === path.resolve(protect)) continue;
      try {
        await allocs.removeTree(entry.name);
        removed.push(dir);
      } catch {
        // A dir still in use (or holding another user's files) stays; the next run tries again.
      }
    }
    return removed;
  } finally {
    allocs.close();
  }
}
