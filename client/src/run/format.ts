// The header written before a run and the summary written after it.
import type { LaunchPlan, RunResult, TaskPlan, TaskResult } from '../../../launcher/src/api';
import { runEnding, spokenDuration, taskOutcome } from '../../../launcher/src/outcomeText';
import { DEFAULT_ALLOW_CAPS } from '../../../server/src/schema/capabilities';
import { bold, dim, green, red, stripAnsi, yellow } from './ansi';
import { fitLine, layoutRows, type Item, type Row } from './headerLayout';
import { placeText } from './problemText';

/** A rule under the header and above the summary, never wider than the terminal. */
const rule = (width = 60): string => dim('─'.repeat(Math.max(1, Math.min(60, width))));

/** Not root here: the launcher then isolates inside a user namespace. */
const isRootless = (): boolean => typeof process.getuid === 'function' && process.getuid() !== 0;

/** The launcher isolates with plain namespaces as root, and inside a user namespace otherwise. */
export function isolationMode(task: TaskPlan): string {
  if (task.driver === 'raw_exec') return yellow('none (raw_exec, allowed by nomadExec.allowRawExec): runs as you, in its task dir');
  const rootless = isRootless();
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

/** Where the header shortens paths: relative to the workspace folder, `~` for the home folder. */
export interface HeaderView {
  /** Terminal columns; without it nothing is wrapped (a log, a test). */
  width?: number;
  workspace?: string;
  home?: string;
}

/** A path as short as it stays clear: relative inside the workspace, `~/...` inside home, else absolute. */
export function shortPath(file: string, view: Pick<HeaderView, 'workspace' | 'home'>): string {
  const inside = (dir: string | undefined): string | undefined => {
    if (!dir) return undefined;
    const base = dir.endsWith('/') ? dir.slice(0, -1) : dir;
    if (file === base) return '';
    return file.startsWith(`${base}/`) ? file.slice(base.length + 1) : undefined;
  };
  const inWorkspace = inside(view.workspace);
  if (inWorkspace !== undefined) return inWorkspace === '' ? '.' : inWorkspace;
  const inHome = inside(view.home);
  if (inHome !== undefined) return inHome === '' ? '~' : `~/${inHome}`;
  return file;
}

/** Up to this many capabilities are listed in the header; more are folded, with the full list behind a link. */
export const LISTED_CAPABILITIES = 3;

/**
 * The task's capabilities told against Nomad's default set: "13 default capabilities (+net_raw)", "(-kill)".
 * A short or very different set is listed instead; the full list is one click away (runTerminal.ts).
 */
export function foldCapabilities(capabilities: readonly string[], user: string): string {
  if (capabilities.length === 0) return 'none';
  const held = new Set(capabilities);
  const added = capabilities.filter((c) => !DEFAULT_ALLOW_CAPS.includes(c));
  const removed = DEFAULT_ALLOW_CAPS.filter((c) => !held.has(c));
  const count = (n: number): string => `${n} capabilit${n === 1 ? 'y' : 'ies'}`;
  const changes = [...added.map((c) => `+${c}`), ...removed.map((c) => `-${c}`)];
  if (user === 'root' && added.length > 0) return `${count(capabilities.length)} (the fixed set for user root)`;
  if (changes.length === 0) return `${DEFAULT_ALLOW_CAPS.length} default capabilities`;
  if (capabilities.length <= LISTED_CAPABILITIES) return capabilities.join(', ');
  // Far from the defaults: the count and the first differences; the full list is one click away.
  if (changes.length > 4) return `${count(capabilities.length)} (${changes.slice(0, 2).join(', ')}, ...)`;
  return `${DEFAULT_ALLOW_CAPS.length} default capabilities (${changes.join(', ')})`;
}

/** What the full-list link says after the folded capabilities. */
export const FULL_LIST_HINT = '(Ctrl+click: full list)';

/** Shown in the warning colour: only the developer's machine-level setting lets a task share these. */
function hostNamespaceWarning(task: TaskPlan): Row[] {
  if (task.driver === 'raw_exec') return [];
  const shared = [task.pidMode === 'host' ? 'PID' : '', task.ipcMode === 'host' ? 'IPC' : ''].filter(Boolean);
  if (shared.length === 0) return [];
  return [row('warning', [{ text: `shares this machine's ${shared.join(' and ')} namespace (allowed by nomadExec.allowHostNamespaces): it can see and signal your processes`, style: 'yellow' }])];
}

function row(label: string | undefined, items: Item[], separator?: string): Row {
  return separator === undefined ? { label, items } : { label, items, separator };
}

function capabilityItems(task: TaskPlan): Item[] {
  if (task.driver === 'raw_exec') return [{ text: 'whatever you have (no isolation)', style: 'yellow' }];
  const folded = foldCapabilities(task.capabilities, task.user);
  if (task.capabilities.length <= LISTED_CAPABILITIES) return [{ text: folded }];
  return [{ text: folded, whole: true }, { text: FULL_LIST_HINT, style: 'dim', whole: true }];
}

function taskRows(plan: LaunchPlan, task: TaskPlan, view: HeaderView): Row[] {
  const rows: Row[] = [];
  if (plan.tasks.length > 1) {
    const hook = task.lifecycle.hook === 'main' ? 'main' : `${task.lifecycle.hook}${task.lifecycle.sidecar ? ', sidecar' : ''}`;
    rows.push({ indent: 2, items: [{ text: `task ${task.name} (${hook})`, style: 'bold' }] });
  }
  const isolation = isolationMode(task);
  rows.push(
    row('isolation', [{ text: stripAnsi(isolation), style: isolation === stripAnsi(isolation) ? undefined : 'yellow' }]),
    ...hostNamespaceWarning(task),
    row('user', [{ text: task.user }]),
    row('capabilities', capabilityItems(task), ' '),
    row('command', [{ text: commandLine(task) }]),
    ...task.volumeMounts.map((m) =>
      row('volume', [{ text: `${shortPath(m.hostPath, view)} at ${m.taskPath} (${m.readOnly ? 'read-only' : 'read-write'}; host volume "${m.source}" from ${m.origin})` }]),
    ),
    row('kill', [{ text: `${task.killSignal}, then SIGKILL after ${spokenDuration(task.killTimeoutMs)}` }]),
  );
  if (task.lookup.state === 'pending') rows.push(row('note', [{ text: task.lookup.reason, style: 'yellow' }]));
  return rows;
}

/** The header's rows, before layout. */
export function headerRows(plan: LaunchPlan, label: string, view: HeaderView = {}): Row[] {
  const rows: Row[] = [
    row(undefined, [{ text: `Nomad exec: running ${label} locally`, style: 'bold' }]),
    row('job file', [{ text: shortPath(plan.jobFile, view) }]),
    row('alloc dir', [{ text: shortPath(plan.allocDir, view) }]),
  ];
  if (plan.ports.length > 0) rows.push(row('ports', plan.ports.map((p) => ({ text: `${p.label}=${p.ip}:${p.value}` }))));
  for (const task of plan.tasks) rows.push(...taskRows(plan, task, view));
  for (const skipped of plan.skipped) rows.push(row('skipped', [{ text: `${skipped.task}: ${skipped.reason}` }]));
  for (const notice of plan.notices) rows.push(row('note', [{ text: notice, style: 'yellow' }]));
  return rows;
}

/** The header for a terminal `view.width` columns wide (unwrapped without a width). */
export function header(plan: LaunchPlan, label: string, view: HeaderView = {}): string[] {
  const width = view.width ?? Number.MAX_SAFE_INTEGER;
  return [...layoutRows(headerRows(plan, label, view), width), rule(width)];
}

/** Isolation in one word for the summary line. */
function isolationWord(task: TaskPlan): string {
  if (task.driver === 'raw_exec') return 'no isolation';
  return isRootless() ? 'rootless' : 'root';
}

/**
 * The run in one line, repeated just above the task's first output line (the header may have scrolled away):
 * "hello/greet/say · exec · rootless", a group's tasks with their drivers.
 */
export function runSummaryLine(plan: LaunchPlan, label: string, width = Number.MAX_SAFE_INTEGER): string {
  const drivers = [...new Set(plan.tasks.map((t) => t.driver))];
  const modes = [...new Set(plan.tasks.map(isolationWord))];
  const what = plan.tasks.length === 1 ? drivers[0] : `${plan.tasks.length} tasks (${drivers.join(', ')})`;
  return dim(fitLine(`▸ ${label} · ${what} · ${modes.join(', ')}`, width));
}

function taskLine(result: TaskResult): string {
  const text = `${result.task}: ${taskOutcome(result)} after ${spokenDuration(result.durationMs)}${result.oomKilled ? ' (out of memory)' : ''}`;
  if (result.failure) return red(`${text}; ${result.failure.step} failed: ${result.failure.message}`);
  if (result.stop) return text; // stopped, by the user or because the group was ending: not a failure
  return result.exitCode === 0 ? green(text) : red(text);
}

/**
 * The lines that end a run. The last outcome line is the one that matters: neutral for a stop the user
 * asked for ("Stopped by you (SIGINT, then SIGKILL after 5 s), exit code 137"), green for success, red when
 * a task died on its own or could not start.
 */
export function summary(result: RunResult, width?: number, jobFile?: string): string[] {
  const lines = [rule(width)];
  if (result.tasks.length > 1) for (const task of result.tasks) lines.push(`  ${taskLine(task)}`);
  const ending = runEnding(result);
  lines.push(bold(ending.kind === 'stopped' ? ending.text : ending.kind === 'success' ? green(ending.text) : red(ending.text)));
  // A stop the user asked for explains the tasks it kept from starting; their "not started" is no failure.
  if (ending.kind === 'stopped') {
    lines.push(...logLines(result));
    return lines;
  }
  if (result.tasks.length === 1 && result.tasks[0].failure) lines.push(red(`${result.tasks[0].failure.step} failed: ${result.tasks[0].failure.message}`));
  // Where the failing part is written, as a link (a task's start failures: artifact, template, command).
  for (const task of result.tasks) {
    if (task.failure?.at && jobFile) lines.push(`  ${result.tasks.length > 1 ? `${task.task}: ` : ''}at ${placeText({ file: jobFile, range: task.failure.at })}`);
  }
  if (result.failure && result.tasks.length !== 1) {
    lines.push(red(`${result.failure.task ? `${result.failure.task}: ` : ''}${result.failure.step} failed: ${result.failure.message}`));
  }
  lines.push(...logLines(result));
  return lines;
}

function logLines(result: RunResult): string[] {
  if (result.logFiles.length === 0) return [dim('No log files were written.')];
  return ['Log files:', ...result.logFiles.map((file) => `  ${file}`)];
}
