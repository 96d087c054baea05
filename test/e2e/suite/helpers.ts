// Shared by the suite files: finding the workspace, opening job files, waiting on VS Code events, screenshots.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NomadExecApi } from '../../../client/src/testApi';

export const extensionId = 'nomad-exec.nomad-exec';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs the fixtures folder open as the workspace');
  return folder.uri.fsPath;
}

export function fixture(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceDir(), name));
}

/** A calm, wide window for screenshots: no side bars, no welcome page. */
export async function tidyWorkbench(): Promise<void> {
  for (const command of ['workbench.action.closeAuxiliaryBar', 'workbench.action.closeSidebar', 'workbench.action.closeAllEditors']) {
    await vscode.commands.executeCommand(command).then(undefined, () => undefined);
  }
}

export async function activateExtension(): Promise<NomadExecApi> {
  const extension = vscode.extensions.getExtension<NomadExecApi>(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not installed`);
  const api = await extension.activate();
  await api.whenServerRunning();
  return api;
}

export async function openJob(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(fixture(name));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Opens a scratch job file with the given text (a real file, so runs and the server read the same thing). */
export async function openScratchJob(name: string, text: string): Promise<vscode.TextEditor> {
  const file = path.join(workspaceDir(), 'scratch', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Resolves with the diagnostics of `uri` once `accept` holds for them (checked now and on every change). */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      done();
      resolve(diagnostics);
      return true;
    };
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      done();
      const now = vscode.languages.getDiagnostics(uri).map((d) => `${d.code}: ${d.message}`);
      reject(new Error(`timed out waiting for ${what}; diagnostics now: ${JSON.stringify(now)}`));
    }, timeoutMs);
    const done = (): void => {
      listener.dispose();
      clearTimeout(timer);
    };
    check();
  });
}

/**
 * Retries a provider call until it returns something acceptable: the server answers only after it has parsed
 * the document, and a freshly (re)started server may answer the first request empty.
 */
export async function until<T>(call: () => Thenable<T>, accept: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await call();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}; last answer: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

/** Text of hover contents, whatever form they came in. */
export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

/**
 * Asks the code-server runner for a screenshot of the window and waits until it is written. Outside that
 * runner (no NOMAD_EXEC_E2E_SCREENSHOTS) it does nothing. The runner first waits for `selector` (CSS) to be
 * visible and for `text` to be on screen.
 */
export async function screenshot(name: string, selector?: string, text?: string): Promise<void> {
  const dir = process.env.NOMAD_EXEC_E2E_SCREENSHOTS;
  if (!dir) return;
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(path.join(dir, `${name}.request`), JSON.stringify({ selector, text }));
  const deadline = Date.now() + 20_000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`screenshot ${name} was not written to ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Processes whose command line contains `marker` (Linux /proc). */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A line for the suite's printed report (benchmark rows): `npm run test:e2e` shows the suite log. */
export function report(line: string): void {
  const log = process.env.NOMAD_EXEC_E2E_LOG;
  if (log) fs.appendFileSync(log, `${line}\n`);
  console.log(line);
}
