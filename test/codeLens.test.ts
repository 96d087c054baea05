// Code lenses from the server's analysis (issue 18, part 1), over the real stdio language server: "Run task" /
// "Run group" / "Preview" are there as soon as the first analysis is, they keep their lines on an edit that
// does not change the task list (answered from the last analysis while the new one runs), and they follow
// the text when a task is added.
import test from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeLens } from 'vscode-languageserver-types';
import { LspClient, testUri } from './helpers/lspClient';
import { codeLenses, relocate } from '../server/src/features/codeLens';
import { analyseText } from './helpers/analyse';

/** Two groups, one with an exec task and a docker task, and `padding` more groups below them (a larger analysis). */
function job(padding = 0): string {
  const more = Array.from({ length: padding }, (_, i) => `  group "pad${i}" {\n    task "t${i}" {\n      driver = "docker"\n      config {\n        image = "busybox:1.36"\n      }\n    }\n  }\n`).join('');
  return `job "lens" {
  group "web" {
    task "server" {
      driver = "exec"
      config {
        command = "/bin/sh"
        args    = ["-c", "sleep 1"]
      }
      resources {
        memory = 64
      }
    }
    task "sidecar" {
      driver = "docker"
      config {
        image = "busybox:1.36"
      }
    }
  }
  group "batch" {
    task "once" {
      driver = "raw_exec"
      config {
        command = "/bin/true"
      }
      template {
        destination = "local/x"
        data        = "x"
      }
    }
  }
${more}}
`;
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, needle);
  return text.slice(0, at).split('\n').length - 1;
}

/** `title@line` for every lens, in order, with the run target's task or group. */
function summary(lenses: CodeLens[] | null): string[] {
  return (lenses ?? []).map((l) => {
    const target = l.command?.arguments?.[0] as { group?: string; task?: string } | undefined;
    return `${l.command?.title}@${l.range.start.line}:${target?.task ?? target?.group ?? ''}`;
  });
}

function expected(text: string): string[] {
  return [
    `$(run-all) Run group@${lineOf(text, 'group "web"')}:web`,
    `$(play) Run task@${lineOf(text, 'task "server"')}:server`,
    `$(run-all) Run group@${lineOf(text, 'group "batch"')}:batch`,
    `$(play) Run task@${lineOf(text, 'task "once"')}:once`,
    `Preview@${lineOf(text, 'template {')}:batch/once`,
  ];
}

async function startWithRefresh(): Promise<{ client: LspClient; refreshes: () => number }> {
  const client = await LspClient.start({ capabilities: { workspace: { configuration: true, codeLens: { refreshSupport: true } } } });
  let refreshes = 0;
  client.onRequest('workspace/codeLens/refresh', () => {
    refreshes++;
    return null;
  });
  return { client, refreshes: () => refreshes };
}

/**
 * Keeps the server busy with the cold analysis of another, large document (it takes many slices), so that the
 * next edit of a small one is still waiting for its turn when its lens request arrives. The edit and the
 * request are written after this document's text: with 1,500 groups its analysis (about 0.1 s) once
 * finished while the test, in a full parallel run, was slow to write them, and the answer was a new one.
 */
function busy(client: LspClient, n: number): void {
  client.open(testUri(`lens-busy-${n}.nomad.hcl`), job(4000));
}

const lenses = (client: LspClient, uri: string): Promise<CodeLens[] | null> => client.request<CodeLens[] | null>('textDocument/codeLens', { textDocument: { uri } });

test('code lenses: run and preview lenses come with the first analysis', async () => {
  const client = await LspClient.start();
  try {
    const uri = testUri('lens-first.nomad.hcl');
    const text = job();
    let diagnosed = false;
    const published = client.diagnostics(uri, 1).then(() => (diagnosed = true));
    // Settings on their way hold what the server publishes (not what it answers): the lens would then come first.
    await client.configured;
    client.open(uri, text);
    // Asked at once, as VS Code does when the editor opens: answered from the first analysis (the one whose
    // diagnostics are published just before the answer), never empty.
    const first = await lenses(client, uri);
    assert.ok(diagnosed, 'the answer came with the first analysis, after its diagnostics were sent');
    await published;
    assert.deepEqual(summary(first), expected(text));
    const target = first![1].command!.arguments![0];
    assert.deepEqual(target, { file: '/tmp/nomad-exec-test/lens-first.nomad.hcl', group: 'web', task: 'server' });
    assert.equal(first![1].command!.command, 'nomadExec.runTask');
    assert.equal(first![0].command!.command, 'nomadExec.runGroup');
    // The lens is on the block's header line, from its type to its label.
    assert.deepEqual(first![1].range, { start: { line: 2, character: 4 }, end: { line: 2, character: 17 } });
  } finally {
    await client.stop();
  }
});

test('code lenses: no run lens for a document that is not a file (it cannot be run)', async () => {
  const client = await LspClient.start();
  try {
    const uri = 'untitled:Untitled-1';
    client.open(uri, job());
    assert.deepEqual(summary(await lenses(client, uri)).map((s) => s.split('@')[0]), ['Preview']);
  } finally {
    await client.stop();
  }
});

test('code lenses: an edit that keeps the tasks keeps every lens where it was, with no refresh', async () => {
  const { client, refreshes } = await startWithRefresh();
  try {
    const uri = testUri('lens-stable.nomad.hcl');
    let text = job();
    client.open(uri, text);
    await client.diagnostics(uri, 1);
    const before = summary(await lenses(client, uri));
    assert.deepEqual(before, expected(text));
    // Typing inside a line while another document is analysed: the request right after the keystroke gets
    // the same lenses (from the last analysis), and so does the one after this version's analysis.
    const memory = lineOf(text, 'memory = 64');
    for (const digit of ['0', '0']) {
      busy(client, Number(digit) + memory);
      const version = client.insert(uri, { line: memory, character: '        memory = 64'.length }, digit);
      text = text.replace('memory = 64', `memory = 64${digit}`);
      assert.deepEqual(summary(await lenses(client, uri)), before);
      await client.diagnostics(uri, version);
      assert.deepEqual(summary(await lenses(client, uri)), before);
    }
    // A new line above the groups moves every lens down by one, at once and after the analysis alike.
    busy(client, 99);
    const version = client.insert(uri, { line: 1, character: 0 }, '  # a comment\n');
    text = text.replace('job "lens" {\n', 'job "lens" {\n  # a comment\n');
    const moved = summary(await lenses(client, uri));
    assert.deepEqual(moved, expected(text));
    await client.diagnostics(uri, version);
    assert.deepEqual(summary(await lenses(client, uri)), moved);
    // Any refresh would have been sent before the answer to this request.
    await lenses(client, uri);
    assert.equal(refreshes(), 0, 'no refresh: the client already had the right lenses');
  } finally {
    await client.stop();
  }
});

test('code lenses: a task added gets its lens, and the lenses below it move', async () => {
  const { client } = await startWithRefresh();
  try {
    const uri = testUri('lens-added.nomad.hcl');
    let text = job();
    client.open(uri, text);
    await client.diagnostics(uri, 1);
    assert.deepEqual(summary(await lenses(client, uri)), expected(text));
    const added = '    task "worker" {\n      driver = "exec"\n      config {\n        command = "/bin/sleep"\n      }\n    }\n';
    const at = lineOf(text, '  group "batch"');
    const version = client.insert(uri, { line: at - 1, character: 0 }, added);
    text = text.replace('  }\n  group "batch"', `${added}  }\n  group "batch"`);
    await client.diagnostics(uri, version);
    const after = summary(await lenses(client, uri));
    const want = expected(text);
    want.splice(2, 0, `$(play) Run task@${lineOf(text, 'task "worker"')}:worker`);
    assert.deepEqual(after, want);
  } finally {
    await client.stop();
  }
});

test('code lenses: an answer from the last analysis is followed by a refresh when it was not right', async () => {
  const { client, refreshes } = await startWithRefresh();
  try {
    const uri = testUri('lens-refresh.nomad.hcl');
    let text = job();
    client.open(uri, text);
    await client.diagnostics(uri, 1);
    await lenses(client, uri);
    // The task's driver becomes docker while another document is analysed: the header lines are all still
    // there, so the answer at once is the last analysis's, with the run lens the task no longer has...
    busy(client, 0);
    const line = lineOf(text, 'driver = "exec"');
    const version = client.change(uri, [{ range: { start: { line, character: 16 }, end: { line, character: 20 } }, text: 'docker' }]);
    text = text.replace('driver = "exec"', 'driver = "docker"');
    const quick = summary(await lenses(client, uri));
    assert.deepEqual(quick, expected(text));
    await client.diagnostics(uri, version);
    // ...and once this version is analysed, the client is told to ask again, and gets the lens dropped.
    await lenses(client, uri);
    assert.equal(refreshes(), 1);
    assert.deepEqual(summary(await lenses(client, uri)), expected(text).filter((l) => !l.endsWith(':server') && !l.endsWith(':web')));
    // A rename changes a header line: that answer waits for the analysis, and is right at once.
    busy(client, 1);
    const at = lineOf(text, 'task "once"');
    const renamed = client.change(uri, [{ range: { start: { line: at, character: 10 }, end: { line: at, character: 14 } }, text: 'twice' }]);
    text = text.replace('task "once"', 'task "twice"');
    assert.ok(summary(await lenses(client, uri)).includes(`$(play) Run task@${at}:twice`));
    await client.diagnostics(uri, renamed);
    await lenses(client, uri);
    assert.equal(refreshes(), 1, 'no second refresh');
  } finally {
    await client.stop();
  }
});

test('relocate: lenses follow their header lines, and give up when one is gone', async () => {
  const text = job();
  const analysis = await analyseText(text, {});
  const uri = 'file:///tmp/relocate.nomad.hcl';
  const found = codeLenses(analysis.file, uri);
  const lines = found.map((l) => text.split('\n')[l.range.start.line]);
  const answered = { version: 1, lenses: found, lines };
  const shifted = TextDocument.create(uri, 'nomad', 2, '# one\n# two\n' + text);
  assert.deepEqual(relocate(answered, shifted)!.map((l) => l.range.start.line), found.map((l) => l.range.start.line + 2));
  const gone = TextDocument.create(uri, 'nomad', 2, text.replace('task "once"', 'task "twice"'));
  assert.equal(relocate(answered, gone), undefined);
});
