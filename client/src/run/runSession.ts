// One local run: its terminal, the handle of the running tasks, and its outcome.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { startRun, type LaunchPlan, type RunHandle, type RunResult, type TaskResult } from '../../../launcher/src/api';
import { stoppingText } from '../../../launcher/src/outcomeText';
import { capabilityDoc } from '../../../server/src/schema/capabilities';
import { dim, red, yellow } from './ansi';
import { FULL_LIST_HINT, LISTED_CAPABILITIES, foldCapabilities, header, runSummaryLine, summary, type HeaderView } from './format';
import { OutputWriter } from './outputWriter';
import { workspaceDirFor, type RunProblem } from './planning';
import { problemLines } from './problemText';
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
    const view: HeaderView = { workspace: workspaceDirFor(plan.jobFile), home: os.homedir() };
    this.terminal.writeLines((columns) => header(plan, this.label, { ...view, width: columns }));
    this.offerCapabilityLists(plan);
    const writer = new OutputWriter((text) => this.terminal.write(text), plan.tasks.length > 1);
    let firstOutput = true;
    this.handle = startRun(
      plan,
      {
        output: (task, stream, chunk) => {
          // The header may have scrolled away by now: the run in one line, just above its first output.
          if (firstOutput) {
            firstOutput = false;
            this.terminal.writeLines((columns) => [runSummaryLine(plan, this.label, columns)]);
          }
          writer.chunk(task, stream, chunk);
        },
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

  /**
   * The run could not start: say why in the terminal, with the place in the job file as a link and the fix
   * the editor offers there, and end.
   */
  async fail(problem: RunProblem | string): Promise<void> {
    const detail = typeof problem === 'string' ? { message: problem } : problem;
    this.error = detail.message;
    this.state = 'exited'; // at once: nothing runs, whatever the terminal is still being told
    const quickFixes = detail.at && detail.code ? await quickFixTitles(detail.at.file, detail.at.range, detail.code) : [];
    const { lines, place } = problemLines(detail, quickFixes);
    for (const line of lines) this.terminal.writeLine(line);
    if (place && detail.at) {
      const at = detail.at;
      this.terminal.addAction({ text: place, tooltip: quickFixes.length > 0 ? 'Open the job file there and show the quick fix' : 'Open the job file there', run: () => void openPlace(at.file, at.range, quickFixes.length > 0) });
    }
    this.release(1);
    this.endEmitter.fire(this);
  }

  /** Kill signal first, SIGKILL after the kill timeout (the runner does both); said once, as it begins. */
  async stop(): Promise<void> {
    if (!this.handle || this.state !== 'running') return;
    if (!this.stopping) {
      this.stopping = true;
      if (!this.terminal.isClosed && this.plan) this.terminal.writeLine(dim(stoppingText(this.plan)));
    }
    await this.handle.stop();
  }

  /** The folded capability list in the header opens the full one, with what each capability permits. */
  private offerCapabilityLists(plan: LaunchPlan): void {
    const tasks = plan.tasks.filter((t) => t.driver !== 'raw_exec' && t.capabilities.length > LISTED_CAPABILITIES);
    if (tasks.length === 0) return;
    const show = (): void => {
      const items: vscode.QuickPickItem[] = [];
      for (const task of tasks) {
        if (tasks.length > 1) items.push({ label: `task ${task.name}`, kind: vscode.QuickPickItemKind.Separator });
        for (const name of task.capabilities) items.push({ label: name, detail: capabilityDoc(name) });
      }
      const title = tasks.length === 1 ? `Capabilities of task ${tasks[0].name} (${tasks[0].capabilities.length})` : `Capabilities of the tasks of ${this.label}`;
      void vscode.window.showQuickPick(items, { title, matchOnDetail: true });
    };
    const texts = new Set([FULL_LIST_HINT, ...tasks.map((t) => foldCapabilities(t.capabilities, t.user))]);
    for (const text of texts) this.terminal.addAction({ text, tooltip: 'Show the full list of capabilities', run: show });
  }

  private finish(result: RunResult): void {
    this.result = result;
    this.state = 'exited';
    if (!this.terminal.isClosed) {
      this.terminal.writeLines((columns) => summary(result, columns, this.plan?.jobFile));
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

type Range = NonNullable<RunProblem['at']>['range'];

function toRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

/**
 * The quick fixes the editor offers at `range` for the diagnostic `code` (none when the file has no such
 * diagnostic yet, e.g. it was never opened). The command's results do not say which diagnostic an action
 * fixes, so the diagnostic is checked first and the actions asked for at exactly its range.
 */
async function quickFixTitles(file: string, range: Range, code: string): Promise<string[]> {
  const uri = vscode.Uri.file(file);
  const at = toRange(range);
  const diagnosed = vscode.languages.getDiagnostics(uri).some((d) => d.range.isEqual(at) && (typeof d.code === 'object' ? d.code.value : d.code) === code);
  if (!diagnosed) return [];
  try {
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, at, vscode.CodeActionKind.QuickFix.value);
    return (actions ?? []).filter((a): a is vscode.CodeAction => a instanceof vscode.CodeAction && a.edit !== undefined).map((a) => a.title);
  } catch {
    return [];
  }
}

async function openPlace(file: string, range: Range, quickFix: boolean): Promise<void> {
  const editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: toRange(range) });
  editor.revealRange(toRange(range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (quickFix) await vscode.commands.executeCommand('editor.action.quickFix');
}
