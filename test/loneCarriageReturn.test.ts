// Issue 15: a carriage return not followed by a line feed (a "lone" `\r`) ends a line for LSP and for the
// editor, not for tree-sitter. Through `nomad-exec lsp --stdio`, a job whose lines end with lone `\r`, or
// with a mix of `\n`, `\r\n` and `\r`, gets every editor feature at the positions the editor shows: the
// same answers, line for line, as the same job written with `\n`; and incremental edits that join a lone
// `\r` with a `\n` or split a `\r\n` leave the server with the text and answers of a fresh open.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Location, Position, Range, TextEdit } from 'vscode-languageserver-types';
import type { LspClient } from './helpers/lspClient';
import { applyEdits, openDoc, positionAt, positionOf } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';
import { hclwrite } from './helpers/hclOracle';

const JOB = `variable "image_tag" {
  # who: ops
  # when: always
  default =   "v12"
}

job "web" {
  group "app" {
    task "server" {
      driver = "exec"
      colour = "red"

      config {
        command = "/bin/server"
        args    = ["--tag", var.image_tag]
      }
    }
  }
}
`;

/**
 * Every line ended by a lone `\r` (HCL refuses the file; the editor shows the same lines). Without the `#`
 * comments: for HCL (and so for us) a `#` comment goes on past a lone `\r` up to the next `\n`.
 */
const CR = JOB.replace(/^ *#.*\n/gm, '').replace(/\n/g, '\r');
/**
 * `\n`, `\r\n` and lone `\r` line ends, valid HCL: the lone `\r` ends a comment line whose next line is a
 * comment too (HCL reads both as one comment, the editor as two lines).
 */
const MIXED = JOB.split('\n')
  .map((line, i, lines) => (i === lines.length - 1 ? line : line + (line === '  # who: ops' ? '\r' : i % 2 ? '\r\n' : '\n')))
  .join('');

/** The same lines, each ended by `\n`. */
const withLf = (text: string) => text.replace(/\r\n?/g, '\n');

let client: LspClient;
serverPerFile((started) => {
  client = started;
});

/** Places to ask about, in `text`. */
function places(text: string): Record<string, Position> {
  return {
    usage: positionOf(text, 'var.image_tag', 6),
    declaration: positionOf(text, 'image_tag'),
    driver: positionOf(text, 'driver', 2),
    command: positionOf(text, 'command', 2),
    inTask: { line: positionOf(text, 'colour').line + 1, character: 6 },
    inConfig: positionOf(text, 'args', 0),
  };
}

/** What the server answers about a document: a JSON value, the document's URI and version left out. */
async function answers(uri: string, text: string): Promise<Record<string, unknown>> {
  const textDocument = { uri };
  const AT = places(text);
  const out: Record<string, unknown> = {};
  const ask = async (name: string, method: string, params: object) => {
    out[name] = await client.request(method, { textDocument, ...params }).catch((error: Error) => `error: ${error.message}`);
  };
  for (const [name, position] of Object.entries(AT) as [string, Position][]) {
    await ask(`hover ${name}`, 'textDocument/hover', { position });
    await ask(`definition ${name}`, 'textDocument/definition', { position });
    await ask(`references ${name}`, 'textDocument/references', { position, context: { includeDeclaration: true } });
    await ask(`highlight ${name}`, 'textDocument/documentHighlight', { position });
    await ask(`prepareRename ${name}`, 'textDocument/prepareRename', { position });
    await ask(`rename ${name}`, 'textDocument/rename', { position, newName: 'renamed' });
    await ask(`completion ${name}`, 'textDocument/completion', { position });
    await ask(`signature ${name}`, 'textDocument/signatureHelp', { position });
  }
  const whole = { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } };
  await ask('symbols', 'textDocument/documentSymbol', {});
  await ask('folding', 'textDocument/foldingRange', {});
  await ask('semantic tokens', 'textDocument/semanticTokens/full', {});
  await ask('code lens', 'textDocument/codeLens', {});
  await ask('inlay hints', 'textDocument/inlayHint', { range: whole });
  await ask('links', 'textDocument/documentLink', {});
  await ask('code actions', 'textDocument/codeAction', { range: { start: { line: AT.inTask.line - 1, character: 0 }, end: AT.inTask }, context: { diagnostics: [] } });
  await ask('selection', 'textDocument/selectionRange', { positions: Object.values(AT) });
  return JSON.parse(JSON.stringify(out).split(uri).join('URI').split(new URL(uri).pathname).join('PATH').replace(/"version":\d+/g, '"version":0')) as Record<string, unknown>;
}

/** Opens `text`, and the same lines ended by `\n`: their diagnostics and answers. */
async function withAndWithoutCr(name: string, text: string) {
  const plain = await openDoc(client, withLf(text), `${name}-lf`);
  const plainAnswers = await answers(plain.uri, withLf(text));
  client.close(plain.uri);
  const { uri, diagnostics } = await openDoc(client, text, name);
  const got = await answers(uri, text);
  const formatting = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  client.close(uri);
  return { plain: { diagnostics: plain.diagnostics, answers: plainAnswers }, diagnostics, answers: got, formatting };
}

test('lone `\\r` line ends: every feature answers at the lines the editor shows', async () => {
  const { plain, diagnostics, answers: got } = await withAndWithoutCr('cr', CR);
  // Exact places, after a dozen lone `\r`: the variable declared on line 0, used on line 12.
  assert.deepEqual(got['definition usage'], [{ uri: 'URI', range: { start: { line: 0, character: 10 }, end: { line: 0, character: 19 } } }]);
  const references = got['references usage'] as { range: Range }[];
  assert.deepEqual(references.map((l) => l.range.start.line), [0, 12]);
  assert.deepEqual((got['hover usage'] as { range: Range }).range, { start: { line: 12, character: 28 }, end: references[1].range.end });
  const rename = got['rename usage'] as { changes: Record<string, { range: Range }[]> };
  assert.deepEqual(rename.changes.URI.map((e) => e.range), references.map((l) => l.range));
  const completion = got['completion inTask'] as { items: { label: string; textEdit?: { range: Range } }[] };
  assert.ok(completion.items.some((item) => item.label === 'env'), 'task attributes offered on line 9');
  const symbols = got.symbols as { name: string; range: Range }[];
  assert.deepEqual(symbols.map((s) => [s.name, s.range.start.line, s.range.end.line]), [['image_tag', 0, 2], ['web', 4, 16]]);
  // And every answer as for the same lines ended by `\n`.
  for (const name of Object.keys(plain.answers)) assert.deepEqual(got[name], plain.answers[name], name);
  // HCL refuses a lone `\r` outside a comment: its verdict, on the line of the first one.
  const syntax = diagnostics.filter((d) => d.code === 'syntax-error');
  assert.deepEqual(syntax.map((d) => d.range), [{ start: { line: 0, character: 22 }, end: { line: 0, character: 23 } }]);
});

test('mixed `\\n`, `\\r\\n` and lone `\\r` line ends: the same answers and diagnostics as with `\\n`', async () => {
  const { plain, diagnostics, answers: got, formatting } = await withAndWithoutCr('mixed', MIXED);
  // Formatting is `nomad fmt`'s, line ends included.
  assert.ok(formatting.length > 0);
  assert.equal(applyEdits(MIXED, formatting), await hclwrite(MIXED));
  // Valid HCL (the lone `\r` is inside a comment): the checks' findings at the places the editor shows,
  // after the lone `\r` on line 1.
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start]), [
    ['unknown-attribute', { line: 10, character: 6 }],
    ['command-location', { line: 13, character: 18 }],
  ]);
  assert.deepEqual(diagnostics, plain.diagnostics);
  assert.deepEqual((got['definition usage'] as Location[])[0].range.start, { line: 0, character: 10 });
  for (const name of Object.keys(plain.answers)) assert.deepEqual(got[name], plain.answers[name], name);
});

/** Opens `text`, applies each change (client side too), then compares with a fresh open of the result. */
async function editedLikeFresh(name: string, text: string, edits: { offset: number; remove?: number; insert: string }[]): Promise<string> {
  const { uri } = await openDoc(client, text, name);
  let now = text;
  let version = 1;
  for (const edit of edits) {
    const range = { start: positionAt(now, edit.offset), end: positionAt(now, edit.offset + (edit.remove ?? 0)) };
    version = client.change(uri, [{ range, text: edit.insert }]);
    now = applyEdits(now, [{ range, newText: edit.insert }]);
  }
  const edited = await client.diagnostics(uri, version);
  const editedAnswers = await answers(uri, now);
  const formatting = await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  client.close(uri);
  const fresh = await openDoc(client, now, `${name}-fresh`);
  const freshAnswers = await answers(fresh.uri, now);
  const freshFormatting = await client.request('textDocument/formatting', { textDocument: { uri: fresh.uri }, options: { tabSize: 2, insertSpaces: true } });
  client.close(fresh.uri);
  assert.deepEqual(edited.diagnostics, fresh.diagnostics, `${name}: diagnostics`);
  for (const key of Object.keys(freshAnswers)) assert.deepEqual(editedAnswers[key], freshAnswers[key], `${name}: ${key}`);
  // Formatting edits are made from the server's copy of the text: the same copy as a fresh open's.
  assert.deepEqual(formatting, freshFormatting, `${name}: formatting`);
  return now;
}

// An LSP position cannot fall between the `\r` and `\n` of a `\r\n`: edits join or split one at its edges.
test('edits that join a lone `\\r` with a `\\n`, or split a `\\r\\n`: as a fresh open of the result', async () => {
  const lone = MIXED.indexOf('# who: ops\r') + '# who: ops'.length;
  // A `\n` typed after the lone `\r`: the comment's line end becomes `\r\n`, and `# when: always` stops
  // being part of the comment before it; no line moves.
  const joined = await editedLikeFresh('join', MIXED, [{ offset: lone + 1, insert: '\n' }]);
  assert.equal(joined.slice(lone, lone + 2), '\r\n');
  // The line after the lone `\r` deleted: `\r` and the `\n` after it are one line end (one line less).
  await editedLikeFresh('join-by-deleting', MIXED, [{ offset: lone + 1, remove: '  # when: always'.length, insert: '' }]);
  // Text ending with `\r` typed at the end of a line ended by `\n`.
  const when = MIXED.indexOf('# when: always\n') + '# when: always'.length;
  const typed = await editedLikeFresh('join-by-typing', MIXED, [{ offset: when, insert: ' # more\r' }]);
  assert.match(typed, /# more\r\n/);
  // A `\r\n` replaced by `\r` (its `\n` deleted): a lone `\r`, twice.
  const crlf = MIXED.indexOf('\r\n', MIXED.indexOf('job'));
  const split = await editedLikeFresh('split', MIXED, [
    { offset: crlf, remove: 2, insert: '\r' },
    { offset: MIXED.indexOf('"v12"\r\n') + 5, remove: 2, insert: '\r' },
  ]);
  assert.equal(split.split(/\r\n|\r|\n/).length, MIXED.split(/\r\n|\r|\n/).length);
  // All lone: `\n` typed after two of them, then one of those deleted again.
  const second = CR.indexOf('\r', 23);
  await editedLikeFresh('cr', CR, [
    { offset: 23, insert: '\n' },
    { offset: second + 2, insert: '\n' },
    { offset: 24, remove: 1, insert: '' },
  ]);
});
