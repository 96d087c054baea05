// The extension point for LSP features (hover, completion, symbols, folding, semantic tokens, code
// actions, formatting, ...). A feature declares its server capabilities and registers its handlers;
// server.ts lists the features in FEATURES, so adding one is one line there.
import type { ClientCapabilities, Connection, FileEvent, ServerCapabilities } from 'vscode-languageserver';
import type { DocumentStore } from './documents';
import type { EffectiveSettings } from './settings';

export interface FeatureContext {
  connection: Connection;
  documents: DocumentStore;
  /** The settings now in force (they change with workspace/didChangeConfiguration). */
  settings(): EffectiveSettings;
  /** Client capabilities from `initialize`. */
  client: ClientCapabilities;
  /**
   * Wraps a request handler so that an exception is logged and answered with `fallback` instead of
   * crashing the server or leaving the request unanswered.
   */
  guard<P, R>(name: string, fallback: R, handler: (params: P) => R | Promise<R>): (params: P) => Promise<R>;
  log(message: string): void;
  /** Files changed on disk (workspace/didChangeWatchedFiles; the connection takes one handler, server.ts owns it). */
  onDidChangeFiles(listener: (changes: FileEvent[]) => void): void;
}

export interface Feature {
  name: string;
  /** Capabilities merged into the `initialize` result. */
  capabilities?(client: ClientCapabilities): Partial<ServerCapabilities>;
  /** Called once after `initialize`, before any document is opened. */
  register(ctx: FeatureContext): void;
}
