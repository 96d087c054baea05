// A real JSON-RPC client for the language server, for tests and benchmarks. It spawns
// `node bin/nomad-exec lsp --stdio`, speaks LSP over the child's stdio with vscode-jsonrpc, and offers
// helpers for the usual conversation. Waiting is event-driven: no sleeps.
//
//   const client = await LspClient.start();            // spawn + initialize + initialized
//   client.open(uri, text);                            // didOpen (version 1)
//   const d = await client.diagnostics(uri, 1);        // the publishDiagnostics for that version
//   client.change(uri, [{ range, text }]);             // incremental didChange (version + 1)
//   const hover = await client.request('textDocument/hover', { textDocument: { uri }, position });
//   await client.stop();                               // shutdown + exit
//
// Server-to-client requests: `workspace/configuration` is answered from `client.configuration`
// (section -> value); other requests get null unless a handler is set with `onRequest`.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { Diagnostic, Position, Range } from 'vscode-languageserver-types';

/** The repository root (out/test/helpers -> ../../..). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export interface ContentChange {
  range?: Range;
  text: string;
}

/** A capability the server registered at run time. */
export interface Registration {
  id: string;
  method: string;
  registerOptions?: unknown;
}

export interface StartOptions {
  /** Extra `initialize` capabilities (merged at the top level of `capabilities`). */
  capabilities?: Record<string, unknown>;
  /** `initializationOptions`. */
  initializationOptions?: unknown;
  /** Initial answers to `workspace/configuration`, by section. */
  configuration?: Record<string, unknown>;
  /** `workspace/configuration` is answered once this settles (a client slow to answer, or one that never does). */
  configurationAnswer?: Promise<unknown>;
  /** Environment for the server process. */
  env?: NodeJS.ProcessEnv;
  /** Extra node arguments (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Workspace folders: sent with `initialize` and answered to `workspace/workspaceFolders`. */
  workspaceFolders?: Array<{ uri: string; name: string }>;
  /** Another server script to run with node instead of `bin/nomad-exec lsp --stdio` (benchmarks). */
  serverArgs?: string[];
}

type Waiter = { uri: string; accept: (p: PublishedDiagnostics) => boolean; resolve: (p: PublishedDiagnostics) => void };

export class LspClient {
  /** Answers to `workspace/configuration`, by section; change it before `changeConfiguration()`. */
  configuration: Record<string, unknown>;
  /**
   * Settles once the server's first settings pull is answered: documents opened after it are published
   * under those settings at once (until then the server holds what it analyses).
   */
  readonly configured: Promise<void>;
  private answeredConfiguration: () => void = () => undefined;
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishedDiagnostics[] = [];
  /** The latest publishDiagnostics per URI. */
  readonly latest = new Map<string, PublishedDiagnostics>();
  /** Server stderr, for debugging failed tests. */
  stderr = '';
  readonly versions = new Map<string, number>();
  private waiters: Waiter[] = [];
  private exited = false;
  private exitWaiters: ((code: number | null) => void)[] = [];
  private exitCode: number | null = null;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
    options: StartOptions,
  ) {
    this.configuration = { ...(options.configuration ?? {}) };
    this.configured = new Promise((resolve) => (this.answeredConfiguration = resolve));
  }

  /** Spawns the server and completes the initialize handshake. */
  static async start(options: StartOptions = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...(options.serverArgs ?? [path.join(REPO_ROOT, 'bin', 'nomad-exec'), 'lsp', '--stdio'])], {
      cwd: REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection, options);
    child.stderr!.on('data', (chunk: Buffer) => {
      client.stderr += chunk.toString();
      if (client.stderr.length > 1_000_000) client.stderr = client.stderr.slice(-500_000);
    });
    child.on('exit', (code) => {
      client.exited = true;
      client.exitCode = code;
      for (const waiter of client.exitWaiters) waiter(code);
      client.exitWaiters = [];
    });
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishedDiagnostics) => client.received(params));
    connection.onRequest('workspace/configuration', async (params: { items: { section?: string }[] }) => {
      await options.configurationAnswer;
      // Written after this handler returns: the server reads the answer before anything sent after `configured`.
      setImmediate(() => client.answeredConfiguration());
      return params.items.map((item) => (item.section !== undefined ? client.configuration[item.section] ?? null : client.configuration));
    });
    connection.onRequest('client/registerCapability', (params: { registrations: Registration[] }) => client.registered(params.registrations));
    connection.onRequest('workspace/workspaceFolders', () => options.workspaceFolders ?? null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onNotification('window/logMessage', (params: { message: string }) => client.logged(params.message));
    connection.onNotification('window/showMessage', () => undefined);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      ...(options.workspaceFolders ? { workspaceFolders: options.workspaceFolders } : {}),
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, ...(options.workspaceFolders ? { workspaceFolders: true } : {}) },
        textDocument: { publishDiagnostics: { versionSupport: true } },
        ...(options.capabilities ?? {}),
      },
      initializationOptions: options.initializationOptions,
    });
    connection.sendNotification('initialized', {});
    return client;
  }

  /** What the server registered at run time (client/registerCapability), in order. */
  readonly registrations: Registration[] = [];
  private registrationWaiters: Array<{ method: string; resolve: (r: Registration) => void }> = [];

  private registered(registrations: Registration[]): null {
    this.registrations.push(...registrations);
    this.registrationWaiters = this.registrationWaiters.filter((w) => {
      const found = registrations.find((r) => r.method === w.method);
      if (found) w.resolve(found);
      return !found;
    });
    return null;
  }

  /** The server's registration of `method` (already made or coming). */
  registration(method: string): Promise<Registration> {
    const seen = this.registrations.find((r) => r.method === method);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.registrationWaiters.push({ method, resolve }));
  }

  /** Messages the server logged (window/logMessage), in order. */
  readonly logs: string[] = [];
  private logWaiters: Array<{ accept: (message: string) => boolean; resolve: (message: string) => void }> = [];

  private logged(message: string): void {
    this.logs.push(message);
    this.logWaiters = this.logWaiters.filter((w) => {
      if (!w.accept(message)) return true;
      w.resolve(message);
      return false;
    });
  }

  /** The first logged message (already received or coming) that `accept` takes. */
  waitForLog(accept: (message: string) => boolean): Promise<string> {
    const seen = this.logs.find(accept);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.logWaiters.push({ accept, resolve }));
  }

  /** The next message the server logs from now on (not one already received) that `accept` takes. */
  nextLog(accept: (message: string) => boolean): Promise<string> {
    return new Promise((resolve) => this.logWaiters.push({ accept, resolve }));
  }

  /** True while the server process runs. */
  get alive(): boolean {
    return !this.exited;
  }

  private received(params: PublishedDiagnostics): void {
    this.published.push(params);
    if (this.published.length > 10_000) this.published.splice(0, 5_000);
    this.latest.set(params.uri, params);
    const ready = this.waiters.filter((w) => w.uri === params.uri && w.accept(params));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve(params);
  }

  /**
   * The next publishDiagnostics for `uri` at `version` or later (resolves at once when the latest already
   * matches). Without `version`: the next publication for the URI.
   */
  diagnostics(uri: string, version?: number): Promise<PublishedDiagnostics> {
    const latest = this.latest.get(uri);
    if (version !== undefined && latest && latest.version !== undefined && latest.version >= version) return Promise.resolve(latest);
    return this.nextPublication(uri, (p) => version === undefined || p.version === undefined || p.version >= version);
  }

  /** The first publication for `uri` (the latest one included) that satisfies `predicate`. */
  waitFor(uri: string, predicate: (p: PublishedDiagnostics) => boolean): Promise<PublishedDiagnostics> {
    const latest = this.latest.get(uri);
    if (latest && predicate(latest)) return Promise.resolve(latest);
    return this.nextPublication(uri, predicate);
  }

  /** The next publication for `uri` (not the latest one) that satisfies `accept`. */
  nextPublication(uri: string, accept: (p: PublishedDiagnostics) => boolean = () => true): Promise<PublishedDiagnostics> {
    return new Promise((resolve) => this.waiters.push({ uri, accept, resolve }));
  }

  /** didOpen at version 1 (or the given version). Returns the version. */
  open(uri: string, text: string, version = 1, languageId = 'nomad'): number {
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return version;
  }

  /** Incremental didChange; returns the new version. */
  change(uri: string, changes: ContentChange[]): number {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Inserts `text` at `position` (a one-change incremental didChange). */
  insert(uri: string, position: Position, text: string): number {
    return this.change(uri, [{ range: { start: position, end: position }, text }]);
  }

  close(uri: string): void {
    this.versions.delete(uri);
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Sends workspace/didChangeConfiguration; the server pulls `configuration` (and gets `settings` pushed). */
  changeConfiguration(settings?: Record<string, unknown>): void {
    if (settings) Object.assign(this.configuration, settings);
    void this.connection.sendNotification('workspace/didChangeConfiguration', { settings: this.configuration });
  }

  request<R = unknown>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  notify(method: string, params: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  /** Handles a server-to-client request (replaces the default null answer). */
  onRequest(method: string, handler: (params: unknown) => unknown): void {
    this.connection.onRequest(method, handler);
  }

  /** Resolves with the exit code when the server process ends. */
  exitedPromise(): Promise<number | null> {
    if (this.exited) return Promise.resolve(this.exitCode);
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  /** shutdown + exit, then waits for the process to end. */
  async stop(): Promise<number | null> {
    if (this.exited) return this.exitCode;
    const ended = this.exitedPromise();
    try {
      await this.connection.sendRequest('shutdown');
      void this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    const code = await ended;
    this.connection.dispose();
    return code;
  }
}

/** A file URI for a made-up path (documents need not exist on disk). */
export function testUri(name: string): string {
  return `file:///tmp/nomad-exec-test/${name}`;
}
