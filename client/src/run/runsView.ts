// The Runs view (Explorer): every run of this window and the history of earlier windows, newest first, with
// state, exit, duration and start time; a group run lists its tasks with their lifecycle phase. Its actions
// (Stop, Rerun, Open Terminal, stdout/stderr logs, Reveal alloc dir) are commands whose `when` clauses read
// the item's context value.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { logsDirOf } from '../../../launcher/src/allocDir';
import { spokenDuration } from '../../../launcher/src/outcomeText';
import { Dir, openRegularForReading } from '../../../launcher/src/safeFs';
import type { RunRecord, TaskRecord } from './runHistory';
import { stateText, taskStateText } from './runStateText';
import type { RunManager, RunOutcome } from './runManager';

export const runsViewId = 'nomadExec.runs';
export const logScheme = 'nomad-exec-log';

/** An element of the tree: a run, or a task of a group run. Plain data, so commands can be called with it. */
export type RunNode = { kind: 'run'; key: string } | { kind: 'task'; key: string; task: string };

type Stream = 'stdout' | 'stderr';

/** Local time of day, with the date when it is not today. */
export function startTime(epochMs: number, now = new Date()): string {
  const at = new Date(epochMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  return at.toDateString() === now.toDateString() ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

function duration(record: RunRecord, now: number): string | undefined {
  const end = record.endedAt ?? (record.state === 'starting' || record.state === 'running' ? now : undefined);
  return end === undefined ? undefined : spokenDuration(Math.max(0, end - record.startedAt));
}

export function phaseText(task: TaskRecord): string {
  return task.hook === 'main' ? 'main' : `${task.hook}${task.sidecar ? ' sidecar' : ''}`;
}

function runIcon(record: RunRecord): vscode.ThemeIcon {
  switch (record.state) {
    case 'starting':
      return new vscode.ThemeIcon('loading~spin');
    case 'running':
      return new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue'));
    case 'failed':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'stopped':
      return new vscode.ThemeIcon('debug-stop');
    case 'exited':
      return record.exitCode === 0
        ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
        : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
}

function taskIcon(task: TaskRecord): vscode.ThemeIcon {
  switch (task.state) {
    case 'running':
    case 'preparing':
      return new vscode.ThemeIcon('sync~spin');
    case 'exited':
      return task.exitCode === 0 ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')) : new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'failed':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

/** Log files of one task and stream, oldest first (`<task>.<stream>.<N>`, N rising with rotation). */
function logNames(logsDir: string, task: string, stream: Stream): { dir: Dir; names: string[] } | undefined {
  let dir: Dir;
  try {
    dir = Dir.open(logsDir);
  } catch {
    return undefined;
  }
  const prefix = `${task}.${stream}.`;
  const names = dir
    .list()
    .filter((e) => e.isFile() && e.name.startsWith(prefix) && /^\d+$/.test(e.name.slice(prefix.length)))
    .map((e) => e.name)
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  return { dir, names };
}

const LOG_LIMIT = 4 * 1024 * 1024;

/**
 * The text of a task's log (every rotated file, in order), read without following links (the log folder is the
 * runner's, but the alloc dir is not trusted); the last 4 MB when it is longer. Only those last bytes are read:
 * a task can leave a huge (or sparse) file in its logs folder.
 */
export function readTaskLog(logsDir: string, task: string, stream: Stream): string {
  const found = logNames(logsDir, task, stream);
  if (!found) return `(no log folder at ${logsDir}: the alloc dir was removed, only the most recent ones are kept)\n`;
  const chunks: Buffer[] = [];
  let total = 0;
  let kept = 0;
  try {
    // Newest file first, each from its end, until the limit is reached; older ones are only measured.
    for (let i = found.names.length - 1; i >= 0; i--) {
      const fd = openRegularForReading(`/proc/self/fd/${found.dir.fd}/${found.names[i]}`);
      try {
        const size = fs.fstatSync(fd).size;
        total += size;
        const want = Math.min(size, LOG_LIMIT - kept);
        if (want <= 0) continue;
        const buffer = Buffer.alloc(want);
        let got = 0;
        while (got < want) {
          const n = fs.readSync(fd, buffer, got, want - got, size - want + got);
          if (n === 0) break;
          got += n;
        }
        chunks.unshift(buffer.subarray(0, got));
        kept += got;
      } finally {
        fs.closeSync(fd);
      }
    }
  } finally {
    found.dir.close();
  }
  if (found.names.length === 0) return `(no ${stream} log files for task ${task} in ${logsDir})\n`;
  const note = total > LOG_LIMIT ? `(the last ${LOG_LIMIT / 1024 / 1024} MB of the log; the files are in ${logsDir})\n` : '';
  return note + Buffer.concat(chunks).toString('utf8');
}

/** Read-only documents for task logs: `nomad-exec-log:<logs dir>/<task>.<stream>`. */
class LogDocuments implements vscode.TextDocumentContentProvider {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changeEmitter.event;

  static uriFor(allocDir: string, task: string, stream: Stream): vscode.Uri {
    return vscode.Uri.from({ scheme: logScheme, path: path.join(logsDirOf(allocDir), `${task}.${stream}`) });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const match = /^(.*)\.(stdout|stderr)$/.exec(path.basename(uri.path));
    if (!match) return '';
    return readTaskLog(path.dirname(uri.path), match[1], match[2] as Stream);
  }

  /** Open log documents are read again (a run ended, or the log is opened again). */
  refresh(): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === logScheme) this.changeEmitter.fire(doc.uri);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunNode | undefined | void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly listener: vscode.Disposable;

  constructor(private readonly runs: RunManager) {
    this.listener = runs.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changeEmitter.fire();
  }

  sessionId(key: string): number | undefined {
    return this.runs.history.find(key)?.session?.id;
  }

  record(key: string): RunRecord | undefined {
    return this.runs.history.find(key)?.record();
  }

  getChildren(element?: RunNode): RunNode[] {
    if (!element) return this.runs.entries().map((e) => ({ kind: 'run', key: e.key }));
    if (element.kind === 'task') return [];
    const record = this.record(element.key);
    if (!record || !record.groupRun) return [];
    return record.tasks.map((t) => ({ kind: 'task', key: element.key, task: t.name }));
  }

  getParent(element: RunNode): RunNode | undefined {
    return element.kind === 'task' ? { kind: 'run', key: element.key } : undefined;
  }

  getTreeItem(element: RunNode): vscode.TreeItem {
    const entry = this.runs.history.find(element.key);
    const record = entry?.record();
    if (!entry || !record) return new vscode.TreeItem('(gone)');
    const live = entry.session !== undefined;
    const hasLogs = record.allocDir !== undefined && record.tasks.length > 0;
    if (element.kind === 'task') {
      const task = record.tasks.find((t) => t.name === element.task);
      const item = new vscode.TreeItem(element.task);
      item.id = `${element.key}/${element.task}`;
      if (!task) return item;
      item.description = `${phaseText(task)} · ${taskStateText(task)}`;
      item.iconPath = taskIcon(task);
      item.tooltip = `Task ${task.name} (${phaseText(task)}): ${taskStateText(task)}${task.failure ? `\n${task.failure}` : ''}`;
      item.contextValue = ['nomadRunTask', hasLogs ? 'logs' : ''].filter(Boolean).join(' ');
      return item;
    }
    const item = new vscode.TreeItem(record.label, record.groupRun && record.tasks.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = record.key;
    const took = duration(record, Date.now());
    item.description = [stateText(record), took, startTime(record.startedAt)].filter(Boolean).join(' · ');
    item.iconPath = runIcon(record);
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.appendText(`${record.label}: ${stateText(record)}\n\n`);
    if (record.message) tooltip.appendText(`${record.message}\n\n`);
    tooltip.appendText(`job file: ${record.target.file}\n\nstarted: ${new Date(record.startedAt).toLocaleString()}${took ? `, took ${took}` : ''}`);
    if (record.allocDir) tooltip.appendText(`\n\nalloc dir: ${record.allocDir}`);
    if (!live) tooltip.appendText('\n\nfrom an earlier window: history only');
    item.tooltip = tooltip;
    const session = entry.session;
    const terminal = session ? this.runs.terminalOf(session) : undefined;
    const flags = [
      'nomadRun',
      live ? 'live' : 'history',
      record.state === 'starting' || record.state === 'running' ? 'running' : 'ended',
      terminal ? 'terminal' : '',
      hasLogs && !record.groupRun ? 'logs' : '',
      record.allocDir ? 'alloc' : '',
    ];
    item.contextValue = flags.filter(Boolean).join(' ');
    if (terminal) item.command = { command: 'nomadExec.runs.openTerminal', title: 'Open Terminal', arguments: [element] };
    return item;
  }

  dispose(): void {
    this.listener.dispose();
    this.changeEmitter.dispose();
  }
}

/** What a command from the view was called with: a tree element, or a run key / session id. */
function keyOf(arg: unknown): { key: string; task?: string } | undefined {
  if (typeof arg === 'string') return { key: arg };
  if (arg && typeof arg === 'object' && typeof (arg as RunNode).key === 'string') {
    const node = arg as RunNode;
    return { key: node.key, task: node.kind === 'task' ? node.task : undefined };
  }
  return undefined;
}

/** The view, its log documents and the commands of its items. */
export function registerRunsView(runs: RunManager): { provider: RunsTreeProvider; disposable: vscode.Disposable } {
  const provider = new RunsTreeProvider(runs);
  const logs = new LogDocuments();
  const view = vscode.window.createTreeView(runsViewId, { treeDataProvider: provider, showCollapseAll: true });
  // Durations of live runs move on: redraw every second while the view is visible and something runs.
  const ticker = setInterval(() => {
    if (view.visible && runs.running().length > 0) provider.refresh();
  }, 1000);
  const ended = runs.onDidChange(() => logs.refresh());

  const lookup = (arg: unknown): { record: RunRecord; task?: string; session?: ReturnType<RunManager['get']> } | undefined => {
    const key = keyOf(arg);
    const entry = key ? runs.history.find(key.key) : undefined;
    if (!key || !entry) {
      void vscode.window.showWarningMessage('Nomad: that run is no longer in the Runs view.');
      return undefined;
    }
    return { record: entry.record(), task: key.task, session: entry.session };
  };

  const openLog = async (arg: unknown, stream: Stream): Promise<vscode.Uri | undefined> => {
    const found = lookup(arg);
    if (!found?.record.allocDir) return undefined;
    const task = found.task ?? found.record.tasks[0]?.name;
    if (!task) return undefined;
    const uri = LogDocuments.uriFor(found.record.allocDir, task, stream);
    logs.refresh();
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    return uri;
  };

  const disposable = vscode.Disposable.from(
    provider,
    logs,
    view,
    ended,
    { dispose: () => clearInterval(ticker) },
    vscode.workspace.registerTextDocumentContentProvider(logScheme, logs),
    vscode.commands.registerCommand('nomadExec.runs.stop', async (arg: unknown) => {
      const found = lookup(arg);
      if (found?.session) await runs.stop(found.session.id);
    }),
    vscode.commands.registerCommand('nomadExec.runs.rerun', async (arg: unknown): Promise<RunOutcome | undefined> => {
      const found = lookup(arg);
      if (!found) return undefined;
      const { file, group, task, vars, varFiles, allocDir } = found.record.target;
      return runs.run({ file, group, task, vars, varFiles, allocDir });
    }),
    vscode.commands.registerCommand('nomadExec.runs.openTerminal', (arg: unknown) => {
      const found = lookup(arg);
      const terminal = found?.session ? runs.terminalOf(found.session) : undefined;
      if (terminal) terminal.show();
      else if (found) void vscode.window.showInformationMessage(`Nomad: the terminal of ${found.record.label} is closed.`);
    }),
    vscode.commands.registerCommand('nomadExec.runs.openStdout', (arg: unknown) => openLog(arg, 'stdout')),
    vscode.commands.registerCommand('nomadExec.runs.openStderr', (arg: unknown) => openLog(arg, 'stderr')),
    vscode.commands.registerCommand('nomadExec.runs.revealAllocDir', async (arg: unknown) => {
      const allocDir = lookup(arg)?.record.allocDir;
      if (!allocDir) return;
      if (!fs.existsSync(allocDir)) {
        void vscode.window.showInformationMessage(`Nomad: the alloc dir ${allocDir} is gone (only the most recent ones are kept).`);
        return;
      }
      // The OS file manager exists only where the window runs on this machine (not in a browser, not remote).
      if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName) {
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(allocDir));
        return;
      }
      await vscode.env.clipboard.writeText(allocDir);
      const open = 'Open in New Window';
      const picked = await vscode.window.showInformationMessage(`Nomad: alloc dir path copied: ${allocDir}`, open);
      if (picked === open) await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(allocDir), { forceNewWindow: true });
    }),
    vscode.commands.registerCommand('nomadExec.runs.remove', (arg: unknown) => {
      const key = keyOf(arg);
      if (key) runs.forget(key.key);
    }),
    vscode.commands.registerCommand('nomadExec.runs.clear', () => runs.forget()),
  );
  return { provider, disposable };
}
