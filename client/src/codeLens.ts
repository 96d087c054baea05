// The code lenses ("Run task", "Run group", "Preview") come from the language server, from the same analysis
// as the diagnostics (server/src/features/codeLens.ts). Here only where the client is applied: in Restricted
// Mode, and in the browser where nothing runs, the run lenses are dropped (nothing invites a run that would be
// refused); Preview runs nothing and stays.
import * as vscode from 'vscode';
import { CodeLensRequest, type Middleware } from 'vscode-languageclient';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { LensesShown } from './testApi';

const RUN_COMMANDS = new Set(['nomadExec.runTask', 'nomadExec.runGroup']);

export function isRunLens(lens: vscode.CodeLens): boolean {
  return RUN_COMMANDS.has(lens.command?.command ?? '');
}

/** The lenses last given to the editor for a document (the end-to-end tests read it through the API). */
export type ShownLenses = LensesShown;

const shown = new Map<string, ShownLenses>();
const shownChanged = new vscode.EventEmitter<string>();

export function lensesShown(uri: string): ShownLenses | undefined {
  return shown.get(uri);
}

export const onDidShowLenses = shownChanged.event;

/** Language client middleware for textDocument/codeLens; `runsHere` false drops the run lenses for good. */
export const codeLensMiddleware = (runsHere: boolean): NonNullable<Middleware['provideCodeLenses']> => async (document, token, next) => {
  const askedAt = Date.now();
  const answer = await next(document, token);
  const lenses = !answer || (runsHere && vscode.workspace.isTrusted) ? answer : answer.filter((lens) => !isRunLens(lens));
  if (lenses && !token.isCancellationRequested) {
    const uri = document.uri.toString();
    const before = shown.get(uri);
    const first = before?.firstAt !== undefined ? before : lenses.length > 0 ? { firstAt: Date.now(), firstAskedAt: askedAt } : undefined;
    shown.set(uri, { firstAt: first?.firstAt, firstAskedAt: first?.firstAskedAt, lines: lenses.map((l) => l.range.start.line), commands: lenses.map((l) => l.command?.command ?? ''), answers: (before?.answers ?? 0) + 1 });
    shownChanged.fire(uri);
  }
  return lenses;
};

/** Once the user trusts the workspace, open job files get their run lenses without waiting for an edit. */
export function refreshLensesOnTrust(client: LanguageClient): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    const feature = client.getFeature(CodeLensRequest.method);
    for (const document of vscode.workspace.textDocuments) {
      if (document.languageId !== 'nomad') continue;
      feature.getProvider(document)?.onDidChangeCodeLensEmitter.fire();
    }
  });
}
