// Pull diagnostics over real JSON-RPC (stdio): a client that declares `textDocument.diagnostic` asks for each
// document's diagnostics and gets `unchanged` when an edit changed none; nothing is pushed to it. A client
// that does not declare it keeps getting pushes (the other LSP tests).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, testUri } from './helpers/lspClient';
import { execJob } from './helpers/jobText';
import { within } from './helpers/within';

const JOB = `job "web" {
  group "g" {
    task "t" {
      driver = "exec"

      config {
        command = "local/missing"
      }
    }
  }
}
`;

/** A template whose source is read beside the job file, where it is not (yet). */
const TEMPLATE_JOB = execJob({ task: '      template {\n        source      = "app.tpl"\n        destination = "local/app.conf"\n      }\n' });

interface Report {
  kind: 'full' | 'unchanged';
  resultId?: string;
  items?: { code?: string | number; range: { start: { line: number } } }[];
}

test('pull diagnostics', async (t) => {
  const refreshes: unknown[] = [];
  const client = await LspClient.start({
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, diagnostics: { refreshSupport: true } },
      textDocument: { publishDiagnostics: { versionSupport: true }, diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } },
    },
  });
  t.after(() => client.stop());
  let refreshed: (() => void) | undefined;
  client.onRequest('workspace/diagnostic/refresh', (params) => {
    refreshes.push(params);
    refreshed?.();
    return null;
  });
  const uri = testUri('pull.nomad.hcl');
  const pullJob = (job: string) => client.request<Report>('textDocument/diagnostic', { textDocument: { uri: job } });
  const pullDiagnostics = (previousResultId?: string) => client.request<Report>('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId ? { previousResultId } : {}) });

  // The same text pushed to a client that does not pull: what the pulls must equal.
  const pusher = await LspClient.start();
  t.after(() => pusher.stop());
  pusher.open(uri, JOB);
  const pushed = (await pusher.diagnostics(uri, 1)).diagnostics;
  assert.ok(pushed.some((d) => d.code === 'command-not-provided'), JSON.stringify(pushed));

  client.open(uri, JOB);
  const first = await pullDiagnostics();
  assert.equal(first.kind, 'full');
  assert.ok(first.resultId);
  assert.deepEqual(first.items, pushed);

  await t.test('an edit that changes no finding is answered unchanged, one that does gets a new full report', async () => {
    // A blank line appended at the end moves nothing.
    client.insert(uri, { line: 11, character: 0 }, '\n');
    const same = await pullDiagnostics(first.resultId);
    assert.deepEqual(same, { kind: 'unchanged', resultId: first.resultId });
    // The command fixed: its finding goes.
    client.change(uri, [{ range: { start: { line: 6, character: 19 }, end: { line: 6, character: 32 } }, text: '/bin/echo' }]);
    const changed = await pullDiagnostics(first.resultId);
    assert.equal(changed.kind, 'full');
    assert.notEqual(changed.resultId, first.resultId);
    assert.ok(!changed.items!.some((d) => d.code === 'command-not-provided'), JSON.stringify(changed.items));
  });

  await t.test('nothing is pushed to a pulling client', async () => {
    await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    assert.deepEqual(client.published.filter((p) => p.uri === uri), []);
  });

  await t.test('a file the findings read appearing on disk asks the client to pull again, and the pull no longer has the finding', async () => {
    // The watch and the editor's file watcher both have the documents checked again; a pulling client is
    // only told through workspace/diagnostic/refresh (before, the finding stayed until the next edit).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-pull-'));
    try {
      const job = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
      client.open(job, TEMPLATE_JOB);
      const missing = (report: Report) => report.items!.filter((d) => d.code === 'template-source-missing');
      assert.equal(missing(await pullJob(job)).length, 1);
      const asked = new Promise<void>((resolve) => (refreshed = resolve));
      const before = refreshes.length;
      fs.writeFileSync(path.join(dir, 'app.tpl'), 'x\n');
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(dir, 'app.tpl')).href, type: 1 }] });
      await within(asked, 10_000, 'no workspace/diagnostic/refresh after the file appeared');
      assert.equal(refreshes.length, before + 1);
      assert.deepEqual(missing(await pullJob(job)), []);
      client.close(job);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  await t.test('a settings change asks the client to pull again, and the pull has the new analysis', async () => {
    const asked = new Promise<void>((resolve) => (refreshed = resolve));
    client.changeConfiguration({ nomadExec: { maxFileSize: 0.0001 } });
    await asked;
    const limited = await pullDiagnostics();
    assert.equal(limited.kind, 'full');
    assert.deepEqual(limited.items!.map((d) => d.code), ['analysis-limit']);
    assert.ok(refreshes.length >= 1);
  });

  await t.test('a pull on a closed document is an empty report', async () => {
    client.close(uri);
    assert.deepEqual(await pullDiagnostics(), { kind: 'full', items: [] });
  });
});
