// The VS Code extension: starts the language server, and adds "Run Task Locally" (code lenses, commands,
// terminals, a tasks.json provider) on top of the task runner. Everything about job files lives in the
// server and the runner; this file only wires VS Code to them.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { RunCodeLensProvider } from './codeLens';
import { createLanguageClient, wasmEnvironment } from './languageClient';
import { refusalReason } from './run/guard';
import { pickTarget } from './run/pickTarget';
import { RunManager } from './run/runManager';
import type { RunSession } from './run/runSession';
import { NomadTaskProvider, taskType } from './taskProvider';
import type { NomadExecApi, RunInfo } from './testApi';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<NomadExecApi> {
  // The runner (in this process) parses job files too: it finds the wasm files through these variables.
  for (const [name, value] of Object.entries(wasmEnvironment(context.extensionPath))) process.env[name] ??= value;

  const output = vscode.window.createOutputChannel('Nomad exec');
  const languageClient = createLanguageClient(context, output);
  client = languageClient;
  const runs = new RunManager(languageClient, context.extensionPath);
  const lenses = new RunCodeLensProvider(languageClient);
  context.subscriptions.push(
    output,
    runs,
    languageClient.onDidChangeState((e) => {
      if (e.newState === State.Running) lenses.refresh();
    }),
    vscode.languages.registerCodeLensProvider({ language: 'nomad', scheme: 'file' }, lenses),
    vscode.tasks.registerTaskProvider(taskType, new NomadTaskProvider(languageClient, runs)),
    vscode.commands.registerCommand('nomadExec.runTask', async (arg?: unknown) => {
      const target = await pickTarget(languageClient, arg, 'task');
      return target ? runs.run(target) : { cancelled: true };
    }),
    vscode.commands.registerCommand('nomadExec.runGroup', async (arg?: unknown) => {
      const target = await pickTarget(languageClient, arg, 'group');
      return target ? runs.run({ ...target, task: undefined }) : { cancelled: true };
    }),
    vscode.commands.registerCommand('nomadExec.stopTask', (id?: number) => runs.stop(typeof id === 'number' ? id : undefined)),
    vscode.commands.registerCommand('nomadExec.rerunLastTask', () => runs.rerunLast()),
    vscode.commands.registerCommand('nomadExec.showServerLog', () => output.show(true)),
    vscode.commands.registerCommand('nomadExec.restartServer', () => languageClient.restart()),
  );
  // A server that fails to start must not take the commands down with it: say so and carry on.
  await languageClient.start().catch((error: unknown) => {
    output.appendLine(`The language server did not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    void vscode.window.showErrorMessage('Nomad: the language server did not start; see the "Nomad exec" output.');
  });
  return testApi(runs, languageClient);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function info(session: RunSession): RunInfo {
  return {
    id: session.id,
    label: session.label,
    state: session.state,
    file: session.target.file,
    group: session.target.group,
    task: session.target.task,
    allocDir: session.plan?.allocDir,
    exitCode: session.result?.exitCode,
    signal: session.result?.signal,
    stopped: session.result?.stopped,
    error: session.error,
    logFiles: session.result?.logFiles ?? [],
  };
}

function testApi(runs: RunManager, languageClient: LanguageClient): NomadExecApi {
  const session = (id: number): RunSession => {
    const found = runs.get(id);
    if (!found) throw new Error(`no run with id ${id}`);
    return found;
  };
  return {
    listRuns: () => runs.all().map(info),
    statusBarText: () => runs.statusText,
    runRefusal: (platform) => refusalReason((platform ?? process.platform) as NodeJS.Platform),
    terminalText: (id) => session(id).terminal.text(),
    waitForTerminalText: (id, needle, timeoutMs = 30_000) => {
      const s = session(id);
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const text = s.terminal.text();
          if (!text.includes(needle)) return false;
          cleanup();
          resolve(text);
          return true;
        };
        const listener = s.terminal.onDidChangeText(check);
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`terminal of run ${id} has no "${needle}" after ${timeoutMs} ms:\n${s.terminal.text()}`));
        }, timeoutMs);
        const cleanup = (): void => {
          listener.dispose();
          clearTimeout(timer);
        };
        check();
      });
    },
    waitForRun: async (id) => info(await session(id).ended.then((s) => s)),
    serverPid: () => (languageClient as unknown as { _serverProcess?: { pid?: number } })._serverProcess?.pid,
    whenServerRunning: (timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        if (languageClient.state === State.Running) return resolve();
        const timer = setTimeout(() => {
          listener.dispose();
          reject(new Error(`language server not running after ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = languageClient.onDidChangeState((e) => {
          if (e.newState !== State.Running) return;
          clearTimeout(timer);
          listener.dispose();
          resolve();
        });
      }),
  };
}
