// Shared pieces for the editor-feature tests (hover, completion, symbols, code actions, format): one stdio
// server per test file, documents written with a `|` marking the cursor, and edits applied to text.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, TextEdit } from 'vscode-languageserver-types';
import { LspClient, testUri, type StartOptions } from './lspClient';

export const SNIPPET_CAPABILITIES = {
  textDocument: {
    publishDiagnostics: { versionSupport: true },
    completion: { completionItem: { snippetSupport: true } },
  },
};

export function startClient(options: StartOptions = {}): Promise<LspClient> {
  return LspClient.start({ capabilities: SNIPPET_CAPABILITIES, ...options });
}

/** Splits `text` at its `|` marker: the text without it and the marker's position. */
export function cursor(marked: string): { text: string; position: Position } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker in the test text');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, position: positionAt(text, offset) };
}

/** The position of the `n`th occurrence (0-based) of `needle`, plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, n = 0): Position {
  let index = -1;
  for (let i = 0; i <= n; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" not found`);
  }
  return positionAt(text, index + delta);
}

/** The LSP position (line, UTF-16 character) of a character offset into `text`: `\n`, `\r\n` and a lone `\r` end a line. */
export function positionAt(text: string, offset: number): Position {
  // A `\r` just before the offset ends a line only if no `\n` follows it (the offset may split a `\r\n`).
  const before = text.slice(0, offset).replace(/\r(?=\n)/g, ' ').replace(/\r$/, text[offset] === '\n' ? ' ' : '\r').split(/\r|\n/);
  return { line: before.length - 1, character: before[before.length - 1].length };
}

let counter = 0;

/** Opens `text` under a fresh URI and waits for its first diagnostics. */
export async function openDoc(client: LspClient, text: string, name = 'job'): Promise<{ uri: string; diagnostics: import('vscode-languageserver-types').Diagnostic[] }> {
  const uri = testUri(`${name}-${++counter}.nomad.hcl`);
  const version = client.open(uri, text);
  const published = await client.diagnostics(uri, version);
  return { uri, diagnostics: published.diagnostics };
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'nomad', 1, text), [...edits]);
}
