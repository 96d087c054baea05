// The header written before a run and the summary written after it.
import type { LaunchPlan, RunResult, TaskPlan, TaskResult } from '../../../launcher/src/api';
import { bold, dim, green, red, yellow } from './ansi';

const rule = dim('─'.repeat(60));

/** The launcher isolates with plain namespaces as root, and inside a user namespace otherwise. */
export function isolationMode(task: TaskPlan): string {
  if (task.driver === 'raw_exec') return yellow('none (raw_exec, allowed by nomadExec.allowRawExec): runs as you, in its task dir');
  const rootless = typeof process.getuid === 'function' && process.getuid() !== 0;
  const namespaces = ['mount', task.pidMode === 'private' ? 'pid' : undefined, task.ipcMode === 'private' ? 'ipc' : undefined]
    .filter(Boolean)
    .join(', ');
  const root = task.noPivotRoot ? 'chroot' : 'pivot_root';
  return rootless
    ? `rootless (user namespace; ${namespaces} namespaces; ${root}; pid ${task.pidMode}, ipc ${task.ipcMode})`
    : `root (${namespaces} namespaces; ${root}; pid ${task.pidMode}, ipc ${task.ipcMode})`;
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(task: TaskPlan): string {
  const argv0 = task.lookup.state === 'found' ? task.lookup.taskPath : task.command;
  return [argv0, ...task.args].map(quoteArg).join(' ');
}

function field(name: string, value: string): string {
  return `  ${dim(name.padEnd(13))}${value}`;
}

/** Shown in the warning colour: only the developer's machine-level setting lets a task share these. */
function hostNamespaceWarning(task: TaskPlan): string[] {
  if (task.driver === 'raw_exec') return [];
  const shared = [task.pidMode === 'host' ? 'PID' : '', task.ipcMode === 'host' ? 'IPC' : ''].filter(Boolean);
  if (shared.length === 0) return [];
  return [field('warning', yellow(`shares this machine's ${shared.join(' and ')} namespace (allowed by nomadExec.allowHostNamespaces): it can see and signal your processes`))];
}

export function header(plan: LaunchPlan, label: string): string[] {
  const lines = [bold(`Nomad exec: running ${label} locally`), field('job file', plan.jobFile), field('alloc dir', plan.allocDir)];
  if (plan.ports.length > 0) {
    lines.push(field('ports', plan.ports.map((p) => `${p.label}=${p.ip}:${p.value}`).join(', ')));
  }
  for (const task of plan.tasks) {
    if (plan.tasks.length > 1) {
      const hook = task.lifecycle.hook === 'main' ? 'main' : `${task.lifecycle.hook}${task.lifecycle.sidecar ? ', sidecar' : ''}`;
      lines.push(bold(`  task ${task.name} (${hook})`));
    }
    lines.push(
      field('isolation', isolationMode(task)),
      ...hostNamespaceWarning(task),
      field('user', task.user),
      field('capabilities', task.driver === 'raw_exec' ? yellow('whatever you have (no isolation)') : task.capabilities.length > 0 ? `${task.capabilities.join(', ')} (${task.capabilities.length})` : 'none'),
      field('command', commandLine(task)),
      ...task.volumeMounts.map((m) => field('volume', `${m.hostPath} at ${m.taskPath} (${m.readOnly ? 'read-only' : 'read-write'}; host volume "${m.source}" from ${m.origin})`)),
      field('kill', `${task.killSignal}, then SIGKILL after ${formatDuration(task.killTimeoutMs)}`),
    );
    if (task.lookup.state === 'pending') lines.push(field('note', yellow(task.lookup.reason)));
  }
  for (const skipped of plan.skipped) lines.push(field('skipped', `${skipped.task}: ${skipped.reason}`));
  for (const notice of plan.notices) lines.push(field('note', yellow(notice)));
  lines.push(rule);
  return lines;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function outcome(result: { exitCode: number; signal?: string }): string {
  if (result.signal) return `killed by ${result.signal} (exit code ${result.exitCode})`;
  return `exited with code ${result.exitCode}`;
}

function taskLine(result: TaskResult): string {
  const text = `${result.task}: ${outcome(result)} after ${formatDuration(result.durationMs)}${result.oomKilled ? ' (out of memory)' : ''}`;
  if (result.failure) return red(`${text}; ${result.failure.step} failed: ${result.failure.message}`);
  return result.exitCode === 0 ? green(text) : red(text);
}

export function summary(result: RunResult): string[] {
  const lines = [rule];
  if (result.tasks.length > 1) for (const task of result.tasks) lines.push(`  ${taskLine(task)}`);
  const whole = `${outcome(result)} after ${formatDuration(result.durationMs)}${result.stopped ? ' (stopped)' : ''}`;
  lines.push(bold(result.exitCode === 0 ? green(`Run ${whole}`) : red(`Run ${whole}`)));
  if (result.tasks.length === 1 && result.tasks[0].failure) lines.push(red(`${result.tasks[0].failure.step} failed: ${result.tasks[0].failure.message}`));
  if (result.failure && result.tasks.length !== 1) {
    lines.push(red(`${result.failure.task ? `${result.failure.task}: ` : ''}${result.failure.step} failed: ${result.failure.message}`));
  }
  if (result.logFiles.length > 0) {
    lines.push('Log files:');
    for (const file of result.logFiles) lines.push(`  ${file}`);
  } else {
    lines.push(dim('No log files were written.'));
  }
  return lines;
}
