// Running one prepared task under the native launcher: stdout/stderr go to the sinks and the rotating log
// files as they arrive; a stop is a byte on the launcher's stop fd (kill signal, then SIGKILL after the kill
// timeout, done by the launcher); the exit comes from the launcher's info fd and exit status.
// The launcher gets its own process group, so a Ctrl+C in the terminal reaches only us, and we turn it
// into exactly one stop. If this process dies, the stop fd reaches end of file and the launcher stops
// the task by itself.
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { mark } from './timing';
import type { Readable, Writable } from 'stream';
import { launcherArgv, launcherEnvRecords, parseLauncherInfo, rawLauncherArgv, type LauncherInfo } from './launcherArgs';
import { TaskLogs } from './logs';
import type { Dir } from './safeFs';
import { exitStatus, signalName } from './signals';
import type { StopReport } from './api';
import type { TaskPlan } from './types';

export interface SupervisedExit {
  exitCode: number;
  signal?: string;
  oomKilled: boolean;
  durationMs: number;
  /** Set when the launcher itself failed before the command ran: its message. */
  setupFailure?: string;
  /** Set when a stop reached the task: what it took. */
  stop?: StopReport;
}

export interface SuperviseOptions {
  launcherPath: string;
  /** The command as the task sees it (after lookup). */
  command: string;
  /** Final environment (plan env plus template env). */
  env: Record<string, string>;
  /** Binds besides chroot_env (e.g. staged secrets). */
  binds: { hostPath: string; taskPath: string; readOnly: boolean }[];
  logs: TaskLogs;
  /** A folder only the runner writes, for the environment as an unnamed file; a pipe without it. */
  envDir?: Dir;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** The launcher's own lines (warnings, setup failures), kept out of the task's output and logs. */
  onLauncherMessage(message: string): void;
}

const LAUNCHER_PREFIX = Buffer.from('nomad-exec-launcher: ');

/** Splits the launcher's own complete lines off the start of a stderr chunk. */
export function splitLauncherLines(chunk: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let rest = chunk;
  while (rest.subarray(0, LAUNCHER_PREFIX.length).equals(LAUNCHER_PREFIX)) {
    const nl = rest.indexOf(10);
    if (nl < 0) break;
    messages.push(rest.subarray(0, nl).toString('utf8'));
    rest = rest.subarray(nl + 1);
  }
  return { messages, rest };
}

/** A chunk of the task's output: into its rotating log first, then to the caller (exec and raw_exec alike). */
export function keepOutput(sinks: Pick<SuperviseOptions, 'logs' | 'onOutput'>, stream: 'stdout' | 'stderr', chunk: Buffer): void {
  sinks.logs[stream].write(chunk);
  sinks.onOutput(stream, chunk);
}

/** Descriptors of the launcher: 3 stop, 4 info, 5 environment. */
const STOP_FD = 3;
const INFO_FD = 4;
const ENV_FD = 5;

function execArgv(task: TaskPlan, options: SuperviseOptions): string[] {
  return launcherArgv({
    taskDir: task.taskDir,
    allocDir: task.dirs.alloc,
    chrootEnv: Object.fromEntries(task.chrootBinds.map((b) => [b.host, b.task])),
    binds: options.binds,
    pidMode: task.pidMode,
    ipcMode: task.ipcMode,
    capabilities: task.capabilities,
    user: task.user,
    workDir: task.workDir,
    env: options.env,
    killSignal: task.killSignal,
    killTimeoutMs: Math.round(task.killTimeoutMs),
    memoryMb: task.resources.memoryMB,
    memoryMaxMb: task.resources.memoryMaxMB || undefined,
    cpuMhz: task.resources.cpu,
    cores: task.resources.cores,
    noPivotRoot: task.noPivotRoot,
    command: options.command,
    args: task.args,
    stopFd: STOP_FD,
    infoFd: INFO_FD,
    envFd: ENV_FD,
  });
}

/**
 * raw_exec, as the raw_exec driver runs it (as you, in the task dir, with the task env), but under the launcher's
 * --raw mode rather than as our own child: the task leads its own session, a stop reaches its whole process group,
 * whatever it leaves behind is killed as it ends, and it dies with this process even on a SIGKILL (Node cannot
 * set a parent-death signal; the launcher sees its stop fd close and ends the group).
 */
function rawArgv(task: TaskPlan, options: SuperviseOptions): string[] {
  return rawLauncherArgv({
    workDir: task.taskDir,
    env: options.env,
    envFd: ENV_FD,
    killSignal: task.killSignal,
    killTimeoutMs: Math.round(task.killTimeoutMs),
    command: options.command,
    args: task.args,
    stopFd: STOP_FD,
    infoFd: INFO_FD,
  });
}

/**
 * The environment as an unnamed file in `dir`, or undefined for the pipe: the file only spares the launcher a
 * wait, so a folder where it cannot be made (no space left, no permission) is no reason to fail the task.
 */
function unnamedEnvFile(dir: Dir | undefined, records: Buffer): number | undefined {
  try {
    return dir?.unnamedFile(records);
  } catch {
    return undefined;
  }
}

export class SupervisedTask {
  private readonly child: ChildProcess;
  private readonly started = Date.now();
  private stopRequested = false;
  private stoppedAt = 0;
  /** Set when the launcher outlived the kill timeout by far and was itself SIGKILLed. */
  private launcherKilledAt = 0;
  private escalation: NodeJS.Timeout | undefined;
  readonly exited: Promise<SupervisedExit>;

  constructor(
    private readonly task: TaskPlan,
    options: SuperviseOptions,
  ) {
    const argv = task.driver === 'raw_exec' ? rawArgv(task, options) : execArgv(task, options);
    mark('supervise: argv built');
    // The environment (template secrets included) never goes in argv: the launcher reads it to end of file
    // from a descriptor before anything else. An unnamed file written now lets the launcher go on at once;
    // a pipe would hold it until this process's event loop came round to writing it.
    const records = launcherEnvRecords(options.env);
    const envFile = unnamedEnvFile(options.envDir, records);
    try {
      this.child = spawn(options.launcherPath, argv, {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', envFile ?? 'pipe'],
        detached: true,
        env: {},
      });
    } finally {
      if (envFile !== undefined) fs.closeSync(envFile);
    }
    if (envFile === undefined) {
      const envPipe = (this.child.stdio as unknown as (Writable | null)[])[ENV_FD];
      envPipe?.on('error', () => undefined); // a launcher that failed early closed its end: its exit says why
      envPipe?.end(records);
    }
    const stdout = this.child.stdout!;
    const stderr = this.child.stderr!;
    const info = this.child.stdio[INFO_FD] as Readable;
    let launcherLines: string[] = [];
    stdout.on('data', (chunk: Buffer) => keepOutput(options, 'stdout', chunk));
    stderr.on('data', (data: Buffer) => {
      // The launcher writes each of its lines in one write (atomic on a pipe), so they start a chunk.
      const split = splitLauncherLines(data);
      launcherLines = [...launcherLines, ...split.messages].slice(-20);
      split.messages.forEach((m) => options.onLauncherMessage(m));
      const chunk = split.rest;
      if (chunk.length > 0) keepOutput(options, 'stderr', chunk);
    });
    let infoText = '';
    info.on('data', (chunk: Buffer) => (infoText += chunk.toString('utf8')));
    // A task's leftover process may hold stdout open, so 'close' waits for it: on the launcher's exit,
    // once its info stream has ended, end the task's cgroup if the launcher could not report the end.
    const infoEnded = new Promise<void>((resolve) => info.on('close', () => resolve()));
    this.child.on('exit', () => {
      void infoEnded.then(() => {
        let infos: LauncherInfo[] = [];
        try {
          infos = parseLauncherInfo(infoText);
        } catch {
          return;
        }
        const held = infos.find((i): i is Extract<LauncherInfo, { cgroup: string }> => 'cgroup' in i);
        if (held && !infos.some((i) => 'exit-code' in i || 'setup-failed' in i)) endCgroup(held.cgroup);
      });
    });
    // The stop fd must not keep our event loop alive nor error out when the launcher is gone.
    const stopPipe = this.child.stdio[STOP_FD] as Writable;
    stopPipe.on('error', () => undefined);

    this.exited = new Promise<SupervisedExit>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
        if (this.escalation) clearTimeout(this.escalation);
        options.logs.close();
        const durationMs = Date.now() - this.started;
        if (spawnError) {
          resolve({ exitCode: 1, oomKilled: false, durationMs, setupFailure: `cannot start the launcher ${options.launcherPath}: ${spawnError.message}` });
          return;
        }
        let infos: LauncherInfo[] = [];
        try {
          infos = parseLauncherInfo(infoText.endsWith('\n') ? infoText : infoText + '\n');
        } catch {
          infos = [];
        }
        const exit = infos.find((i): i is Extract<LauncherInfo, { 'exit-code': number }> => 'exit-code' in i);
        const setup = infos.find((i): i is Extract<LauncherInfo, { 'setup-failed': number }> => 'setup-failed' in i);
        // The launcher's own status is the task's (128+N for a signal); if the launcher was killed, 128+its signal.
        const exitCode = exitStatus(code, signal);
        // The launcher says when a signal ended the task; a plain `exit 130` is not a signal.
        const signalNumber = exit ? exit.signal : exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : undefined;
        const result: SupervisedExit = { exitCode, oomKilled: exit?.['oom-killed'] ?? false, durationMs };
        if (signalNumber) result.signal = signalName(signalNumber);
        const stop = this.stopReport(infos);
        if (stop) result.stop = stop;
        // Without an `exec` line the command never ran: a code in the launcher's own range is its failure.
        const started = infos.some((i) => 'exec' in i);
        if (setup || (!started && exitCode >= 118 && exitCode <= 127)) {
          const text = launcherLines.filter((l) => !l.includes('warning:')).pop();
          result.setupFailure = text ?? `the launcher failed to set up the task (exit ${setup?.['setup-failed'] ?? exitCode})`;
        }
        resolve(result);
      };
      this.child.on('error', (error) => finish(null, null, error));
      this.child.on('close', (code, signal) => finish(code, signal));
    });
  }

  /** Asks the launcher to stop the task; SIGKILLs the launcher itself if it has not ended well after the timeout. */
  stop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.stoppedAt = Date.now();
    const stopPipe = this.child.stdio[STOP_FD] as Writable;
    if (!stopPipe.destroyed) stopPipe.end(Buffer.from('s'));
    this.escalation = setTimeout(() => {
      if (this.child.exitCode === null && this.child.pid) {
        try {
          process.kill(this.child.pid, 'SIGKILL');
          this.launcherKilledAt = Date.now();
        } catch {
          // already gone
        }
      }
    }, this.task.killTimeoutMs + 3000);
    this.escalation.unref();
  }

  /** What the stop took, from the launcher's own account (the task got no stop if it never said so). */
  private stopReport(infos: LauncherInfo[]): StopReport | undefined {
    if (!this.stopRequested) return undefined;
    const began = infos.find((i): i is Extract<LauncherInfo, { 'stop-signal': number }> => 'stop-signal' in i);
    const escalated = infos.find((i): i is Extract<LauncherInfo, { 'escalated-after-ms': number }> => 'escalated-after-ms' in i);
    if (!began && !this.launcherKilledAt) return undefined;
    const report: StopReport = {
      signal: began ? signalName(began['stop-signal']) : 'SIGKILL',
      killTimeoutMs: this.task.killTimeoutMs,
      endedAfterMs: Date.now() - this.stoppedAt,
    };
    if (escalated) report.escalatedAfterMs = escalated['escalated-after-ms'];
    else if (this.launcherKilledAt) report.escalatedAfterMs = this.launcherKilledAt - this.stoppedAt;
    return report;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }
}

/**
 * The launcher and its supervisor died without reporting the task's end (both killed at once; rootless in
 * host pid mode the task itself can do that): every process still in the task's cgroup is killed here.
 * Its directory is removed once empty (else the next launcher removes those of launchers that are gone).
 */
export function endCgroup(dir: string): void {
  if (!/^\/sys\/fs\/cgroup\/[^\0]*\/nomad-exec-\d+$/.test(dir) || dir.includes('/../')) return;
  try {
    fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1');
  } catch {
    return; // already removed by the launcher, or a kernel before cgroup.kill (5.14)
  }
  // the killed processes take a moment to go; then the directory can be removed
  let tries = 0;
  const remove = (): void => {
    try {
      fs.rmdirSync(dir);
    } catch {
      if (++tries < 100) setTimeout(remove, 20).unref();
    }
  };
  remove();
}

