// The floor for answering references and rename on a name used a thousand times (issue 12): a language
// server on the same library (vscode-languageserver, its own stdio transport) that found every
// `variable "x"` label and `var.x` / `local.x` use when the document was opened, and per request only finds
// the name under the cursor and sends the list it already has. What it costs is JSON.stringify of the reply
// and writing it, which no server can skip; bench/lspFeatures.ts runs it interleaved with ours.
import { createConnection, ProposedFeatures, TextDocumentSyncKind, type Location, type Range } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

interface Doc {
  text: TextDocument;
  /** Per name: its declaration first, then every use. */
  places: Map<string, Range[]>;
}

function placesOf(doc: TextDocument): Map<string, Range[]> {
  const text = doc.getText();
  const places = new Map<string, Range[]>();
  const range = (start: number, length: number): Range => ({ start: doc.positionAt(start), end: doc.positionAt(start + length) });
  for (const match of text.matchAll(/variable\s+"(\w+)"/g)) places.set(match[1], [range(match.index! + match[0].length - match[1].length - 1, match[1].length)]);
  for (const match of text.matchAll(/\b(?:var|local)\.(\w+)/g)) {
    let list = places.get(match[1]);
    if (!list) places.set(match[1], (list = []));
    list.push(range(match.index! + match[0].length - match[1].length, match[1].length));
  }
  return places;
}

function nameAt(doc: TextDocument, position: { line: number; character: number }): string {
  const line = doc.getText({ start: { line: position.line, character: 0 }, end: { line: position.line + 1, character: 0 } });
  let start = position.character;
  let end = position.character;
  while (start > 0 && /\w/.test(line[start - 1])) start--;
  while (end < line.length && /\w/.test(line[end])) end++;
  return line.slice(start, end);
}

function main(): void {
  const connection = createConnection(ProposedFeatures.all);
  const docs = new Map<string, Doc>();
  connection.onInitialize(() => ({ capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental }, referencesProvider: true, renameProvider: true } }));
  connection.onDidOpenTextDocument(({ textDocument: { uri, text, version } }) => {
    const doc = TextDocument.create(uri, 'nomad', version, text);
    docs.set(uri, { text: doc, places: placesOf(doc) });
    void connection.sendDiagnostics({ uri, version, diagnostics: [] });
  });
  connection.onDidCloseTextDocument(({ textDocument: { uri } }) => void docs.delete(uri));
  connection.onReferences(({ textDocument: { uri }, position }): Location[] | null => {
    const doc = docs.get(uri);
    const ranges = doc && doc.places.get(nameAt(doc.text, position));
    return ranges ? ranges.map((range) => ({ uri, range })) : null;
  });
  connection.onRenameRequest(({ textDocument: { uri }, position, newName }) => {
    const doc = docs.get(uri);
    const ranges = doc && doc.places.get(nameAt(doc.text, position));
    return ranges ? { changes: { [uri]: ranges.map((range) => ({ range, newText: newName })) } } : null;
  });
  connection.listen();
}

main();
