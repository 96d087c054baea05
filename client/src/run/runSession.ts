// One local run: its terminal, the handle of the running tasks, and its outcome.
import * as vscode from 'vscode';
import { startRun, type LaunchPlan, type RunHandle, type RunResult, type TaskResult } from '../../../launcher/src/api';
import { dim, red, yellow } from './ansi';
import { formatDuration, header, summary } from './format';
import { OutputWriter } from './outputWriter';
import { RunTerminal } from './runTerminal';
import type { RunTarget } from './target';

export type RunState = 'preparing' | 'running' | 'exited';

export class RunSession {
  state: RunState = 'preparing';
  plan?: LaunchPlan;
  result?: RunResult;
  /** Set when the run never got to start its tasks (planning failed or was cancelled). */
  error?: string;
  private handle?: RunHandle;
  private stopping = false;
  private readonly endEmitter = new vscode.EventEmitter<RunSession>();
  readonly onDidEnd = this.endEmitter.event;
  /** Each task's state as the runner reports it (the Runs view shows a group's tasks). */
  readonly taskStates = new Map<string, { state: 'preparing' | 'running' | 'exited'; result?: TaskResult }>();
  private readonly taskEmitter = new vscode.EventEmitter<string>();
  readonly onDidChangeTask = this.taskEmitter.event;
  readonly ended: Promise<RunSession>;

  constructor(
    readonly id: number,
    public label: string,
    public target: RunTarget,
    readonly terminal: RunTerminal,
    private readonly launcherPath: string,
    /** tasks.json runs hand their exit code to VS Code by closing; terminal runs stay open until a key. */
    private readonly endOnExit = false,
  ) {
    this.ended = new Promise((resolve) => this.onDidEnd(resolve));
  }

  /** Starts the tasks of a plan; output goes to the terminal as it comes. */
  start(plan: LaunchPlan): void {
    this.plan = plan;
    this.state = 'running';
    for (const line of header(plan, this.label)) this.terminal.writeLine(line);
    const writer = new OutputWriter((text) => this.terminal.write(text), plan.tasks.length > 1);
    this.handle = startRun(
      plan,
      {
        output: (task, stream, chunk) => writer.chunk(task, stream, chunk),
        taskState: (task, state, result) => {
          this.taskStates.set(task, { state, result });
          this.taskEmitter.fire(task);
        },
        notice: (notice) => {
          const text = `${notice.task ? `[${notice.task}] ` : ''}${notice.message}`;
          this.terminal.writeLine(notice.level === 'error' ? red(text) : notice.level === 'warning' ? yellow(text) : dim(text));
        },
      },
      { launcherPath: this.launcherPath },
    );
    void this.handle.exited.then((result) => {
      writer.finish();
      this.finish(result);
    });
  }

  /** The run could not start: say why in the terminal and end. */
  fail(message: string): void {
    this.error = message;
    this.terminal.writeLine(red(message));
    this.state = 'exited';
    this.release(1);
    this.endEmitter.fire(this);
  }

  /** Kill signal first, SIGKILL after the kill timeout (the runner does both). */
  async stop(): Promise<void> {
    if (!this.handle || this.state !== 'running') return;
    if (!this.stopping) {
      this.stopping = true;
      const task = this.plan?.tasks[0];
      if (!this.terminal.isClosed && task) {
        this.terminal.writeLine(
          yellow(`Stopping: ${task.killSignal}, then SIGKILL after ${formatDuration(task.killTimeoutMs)} if still running`),
        );
      }
    }
    await this.handle.stop();
  }

  private finish(result: RunResult): void {
    this.result = result;
    this.state = 'exited';
    if (!this.terminal.isClosed) {
      for (const line of summary(result)) this.terminal.writeLine(line);
      this.release(result.exitCode);
    }
    this.endEmitter.fire(this);
  }

  private release(exitCode: number): void {
    if (this.endOnExit) {
      this.terminal.end(exitCode);
    } else {
      this.terminal.writeLine(dim('Press any key to close this terminal.'));
      this.terminal.waitForKeyToClose();
    }
  }
}
