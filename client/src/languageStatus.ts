// The `{}` language status entries for Nomad files, in the status bar: the server's state (its command opens
// the server log), a file the server did not analyse because it is above nomadExec.maxFileSize or too slow
// to parse (its `analysis-limit` notice), and Restricted Mode (editing works, running is off).
import * as vscode from 'vscode';
import { State, type BaseLanguageClient } from 'vscode-languageclient';

const selector: vscode.DocumentSelector = { language: 'nomad' };
const LIMIT_CODE = 'analysis-limit';

/**
 * Whether an analysis-limit notice is about the whole file (too large, too slow, binary: at the file's very
 * start, empty) rather than a part left out (a list or string cut, at that value) or diagnostics not all
 * shown (at the start too, but saying how many problems there are).
 */
function wholeFile(notice: vscode.Diagnostic): boolean {
  return notice.range.isEmpty && !/^This file has [\d,]+ problems;/.test(notice.message);
}

export interface LanguageStatusView {
  server: vscode.LanguageStatusItem;
  limit: vscode.LanguageStatusItem;
  trust: vscode.LanguageStatusItem;
}

function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

export function createLanguageStatus(client: BaseLanguageClient, runsHere = true): { view: LanguageStatusView; disposable: vscode.Disposable } {
  const server = vscode.languages.createLanguageStatusItem('nomadExec.server', selector);
  server.name = 'Nomad language server';
  server.command = { title: 'Show Log', command: 'nomadExec.showServerLog' };
  const limit = vscode.languages.createLanguageStatusItem('nomadExec.analysisLimit', selector);
  limit.name = 'Nomad analysis limit';
  const trust = vscode.languages.createLanguageStatusItem('nomadExec.trust', selector);
  trust.name = 'Nomad Restricted Mode';

  const showServer = (state: State): void => {
    if (state === State.Running) {
      server.text = '$(check) Nomad';
      server.detail = 'language server running';
      server.severity = vscode.LanguageStatusSeverity.Information;
      server.busy = false;
    } else if (state === State.Starting) {
      server.text = 'Nomad';
      server.detail = 'language server starting';
      server.busy = true;
    } else {
      server.text = '$(error) Nomad';
      server.detail = 'language server stopped';
      server.severity = vscode.LanguageStatusSeverity.Error;
      server.busy = false;
    }
  };

  const showLimit = (): void => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const notice = uri ? vscode.languages.getDiagnostics(uri).find((d) => d.source === 'nomad-exec' && codeOf(d) === LIMIT_CODE) : undefined;
    if (notice && !wholeFile(notice)) {
      limit.text = 'Analysed in part';
      limit.detail = notice.message;
      limit.severity = vscode.LanguageStatusSeverity.Information;
      limit.command = undefined;
    } else if (notice) {
      limit.text = '$(warning) Not analysed';
      limit.detail = notice.message;
      limit.severity = vscode.LanguageStatusSeverity.Warning;
      limit.command = { title: 'Limits', command: 'workbench.action.openSettings', arguments: ['nomadExec.max'] };
    } else {
      limit.text = 'Analysed';
      limit.detail = 'within nomadExec.maxFileSize and maxParseTime';
      limit.severity = vscode.LanguageStatusSeverity.Information;
      limit.command = undefined;
    }
  };

  const showTrust = (): void => {
    if (vscode.workspace.isTrusted) {
      trust.text = 'Trusted';
      trust.detail = runsHere ? 'Run Task Locally is available' : 'running tasks needs a local Linux machine';
      trust.severity = vscode.LanguageStatusSeverity.Information;
      trust.command = undefined;
    } else {
      trust.text = '$(shield) Restricted Mode';
      trust.detail = 'editing works; running tasks is off';
      trust.severity = vscode.LanguageStatusSeverity.Warning;
      trust.command = { title: 'Manage Trust', command: 'workbench.trust.manage' };
    }
  };

  showServer(client.state);
  showLimit();
  showTrust();
  const disposable = vscode.Disposable.from(
    server,
    limit,
    trust,
    client.onDidChangeState((e) => showServer(e.newState)),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) showLimit();
    }),
    vscode.window.onDidChangeActiveTextEditor(showLimit),
    vscode.workspace.onDidGrantWorkspaceTrust(showTrust),
  );
  return { view: { server, limit, trust }, disposable };
}
