// The public API for running a job's exec task(s) locally. Used by `nomad-exec run` (cli/run.ts) and by the
// VS Code extension's "Run Task Locally". Two steps:
//
//   const plan = await planRun({ file: '/path/job.nomad.hcl', task: 'web' });
//   if (isPlanError(plan)) { show(plan.message); plan.choices?.forEach(...); return; }
//   const run = startRun(plan, {
//     output: (task, stream, chunk) => terminal.write(chunk),   // Buffers, as they come
//     notice: (n) => terminal.writeLine(`[${n.task ?? 'run'}] ${n.message}`),
//   });
//   ... user presses stop ...  await run.stop();
//   const result = await run.exited;   // always resolves, never rejects
//
// planRun computes and writes nothing (except probing free ports). startRun creates the alloc dir, fetches
// artifacts, renders templates, resolves the command, starts the native launcher per task and writes
// <alloc dir>/.nomad-exec/logs/* (the task's /alloc/logs) while streaming. Everything in the plan is plain JSON data (see types.ts).
import type { NomadExecSettings } from '../../server/src/settings';
import type { LaunchPlan } from './types';
import { sharedParser } from '../../server/src/parser/parser';
import { computePlan } from './plan';
import { runPlan } from './runGroup';

export type { LaunchPlan, TaskPlan, PortPlan, ArtifactPlan, TemplatePlan, CommandLookup } from './types';
import type { SourceRange } from './types';
import type { VarFileRef } from './variables';
export type { VarFileRef } from './variables';

/** What to run. Only `file` is required. */
export interface RunRequest {
  /** Absolute path of the job file; relative paths in it (`file()`, template `source`, local artifacts) start at its folder. */
  file: string;
  /** The job file's text when it differs from the disk (an unsaved editor buffer); read from `file` otherwise. */
  text?: string;
  /** Group to run. Without `task`, all exec tasks of the group run together (lifecycle honoured). */
  group?: string;
  /** Task to run. Needs no `group` when the task name is unique in the file. */
  task?: string;
  /** `--var name=value` pairs in the order given (later wins). Values are parsed as the variable's type. */
  vars?: { name: string; value: string }[];
  /**
   * Var files (HCL `name = value`, or JSON), in order; applied before `vars`. A path is the user's own
   * (`--var-file`); `{ path, within }` one a workspace names, read only inside that folder (VarFileRef).
   */
  varFiles?: VarFileRef[];
  /** Use exactly this alloc dir (created if missing). Default: `<state dir>/allocs/<alloc id>`. */
  allocDir?: string;
  /**
   * Set when a workspace named where the alloc dir goes: a task definition's `allocDir`, or, without
   * `allocDir`, a `workspace` its settings name (`nomadExec.allocDir`). The folder that must hold it, links
   * resolved (allocDirOutside). Unset for the user's own `--alloc-dir` and settings.
   */
  allocDirWithin?: string;
  /** Folder holding `.nomad-exec/`. Default: the job file's folder. */
  workspace?: string;
  /**
   * The runner's state folder, holding `allocs/`. Default: `<workspace>/.nomad-exec` (which gets a
   * `.gitignore` of `*`). The extension passes its own storage folder so that nothing lands in the workspace.
   */
  stateDir?: string;
  /** How many alloc dirs to keep under `<state dir>/allocs` (oldest removed first). Default 5. */
  keepAllocs?: number;
  /** Client agent settings (allow_caps, chroot_env, pid/ipc defaults, agent config file). */
  settings?: NomadExecSettings;
  /** The agent's environment: source of NOMAD_VAR_*, PATH and the host env. Default: `process.env`. */
  hostEnv?: Record<string, string | undefined>;
}

export type { SourceRange } from './types';

/** Why there is no plan. `choices` lists the runnable tasks when the request did not pick one. */
export interface PlanError {
  kind: 'plan-error';
  message: string;
  /** Where in the job file the problem is, when it is about one place. */
  at?: { file: string; range: SourceRange };
  /** The editor diagnostic that reports the same problem (its code), when there is one: its quick fixes apply. */
  code?: string;
  /** A fix in a few words (e.g. `did you mean "net_raw"?`), when there is an obvious one. */
  hint?: string;
  /** e.g. `["web (group api)", "worker (group api)"]`, and the group names for group runs. */
  choices?: { group: string; task?: string; label: string }[];
}

export function isPlanError(value: LaunchPlan | PlanError): value is PlanError {
  return (value as PlanError).kind === 'plan-error';
}

/** A message about the run that is not task output (skipped task, artifact fetched, stop requested...). */
export interface RunNotice {
  /** The task it is about; absent for the run as a whole. */
  task?: string;
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** Callbacks; every one is optional. They are called synchronously as things happen. */
export interface RunSinks {
  /** Task output exactly as the task wrote it (not split into lines, not decoded). */
  output?(task: string, stream: 'stdout' | 'stderr', chunk: Buffer): void;
  notice?(notice: RunNotice): void;
  /** A task changed state: `preparing` (artifacts, templates), `running`, then `exited`. */
  taskState?(task: string, state: 'preparing' | 'running' | 'exited', result?: TaskResult): void;
}

export interface TaskResult {
  task: string;
  /** The task's exit code; 128+N when killed by signal N; 1 when it never started (then `failure` says why). */
  exitCode: number;
  /** Name of the signal that ended it (e.g. `SIGKILL`), if any. */
  signal?: string;
  durationMs: number;
  /** Host paths of every log file written for this task (`<alloc dir>/.nomad-exec/logs/<task>.stdout.N` ...). */
  logFiles: string[];
  /** True when the launcher reported an out-of-memory kill. */
  oomKilled: boolean;
  /** Set when the task could not be started: which step failed and why. */
  failure?: { step: 'alloc-dir' | 'artifact' | 'template' | 'lookup' | 'launch'; message: string; at?: SourceRange };
  /** Set when the run stopped this task (signals sent to it); absent when it ended on its own. */
  stop?: StopReport;
}

/** What stopping a task took, as it happened. */
export interface StopReport {
  /** The signal the stop began with: the task's kill_signal, or SIGKILL when its kill_timeout is 0. */
  signal: string;
  /** The task's kill_timeout (after the client's cap). */
  killTimeoutMs: number;
  /** Set when the task outlived its kill timeout: how long after the first signal SIGKILL was sent. */
  escalatedAfterMs?: number;
  /** From the first signal to the task's end. */
  endedAfterMs: number;
}

export interface RunResult {
  /** The exit code of the run: the main task's (the first failing one in a group run). */
  exitCode: number;
  signal?: string;
  durationMs: number;
  /** All log files of all tasks. */
  logFiles: string[];
  oomKilled: boolean;
  /** Set when the run failed before or around its tasks; the message names the step. */
  failure?: { task?: string; step: string; message: string };
  /** One entry per task that was part of the run, in the order they ended. */
  tasks: TaskResult[];
  /** True when `stop()` was called. */
  stopped: boolean;
}

export interface RunHandle {
  readonly plan: LaunchPlan;
  /**
   * Stop every task the way a Nomad client does: its kill signal, then SIGKILL after its kill timeout.
   * Resolves when all tasks have exited. Calling it again is harmless.
   */
  stop(): Promise<void>;
  /** Resolves when the run is over (tasks exited, logs flushed). Never rejects. */
  readonly exited: Promise<RunResult>;
}

/**
 * Loads the parser (web-tree-sitter and the HCL grammar) the planner reads job files with, so that the first
 * planRun does not pay for it. A host that runs tasks on a click (the extension) calls it when idle.
 */
export async function warmUpPlanner(): Promise<void> {
  await sharedParser();
}

/** Compute the launch plan. Resolves to a PlanError (never rejects) for anything the user must fix. */
export function planRun(request: RunRequest): Promise<LaunchPlan | PlanError> {
  return computePlan(request);
}

/** Carry out a plan. Returns at once; progress arrives through `sinks`, the end through `exited`. */
export function startRun(plan: LaunchPlan, sinks: RunSinks = {}, options: StartOptions = {}): RunHandle {
  return runPlan(plan, sinks, options);
}

export interface StartOptions {
  /** Path of the native launcher binary. Default: the one built by `npm run build` (launcher/build/). */
  launcherPath?: string;
}
