// The floor of our stack (issue 15): a language server on the same libraries (vscode-languageserver,
// web-tree-sitter, the same HCL grammar) doing the least any server must do per edit: incremental sync,
// tree.edit, incremental reparse, a walk for ERROR and MISSING nodes, and a publish of what it found.
// `npm run bench:lsp` runs it beside ours on the same edits; ours/floor is the part that is ours.
import { createConnection, ProposedFeatures, TextDocumentSyncKind, type Diagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Node, Tree } from 'web-tree-sitter';
import { sharedParser, type HclParser } from '../server/src/parser/parser';

interface Doc {
  text: TextDocument;
  tree: Tree;
}

function errors(root: Node): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    const node = cursor.currentNode;
    if (descend && (node.isError || node.isMissing)) {
      out.push({ range: { start: { line: node.startPosition.row, character: node.startPosition.column }, end: { line: node.endPosition.row, character: node.endPosition.column } }, message: node.isMissing ? `missing ${node.type}` : 'syntax error', severity: 1 });
    }
    if (descend && node.hasError && cursor.gotoFirstChild()) continue;
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descend = false;
  }
  cursor.delete();
  return out;
}

function main(): void {
  const connection = createConnection(ProposedFeatures.all);
  const docs = new Map<string, Doc>();
  let parser: HclParser;
  const publish = (uri: string, doc: Doc): void => {
    void connection.sendDiagnostics({ uri, version: doc.text.version, diagnostics: errors(doc.tree.rootNode) });
  };
  connection.onInitialize(async () => {
    parser = await sharedParser();
    return { capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental }, hoverProvider: true } };
  });
  connection.onHover(() => null);
  connection.onDidOpenTextDocument(({ textDocument: { uri, text, version } }) => {
    const doc = { text: TextDocument.create(uri, 'nomad', version, text), tree: parser.parse(text) };
    docs.set(uri, doc);
    publish(uri, doc);
  });
  connection.onDidChangeTextDocument(({ textDocument: { uri, version }, contentChanges }) => {
    const doc = docs.get(uri);
    if (!doc) return;
    for (const change of contentChanges) {
      if (!('range' in change)) continue;
      const start = doc.text.offsetAt(change.range.start);
      const oldEnd = doc.text.offsetAt(change.range.end);
      const oldEndPosition = doc.text.positionAt(oldEnd);
      doc.text = TextDocument.update(doc.text, [change], version);
      const newEndPosition = doc.text.positionAt(start + change.text.length);
      doc.tree.edit({
        startIndex: start,
        oldEndIndex: oldEnd,
        newEndIndex: start + change.text.length,
        startPosition: { row: change.range.start.line, column: change.range.start.character },
        oldEndPosition: { row: oldEndPosition.line, column: oldEndPosition.character },
        newEndPosition: { row: newEndPosition.line, column: newEndPosition.character },
      });
    }
    const old = doc.tree;
    doc.tree = parser.parse(doc.text.getText(), old);
    old.delete();
    publish(uri, doc);
  });
  connection.onDidCloseTextDocument(({ textDocument: { uri } }) => {
    docs.get(uri)?.tree.delete();
    docs.delete(uri);
  });
  connection.listen();
}

main();
