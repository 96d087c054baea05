// Every local run of this window: starting them (one terminal each), stopping, rerunning the last one,
// the status bar item shown while any is running, and the history the Runs view lists.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { warmUpPlanner } from '../../../launcher/src/api';
import { readRunSettings } from '../settings';
import { refusalReason, showRefusal } from './guard';
import { bundledLauncher, ensureExecutable } from './launcherBinary';
import { RunHistory, type RunEntry } from './runHistory';
import { planTarget } from './planning';
import { RunSession } from './runSession';
import { RunTerminal } from './runTerminal';
import { runLabel, type RunTarget } from './target';

/** A run that could not start still has a terminal (and a run id) saying why. */
export type RunOutcome = { runId: number } | { refused: string } | { error: string; runId?: number } | { cancelled: true };

export interface RunManagerOptions {
  extensionPath: string;
  /** The runner's state folder (the extension's storage): alloc dirs go there by default. */
  stateDir?: string;
  /** Where the run history is kept across window reloads (the workspace state). */
  memento?: vscode.Memento;
}

export class RunManager implements vscode.Disposable {
  private nextId = 1;
  private readonly sessions = new Map<number, RunSession>();
  private lastTarget?: RunTarget;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly startEmitter = new vscode.EventEmitter<RunSession>();
  /** A session was made (after planning for terminal runs): its terminal text starts here. */
  readonly onDidAddRun = this.startEmitter.event;
  readonly history: RunHistory;
  private readonly extensionPath: string;
  private readonly stateDir?: string;

  constructor(
    private readonly client: LanguageClient,
    options: RunManagerOptions,
  ) {
    this.extensionPath = options.extensionPath;
    this.stateDir = options.stateDir;
    this.history = new RunHistory(options.memento);
    this.warmUpWhenIdle();
    this.statusItem = vscode.window.createStatusBarItem('nomadExec.runs', vscode.StatusBarAlignment.Left, 10);
    this.statusItem.name = 'Nomad exec runs';
    this.statusItem.command = 'nomadExec.stopTask';
    // Pseudoterminal.close covers the user closing the terminal; this also covers terminals disposed by
    // other code, which VS Code may end without calling close().
    this.closeListener = vscode.window.onDidCloseTerminal((terminal) => {
      for (const [session, owned] of this.terminals) {
        if (owned !== terminal) continue;
        this.terminals.delete(session);
        void session.stop();
      }
    });
  }

  private readonly terminals = new Map<RunSession, vscode.Terminal>();
  private readonly closeListener: vscode.Disposable;
  private warmUpListener?: vscode.Disposable;
  private warmUpTimer?: NodeJS.Timeout;

  /**
   * The first click on a lens would otherwise load the planner's parser (about half a second on a busy
   * machine): load it once the language server is up and has had a moment for the first analysis, only
   * where runs can happen at all.
   */
  private warmUpWhenIdle(): void {
    const schedule = (): void => {
      this.warmUpListener?.dispose();
      this.warmUpTimer = setTimeout(() => {
        if (vscode.workspace.isTrusted && this.refusal() === undefined) void warmUpPlanner().catch(() => undefined);
      }, 1500);
      this.warmUpTimer.unref?.();
    };
    if (this.client.state === State.Running) schedule();
    else this.warmUpListener = this.client.onDidChangeState((e) => e.newState === State.Running && schedule());
  }

  all(): RunSession[] {
    return [...this.sessions.values()];
  }

  get(id: number): RunSession | undefined {
    return this.sessions.get(id);
  }

  running(): RunSession[] {
    return this.all().filter((s) => s.state !== 'exited');
  }

  get statusText(): string | undefined {
    return this.running().length > 0 ? this.statusItem.text : undefined;
  }

  get last(): RunTarget | undefined {
    return this.lastTarget;
  }

  /** Every run of the Runs view, newest first: this window's sessions and the stored history. */
  entries(): RunEntry[] {
    return this.history.all();
  }

  /** The terminal showing a session, while it is open. */
  terminalOf(session: RunSession): vscode.Terminal | undefined {
    if (session.terminal.isClosed) return undefined;
    // tasks.json runs get their terminal from VS Code, named after the task.
    return this.terminals.get(session) ?? vscode.window.terminals.find((t) => t.name === session.label && t.exitStatus === undefined);
  }

  forget(key?: string): void {
    this.history.clear(key);
    this.changeEmitter.fire();
  }

  private launcherPath(file: string): string {
    const configured = readRunSettings(vscode.Uri.file(file)).launcherPath;
    if (configured) return configured;
    const bundled = bundledLauncher(this.extensionPath);
    ensureExecutable(bundled);
    return bundled;
  }

  /** Why a run of `file` would be refused here (or on `platform`), if it would. */
  refusal(file?: string, platform: NodeJS.Platform = process.platform): string | undefined {
    const configured = readRunSettings(file ? vscode.Uri.file(file) : undefined).launcherPath;
    return refusalReason(platform, configured ? undefined : bundledLauncher(this.extensionPath));
  }

  /** The `Run Task Locally` path: plan first (asking what is missing), then a terminal named after the run. */
  async run(target: RunTarget): Promise<RunOutcome> {
    const refused = this.refusal(target.file);
    if (refused) {
      void showRefusal(refused);
      return { refused };
    }
    this.remember(target);
    const planned = await planTarget(this.client, target, this.stateDir);
    if (planned.kind === 'cancelled') return { cancelled: true };
    if (planned.kind === 'error') {
      // The reason stays in a terminal of its own (with the place in the job file); the toast leads there.
      const { session, terminal } = this.openRun(runLabel(undefined, target), target);
      void session.fail(planned);
      this.update();
      void vscode.window.showErrorMessage(`Nomad: ${planned.message}`, 'Show').then((choice) => {
        if (choice === 'Show') terminal.show();
      });
      return { error: planned.message, runId: session.id };
    }
    const chosen = { ...planned.target, group: planned.plan.group };
    this.remember(chosen);
    const { session } = this.openRun(runLabel(planned.plan.jobId, chosen), chosen);
    session.start(planned.plan);
    this.update();
    return { runId: session.id };
  }

  /** A run's session and its terminal, shown without taking the focus. */
  private openRun(label: string, target: RunTarget): { session: RunSession; terminal: vscode.Terminal } {
    const pty = new RunTerminal({ onOpen: () => undefined, onInterrupt: () => void session.stop(), onClose: () => void session.stop() });
    const session = this.add(label, target, pty, false);
    const terminal = vscode.window.createTerminal({ name: label, pty, iconPath: new vscode.ThemeIcon('play') });
    // Kept after the run ends: the terminal stays open until a key, and the Runs view can show it.
    this.terminals.set(session, terminal);
    terminal.show(true);
    return { session, terminal };
  }

  /** The tasks.json path: VS Code made the terminal; planning and the run happen once it is open. */
  pseudoterminalFor(target: RunTarget, name: string): RunTerminal {
    let session: RunSession | undefined;
    const pty = new RunTerminal({
      onOpen: () => {
        session = this.add(name, target, pty, true);
        const refused = this.refusal(target.file);
        if (refused) {
          void session.fail(refused);
          return;
        }
        this.remember(target);
        void planTarget(this.client, target, this.stateDir).then((planned) => {
          if (!session) return;
          if (planned.kind === 'plan') {
            session.target = { ...planned.target, group: planned.plan.group };
            session.start(planned.plan);
            this.update();
          } else {
            void session.fail(planned.kind === 'error' ? planned : 'Cancelled.');
          }
        });
      },
      onInterrupt: () => void session?.stop(),
      onClose: () => void session?.stop(),
    });
    return pty;
  }

  rerunLast(): Promise<RunOutcome> {
    if (!this.lastTarget) return Promise.resolve({ error: 'Nothing has run yet in this window.' });
    return this.run(this.lastTarget);
  }

  async stop(id?: number): Promise<void> {
    const running = this.running();
    let session = id === undefined ? undefined : this.sessions.get(id);
    if (!session && id === undefined) {
      if (running.length === 1) session = running[0];
      else if (running.length > 1) {
        const picked = await vscode.window.showQuickPick(
          running.map((s) => ({ label: s.label, description: s.plan?.allocDir, session: s })),
          { placeHolder: 'Which run should stop?' },
        );
        session = picked?.session;
      }
    }
    if (!session) {
      if (id === undefined && running.length === 0) void vscode.window.showInformationMessage('No Nomad task is running.');
      return;
    }
    await session.stop();
  }

  private remember(target: RunTarget): void {
    this.lastTarget = target;
    void vscode.commands.executeCommand('setContext', 'nomadExec.hasLastRun', true);
  }

  private add(label: string, target: RunTarget, pty: RunTerminal, endOnExit: boolean): RunSession {
    const file = target.file;
    const session = new RunSession(this.nextId++, label, target, pty, this.launcherPath(file), endOnExit);
    this.sessions.set(session.id, session);
    this.history.add(session);
    session.onDidEnd(() => this.update());
    session.onDidChangeTask(() => this.changeEmitter.fire());
    this.update();
    this.startEmitter.fire(session);
    return session;
  }

  private update(): void {
    const running = this.running();
    void vscode.commands.executeCommand('setContext', 'nomadExec.running', running.length > 0);
    if (running.length === 0) {
      this.statusItem.hide();
    } else {
      this.statusItem.text = `$(sync~spin) Nomad: ${running.length === 1 ? running[0].label : `${running.length} runs`}`;
      this.statusItem.tooltip = `Running locally:\n${running.map((s) => s.label).join('\n')}\nClick to stop.`;
      this.statusItem.show();
    }
    this.changeEmitter.fire();
  }

  dispose(): void {
    for (const session of this.running()) void session.stop();
    this.closeListener.dispose();
    this.warmUpListener?.dispose();
    clearTimeout(this.warmUpTimer);
    this.statusItem.dispose();
    this.changeEmitter.dispose();
    this.startEmitter.dispose();
  }
}
