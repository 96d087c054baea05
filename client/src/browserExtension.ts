// The extension in a browser (vscode.dev, github.dev): the language server runs in a Web Worker
// (dist/web-server.js) and every editor feature works. Nothing can be started from a browser, so the run
// commands explain that running needs a local Linux machine, and there are no run lenses.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { clientId, languageClientOptions } from './clientOptions';
import { createLanguageStatus } from './languageStatus';
import { registerTemplatePreview } from './templatePreview';
import type { WorkerSetup } from './browserServerMain';

export const WEB_RUN_REFUSAL =
  'Running a task needs a local Linux machine: this editor runs in a browser, where no program can be started, ' +
  'and the exec driver isolates a task with Linux namespaces, a chroot and capabilities. Checking, hover, completion ' +
  'and formatting work here; to run the task, open the folder in VS Code on Linux (or in a Remote window on a Linux ' +
  'machine) with the linux-x64 or linux-arm64 build of the extension.';

let client: LanguageClient | undefined;

/** What the run commands answer in a browser: the refusal, also shown to the user. */
function refuseRun(): { refused: string } {
  void vscode.window.showInformationMessage(WEB_RUN_REFUSAL);
  return { refused: WEB_RUN_REFUSAL };
}

/**
 * A file of the extension, read through the extension host's fetch: it also reaches the files of an
 * extension installed on a remote (vscode-remote: URIs), which a worker's own fetch cannot.
 */
async function extensionFile(context: vscode.ExtensionContext, name: string): Promise<Uint8Array<ArrayBuffer>> {
  const uri = vscode.Uri.joinPath(context.extensionUri, 'dist', name);
  const response = await fetch(uri.toString(true));
  if (!response.ok) throw new Error(`cannot read ${uri.toString(true)}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The server's Web Worker. Started from the script's text (a blob: URL): the browser host refuses workers
 * from a remote extension's own URL, and a blob works for every place an extension may come from.
 */
async function startServerWorker(context: vscode.ExtensionContext): Promise<Worker> {
  const [script, runtime, grammar] = await Promise.all(['web-server.js', 'tree-sitter.wasm', 'tree-sitter-hcl.wasm'].map((name) => extensionFile(context, name)));
  const worker = new Worker(URL.createObjectURL(new Blob([script], { type: 'application/javascript' })), { name: 'nomad-exec language server' });
  const setup: WorkerSetup = { nomadExecWasm: { runtime, grammar } };
  // Posted before the client starts, so it reaches the worker before `initialize`.
  worker.postMessage(setup, [runtime.buffer, grammar.buffer]);
  return worker;
}

function reportStartFailure(output: vscode.OutputChannel, error: unknown): void {
  output.appendLine(`The language server did not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  void vscode.window.showErrorMessage('Nomad: the language server did not start; see the "Nomad exec" output.');
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Nomad exec');
  registerTemplatePreview(context);
  // The commands come first: a server that fails to start must not take them down with it.
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('nomadExec.runTask', refuseRun),
    vscode.commands.registerCommand('nomadExec.runGroup', refuseRun),
    vscode.commands.registerCommand('nomadExec.rerunLastTask', refuseRun),
    vscode.commands.registerCommand('nomadExec.stopTask', () => undefined),
    vscode.commands.registerCommand('nomadExec.showServerLog', () => output.show(true)),
    vscode.commands.registerCommand('nomadExec.restartServer', async () => {
      await client?.stop();
      await client?.start();
    }),
  );
  let worker: Worker;
  try {
    worker = await startServerWorker(context);
  } catch (error) {
    reportStartFailure(output, error);
    return;
  }
  // Documents of any scheme (vscode-vfs, vscode-remote...): the server reads nothing but their text here.
  const languageClient = new LanguageClient(clientId, 'Nomad exec', languageClientOptions(output, [{ language: 'nomad' }], { runsHere: false }), worker);
  client = languageClient;
  const status = createLanguageStatus(languageClient, false);
  context.subscriptions.push(status.disposable);
  await languageClient.start().catch((error: unknown) => reportStartFailure(output, error));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
