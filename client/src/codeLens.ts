// "Run task" above every exec task and "Run group" above every group with an exec task, from the server's
// outline of the file. VS Code asks again after edits, so the lenses follow the text.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { fetchOutline, toRange } from './outline';
import type { RunTarget } from './run/target';

export class RunCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changeEmitter.event;

  constructor(private readonly client: LanguageClient) {}

  /** Called when the server (re)starts, since lenses asked for before then came back empty. */
  refresh(): void {
    this.changeEmitter.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (document.uri.scheme !== 'file') return [];
    let outline;
    try {
      outline = await fetchOutline(this.client, document.uri);
    } catch {
      return [];
    }
    if (token.isCancellationRequested) return [];
    const file = document.uri.fsPath;
    const lenses: vscode.CodeLens[] = [];
    for (const group of outline.groups) {
      const runnable = group.tasks.filter((t) => t.runnable);
      if (runnable.length === 0) continue;
      // A task written directly under `job` is its own group: one lens is enough.
      if (!group.implicit) {
        const target: RunTarget = { file, group: group.name };
        lenses.push(
          new vscode.CodeLens(toRange(this.client, group.headerRange), {
            title: '$(run-all) Run group',
            tooltip: `Run the exec and raw_exec tasks of group "${group.name}" locally (${runnable.map((t) => t.name).join(', ')})`,
            command: 'nomadExec.runGroup',
            arguments: [target],
          }),
        );
      }
      for (const task of runnable) {
        const target: RunTarget = { file, group: group.name, task: task.name };
        lenses.push(
          new vscode.CodeLens(toRange(this.client, task.headerRange), {
            title: '$(play) Run task',
            tooltip: `Run task "${task.name}" locally, isolated as the exec driver does`,
            command: 'nomadExec.runTask',
            arguments: [target],
          }),
        );
      }
    }
    return lenses;
  }
}
