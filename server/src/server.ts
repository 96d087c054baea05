// LSP wiring only: documents with incremental sync, configuration, publishing diagnostics, and the
// features listed in FEATURES. Runs over stdio or node IPC (vscode-languageserver picks from argv).
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  WatchKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Diagnostic,
  type Connection,
  type FileEvent,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { afterMessagesRead, DocumentStore, type DocumentSnapshot } from './documents';
import type { Feature, FeatureContext } from './feature';
import { tasksFeature } from './features/tasks';
import { hoverFeature } from './features/hover';
import { completionFeature } from './features/completion';
import { symbolsFeature } from './features/symbols';
import { foldingFeature } from './features/folding';
import { semanticTokensFeature } from './features/semanticTokens';
import { codeActionsFeature } from './features/codeActions';
import { formatFeature } from './features/format';
import { navigationFeature } from './features/navigation';
import { signatureHelpFeature } from './features/functions';
import { linksFeature } from './features/links';
import { workspaceSymbolsFeature } from './features/workspaceSymbols';
import { inlayHintsFeature } from './features/inlayHints';
import { templatePreviewFeature } from './features/templatePreview';
import { codeLensFeature } from './features/codeLens';
import { sharedParser, type HclParser } from './parser/parser';
import { resolveSettings, resolveSettingsLater, sameSettings, type EffectiveSettings, type NomadExecSettings } from './settings';
import { MemoryKeeper } from './memory';
import { DiagnosticReports } from './diagnosticReports';
import { shownDiagnostics } from './diagnosticLimit';
import { FILE_THREADS, forgetMachine, watchMachine } from './checks/machine';
import { host } from './host';

/** Features plug in here, one line each. */
export const FEATURES: Feature[] = [
  tasksFeature,
  hoverFeature,
  completionFeature,
  symbolsFeature,
  foldingFeature,
  semanticTokensFeature,
  codeActionsFeature,
  formatFeature,
  navigationFeature,
  signatureHelpFeature,
  linksFeature,
  workspaceSymbolsFeature,
  inlayHintsFeature,
  templatePreviewFeature,
  codeLensFeature,
];

export const CONFIGURATION_SECTION = 'nomadExec';

/**
 * How long publishing waits for the client to answer a settings pull (workspace/configuration) before the
 * documents analysed meanwhile go out under the settings the server has.
 */
const SETTINGS_ANSWER_MS = 2000;

/** Analyses with at least this many diagnostics are published in a turn of their own (see `publish`). */
const LARGE_PUBLISH = 1000;

export interface ServerOptions {
  /** Extra features (tests, embedders), registered after FEATURES. */
  features?: Feature[];
  /** Counts the chunks of input the transport received so far, when it can tell (stdioTransport). */
  inputCount?: () => number;
}

function mergeCapabilities(base: ServerCapabilities, extra: Partial<ServerCapabilities>): ServerCapabilities {
  return { ...base, ...extra };
}

/** Starts the language server on `connection` (created from process argv when omitted). */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all), options: ServerOptions = {}): Connection {
  // Before any file work: a look-up stuck on a hung mount holds a thread of the pool (checks/machine.ts).
  host.reserveFileThreads?.(FILE_THREADS);
  const features = [...FEATURES, ...(options.features ?? [])];
  let parser: HclParser | undefined;
  let documents: DocumentStore | undefined;
  let stopWatchingMachine: () => void = () => undefined;
  let settings: EffectiveSettings = resolveSettings({});
  let clientCapabilities: ClientCapabilities = {};
  let canPullConfiguration = false;
  let shownProblems = '';
  const memory = new MemoryKeeper();
  /** The client pulls diagnostics (textDocument/diagnostic): nothing is pushed to it then. */
  let pull = false;
  const reports = new DiagnosticReports();
  const fileListeners: ((changes: FileEvent[]) => void)[] = [];

  const log = (message: string): void => connection.console.log(message);
  const logError = (where: string, error: unknown): void => {
    connection.console.error(`${where}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  };

  // Requests being answered, and for two turns of the event loop after: analyses slice shorter meanwhile
  // (documents.ts). The reply itself is written when the handler settles (every writer the server uses
  // writes at once), but a client that asked usually asks again right after the answer, and a 20 ms slice
  // begun in between is what that next request would wait for (measured: a hover on another document during
  // a 1 MB job's analysis, p50 6 ms with the two turns, 44 ms without).
  let inFlight = 0;
  const settled = (): void => void setImmediate(() => setImmediate(() => inFlight--));
  const guard = <P, R>(name: string, fallback: R, handler: (params: P) => R | Promise<R>) => async (params: P): Promise<R> => {
    inFlight++;
    try {
      return await handler(params);
    } catch (error) {
      logError(name, error);
      return fallback;
    } finally {
      settled();
    }
  };

  // Analyses run in slices after the edits that call for them (documents.ts); each completed one is
  // published here, with the version it was made from (a pulling client asks for it instead).
  const send = (snapshot: DocumentSnapshot): void => {
    void connection.sendDiagnostics({ uri: snapshot.uri, version: snapshot.version, diagnostics: shownDiagnostics(snapshot.analysis.diagnostics) as Diagnostic[] });
  };
  const publish = (snapshot: DocumentSnapshot, first: boolean): void => {
    memory.afterWork(first);
    // Settings on their way (the agent config file being read) are followed by every document checked
    // again: published then, not now with findings the settings are about to change.
    if (pull || settingsAnswered !== settingsAsked) return;
    if (snapshot.analysis.diagnostics.length < LARGE_PUBLISH) return send(snapshot);
    // Choosing and encoding thousands of diagnostics takes tens of ms, and the client reads them before any
    // reply written after: a request that came during the analysis' last slice is answered first. Not sent
    // when the document has changed or closed meanwhile: a newer analysis is on its way, or the client was
    // told there is nothing.
    afterMessagesRead(() => {
      if (documents?.get(snapshot.uri)?.version === snapshot.version) send(snapshot);
    });
  };

  // Settings sent with initialize stand until the client sends settings of its own: editors other than VS Code
  // answer a configuration pull with null when nothing is configured there.
  let initSettings: NomadExecSettings = {};
  // The agent config file a setting names is read off the thread (on a hung mount, given up on after a
  // while with a problem saying so); settings asked for later win over an earlier read still under way.
  // Publishing waits while the settings asked for last are being resolved; an earlier read still under way
  // (stuck on a hung mount) holds nothing once later settings have applied.
  // Pulled diagnostics wait the same way (settingsSettled).
  let settingsAsked = 0;
  let settingsAnswered = 0;
  let settingsWaiters: (() => void)[] = [];
  /** Resolves once the settings asked for last apply (or are given up on); at once when none are on their way. */
  const settingsSettled = (): Promise<void> => (settingsAnswered === settingsAsked ? Promise.resolve() : new Promise((resolve) => settingsWaiters.push(resolve)));
  /** After the documents were set to be analysed again under the settings that now apply. */
  const settingsApplied = (): void => {
    if (settingsAnswered !== settingsAsked) return;
    const waiters = settingsWaiters;
    settingsWaiters = [];
    for (const wake of waiters) wake();
  };
  const settingsOf = async (user: NomadExecSettings, asked = ++settingsAsked): Promise<EffectiveSettings | undefined> => {
    try {
      const resolved = await resolveSettingsLater(user);
      return asked === settingsAsked ? resolved : undefined;
    } finally {
      if (asked === settingsAsked) settingsAnswered = asked;
    }
  };
  const applySettings = async (raw: unknown, asked?: number): Promise<void> => {
    const resolved = await settingsOf(raw && typeof raw === 'object' ? (raw as NomadExecSettings) : initSettings, asked);
    if (!resolved) return;
    const changed = !sameSettings(resolved, settings);
    if (changed) settings = resolved;
    const problems = settings.problems.join('\n');
    if (problems && problems !== shownProblems) void connection.window.showWarningMessage(`nomad-exec settings: ${problems}`);
    shownProblems = problems;
    // Unchanged, the analyses made meanwhile stand: this publishes those held (advance gives them back).
    documents?.reanalyseAll();
    settingsApplied();
    if (changed) pullAgain();
  };

  // A pulling client (VS Code's) asks again for what it was told before; its pulls wait for the new analyses.
  // Without this, a finding that went because a file appeared on the machine stayed in the editor until an edit.
  // (Typed void, but a request: its promise is caught so a client's error cannot become an unhandled rejection.)
  const pullAgain = (): void => {
    if (!pull || !clientCapabilities.workspace?.diagnostics?.refreshSupport) return;
    void Promise.resolve(connection.languages.diagnostics.refresh() as unknown).catch((error: unknown) => logError('workspace/diagnostic/refresh', error));
  };
  /** Every open document checked again on its model: what the machine answered changed. */
  const recheckAll = (): void => {
    documents?.recheckAll();
    pullAgain();
  };

  const pullSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    // Asked from the question on, not from the answer: a document analysed while the client answers would
    // otherwise be published under the settings of before, then again under its own. A client that does
    // not answer holds nothing for long: what was held then goes out under the settings the server has.
    const asked = ++settingsAsked;
    const release = (): void => {
      if (asked !== settingsAsked || settingsAnswered === asked) return;
      settingsAnswered = asked;
      documents?.reanalyseAll();
      settingsApplied();
    };
    const giveUp = setTimeout(release, SETTINGS_ANSWER_MS);
    let raw: unknown;
    try {
      raw = await connection.workspace.getConfiguration({ section: CONFIGURATION_SECTION });
    } catch (error) {
      logError('workspace/configuration', error);
      release();
      return;
    } finally {
      // Answered: applySettings holds what it must while it reads the files the settings name.
      clearTimeout(giveUp);
    }
    await applySettings(raw, asked).catch((error: unknown) => logError('workspace/configuration', error));
  };

  connection.onInitialize(async (params): Promise<InitializeResult> => {
    clientCapabilities = params.capabilities;
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    parser = await sharedParser();
    documents = new DocumentStore(parser, () => settings, { analysed: publish, failed: (uri, error) => logError(`analysing ${uri}`, error), requestsInFlight: () => inFlight, inputCount: options.inputCount });
    const init = params.initializationOptions as { settings?: NomadExecSettings } | undefined;
    if (init?.settings) {
      initSettings = init.settings;
      settings = (await settingsOf(init.settings)) ?? settings;
    }
    pull = !!params.capabilities.textDocument?.diagnostic;
    let capabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      ...(pull ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
    };
    for (const feature of features) {
      try {
        if (feature.capabilities) capabilities = mergeCapabilities(capabilities, feature.capabilities(clientCapabilities));
      } catch (error) {
        logError(`capabilities of ${feature.name}`, error);
      }
    }
    return { capabilities, serverInfo: { name: 'nomad-exec', version: '0.1.0' } };
  });

  connection.onInitialized(() => {
    // After the answer to initialize, so that the editor's start does not wait for it; before any document.
    documents?.keepSpecimens();
    const ctx: FeatureContext = { connection, documents: documents!, settings: () => settings, client: clientCapabilities, guard, log, onDidChangeFiles: (listener) => fileListeners.push(listener) };
    for (const feature of features) {
      try {
        feature.register(ctx);
      } catch (error) {
        logError(`registering ${feature.name}`, error);
      }
    }
    if (clientCapabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: CONFIGURATION_SECTION }).catch((e) => logError('register configuration', e));
    }
    // A command or file a finding says is missing may be installed anywhere on the machine, outside every
    // watched folder (and one found may be removed): the paths are looked at again off the thread, and the
    // documents checked again when an answer changed.
    stopWatchingMachine = watchMachine(recheckAll);
    // Checks read the disk (a template's source, a command on the host): created and deleted files are
    // reported back so that findings about them follow at once.
    if (clientCapabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete }] })
        .catch((e) => logError('register file watcher', e));
    }
    void pullSettings();
  });

  // Pull diagnostics: the completed analysis of the document's current version (waiting only for it).
  connection.languages.diagnostics.on(
    guard('textDocument/diagnostic', { kind: 'full', items: [] }, async (params: { textDocument: { uri: string }; previousResultId?: string }) => {
      // Under the settings on their way, not those they replace (see settingsAsked).
      await settingsSettled();
      const snapshot = await documents?.ready(params.textDocument.uri);
      if (!snapshot) return { kind: 'full', items: [] };
      return reports.report(snapshot, params.previousResultId);
    }),
  );

  // Files created, changed or deleted on disk, as the editor's watchers report them: the answers of disk
  // lookups that findings were built on are forgotten, then each feature that follows the disk hears of it.
  // (The connection keeps one handler only, so this is the one.)
  connection.onDidChangeWatchedFiles((params) => {
    try {
      const paths = params.changes.map((c) => host.fileUrlToPath(c.uri)).filter((p): p is string => p !== undefined);
      // Only answers some finding was built on matter: other files change all the time and cost nothing.
      if (forgetMachine(paths)) recheckAll();
    } catch (error) {
      logError('didChangeWatchedFiles', error);
    }
    for (const listener of fileListeners) {
      try {
        listener(params.changes);
      } catch (error) {
        logError('didChangeWatchedFiles', error);
      }
    }
  });

  connection.onDidChangeConfiguration((params) => {
    const pushed = (params.settings as Record<string, unknown> | null | undefined)?.[CONFIGURATION_SECTION];
    if (canPullConfiguration) void pullSettings();
    else void applySettings(pushed).catch((error: unknown) => logError('didChangeConfiguration', error));
  });

  connection.onDidOpenTextDocument((params) => {
    try {
      const { uri, text, version } = params.textDocument;
      documents?.openDocument(uri, text, version);
    } catch (error) {
      logError('didOpen', error);
    }
  });

  connection.onDidChangeTextDocument((params) => {
    try {
      const { uri, version } = params.textDocument;
      documents?.change(uri, params.contentChanges, version ?? 0);
    } catch (error) {
      logError('didChange', error);
    }
  });

  connection.onDidCloseTextDocument((params) => {
    try {
      documents?.close(params.textDocument.uri);
      memory.afterRelease(documents?.openTextLength());
      reports.forget(params.textDocument.uri);
      if (!pull) void connection.sendDiagnostics({ uri: params.textDocument.uri, diagnostics: [] });
    } catch (error) {
      logError('didClose', error);
    }
  });

  connection.onShutdown(() => {
    stopWatchingMachine();
    documents?.disposeAll();
    memory.dispose();
  });

  connection.listen();
  return connection;
}
