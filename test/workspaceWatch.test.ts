// Workspace symbols follow the disk: job files created, changed or deleted after the server started (file
// events through workspace/didChangeWatchedFiles, registered at run time), files above nomadExec.maxFileSize
// left out, and indexing of a large file done in slices while requests keep being answered. Over stdio.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SymbolInformation } from 'vscode-languageserver-types';
import { LspClient } from './helpers/lspClient';
import { execJobOfBytes } from '../bench/generate';

let dir: string;
let client: LspClient;

const CAPABILITIES = {
  workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
  textDocument: { publishDiagnostics: { versionSupport: true } },
};

const job = (name: string, group: string, task: string) =>
  `job "${name}" {\n  group "${group}" {\n    task "${task}" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n  }\n}\n`;

const uriOf = (...parts: string[]) => pathToFileURL(path.join(dir, ...parts)).toString();

/** Sends file events and waits until the index has taken them (it logs each time its queue runs empty). */
async function fileEvents(changes: Array<{ uri: string; type: 1 | 2 | 3 }>): Promise<string> {
  const idle = client.nextLog((m) => /workspace symbols: \d+ files indexed/.test(m));
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  // A deletion alone queues nothing: a query after it (answered in order) shows its effect.
  if (changes.every((c) => c.type === 3)) return '';
  return idle;
}

const symbols = async (query: string) =>
  (await client.request<SymbolInformation[]>('workspace/symbol', { query })).map((s) => `${s.name}@${path.relative(dir, new URL(s.location.uri).pathname)}`).sort();

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-watch-'));
  fs.writeFileSync(path.join(dir, 'old.nomad.hcl'), job('old', 'old_group', 'old_task'));
  client = await LspClient.start({
    capabilities: CAPABILITIES,
    workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }],
    // 1.2 MB: the huge file below is over it, the 1 MB one under it.
    initializationOptions: { settings: { maxFileSize: 1.2 } },
  });
  await client.waitForLog((m) => /workspace symbols: 1 files indexed/.test(m));
});

after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the server asks the editor to watch job files (and deletions, for folders)', async () => {
  const registration = await client.registration('workspace/didChangeWatchedFiles');
  const watchers = (registration.registerOptions as { watchers: Array<{ globPattern: string; kind?: number }> }).watchers;
  assert.deepEqual(watchers.map((w) => [w.globPattern, w.kind]), [['**/*.nomad.hcl', undefined], ['**/*.nomad', undefined], ['**/*', 4]]);
});

test('a job file created on disk after initialize appears in workspace symbols; changed, it follows; deleted, it is gone', async () => {
  assert.deepEqual(await symbols('fresh'), []);
  fs.mkdirSync(path.join(dir, 'jobs'));
  fs.writeFileSync(path.join(dir, 'jobs', 'fresh.nomad'), job('fresh', 'fresh_group', 'fresh_task'));
  assert.match(await fileEvents([{ uri: uriOf('jobs', 'fresh.nomad'), type: 1 }]), /2 files indexed/);
  assert.deepEqual(await symbols('fresh'), ['fresh@jobs/fresh.nomad', 'fresh_group@jobs/fresh.nomad', 'fresh_task@jobs/fresh.nomad']);

  fs.writeFileSync(path.join(dir, 'jobs', 'fresh.nomad'), job('fresh', 'fresh_group', 'renamed_task'));
  await fileEvents([{ uri: uriOf('jobs', 'fresh.nomad'), type: 2 }]);
  assert.deepEqual(await symbols('task'), ['old_task@old.nomad.hcl', 'renamed_task@jobs/fresh.nomad']);

  fs.rmSync(path.join(dir, 'jobs', 'fresh.nomad'));
  await fileEvents([{ uri: uriOf('jobs', 'fresh.nomad'), type: 3 }]);
  assert.deepEqual(await symbols('fresh'), []);
  assert.deepEqual(await symbols('old'), ['old@old.nomad.hcl', 'old_group@old.nomad.hcl', 'old_task@old.nomad.hcl'], 'other files stay');
});

test('a deleted folder takes its job files with it; files outside the folders or in skipped folders are not indexed', async () => {
  fs.mkdirSync(path.join(dir, 'team', 'a'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'team', 'a', 'one.nomad.hcl'), job('team_one', 'g', 't'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, 'node_modules', 'dep.nomad.hcl'), job('team_dep', 'g', 't'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-outside-'));
  fs.writeFileSync(path.join(outside, 'x.nomad.hcl'), job('team_outside', 'g', 't'));
  try {
    await fileEvents([
      { uri: uriOf('team', 'a', 'one.nomad.hcl'), type: 1 },
      { uri: uriOf('node_modules', 'dep.nomad.hcl'), type: 1 },
      { uri: pathToFileURL(path.join(outside, 'x.nomad.hcl')).toString(), type: 1 },
    ]);
    assert.deepEqual(await symbols('team_'), ['team_one@team/a/one.nomad.hcl']);
    fs.rmSync(path.join(dir, 'team'), { recursive: true });
    await fileEvents([{ uri: uriOf('team'), type: 3 }]);
    assert.deepEqual(await symbols('team_'), []);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test('an open document keeps its editor text against disk events, and the disk counts again once it is closed', async () => {
  const file = path.join(dir, 'edited.nomad.hcl');
  fs.writeFileSync(file, job('edited_disk', 'g', 't'));
  await fileEvents([{ uri: uriOf('edited.nomad.hcl'), type: 1 }]);
  const uri = uriOf('edited.nomad.hcl');
  await client.diagnostics(uri, client.open(uri, job('edited_live', 'g', 't')));
  assert.deepEqual(await symbols('edited'), ['edited_live@edited.nomad.hcl']);
  fs.writeFileSync(file, job('edited_disk_again', 'g', 't'));
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 2 }] });
  assert.deepEqual(await symbols('edited'), ['edited_live@edited.nomad.hcl']);
  client.close(uri);
  const idle = client.nextLog((m) => /workspace symbols/.test(m));
  await symbols('edited');
  await idle;
  assert.deepEqual(await symbols('edited'), ['edited_disk_again@edited.nomad.hcl']);
});

test('a file above nomadExec.maxFileSize is left out; a large one under it is indexed in slices while requests are answered', async () => {
  const small = uriOf('small.nomad.hcl');
  fs.writeFileSync(path.join(dir, 'small.nomad.hcl'), job('small', 'g', 't'));
  await client.diagnostics(small, client.open(small, job('small', 'g', 't')));
  fs.writeFileSync(path.join(dir, 'huge.nomad.hcl'), execJobOfBytes(1300 * 1024).replace('job "bench"', 'job "huge_job"'));
  fs.writeFileSync(path.join(dir, 'large.nomad.hcl'), execJobOfBytes(1024 * 1024).replace('job "bench"', 'job "large_job"'));
  let indexed = false;
  const idle = fileEvents([
    { uri: uriOf('huge.nomad.hcl'), type: 1 },
    { uri: uriOf('large.nomad.hcl'), type: 1 },
  ]).then(() => (indexed = true));
  // Requests sent one after another while the large file is indexed: each is answered between slices.
  const started = performance.now();
  const answeredAt: number[] = [];
  while (!indexed) {
    await client.request('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 5 } });
    answeredAt.push(performance.now());
  }
  await idle;
  // Indexed in one piece, the file would hold the thread for its whole parse and build: one wait of most of
  // the indexing time between two answers. In slices, no wait is more than a small part of it, however busy
  // the machine (both scale alike). Measured idle: 1 piece, 15 answers; slices, 300 or more.
  const total = answeredAt[answeredAt.length - 1] - started;
  let longest = 0;
  answeredAt.reduce((previous, at) => ((longest = Math.max(longest, at - previous)), at), started);
  assert.ok(answeredAt.length >= 10 && longest < total / 3, `the longest wait between answers was ${longest.toFixed(0)} ms of ${total.toFixed(0)} ms of indexing (${answeredAt.length} answers)`);
  assert.deepEqual(await symbols('large_job'), ['large_job@large.nomad.hcl']);
  assert.deepEqual(await symbols('huge_job'), [], 'a file above maxFileSize has no symbols');
  client.close(small);
});

test('a workspace folder added while the server runs is indexed; removed, its symbols are gone (the others stay)', async () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-folder-'));
  try {
    fs.mkdirSync(path.join(other, 'jobs'));
    fs.writeFileSync(path.join(other, 'jobs', 'added.nomad.hcl'), job('added', 'added_group', 'added_task'));
    const before = await symbols('old');
    assert.ok(before.length > 0, 'the first folder is indexed');
    const otherUri = pathToFileURL(other).toString();
    // The index logs each time its queue runs empty; an earlier test's indexing may end first, so look
    // after each such log (a few at most) until the new folder's file is in.
    let idle = client.nextLog((m) => /workspace symbols: \d+ files indexed/.test(m));
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: otherUri, name: 'other' }], removed: [] } });
    let added: string[] = [];
    for (let round = 0; round < 5 && added.length === 0; round++) {
      await idle;
      idle = client.nextLog((m) => /workspace symbols: \d+ files indexed/.test(m));
      added = await symbols('added');
    }
    assert.deepEqual(added, ['added@' + path.relative(dir, path.join(other, 'jobs', 'added.nomad.hcl')), 'added_group@' + path.relative(dir, path.join(other, 'jobs', 'added.nomad.hcl')), 'added_task@' + path.relative(dir, path.join(other, 'jobs', 'added.nomad.hcl'))].sort());
    await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: otherUri, name: 'other' }] } });
    // Notifications and requests are handled in order: the query sees the removal.
    assert.deepEqual(await symbols('added'), []);
    assert.deepEqual(await symbols('old'), before, 'the folder still in the workspace keeps its symbols');
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});
