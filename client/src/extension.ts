// The VS Code extension: starts the language server, and adds "Run Task Locally" (code lenses, commands,
// terminals, a tasks.json provider) on top of the task runner. Everything about job files lives in the
// server and the runner; this file only wires VS Code to them.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { refreshLensesOnTrust } from './codeLens';
import { createLanguageClient, wasmEnvironment } from './languageClient';
import { refuseUntrusted } from './run/guard';
import { pickTarget } from './run/pickTarget';
import { RunManager } from './run/runManager';
import { registerRunsView } from './run/runsView';
import { runStateDir } from './run/stateDir';
import { registerRunTerminalLinks } from './run/runTerminal';
import { NomadTaskProvider, taskType } from './taskProvider';
import { createApi } from './extensionApi';
import { createLanguageStatus } from './languageStatus';
import { registerTemplatePreview } from './templatePreview';
import type { NomadExecApi } from './testApi';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<NomadExecApi> {
  // The runner (in this process) parses job files too: it finds the wasm files through these variables.
  for (const [name, value] of Object.entries(wasmEnvironment(context.extensionPath))) process.env[name] ??= value;

  const output = vscode.window.createOutputChannel('Nomad exec');
  registerTemplatePreview(context);
  context.subscriptions.push(registerRunTerminalLinks());
  const languageClient = createLanguageClient(context, output);
  client = languageClient;
  const runs = new RunManager(languageClient, {
    extensionPath: context.extensionPath,
    stateDir: runStateDir(context),
    memento: context.workspaceState,
  });
  const runsView = registerRunsView(runs);
  // The Runs view shows in the Explorer once the extension is active (a job file was opened).
  void vscode.commands.executeCommand('setContext', 'nomadExec.active', true);
  const status = createLanguageStatus(languageClient);
  context.subscriptions.push(
    output,
    runs,
    runsView.disposable,
    status.disposable,
    refreshLensesOnTrust(languageClient),
    vscode.tasks.registerTaskProvider(taskType, new NomadTaskProvider(languageClient, runs)),
    vscode.commands.registerCommand('nomadExec.runTask', async (arg?: unknown) => {
      const untrusted = refuseUntrusted();
      if (untrusted) return untrusted;
      const target = await pickTarget(languageClient, arg, 'task');
      return target ? runs.run(target) : { cancelled: true };
    }),
    vscode.commands.registerCommand('nomadExec.runGroup', async (arg?: unknown) => {
      const untrusted = refuseUntrusted();
      if (untrusted) return untrusted;
      const target = await pickTarget(languageClient, arg, 'group');
      return target ? runs.run({ ...target, task: undefined }) : { cancelled: true };
    }),
    vscode.commands.registerCommand('nomadExec.stopTask', (id?: number) => runs.stop(typeof id === 'number' ? id : undefined)),
    vscode.commands.registerCommand('nomadExec.rerunLastTask', () => refuseUntrusted() ?? runs.rerunLast()),
    vscode.commands.registerCommand('nomadExec.showServerLog', () => output.show(true)),
    vscode.commands.registerCommand('nomadExec.restartServer', () => languageClient.restart()),
  );
  // A server that fails to start must not take the commands down with it: say so and carry on.
  await languageClient.start().catch((error: unknown) => {
    output.appendLine(`The language server did not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    void vscode.window.showErrorMessage('Nomad: the language server did not start; see the "Nomad exec" output.');
  });
  return createApi(runs, languageClient, status.view, runsView.provider);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
