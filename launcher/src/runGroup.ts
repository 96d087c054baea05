// Carrying out a launch plan: the alloc dir, then the tasks in lifecycle order as a Nomad client does:
// prestart tasks run to completion (prestart sidecars keep running), main tasks start together, poststart
// tasks start once the main tasks run, and when the main tasks have ended the sidecars are stopped and the
// poststop tasks run. A single-task plan is the same with one main task.
import { createAllocDir, pruneAllocDirs } from './allocDir';
import type { RunHandle, RunNotice, RunResult, RunSinks, StartOptions, TaskResult } from './api';
import { launcherBinary } from './launcherArgs';
import { TaskLogs } from './logs';
import { prepareTask, PrepareError, type PreparedTask } from './prepare';
import type { Dir } from './safeFs';
import { SupervisedTask } from './supervise';
import { mark } from './timing';
import type { LaunchPlan, TaskPlan } from './types';

export function runPlan(plan: LaunchPlan, sinks: RunSinks, options: StartOptions): RunHandle {
  const run = new GroupRun(plan, sinks, options);
  return { plan, stop: () => run.stop(), exited: run.exited };
}

class GroupRun {
  readonly exited: Promise<RunResult>;
  private readonly running = new Map<string, SupervisedTask>();
  private readonly results: TaskResult[] = [];
  private stopped = false;
  /** Set when a leader ended or a main task failed: tasks not yet started (except poststop) are not started. */
  private windingDown = false;
  private readonly started = Date.now();
  /** Tasks that never started because the run was stopping; they do not decide the exit code. */
  private readonly notStarted = new Set<string>();
  /** Aborts artifact downloads in progress when the run is stopped. */
  private readonly aborter = new AbortController();

  constructor(
    private readonly plan: LaunchPlan,
    private readonly sinks: RunSinks,
    private readonly options: StartOptions,
  ) {
    this.exited = this.run()
      .catch((error: Error) => this.result({ step: 'run', message: error.stack ?? String(error) }))
      .then(async (result) => {
        this.logsDir?.close();
        this.alloc?.close();
        // Old alloc dirs go after the run, not before it: deleting trees would delay the task's start. The
        // removal goes in short slices, so that a run started meanwhile is not held up by a large tree.
        if (plan.allocRoot) await pruneAllocDirs(plan.allocRoot, plan.keepAllocs, plan.allocDir, plan.allocWithin).catch(() => []);
        return result;
      });
  }

  async stop(): Promise<void> {
    // No notice here: the caller says that the stop began (once, in its own words), and each task's
    // result says what the stop took.
    if (!this.stopped) {
      this.stopped = true;
      this.aborter.abort();
    }
    for (const task of this.running.values()) task.stop();
    await this.exited;
  }

  private notice(n: RunNotice): void {
    this.sinks.notice?.(n);
  }

  private async run(): Promise<RunResult> {
    const plan = this.plan;
    try {
      this.launcherPath = this.options.launcherPath ?? launcherBinary();
    } catch (error) {
      return this.result({ step: 'launch', message: (error as Error).message });
    }
    mark('start: launcher path');
    try {
      ({ alloc: this.alloc, logs: this.logsDir } = createAllocDir(plan));
    } catch (error) {
      return this.result({ step: 'alloc-dir', message: (error as Error).message });
    }
    mark('start: alloc dir created');
    for (const message of plan.notices) this.notice({ level: 'warning', message });

    const byHook = (hook: string, sidecar: boolean): TaskPlan[] => plan.tasks.filter((t) => t.lifecycle.hook === hook && t.lifecycle.sidecar === sidecar);
    const sidecars: Promise<TaskResult>[] = [];

    // Prestart: ephemeral ones to completion, sidecars left running.
    for (const task of byHook('prestart', true)) sidecars.push(this.runTask(task));
    const prestart = await Promise.all(byHook('prestart', false).map((t) => this.runTask(t)));
    const prestartFailed = prestart.find((r) => r.exitCode !== 0 || r.failure);
    if (prestartFailed) this.notice({ level: 'error', task: prestartFailed.task, message: 'prestart task failed; the main tasks do not start' });

    let mainResults: TaskResult[] = [];
    const poststart: Promise<TaskResult>[] = [];
    if (!prestartFailed && !this.stopped) {
      const main = byHook('main', false).concat(byHook('main', true)).map((t) => this.runTask(t));
      // A main task that fails takes the others down, as a failed allocation would; so does the end of a leader.
      main.forEach((p) =>
        p.then((r) => {
          const leader = plan.tasks.find((t) => t.name === r.task)?.leader === true;
          if (r.exitCode !== 0 || r.failure || leader) {
            this.windingDown = true;
            for (const t of plan.tasks) if (t.lifecycle.hook !== 'poststop') this.running.get(t.name)?.stop();
          }
        }),
      );
      if (!this.stopped) {
        for (const task of byHook('poststart', false)) poststart.push(this.runTask(task));
        for (const task of byHook('poststart', true)) sidecars.push(this.runTask(task));
      }
      mainResults = await Promise.all(main);
    }
    // Main tasks are over: sidecars have nothing left to serve.
    for (const task of [...byHook('prestart', true), ...byHook('poststart', true)]) this.running.get(task.name)?.stop();
    await Promise.all([...sidecars, ...poststart]);
    await Promise.all(byHook('poststop', false).concat(byHook('poststop', true)).map((t) => this.runTask(t)));

    const failing = prestartFailed ?? mainResults.find((r) => (r.exitCode !== 0 || r.failure) && !this.notStarted.has(r.task));
    const deciding = failing ?? mainResults.find((r) => !this.notStarted.has(r.task)) ?? this.results[0];
    const result = this.result(failing?.failure ? { task: failing.task, step: failing.failure.step, message: failing.failure.message } : undefined);
    if (deciding) {
      result.exitCode = deciding.exitCode;
      if (deciding.signal) result.signal = deciding.signal;
    }
    // The exit code says whether every task that ran succeeded: a failed poststart or poststop task counts
    // too. Sidecars are left out: they end because the run stopped them.
    const otherFailure = this.results.find((r) => (r.exitCode !== 0 || r.failure) && !this.notStarted.has(r.task) && plan.tasks.some((t) => t.name === r.task && !t.lifecycle.sidecar));
    if (result.exitCode === 0 && otherFailure) result.exitCode = otherFailure.exitCode || 1;
    return result;
  }

  private launcherPath = '';
  /** The alloc dir and the runner's log folder, held open for the whole run (see safeFs.ts). */
  private alloc: Dir | undefined;
  private logsDir: Dir | undefined;

  private async runTask(task: TaskPlan): Promise<TaskResult> {
    const started = Date.now();
    const logs = new TaskLogs(this.logsDir!, task.name, task.logs);
    const base = { task: task.name, durationMs: 0, logFiles: [] as string[], oomKilled: false };
    if (this.halted(task)) return this.skip(task, logs);
    this.sinks.taskState?.(task.name, 'preparing');
    let prepared;
    try {
      prepared = await prepareTask(task, this.alloc!, (message) => this.notice({ level: 'info', task: task.name, message }), this.aborter.signal);
    } catch (error) {
      logs.close();
      const step = error instanceof PrepareError ? error.step : 'launch';
      this.notice({ level: 'error', task: task.name, message: (error as Error).message });
      const failure: NonNullable<TaskResult['failure']> = { step, message: (error as Error).message };
      if (error instanceof PrepareError && error.at) failure.at = error.at;
      return this.record({ ...base, exitCode: 1, durationMs: Date.now() - started, logFiles: logs.files(), failure });
    }
    mark('start: task prepared');
    if (this.halted(task)) return this.skip(task, logs);
    const onOutput = (stream: 'stdout' | 'stderr', chunk: Buffer): void => this.sinks.output?.(task.name, stream, chunk);
    const supervised = this.supervise(task, prepared, logs, onOutput);
    mark('start: launcher spawned');
    this.running.set(task.name, supervised);
    this.sinks.taskState?.(task.name, 'running');
    const exit = await supervised.exited;
    this.running.delete(task.name);
    const result: TaskResult = { task: task.name, exitCode: exit.exitCode, durationMs: exit.durationMs, logFiles: logs.files(), oomKilled: exit.oomKilled };
    if (exit.signal) result.signal = exit.signal;
    if (exit.stop) result.stop = exit.stop;
    if (exit.setupFailure) {
      result.failure = { step: 'launch', message: exit.setupFailure };
      this.notice({ level: 'error', task: task.name, message: exit.setupFailure });
    }
    if (exit.oomKilled) this.notice({ level: 'error', task: task.name, message: 'killed for using more memory than its limit' });
    return this.record(result);
  }

  /** exec under the launcher's isolation, raw_exec under its --raw mode (supervision only). */
  private supervise(task: TaskPlan, prepared: PreparedTask, logs: TaskLogs, onOutput: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): SupervisedTask {
    return new SupervisedTask(task, {
      launcherPath: this.launcherPath,
      command: prepared.command,
      env: prepared.env,
      binds: prepared.binds,
      logs,
      envDir: this.logsDir,
      onOutput,
      onLauncherMessage: (message) => {
        // Setup failures are reported with the result; warnings (e.g. limits not enforced) as notices.
        if (message.includes('warning:')) this.notice({ level: 'warning', task: task.name, message: message.replace(/^nomad-exec-launcher: (warning: )?/, '') });
      },
    });
  }

  private skip(task: TaskPlan, logs: TaskLogs): TaskResult {
    logs.close();
    this.notStarted.add(task.name);
    const message = this.stopped ? 'not started: the run was stopped' : 'not started: the group is stopping';
    return this.record({ task: task.name, exitCode: 1, durationMs: 0, logFiles: logs.files(), oomKilled: false, failure: { step: 'launch', message } });
  }

  private halted(task: TaskPlan): boolean {
    return (this.stopped || this.windingDown) && task.lifecycle.hook !== 'poststop';
  }

  private record(result: TaskResult): TaskResult {
    this.results.push(result);
    this.sinks.taskState?.(result.task, 'exited', result);
    return result;
  }

  private result(failure?: RunResult['failure']): RunResult {
    const logFiles = this.results.flatMap((r) => r.logFiles);
    const result: RunResult = {
      exitCode: failure ? 1 : (this.results[0]?.exitCode ?? 0),
      durationMs: Date.now() - this.started,
      logFiles,
      oomKilled: this.results.some((r) => r.oomKilled),
      tasks: this.results,
      stopped: this.stopped,
    };
    if (failure) result.failure = failure;
    return result;
  }
}
