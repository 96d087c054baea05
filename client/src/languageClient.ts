// Starts the bundled language server (dist/server.js) in a Node child process talking over stdio (its own
// transport there, client/src/serverMain.ts). The client's default error handler restarts a crashed server
// (up to 4 times in 3 minutes, then it gives up and says so).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { clientId, languageClientOptions } from './clientOptions';

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
    run: { module, transport: TransportKind.stdio, options: { env } },
    debug: { module, transport: TransportKind.stdio, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions = languageClientOptions(
    output,
    [
      { scheme: 'file', language: 'nomad' },
      { scheme: 'untitled', language: 'nomad' },
    ],
    { runsHere: true },
  );
  return new LanguageClient(clientId, 'Nomad exec', serverOptions, clientOptions);
}
