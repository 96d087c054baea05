// The language server restarts after a crash and keeps serving.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NomadExecApi } from '../../../client/src/testApi';
import { activateExtension, openScratchJob, waitForDiagnostics, waitUntil } from './helpers';

suite('language server', () => {
  let api: NomadExecApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });

  test('is restarted after it crashes', async () => {
    const before = api.serverPid();
    assert.ok(before, 'the server runs in its own process');
    process.kill(before, 'SIGKILL');
    await waitUntil(() => api.serverPid() !== undefined && api.serverPid() !== before, 'a new server process', 30_000);
    await api.whenServerRunning();
    const editor = await openScratchJob(
      'after-crash.nomad.hcl',
      'job "x" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        comand = "/bin/true"\n      }\n    }\n  }\n}\n',
    );
    await waitForDiagnostics(editor.document.uri, (ds) => ds.some((d) => d.source === 'nomad-exec'), 'diagnostics from the restarted server');
    assert.notEqual(api.serverPid(), before);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
