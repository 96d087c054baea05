// The code lenses ("Run task", "Run group", "Preview") come from the language server, from the same analysis
// as the diagnostics (server/src/features/codeLens.ts). Here only Workspace Trust is applied: in Restricted
// Mode the run lenses are dropped (nothing invites a run that would be refused); Preview runs nothing and stays.
import * as vscode from 'vscode';
import { CodeLensRequest, type LanguageClient, type Middleware } from 'vscode-languageclient/node';

const RUN_COMMANDS = new Set(['nomadExec.runTask', 'nomadExec.runGroup']);

export function isRunLens(lens: vscode.CodeLens): boolean {
  return RUN_COMMANDS.has(lens.command?.command ?? '');
}

/** Language client middleware for textDocument/codeLens. */
export const provideCodeLenses: NonNullable<Middleware['provideCodeLenses']> = async (document, token, next) => {
  const lenses = await next(document, token);
  if (!lenses || vscode.workspace.isTrusted) return lenses;
  return lenses.filter((lens) => !isRunLens(lens));
};

/** Once the user trusts the workspace, open job files get their run lenses without waiting for an edit. */
export function refreshLensesOnTrust(client: LanguageClient): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    const feature = client.getFeature(CodeLensRequest.method);
    for (const document of vscode.workspace.textDocuments) {
      if (document.languageId !== 'nomad') continue;
      feature.getProviders(document)?.onDidChangeCodeLensEmitter.fire();
    }
  });
}
