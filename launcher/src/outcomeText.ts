// How the end of a run is told, in words shared by the extension's terminal and `nomad-exec run`: a stop the
// user asked for is not a crash, so it gets its own plain line saying what the stop took (the kill signal,
// whether SIGKILL was needed and after how long); a task that ended on its own keeps its exit code or signal.
import type { RunResult, StopReport, TaskResult } from './api';
import type { LaunchPlan } from './types';

/** Durations as people say them: "5 s", "1.5 s", "300 ms", "2 min 5 s". */
export function spokenDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) {
    const tenths = Math.round(ms / 100) / 10;
    return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** What a stop took: "SIGINT, then SIGKILL after 5 s", "SIGTERM, ended within its 5 s kill_timeout", "SIGKILL, kill_timeout 0". */
export function stopTook(stop: StopReport): string {
  if (stop.signal === 'SIGKILL') return stop.killTimeoutMs === 0 ? 'SIGKILL at once: kill_timeout is 0' : 'SIGKILL, its kill_signal';
  if (stop.escalatedAfterMs !== undefined) return `${stop.signal}, then SIGKILL after ${spokenDuration(stop.escalatedAfterMs)}`;
  return `${stop.signal}, ended within its ${spokenDuration(stop.killTimeoutMs)} kill_timeout`;
}

/** Said once when a stop begins. */
export function stoppingText(plan: Pick<LaunchPlan, 'tasks'>): string {
  const ways = [...new Set(plan.tasks.map((t) => (t.killTimeoutMs === 0 || t.killSignal === 'SIGKILL' ? 'SIGKILL' : `${t.killSignal}, then SIGKILL after ${spokenDuration(t.killTimeoutMs)} if still running`)))];
  return `Stopping: ${ways.join('; ')}`;
}

/** "exit code 137" or "exit code 3 (out of memory)" beside an outcome. */
function exitText(result: { exitCode: number; oomKilled?: boolean }): string {
  return `exit code ${result.exitCode}${result.oomKilled ? ', out of memory' : ''}`;
}

/** How one task ended: "exited with code 3", "killed by SIGSEGV (exit code 139)", "stopped (SIGINT, ...)". */
export function taskOutcome(result: Pick<TaskResult, 'exitCode' | 'signal' | 'stop'>): string {
  if (result.stop) return `stopped (${stopTook(result.stop)}), exit code ${result.exitCode}`;
  if (result.signal) return `killed by ${result.signal} (exit code ${result.exitCode})`;
  return `exited with code ${result.exitCode}`;
}

export type RunEnding =
  /** The user stopped the run and the stop is what ended it: neutral. */
  | { kind: 'stopped'; text: string }
  | { kind: 'success'; text: string }
  /** A task died on its own, failed to start, or exited non-zero: the red line. */
  | { kind: 'failure'; text: string };

/**
 * The one line that ends a run. A requested stop says "Stopped by you (...)" with what each stopped task took
 * and the exit code beside it; a run stopped before any task began says so; anything else is the outcome.
 */
export function runEnding(result: RunResult): RunEnding {
  const took = (ms: number): string => `after ${spokenDuration(ms)}`;
  if (result.stopped) {
    const stopped = result.tasks.filter((t) => t.stop);
    const diedFirst = result.tasks.some((t) => !t.stop && !t.failure && t.exitCode !== 0);
    if (stopped.length > 0 && !diedFirst && !result.oomKilled) {
      const ways = [...new Set(stopped.map((t) => stopTook(t.stop!)))];
      const detail = ways.length === 1 ? ways[0] : stopped.map((t) => `${t.task}: ${stopTook(t.stop!)}`).join('; ');
      return { kind: 'stopped', text: `Stopped by you (${detail}), ${exitText(result)}, ${took(result.durationMs)}` };
    }
    if (result.tasks.every((t) => !t.stop && t.failure && /not started/.test(t.failure.message))) {
      return { kind: 'stopped', text: `Stopped by you before any task started, ${exitText(result)}` };
    }
  }
  const outcome = result.signal
    ? `Run killed by ${result.signal} (${exitText(result)})`
    : `Run exited with code ${result.exitCode}${result.oomKilled ? ' (out of memory)' : ''}`;
  const text = `${outcome} ${took(result.durationMs)}`;
  return { kind: result.exitCode === 0 && !result.failure ? 'success' : 'failure', text };
}
