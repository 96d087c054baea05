// Test fixture for the native launcher: runs it as root and rootless (through an unprivileged user,
// created on first use), with a world-readable copy of the binaries so the test user can reach them
// even when the checkout lives under a root-only directory. Importing this file has no side effects.

import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { launcherArgv, launcherEnvRecords, LauncherSpec } from '../../launcher/src/launcherArgs';
import { DEFAULT_CHROOT_ENV } from '../../server/src/settings';
import { DEFAULT_ALLOW_CAPS } from '../../server/src/schema/capabilities';

export const TEST_USER = 'nomadexec-test';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const buildDir = path.join(repoRoot, 'launcher', 'build');

export interface Mode {
  name: 'root' | 'rootless';
  /** Set when the launcher must be started as another (unprivileged) user through setpriv. */
  runAs?: { uid: number; gid: number };
  /** Why this mode cannot run here; the tests then skip with this reason. */
  unavailable?: string;
}

/** root (when the tests run as root) and rootless (always). */
export function launcherModes(): Mode[] {
  const isRoot = process.getuid?.() === 0;
  const modes: Mode[] = [];
  modes.push(isRoot ? { name: 'root' } : { name: 'root', unavailable: 'the tests are not running as root' });
  let rootless: Mode;
  if (!isRoot) {
    rootless = { name: 'rootless' };
  } else {
    try {
      const { uid, gid } = ensureTestUser();
      rootless = { name: 'rootless', runAs: { uid, gid } };
    } catch (e) {
      rootless = { name: 'rootless', unavailable: `could not create user ${TEST_USER}: ${(e as Error).message}` };
    }
  }
  if (!rootless.unavailable) {
    const denied = userNamespacesDenied(rootless);
    if (denied) rootless.unavailable = `this kernel refuses unprivileged user namespaces: ${denied}`;
  }
  modes.push(rootless);
  return modes;
}

/** Why an unprivileged user cannot create a user namespace here, or undefined when it can. */
function userNamespacesDenied(mode: Mode): string | undefined {
  const owner = mode.runAs;
  const [file, args] = owner
    ? ['setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', 'unshare', '--user', 'true']]
    : ['unshare', ['--user', 'true']];
  const r = spawnSync(file, args, { encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stderr || r.error?.message || `exit ${r.status}`).trim();
}

function ensureTestUser(): { uid: number; gid: number } {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', TEST_USER]).toString()),
    gid: Number(execFileSync('id', ['-g', TEST_USER]).toString()),
  });
  try {
    return ids();
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', TEST_USER], { stdio: 'pipe' });
    return ids();
  }
}

/** Creates `<base>/<task>/local` and `<base>/<alloc>`: the least a launch needs on the host. */
export function makeTaskDirs(base: string, task: string, alloc: string): { taskDir: string; allocDir: string } {
  const taskDir = path.join(base, task);
  const allocDir = path.join(base, alloc);
  fs.mkdirSync(path.join(taskDir, 'local'), { recursive: true });
  fs.mkdirSync(allocDir);
  return { taskDir, allocDir };
}

/** A launch with the exec driver's defaults (chroot_env, private pid and IPC, the default capabilities). */
export function defaultSpec(taskDir: string, allocDir: string, command: string, args: string[], overrides: Partial<LauncherSpec> = {}): LauncherSpec {
  return {
    taskDir,
    allocDir,
    chrootEnv: DEFAULT_CHROOT_ENV,
    pidMode: 'private',
    ipcMode: 'private',
    capabilities: [...DEFAULT_ALLOW_CAPS],
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    command,
    args,
    ...overrides,
  };
}

/** The cgroup v2 hierarchy, if this host has one (pure v2, or the unified part of a hybrid). */
export function cgroupV2Mount(): string | undefined {
  return ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((m) => fs.existsSync(path.join(m, 'cgroup.controllers')));
}

/**
 * A cgroup v2 directory delegated to `owner` the way systemd delegates one (`Delegate=yes`): the directory
 * and its cgroup.procs, cgroup.threads and cgroup.subtree_control belong to the user. A rootless launcher
 * started inside it can hold its task in a child cgroup, which host pid mode needs. Undefined when
 * there is no v2 hierarchy.
 */
export function delegatedCgroup(owner: { uid: number; gid: number }, name: string): string | undefined {
  const mount = cgroupV2Mount();
  if (!mount) return undefined;
  const dir = path.join(mount, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['', 'cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control']) fs.chownSync(path.join(dir, f), owner.uid, owner.gid);
  return dir;
}

export interface StartOptions {
  /** false: start a root-started rootless launcher outside the delegated cgroup. */
  delegated?: boolean;
  /** A command that runs the launcher (its argv follows), e.g. to give it a session keyring. */
  wrap?: string[];
}

/** A scratch area for one test: task dir and alloc dir owned by the mode's user, the probe in local/. */
export class Fixture {
  readonly base: string;
  readonly launcher: string;
  /** The probe on the host, runnable by the mode's user. */
  readonly probe: string;
  /** Root-started rootless mode: the delegated cgroup the launcher is started in. */
  readonly delegated: string | undefined;
  private counter = 0;

  constructor(readonly mode: Mode) {
    for (const f of ['nomad-exec-launcher', 'nomad-exec-probe']) {
      if (!fs.existsSync(path.join(buildDir, f))) throw new Error(`${f} is not built; run \`make -C launcher\``);
    }
    this.base = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-launcher-test-'));
    fs.chmodSync(this.base, 0o755);
    this.launcher = path.join(this.base, 'nomad-exec-launcher');
    fs.copyFileSync(path.join(buildDir, 'nomad-exec-launcher'), this.launcher);
    fs.chmodSync(this.launcher, 0o755);
    this.probe = path.join(this.base, 'nomad-exec-probe');
    fs.copyFileSync(path.join(buildDir, 'nomad-exec-probe'), this.probe);
    fs.chmodSync(this.probe, 0o755);
    if (mode.runAs) this.delegated = delegatedCgroup(mode.runAs, `nomad-exec-test-${process.pid}-${path.basename(this.base)}`);
  }

  /** A fresh task dir (with /local/probe) and alloc dir. */
  newTask(): { taskDir: string; allocDir: string } {
    const n = ++this.counter;
    const { taskDir, allocDir } = makeTaskDirs(this.base, `task-${n}`, `alloc-${n}`);
    fs.copyFileSync(path.join(buildDir, 'nomad-exec-probe'), path.join(taskDir, 'local', 'probe'));
    fs.chmodSync(path.join(taskDir, 'local', 'probe'), 0o755);
    fs.chmodSync(path.join(taskDir, 'local'), 0o777);
    const owner = this.mode.runAs;
    if (owner) {
      for (const p of [taskDir, path.join(taskDir, 'local'), path.join(taskDir, 'local', 'probe'), allocDir]) {
        fs.chownSync(p, owner.uid, owner.gid);
      }
    }
    return { taskDir, allocDir };
  }

  /** The default spec of a task: defaults of the exec driver, given command and args. */
  spec(command: string, args: string[], overrides: Partial<LauncherSpec> = {}): LauncherSpec {
    const { taskDir, allocDir } = this.newTask();
    return defaultSpec(taskDir, allocDir, command, args, overrides);
  }

  /** Starts the launcher (as the mode's user); fd 3 is a pipe (stop), fd 4 a pipe (info), fd 5 the
   * environment; `extraStdio` adds descriptors from fd 6 on. */
  start(spec: LauncherSpec, extraStdio: (number | 'pipe')[] = [], options: StartOptions = {}): ChildProcess {
    const argv = [...(options.wrap ?? []), this.launcher, ...launcherArgv({ stopFd: 3, infoFd: 4, envFd: 5, ...spec })];
    const owner = this.mode.runAs;
    let [file, args] = owner
      ? ['setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', ...argv]]
      : [argv[0], argv.slice(1)];
    if (owner && this.delegated && options.delegated !== false) {
      // join the delegated cgroup first, as a login under systemd would have
      args = ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', this.delegated, file, ...args];
      file = '/bin/sh';
    }
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe', ...extraStdio] });
    const envPipe = (child.stdio as unknown as Writable[])[5];
    envPipe.on('error', () => undefined);
    envPipe.end(launcherEnvRecords(spec.env));
    return child;
  }

  /** Runs to the end and collects everything. */
  run(spec: LauncherSpec, extraStdio: (number | 'pipe')[] = [], options: StartOptions = {}): Promise<RunResult> {
    return collect(this.start(spec, extraStdio, options));
  }

  /** Runs a command on the host as the mode's user (root, or the unprivileged test user). */
  host(file: string, args: string[]): string {
    const owner = this.mode.runAs;
    return owner
      ? execFileSync('setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', file, ...args]).toString()
      : execFileSync(file, args).toString();
  }

  cleanup(): void {
    fs.rmSync(this.base, { recursive: true, force: true });
    if (this.delegated) {
      // launchers SIGKILLed by a test leave their empty task cgroups; the next launcher would sweep them
      for (const d of fs.readdirSync(this.delegated)) if (d.startsWith('nomad-exec-')) fs.rmdirSync(path.join(this.delegated, d));
      fs.rmdirSync(this.delegated);
    }
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  info: string;
}

export function collect(child: ChildProcess): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  let info = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  (child.stdio[4] as NodeJS.ReadableStream | null)?.on('data', (d: Buffer) => (info += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr, info }));
  });
}

/** Resolves with the --info-fd text once its first line (the child pid) has arrived. */
export function infoSoFar(child: ChildProcess): Promise<string> {
  return streamUntil(child, child.stdio[4] as NodeJS.ReadableStream, '\n', (seen) => `exited before reporting its child pid: ${seen}`);
}

/** Resolves when `text` has appeared on the child's stdout. */
export async function waitForOutput(child: ChildProcess, text: string): Promise<void> {
  await streamUntil(child, child.stdout, text, (seen) => `exited before printing ${text}; stdout: ${seen}`);
}

/** Resolves with what `stream` has carried once that includes `text`; rejects when the child closes first. */
function streamUntil(child: ChildProcess, stream: NodeJS.ReadableStream | null, text: string, failure: (seen: string) => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) {
        stream?.off('data', onData);
        resolve(seen);
      }
    };
    stream?.on('data', onData);
    child.on('close', () => reject(new Error(failure(seen))));
  });
}

/** Host pids of processes whose environment contains `marker` (how the tests find task processes). */
export function processesWithMarker(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`).includes(marker)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Polls `check` until it returns true or the deadline passes (process exit has no event to await). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Parses the Cap* lines of /proc/<pid>/status into bigints. */
export function capabilityLines(status: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const m of status.matchAll(/^(Cap\w+):\s+([0-9a-f]+)$/gm)) out[m[1]] = BigInt(`0x${m[2]}`);
  return out;
}
