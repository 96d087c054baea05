// Every local run of this window: starting them (one terminal each), stopping, rerunning the last one,
// and the status bar item shown while any is running.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { readRunSettings } from '../settings';
import { refusalReason, showRefusal } from './guard';
import { bundledLauncher, ensureExecutable } from './launcherBinary';
import { planTarget } from './planning';
import { RunSession } from './runSession';
import { RunTerminal } from './runTerminal';
import { runLabel, type RunTarget } from './target';

export type RunOutcome = { runId: number } | { refused: string } | { error: string } | { cancelled: true };

export class RunManager implements vscode.Disposable {
  private nextId = 1;
  private readonly sessions = new Map<number, RunSession>();
  private lastTarget?: RunTarget;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly extensionPath: string,
  ) {
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
    const planned = await planTarget(this.client, target);
    if (planned.kind === 'cancelled') return { cancelled: true };
    if (planned.kind === 'error') {
      void vscode.window.showErrorMessage(`Nomad: ${planned.message}`);
      return { error: planned.message };
    }
    const chosen = { ...planned.target, group: planned.plan.group };
    this.remember(chosen);
    const label = runLabel(planned.plan.jobId, chosen);
    const pty = new RunTerminal({ onOpen: () => undefined, onInterrupt: () => void session.stop(), onClose: () => void session.stop() });
    const session = this.add(label, chosen, pty, false);
    const terminal = vscode.window.createTerminal({ name: label, pty, iconPath: new vscode.ThemeIcon('play') });
    this.terminals.set(session, terminal);
    session.onDidEnd(() => this.terminals.delete(session));
    terminal.show(true);
    session.start(planned.plan);
    return { runId: session.id };
  }

  /** The tasks.json path: VS Code made the terminal; planning and the run happen once it is open. */
  pseudoterminalFor(target: RunTarget, name: string): RunTerminal {
    let session: RunSession | undefined;
    const pty = new RunTerminal({
      onOpen: () => {
        session = this.add(name, target, pty, true);
        const refused = this.refusal(target.file);
        if (refused) {
          session.fail(refused);
          return;
        }
        this.remember(target);
        void planTarget(this.client, target).then((planned) => {
          if (!session) return;
          if (planned.kind === 'plan') {
            session.target = { ...planned.target, group: planned.plan.group };
            session.start(planned.plan);
          } else {
            session.fail(planned.kind === 'error' ? planned.message : 'Cancelled.');
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
    session.onDidEnd(() => this.update());
    this.update();
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
    this.statusItem.dispose();
    this.changeEmitter.dispose();
  }
}
