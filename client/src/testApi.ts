// What `activate` returns: a small read-only view of the extension for the end-to-end tests (and for other
// extensions that want to follow local runs). Types only, so the test suite can import it alone.

export interface RunInfo {
  id: number;
  /** Also the terminal's name: `job/group/task` or `job/group`. */
  label: string;
  state: 'preparing' | 'running' | 'exited';
  file: string;
  group?: string;
  task?: string;
  allocDir?: string;
  exitCode?: number;
  signal?: string;
  stopped?: boolean;
  /** Why the run never started its tasks. */
  error?: string;
  logFiles: string[];
}

/** A row of the Runs view as its tree provider gives it; pass it to a `nomadExec.runs.*` command as the menu does. */
export interface RunsViewItem {
  kind: 'run' | 'task';
  /** The run's key (unique across window reloads). */
  key: string;
  /** The session id of a run of this window (absent for history from an earlier window). */
  runId?: number;
  task?: string;
  label: string;
  description?: string;
  /** The `viewItem` the menus' `when` clauses read, e.g. `nomadRun live ended terminal logs alloc`. */
  contextValue?: string;
  tooltip?: string;
  children: RunsViewItem[];
}

export interface LensesShown {
  /** Date.now() when the first answer with any lens was given for the document. */
  firstAt?: number;
  /** Date.now() when that answer was asked for. */
  firstAskedAt?: number;
  lines: number[];
  commands: string[];
  /** How many answers were given for the document (the editor's requests and executeCodeLensProvider alike). */
  answers: number;
}

export interface NomadExecApi {
  listRuns(): RunInfo[];
  /** The Runs view's rows, from its tree provider's getChildren/getTreeItem (runs newest first). */
  runsView(): Promise<RunsViewItem[]>;
  /** Called when a run gets its session and terminal (for a terminal run: after planning, before its tasks start). */
  onDidAddRun(listener: (runId: number) => void): { dispose(): void };
  /** The run's terminal text so far, colours removed, `\n` line ends. */
  terminalText(runId: number): string;
  /** Resolves with the text once it contains `needle` (or rejects after `timeoutMs`). */
  waitForTerminalText(runId: number, needle: string, timeoutMs?: number): Promise<string>;
  /** Resolves when the run is over. */
  waitForRun(runId: number): Promise<RunInfo>;
  /** The status bar item's text while runs go on; undefined when it is hidden. */
  statusBarText(): string | undefined;
  /** The Nomad language status items (server, analysis limit, trust): text, detail, severity (0 info, 1 warning, 2 error), command id. */
  languageStatus(): Record<'server' | 'limit' | 'trust', { text: string; detail?: string; severity: number; command?: string }>;
  /** Why Run Task Locally would be refused here, or on another platform (`process.platform` values). */
  runRefusal(platform?: string): string | undefined;
  /**
   * The lenses the editor was last given for a document (not asked anew): when the first non-empty answer came
   * (Date.now()), their lines and commands. Resolves once an answer satisfies `accept`.
   */
  waitForLensesShown(uri: string, accept: (shown: LensesShown) => boolean, timeoutMs?: number): Promise<LensesShown>;
  /** What the last refused run showed the user: message, detail, whether modal, and its buttons with their commands. */
  lastRefusalShown(): { message: string; detail: string; modal: boolean; actions: { title: string; command: string }[] } | undefined;
  /** The process id of the language server, when it runs. */
  serverPid(): number | undefined;
  /** Resolves once the language server is running (again). */
  whenServerRunning(timeoutMs?: number): Promise<void>;
}
