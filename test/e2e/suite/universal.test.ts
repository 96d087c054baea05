// The universal .vsix (the build VS Code installs on macOS, Windows, the web and any platform without its own
// build), installed the way a user installs it: it has no launcher, every editor feature works (editor.test.js
// runs in this mode too), and running a task explains why it cannot, without starting anything.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NomadExecApi } from '../../../client/src/testApi';
import { extensionId, fixture, openJob, openScratchJob, until, waitForDiagnostics } from './helpers';

suite('installed universal .vsix', () => {
  let extension: vscode.Extension<NomadExecApi>;
  let api: NomadExecApi;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension<NomadExecApi>(extensionId);
    assert.ok(found, `${extensionId} is installed`);
    extension = found;
    api = await extension.activate();
    await api.whenServerRunning();
  });

  test('is the installed universal copy: bundles, wasm files and icons, no launcher, no sources', () => {
    const root = extension.extensionPath;
    const repo = path.resolve(__dirname, '../../../../..');
    assert.ok(!root.startsWith(repo), `${root} is inside ${repo}`);
    for (const file of ['dist/client.js', 'dist/server.js', 'dist/web-client.js', 'dist/web-server.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-hcl.wasm', 'images/icon.png', 'images/nomad-file.svg']) {
      assert.ok(fs.existsSync(path.join(root, file)), `${file} is in the package`);
    }
    // vsce stores the license as LICENSE.txt.
    assert.ok(['LICENSE', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(root, f))), 'the license is in the package');
    assert.ok(!fs.existsSync(path.join(root, 'launcher')), 'the universal build carries no launcher');
    assert.ok(!fs.existsSync(path.join(root, 'node_modules')), 'no node_modules in the package');
    const manifest = extension.packageJSON as { browser?: string; contributes: { problemMatchers: { name: string }[] } };
    assert.ok(manifest.contributes.problemMatchers.some((m) => m.name === 'nomad-exec'));
    // Its browser entry is what vscode.dev starts (the web mode runs it); here, with a Node host, main runs.
    assert.equal(manifest.browser, './dist/web-client.js');
  });

  test('in a Node extension host the server looks at this machine (the web mode holds the opposite)', async () => {
    const editor = await openScratchJob('machine.nomad.hcl', 'job "m" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/usr/bin/nomad-exec-e2e-not-here"\n      }\n    }\n  }\n}\n');
    // A command missing here is said (a command found here is told in hover only, to keep Problems quiet).
    const found = await waitForDiagnostics(editor.document.uri, (ds) => ds.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'command-location'), 'the command-location notice');
    assert.ok(found.some((d) => d.message.includes('/usr/bin/nomad-exec-e2e-not-here')), JSON.stringify(found.map((d) => d.message)));
  });

  test('formatting works from the universal build', async () => {
    const editor = await openScratchJob('fmt.nomad.hcl', 'job "f" {\ntype="batch"\n}\n');
    const edits = await until(
      () => vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, { tabSize: 2, insertSpaces: true }),
      (e) => (e ?? []).length > 0,
      'formatting edits',
    );
    const edit = new vscode.WorkspaceEdit();
    edit.set(editor.document.uri, edits);
    await vscode.workspace.applyEdit(edit);
    assert.equal(editor.document.getText(), 'job "f" {\n  type = "batch"\n}\n');
  });

  test('Run Task Locally is refused with an explanation, and nothing runs', async () => {
    const outcome = await vscode.commands.executeCommand<{ refused?: string; runId?: number }>('nomadExec.runTask', {
      file: fixture('hello.nomad.hcl').fsPath,
      group: 'greet',
      task: 'say',
    });
    assert.equal(outcome?.runId, undefined, JSON.stringify(outcome));
    assert.match(outcome?.refused ?? '', /universal build.*no task launcher.*linux-(x64|arm64) build.*nomadExec\.launcherPath/s);
    assert.deepEqual(api.listRuns(), []);
    assert.match(api.runRefusal('darwin') ?? '', /needs Linux.*macOS/s);
    assert.match(api.runRefusal('win32') ?? '', /needs Linux.*Windows/s);
  });

  test('the language status shows the running server (its command opens the log) and the trust state', async () => {
    await openJob('broken.nomad.hcl');
    await waitForDiagnostics(fixture('broken.nomad.hcl'), (ds) => ds.some((d) => d.source === 'nomad-exec'), 'diagnostics');
    const status = api.languageStatus();
    assert.match(status.server.text, /Nomad/);
    assert.equal(status.server.detail, 'language server running');
    assert.equal(status.server.command, 'nomadExec.showServerLog');
    assert.equal(status.trust.text, 'Trusted');
    assert.equal(status.limit.text, 'Analysed');
  });

  test('a file above nomadExec.maxFileSize shows "Not analysed" in the language status', async () => {
    const settings = vscode.workspace.getConfiguration('nomadExec');
    await settings.update('maxFileSize', 0.0001, vscode.ConfigurationTarget.Global);
    try {
      const editor = await openScratchJob('big.nomad.hcl', `job "big" {\n${'  meta { a = "b" }\n'.repeat(50)}}\n`);
      await waitForDiagnostics(editor.document.uri, (ds) => ds.some((d) => String(typeof d.code === 'object' ? d.code.value : d.code) === 'analysis-limit'), 'the analysis-limit notice');
      await until(async () => api.languageStatus().limit, (l) => l.text.includes('Not analysed') && l.severity === 1, 'the limit status');
    } finally {
      await settings.update('maxFileSize', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('a file with a string of 1,500 interpolations shows "Analysed in part", and its other findings', async () => {
    const ports = '${var.port} '.repeat(1500);
    const text = `variable "port" {\n  default = "80"\n}\n\njob "many" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n        bogus   = 1\n      }\n      env {\n        PORTS = "${ports}"\n      }\n    }\n  }\n}\n`;
    const editor = await openScratchJob('part.nomad.hcl', text);
    const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);
    const ds = await waitForDiagnostics(editor.document.uri, (list) => list.some((d) => codeOf(d) === 'analysis-limit'), 'the analysis-limit notice');
    assert.ok(ds.some((d) => d.message.includes('bogus')), 'the rest of the file is checked');
    assert.ok(!ds.some((d) => codeOf(d) === 'unused-declaration'), 'var.port may be read by the string left out');
    await until(async () => api.languageStatus().limit, (l) => l.text === 'Analysed in part' && l.severity === 0, 'the limit status');
  });
});
