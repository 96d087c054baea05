// The runs of this window, as the Runs view shows them, and the history kept in the workspace state so that
// they are still listed after a window reload (as records: the processes ended with the old window).
import type * as vscode from 'vscode';
import type { LifecycleHook } from '../../../launcher/src/types';
import type { RunSession } from './runSession';
import type { RunTarget } from './target';

export type RunRecordState = 'starting' | 'running' | 'exited' | 'stopped' | 'failed';
export type TaskRecordState = 'pending' | 'preparing' | 'running' | 'exited' | 'failed' | 'not started';

export interface TaskRecord {
  name: string;
  hook: LifecycleHook;
  sidecar: boolean;
  state: TaskRecordState;
  exitCode?: number;
  signal?: string;
  /** Why the task did not start. */
  failure?: string;
}

/** One run: plain data, stored as it is in the workspace state. */
export interface RunRecord {
  /** Unique across window reloads (session ids start again at 1 in every window). */
  key: string;
  label: string;
  target: RunTarget;
  /** A group run: its tasks are listed under it. */
  groupRun: boolean;
  state: RunRecordState;
  exitCode?: number;
  signal?: string;
  /** Why it failed to start, or how a stored run ended. */
  message?: string;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt?: number;
  allocDir?: string;
  tasks: TaskRecord[];
}

/** A run of this window (with its session) or one stored by an earlier window. */
export interface RunEntry {
  readonly key: string;
  readonly session?: RunSession;
  record(): RunRecord;
}

const STORAGE_KEY = 'nomadExec.runs.history';
const STORAGE_VERSION = 1;

/** The record of a live session, as it is now. */
export function recordOf(session: RunSession, key: string, startedAt: number, endedAt: number | undefined): RunRecord {
  const plan = session.plan;
  const result = session.result;
  const tasks: TaskRecord[] = (plan?.tasks ?? []).map((task) => {
    const reported = session.taskStates.get(task.name);
    const taskResult = reported?.result ?? result?.tasks.find((t) => t.task === task.name);
    let state: TaskRecordState = reported?.state ?? (session.state === 'exited' ? 'not started' : 'pending');
    if (taskResult) state = taskResult.failure ? 'failed' : 'exited';
    return {
      name: task.name,
      hook: task.lifecycle.hook,
      sidecar: task.lifecycle.sidecar,
      state,
      exitCode: taskResult && !taskResult.failure ? taskResult.exitCode : undefined,
      signal: taskResult?.signal,
      failure: taskResult?.failure ? `${taskResult.failure.step}: ${taskResult.failure.message}` : undefined,
    };
  });
  let state: RunRecordState;
  let message: string | undefined;
  if (session.state === 'preparing') state = 'starting';
  else if (session.state === 'running') state = tasks.some((t) => t.state !== 'pending' && t.state !== 'preparing') ? 'running' : 'starting';
  else if (session.error !== undefined) {
    state = 'failed';
    message = session.error;
  } else if (result?.stopped) state = 'stopped';
  else if (result && (result.tasks.length === 0 || result.tasks.every((t) => t.failure))) {
    state = 'failed';
    message = result.failure?.message ?? result.tasks.find((t) => t.failure)?.failure?.message;
  } else state = 'exited';
  return {
    key,
    label: session.label,
    target: session.target,
    groupRun: !session.target.task || tasks.length > 1,
    state,
    exitCode: state === 'failed' || !result ? undefined : result.exitCode,
    signal: result?.signal,
    message,
    startedAt,
    endedAt,
    allocDir: plan?.allocDir,
    tasks,
  };
}

/** A stored record read back: a run that was live when the window went away ended with it. */
function asHistory(record: RunRecord): RunRecord {
  if (record.state !== 'starting' && record.state !== 'running') return record;
  return {
    ...record,
    state: 'stopped',
    message: 'stopped when its window closed or reloaded',
    tasks: record.tasks.map((t): TaskRecord => {
      if (t.state === 'pending') return { ...t, state: 'not started' };
      return t.state === 'running' || t.state === 'preparing' ? { ...t, state: 'exited' } : t;
    }),
  };
}

function isRecord(value: unknown): value is RunRecord {
  const r = value as RunRecord;
  return !!r && typeof r.key === 'string' && typeof r.label === 'string' && typeof r.startedAt === 'number' && !!r.target && typeof r.target.file === 'string' && Array.isArray(r.tasks);
}

export class RunHistory {
  /** Newest first. */
  private entries: RunEntry[] = [];
  private counter = 0;
  private readonly windowKey = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    private readonly memento: vscode.Memento | undefined,
    /** How many runs are kept (live ones included); the oldest finished ones go first. */
    private readonly limit = 50,
  ) {
    const stored = memento?.get<{ version: number; runs: unknown[] }>(STORAGE_KEY);
    if (stored?.version === STORAGE_VERSION && Array.isArray(stored.runs)) {
      this.entries = stored.runs.filter(isRecord).slice(0, limit).map((r) => {
        const record = asHistory(r);
        return { key: record.key, record: () => record };
      });
    }
  }

  all(): RunEntry[] {
    return this.entries;
  }

  find(key: string): RunEntry | undefined {
    return this.entries.find((e) => e.key === key);
  }

  /** Adds a live session; its record follows the session until it ends, then stays as it ended. */
  add(session: RunSession): RunEntry {
    const key = `${this.windowKey}-${++this.counter}`;
    const startedAt = Date.now();
    let endedAt: number | undefined;
    session.onDidEnd(() => {
      endedAt = Date.now();
      this.save();
    });
    const entry: RunEntry = { key, session, record: () => recordOf(session, key, startedAt, endedAt) };
    this.entries.unshift(entry);
    this.trim();
    this.save();
    return entry;
  }

  /** Forgets finished runs (all of them, or the one with `key`); live ones stay. */
  clear(key?: string): void {
    this.entries = this.entries.filter((e) => (key !== undefined && e.key !== key) || (e.session !== undefined && e.session.state !== 'exited'));
    this.save();
  }

  private trim(): void {
    while (this.entries.length > this.limit) {
      const index = this.entries.map((e) => !e.session || e.session.state === 'exited').lastIndexOf(true);
      if (index < 0) break;
      this.entries.splice(index, 1);
    }
  }

  save(): void {
    if (!this.memento) return;
    void this.memento.update(STORAGE_KEY, { version: STORAGE_VERSION, runs: this.entries.map((e) => e.record()) });
  }
}
