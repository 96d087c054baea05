// The object `activate` returns (see testApi.ts): read-only views of runs and of the language server.
import { State, type LanguageClient } from 'vscode-languageclient/node';
import type { LanguageStatusView } from './languageStatus';
import { lastRefusalShown } from './run/guard';
import { lensesShown, onDidShowLenses } from './codeLens';
import type { RunManager } from './run/runManager';
import type { RunSession } from './run/runSession';
import type { RunNode, RunsTreeProvider } from './run/runsView';
import type { NomadExecApi, RunInfo, RunsViewItem } from './testApi';

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

async function viewItems(provider: RunsTreeProvider, parent?: RunNode): Promise<RunsViewItem[]> {
  const items: RunsViewItem[] = [];
  for (const node of await provider.getChildren(parent)) {
    const item = provider.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
    items.push({
      kind: node.kind,
      key: node.key,
      runId: node.kind === 'run' ? provider.sessionId(node.key) : undefined,
      task: node.kind === 'task' ? node.task : undefined,
      label,
      description: typeof item.description === 'string' ? item.description : undefined,
      contextValue: item.contextValue,
      tooltip,
      children: await viewItems(provider, node),
    });
  }
  return items;
}

export function createApi(runs: RunManager, languageClient: LanguageClient, status: LanguageStatusView, runsView: RunsTreeProvider): NomadExecApi {
  const session = (id: number): RunSession => {
    const found = runs.get(id);
    if (!found) throw new Error(`no run with id ${id}`);
    return found;
  };
  return {
    listRuns: () => runs.all().map(info),
    runsView: () => viewItems(runsView),
    onDidAddRun: (listener) => runs.onDidAddRun((s) => listener(s.id)),
    statusBarText: () => runs.statusText,
    languageStatus: () => Object.fromEntries(
      Object.entries(status).map(([key, item]) => [key, { text: item.text, detail: item.detail, severity: item.severity, command: item.command?.command }]),
    ) as ReturnType<NomadExecApi['languageStatus']>,
    lastRefusalShown,
    waitForLensesShown: (uri, accept, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const now = lensesShown(uri);
          if (!now || !accept(now)) return false;
          cleanup();
          resolve(now);
          return true;
        };
        const listener = onDidShowLenses((changed) => changed === uri && check());
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no code lenses shown for ${uri} that fit after ${timeoutMs} ms: ${JSON.stringify(lensesShown(uri))}`));
        }, timeoutMs);
        const cleanup = (): void => {
          listener.dispose();
          clearTimeout(timer);
        };
        check();
      }),
    runRefusal: (platform) => runs.refusal(undefined, (platform ?? process.platform) as NodeJS.Platform),
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
    waitForRun: async (id) => info(await session(id).ended),
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
