// A closed document's memory comes free (the server collects right after a didClose, memory.ts). What the
// checks keep between runs must not hold a closed document's model: the tokens they intern held its
// top-level items, and through them its reference index and every group (a 1 MB job: about 100 MB kept
// after closing it, until sixteen other tokens had pushed its own out).
import test from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { sharedParser } from '../server/src/parser/parser';
import { DocumentAnalysis } from '../server/src/analysis';
import { resolveSettings } from '../server/src/settings';
import { collectAll } from './helpers/collect';
import { execJobOfLines } from '../bench/generate';
import type { Diagnostic } from 'vscode-languageserver-types';
import { LspClient } from './helpers/lspClient';


/** Two groups, each with an exec task missing its command: one finding per group. */
function twoGroups(second: string): string {
  const group = (name: string, arg: string) => `  group "${name}" {\n    task "t" {\n      driver = "exec"\n      config {\n        args = ["${arg}"]\n      }\n    }\n  }\n`;
  return `job "b" {\n${group('one', 'x')}${group('two', second)}}\n`;
}

const findingIn = (diagnostics: readonly Diagnostic[], line: number): Diagnostic | undefined => diagnostics.find((d) => d.range.start.line >= line && d.range.start.line < line + 8 && d.severity === 1);

test('a closed document leaves nothing of its model behind, and another open document keeps what the checks remembered for it', async () => {
  const parser = await sharedParser();
  const settings = resolveSettings({});
  // A job with a variable every group reads: the file token holds that top-level block.
  const closed = new DocumentAnalysis(parser, 'file:///release/closed.nomad.hcl', execJobOfLines(600), 1);
  const open = new DocumentAnalysis(parser, 'file:///release/open.nomad.hcl', twoGroups('y'), 1);
  try {
    const model = ((): WeakRef<object>[] => {
      const file = closed.analyse(settings).file;
      assert.ok(file.variables.size > 0 && file.jobs[0].groups.length > 10);
      return [new WeakRef(file.body.items[0]), new WeakRef(file.jobs[0].block), new WeakRef(file.jobs[0].groups[5].block)];
    })();
    const before = open.analyse(settings).diagnostics;
    const first = findingIn(before, 1);
    assert.ok(first, `the first group has its finding: ${JSON.stringify(before)}`);

    closed.dispose();
    await collectAll();
    assert.deepEqual(
      model.map((ref) => ref.deref() === undefined),
      [true, true, true],
      'the closed job, its groups and its variable were collected',
    );

    // The open document: an edit in its second group; the first group's finding is the very object of before.
    open.applyChanges([{ range: { start: { line: 13, character: 18 }, end: { line: 13, character: 18 } }, text: 'z' }], 2);
    const after = open.analyse(settings).diagnostics;
    assert.equal(open.text.split('\n')[13], '        args = ["yz"]');
    assert.equal(findingIn(after, 1), first, 'the first group was not checked again');
    assert.equal(after.filter((d) => d.severity === 1).length, 2);
  } finally {
    open.dispose();
  }
});

/** How many model blocks (objects with an `openBrace`) a V8 heap snapshot holds. */
function modelBlocksIn(snapshotFile: string): number {
  const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const { meta } = snapshot.snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const property = meta.edge_types[0].indexOf('property');
  const edgeCount = meta.node_fields.indexOf('edge_count');
  let blocks = 0;
  for (let node = 0, edge = 0; node < snapshot.nodes.length; node += nodeFields) {
    const edges = snapshot.nodes[node + edgeCount];
    for (let k = 0; k < edges; k++, edge += edgeFields) {
      if (snapshot.edges[edge] === property && snapshot.strings[snapshot.edges[edge + 1]] === 'openBrace') blocks++;
    }
  }
  return blocks;
}

/** A heap snapshot of the server, written on SIGUSR2 (--heapsnapshot-signal) into `dir`; its path. */
async function serverSnapshot(client: LspClient, dir: string, uri: string): Promise<string> {
  const before = new Set(fs.readdirSync(dir));
  const written = new Promise<string>((resolve) => {
    const watcher = fs.watch(dir, () => {
      const file = fs.readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
      if (file) {
        watcher.close();
        resolve(path.join(dir, file));
      }
    });
  });
  client.process.kill('SIGUSR2');
  const file = await written;
  // The snapshot is written on the server's main thread: once it answers a request, the file is complete.
  await client.request('textDocument/documentSymbol', { textDocument: { uri } });
  return file;
}

test('the language server keeps nothing of a closed document: its model goes once it is closed, answers cached for it included', { skip: process.platform === 'win32' ? 'heap snapshots on a signal need SIGUSR2' : undefined }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-release-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const client = await LspClient.start({ nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] });
  t.after(() => client.stop());
  const uri = 'file:///release/lsp.nomad.hcl';
  const other = 'file:///release/other.nomad.hcl';
  const text = execJobOfLines(200);
  // Before any document: the small job the server keeps for the shapes of its objects (specimens.ts), made
  // once it is initialised (a request answered after that notification says it is done).
  await client.request('textDocument/documentSymbol', { textDocument: { uri: other } });
  const kept = modelBlocksIn(await serverSnapshot(client, dir, other));
  client.open(uri, text);
  await client.diagnostics(uri, 1);
  client.open(other, twoGroups('y'));
  await client.diagnostics(other, 1);
  // Requests whose features remember answers per document (code lenses), and the navigation index.
  const line = text.split('\n').findIndex((l) => l.includes('var.name'));
  const position = { line, character: text.split('\n')[line].indexOf('var.name') + 5 };
  for (const [method, params] of [
    ['textDocument/codeLens', {}],
    ['textDocument/references', { position, context: { includeDeclaration: true } }],
    ['textDocument/hover', { position }],
    ['textDocument/documentSymbol', {}],
  ] as const) {
    await client.request(method, { textDocument: { uri }, ...params });
  }
  const open = modelBlocksIn(await serverSnapshot(client, dir, other));
  assert.ok(open > 40, `the open job's blocks are found in the snapshot (${open})`);

  // The server clears a closed document's diagnostics: once that arrives, the close has been handled.
  const cleared = client.nextPublication(uri, (p) => p.diagnostics.length === 0 && p.version === undefined);
  client.close(uri);
  await cleared;
  const closed = modelBlocksIn(await serverSnapshot(client, dir, other));
  // What is left is the other, still open, job's (two groups, two tasks, two configs, the job).
  assert.ok(closed - kept <= 12, `after closing it, ${closed - kept} model blocks are left (besides the ${kept} kept from the start)`);
  // Its twin: the open document still answers, and a reopened one is analysed afresh.
  const v = client.insert(other, { line: 13, character: 18 }, 'z');
  assert.equal((await client.diagnostics(other, v)).diagnostics.filter((d) => d.severity === 1).length, 2);
  client.open(uri, text, 3);
  const lenses = (await client.request('textDocument/codeLens', { textDocument: { uri } })) as unknown[];
  assert.ok(lenses.length > 0);
});
