// Running a raw_exec task: a plain process, no isolation, as the raw_exec driver does (as the developer, in
// the task dir, with the task env). Only the permission in the plan (nomadExec.allowRawExec, --allow-raw-exec)
// lets one start. Its output goes to the same sinks and rotating logs as an exec task's. It leads its own
// process group: a stop sends the kill signal to the whole group, then SIGKILL after the kill timeout, and
// when the task ends whatever it left in its group is killed, so nothing it started outlives it.
import { spawn, type ChildProcess } from 'child_process';
import * as os from 'os';
import type { TaskLogs } from './logs';
import { exitStatus, nodeSignal, signalName } from './signals';
import { keepOutput, type SupervisedExit } from './supervise';
import type { StopReport } from './api';
import type { TaskPlan } from './types';

export interface RawExecOptions {
  /** The command's host path (after lookup). */
  command: string;
  env: Record<string, string>;
  logs: TaskLogs;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
}

export class RawExecTask {
  private readonly child: ChildProcess;
  private readonly started = Date.now();
  private stopRequested = false;
  private ended = false;
  private escalation: NodeJS.Timeout | undefined;
  /** Set by stop(): what was sent and when. */
  private stopping: { signal: NodeJS.Signals; at: number; escalatedAt?: number } | undefined;
  readonly exited: Promise<SupervisedExit>;

  constructor(
    private readonly task: TaskPlan,
    options: RawExecOptions,
  ) {
    // The env goes to execve, never argv; detached makes the task a process group (and session) leader.
    this.child = spawn(options.command, task.args, { cwd: task.taskDir, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child.stdout!.on('data', (chunk: Buffer) => keepOutput(options, 'stdout', chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => keepOutput(options, 'stderr', chunk));
    // A leftover process holding stdout open would delay 'close': its group is killed as the task ends.
    this.child.on('exit', () => {
      this.ended = true;
      this.killGroup('SIGKILL');
    });
    this.exited = new Promise<SupervisedExit>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
        if (this.escalation) clearTimeout(this.escalation);
        options.logs.close();
        const durationMs = Date.now() - this.started;
        if (spawnError) {
          resolve({ exitCode: 1, oomKilled: false, durationMs, setupFailure: `cannot start ${options.command}: ${spawnError.message}` });
          return;
        }
        const result: SupervisedExit = { exitCode: exitStatus(code, signal), oomKilled: false, durationMs };
        if (signal) result.signal = signalName(os.constants.signals[signal]);
        if (this.stopping) {
          const stop: StopReport = { signal: this.stopping.signal, killTimeoutMs: this.task.killTimeoutMs, endedAfterMs: Date.now() - this.stopping.at };
          if (this.stopping.escalatedAt !== undefined) stop.escalatedAfterMs = this.stopping.escalatedAt - this.stopping.at;
          result.stop = stop;
        }
        resolve(result);
      };
      this.child.on('error', (error) => finish(null, null, error));
      this.child.on('close', (code, signal) => finish(code, signal));
    });
  }

  /** The kill signal to the task's process group, then SIGKILL to the group after the kill timeout. */
  stop(): void {
    if (this.stopRequested || this.ended) return;
    this.stopRequested = true;
    // the plan refused a kill_signal this machine does not know; a kill_timeout of 0 means SIGKILL at once
    const signal = this.task.killTimeoutMs === 0 ? 'SIGKILL' : (nodeSignal(this.task.killSignal) ?? 'SIGKILL');
    const stopping: { signal: NodeJS.Signals; at: number; escalatedAt?: number } = { signal, at: Date.now() };
    this.stopping = stopping;
    this.killGroup(signal);
    if (signal === 'SIGKILL') return;
    this.escalation = setTimeout(() => {
      if (this.ended) return;
      stopping.escalatedAt = Date.now();
      this.killGroup('SIGKILL');
    }, this.task.killTimeoutMs);
    this.escalation.unref();
  }

  private killGroup(signal: NodeJS.Signals): void {
    if (!this.child.pid) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already gone
    }
  }
}
