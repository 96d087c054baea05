// Turns a plain-data description of one task launch into the native launcher's argv, and finds the
// built launcher binary. The argv interface itself is documented in launcher/README.md; this file is
// the only TypeScript that knows its option names.

import * as fs from 'node:fs';
import * as path from 'node:path';

export type NamespaceMode = 'private' | 'host';

/** One host path made visible inside the task root. */
export interface LauncherBind {
  hostPath: string;
  taskPath: string;
  readOnly: boolean;
}

/** Everything the launcher needs to start one task. Paths on the host are absolute. */
export interface LauncherSpec {
  /** Host task directory; it becomes `/` for the task (local/, tmp/, secrets/, private/ are created in it). */
  taskDir: string;
  /** Host alloc directory, bound read-write at /alloc (its logs/ read-only). Omit for none. */
  allocDir?: string;
  /** Client chroot_env: host path -> path inside the task; bound read-only, never copied. */
  chrootEnv: Readonly<Record<string, string>>;
  /** Further binds (e.g. volume mounts), after chroot_env. */
  binds?: readonly LauncherBind[];
  pidMode: NamespaceMode;
  ipcMode: NamespaceMode;
  /** The task's computed capability set (lowercase names without `cap_`). Ignored for user root. */
  capabilities: readonly string[];
  /** Task user, looked up in the host /etc/passwd; `nobody` when empty. */
  user?: string;
  /** Absolute path inside the task root; `/` when empty. */
  workDir?: string;
  /** The task's entire environment. It never goes into argv (which every local user can read in
   * /proc/<pid>/cmdline): the caller writes `launcherEnvRecords(env)` to the descriptor `envFd`. */
  env: Readonly<Record<string, string>>;
  /** A descriptor the launcher reads the environment from, to end of file, before anything else. */
  envFd?: number;
  /** Signal name (SIGINT, INT) sent first on stop; SIGINT when empty. */
  killSignal?: string;
  /** Grace between the kill signal and SIGKILL, in milliseconds; 5000 when undefined. */
  killTimeoutMs?: number;
  /** resources.memory in MB: the hard limit, or the soft limit when memoryMaxMb is set. */
  memoryMb?: number;
  /** resources.memory_max in MB (-1 = unlimited, 0 or undefined = unset). */
  memoryMaxMb?: number;
  /** resources.cpu in MHz, applied as CPU weight. */
  cpuMhz?: number;
  /** resources.cores: pinned to that many CPUs (cpuset) where a cgroup allows it; the task's NOMAD_CPU_CORES
   * then names them (the launcher sets it), else a warning says why it runs unpinned. */
  cores?: number;
  noPivotRoot?: boolean;
  /** Command as seen inside the task root (already resolved; no PATH search happens). */
  command: string;
  args: readonly string[];
  /** A descriptor the launcher watches: a byte or end of file asks it to stop the task. */
  stopFd?: number;
  /** A descriptor the launcher writes JSON lines to: child-pid, cgroup, exec, exit-code/signal/oom-killed. */
  infoFd?: number;
}

/** Exit codes of the launcher's own failures (anything else is the task's code, or 128+signal). */
export const LAUNCHER_EXIT = {
  containment: 118,
  internal: 119,
  usage: 120,
  user: 121,
  namespace: 122,
  mount: 123,
  credentials: 124,
  workDir: 125,
  notExecutable: 126,
  notFound: 127,
} as const;

/** One JSON line of --info-fd output. */
export type LauncherInfo =
  | { 'child-pid': number }
  | { cgroup: string }
  | { exec: true }
  | { 'setup-failed': number }
  /** A stop began: the signal sent first (SIGKILL at once when kill_timeout is 0). */
  | { 'stop-signal': number }
  /** The task outlived its kill timeout and was sent SIGKILL this long after the stop began. */
  | { 'escalated-after-ms': number }
  | { 'exit-code': number; signal?: number; 'oom-killed': boolean };

export function launcherArgv(spec: LauncherSpec): string[] {
  requireAbsolute('taskDir', spec.taskDir);
  const argv = ['--root', spec.taskDir];
  if (spec.allocDir) {
    requireAbsolute('allocDir', spec.allocDir);
    argv.push('--alloc-dir', spec.allocDir);
  }
  for (const [hostPath, taskPath] of Object.entries(spec.chrootEnv)) {
    requireAbsolute('chrootEnv host path', hostPath);
    requireAbsolute('chrootEnv task path', taskPath);
    argv.push('--ro-bind', hostPath, taskPath);
  }
  for (const b of spec.binds ?? []) {
    requireAbsolute('bind host path', b.hostPath);
    requireAbsolute('bind task path', b.taskPath);
    argv.push(b.readOnly ? '--ro-bind' : '--bind', b.hostPath, b.taskPath);
  }
  argv.push('--pid', spec.pidMode, '--ipc', spec.ipcMode);
  argv.push('--caps', spec.capabilities.join(','));
  argv.push('--user', spec.user || 'nobody');
  if (spec.workDir) {
    requireAbsolute('workDir', spec.workDir);
    argv.push('--chdir', spec.workDir);
  }
  launcherEnvRecords(spec.env); // refuses what cannot be passed before anything is spawned
  if (spec.envFd !== undefined) argv.push('--env-fd', String(wholeAtLeast('envFd', spec.envFd, 0)));
  else if (Object.keys(spec.env).length > 0) throw new Error('the environment needs envFd: it is never passed in argv');
  if (spec.killSignal) argv.push('--kill-signal', spec.killSignal);
  if (spec.killTimeoutMs !== undefined) argv.push('--kill-timeout', String(wholeAtLeast('killTimeoutMs', spec.killTimeoutMs, 0)));
  if (spec.memoryMb) argv.push('--memory', String(wholeAtLeast('memoryMb', spec.memoryMb, 1)));
  if (spec.memoryMaxMb) argv.push('--memory-max', String(wholeAtLeast('memoryMaxMb', spec.memoryMaxMb, -1)));
  if (spec.cpuMhz) argv.push('--cpu', String(wholeAtLeast('cpuMhz', spec.cpuMhz, 1)));
  if (spec.cores) argv.push('--cores', String(wholeAtLeast('cores', spec.cores, 1)));
  if (spec.noPivotRoot) argv.push('--no-pivot-root');
  if (spec.stopFd !== undefined) argv.push('--stop-fd', String(spec.stopFd));
  if (spec.infoFd !== undefined) argv.push('--info-fd', String(spec.infoFd));
  argv.push('--', spec.command);
  appendArgs(argv, spec.args);
  return argv;
}

/**
 * The task's arguments after the command. A loop, not a spread: the job file decides how many there are (a
 * computed list may hold hundreds of thousands), and V8 refuses that many arguments to one call.
 */
function appendArgs(argv: string[], args: readonly string[]): void {
  for (const arg of args) argv.push(arg);
}

/** A raw_exec task under the launcher's --raw mode: no isolation, only supervision (see launcher/README.md). */
export interface RawLauncherSpec {
  /** The task dir on the host: the command's working directory. */
  workDir: string;
  env: Readonly<Record<string, string>>;
  envFd: number;
  killSignal?: string;
  killTimeoutMs?: number;
  /** The command's host path (already looked up). */
  command: string;
  args: readonly string[];
  stopFd: number;
  infoFd: number;
}

export function rawLauncherArgv(spec: RawLauncherSpec): string[] {
  requireAbsolute('workDir', spec.workDir);
  launcherEnvRecords(spec.env);
  const argv = ['--raw', '--chdir', spec.workDir, '--env-fd', String(wholeAtLeast('envFd', spec.envFd, 0))];
  if (spec.killSignal) argv.push('--kill-signal', spec.killSignal);
  if (spec.killTimeoutMs !== undefined) argv.push('--kill-timeout', String(wholeAtLeast('killTimeoutMs', spec.killTimeoutMs, 0)));
  argv.push('--stop-fd', String(spec.stopFd), '--info-fd', String(spec.infoFd), '--', spec.command);
  appendArgs(argv, spec.args);
  return argv;
}

/** The environment as the launcher reads it from --env-fd: NUL-terminated KEY=VALUE records. */
export function launcherEnvRecords(env: Readonly<Record<string, string>>): Buffer {
  const records: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (key === '' || key.includes('=') || key.includes('\0') || value.includes('\0')) {
      throw new Error(`environment variable ${JSON.stringify(key)} cannot be passed to a process`);
    }
    records.push(`${key}=${value}\0`);
  }
  return Buffer.from(records.join(''), 'utf8');
}

/** Parses the --info-fd stream (complete lines only; a trailing partial line is ignored). */
export function parseLauncherInfo(text: string): LauncherInfo[] {
  return text
    .split('\n')
    .slice(0, -1)
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LauncherInfo);
}

/**
 * Where the built launcher is: $NOMAD_EXEC_LAUNCHER if set, else launcher/build/ of this checkout
 * (found from this file, whether it runs from launcher/src or out/launcher/src).
 */
export function launcherBinary(): string {
  const override = process.env.NOMAD_EXEC_LAUNCHER;
  if (override) return override;
  const candidates = [
    path.resolve(__dirname, '..', 'build', 'nomad-exec-launcher'),
    path.resolve(__dirname, '..', '..', '..', 'launcher', 'build', 'nomad-exec-launcher'),
  ];
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`the native launcher is not built (looked at ${candidates.join(', ')}); run \`make -C launcher\``);
}

function requireAbsolute(what: string, p: string): void {
  if (!path.posix.isAbsolute(p)) throw new Error(`${what} must be an absolute path: ${p}`);
}

function wholeAtLeast(what: string, n: number, min: number): number {
  if (!Number.isInteger(n) || n < min) throw new Error(`${what} must be a whole number >= ${min}, got ${n}`);
  return n;
}
