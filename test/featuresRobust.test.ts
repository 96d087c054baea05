// Every editor feature on real and broken files: corpus files, and the same files cut off at random
// places (a half-typed document), through the stdio server. No request may fail inside the server
// (handler errors are logged as window/logMessage) and the server keeps running.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import { REPO_ROOT, type LspClient } from './helpers/lspClient';
import { openDoc, positionAt } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';
import { int, seededRandom } from './helpers/random';

const CORPUS = path.resolve(REPO_ROOT, '..', 'shared', 'corpus');

let client: LspClient;
const logged: string[] = [];
serverPerFile((started) => {
  client = started;
  client.connection.onNotification('window/logMessage', (params: { message: string }) => logged.push(params.message));
});

async function everyFeature(text: string, diagnostics: Diagnostic[], uri: string, offsets: number[]): Promise<void> {
  const textDocument = { uri };
  for (const offset of offsets) {
    const position = positionAt(text, offset);
    await client.request('textDocument/hover', { textDocument, position });
    await client.request('textDocument/completion', { textDocument, position });
    await client.request('textDocument/definition', { textDocument, position });
    await client.request('textDocument/references', { textDocument, position, context: { includeDeclaration: true } });
    await client.request('textDocument/documentHighlight', { textDocument, position });
    await client.request('textDocument/signatureHelp', { textDocument, position });
    // A refusal to rename is an answer (an error reply with a message), not a failure inside the server.
    await client.request('textDocument/prepareRename', { textDocument, position }).catch(() => undefined);
    await client.request('textDocument/rename', { textDocument, position, newName: 'renamed' }).catch(() => undefined);
  }
  await client.request('textDocument/documentLink', { textDocument });
  await client.request('textDocument/inlayHint', { textDocument, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } });
  await client.request('workspace/symbol', { query: 'a' });
  await client.request('textDocument/documentSymbol', { textDocument });
  await client.request('textDocument/foldingRange', { textDocument });
  await client.request('textDocument/semanticTokens/full', { textDocument });
  await client.request('textDocument/formatting', { textDocument, options: { tabSize: 2, insertSpaces: true } });
  const end = positionAt(text, text.length);
  await client.request('textDocument/codeAction', { textDocument, range: { start: { line: 0, character: 0 }, end }, context: { diagnostics } });
}

const files = ['exec', 'other', 'invalid'].flatMap((dir) => fs.readdirSync(path.join(CORPUS, dir)).sort().map((name) => path.join(CORPUS, dir, name)));

test('corpus files, whole and cut off at random places: every feature answers without an internal error', async () => {
  const next = seededRandom(42);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const whole = await openDoc(client, text, 'robust');
    await everyFeature(text, whole.diagnostics, whole.uri, Array.from({ length: 12 }, () => int(next, text.length + 1)));
    client.close(whole.uri);
    for (let cut = 0; cut < 3; cut++) {
      const at = int(next, text.length);
      const half = text.slice(0, at);
      const opened = await openDoc(client, half, 'robust-cut');
      await everyFeature(half, opened.diagnostics, opened.uri, [half.length, int(next, half.length + 1)]);
      client.close(opened.uri);
    }
  }
  assert.deepEqual(logged.filter((m) => /Error|at /.test(m)), [], 'no handler failed');
  assert.ok(client.alive);
});
