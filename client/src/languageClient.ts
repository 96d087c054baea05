// Starts the bundled language server (dist/server.js) in a Node child process talking over IPC. The client's
// default error handler restarts a crashed server (up to 4 times in 3 minutes, then it gives up and says so).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { settingsSection, withMachineSettings } from './settings';
import { executeCommand } from './templatePreview';
import { provideCodeLenses } from './codeLens';

export const clientId = 'nomadExec';

/** The wasm files sit next to the bundles; the parser finds them through these variables. */
export function wasmEnvironment(extensionPath: string): Record<string, string> {
  return {
    NOMAD_EXEC_TREE_SITTER_WASM: path.join(extensionPath, 'dist', 'tree-sitter.wasm'),
    NOMAD_EXEC_HCL_WASM: path.join(extensionPath, 'dist', 'tree-sitter-hcl.wasm'),
  };
}

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const env = { ...process.env, ...wasmEnvironment(context.extensionPath) };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nomad' },
      { scheme: 'untitled', language: 'nomad' },
    ],
    // Sends the whole `nomadExec` section on every change; the server may also pull it.
    synchronize: { configurationSection: settingsSection },
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      executeCommand,
      provideCodeLenses,
      workspace: {
        // The server pulls `nomadExec`: machine-level settings come from the user's settings only.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value, i) => {
            const item = params.items[i];
            return item?.section === settingsSection ? withMachineSettings(value, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : value;
          });
        },
      },
    },
  };
  // The id makes the client read `nomadExec.trace.server` by itself.
  return new LanguageClient(clientId, 'Nomad exec', serverOptions, clientOptions);
}
