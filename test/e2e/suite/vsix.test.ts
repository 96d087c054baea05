// The packaged extension, installed from its .vsix the way a user installs it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NomadExecApi } from '../../../client/src/testApi';
import { extensionId, fixture, openJob, waitForDiagnostics } from './helpers';

suite('installed .vsix', () => {
  let extension: vscode.Extension<NomadExecApi>;

  suiteSetup(() => {
    const found = vscode.extensions.getExtension<NomadExecApi>(extensionId);
    assert.ok(found, `${extensionId} is installed`);
    extension = found;
  });

  test('is the installed copy, not the repository', () => {
    const repo = path.resolve(__dirname, '../../../../..');
    assert.ok(!extension.extensionPath.startsWith(repo), `${extension.extensionPath} is inside ${repo}`);
  });

  test('contains the bundles, wasm grammar and launcher, and no node_modules', () => {
    const root = extension.extensionPath;
    for (const file of ['dist/client.js', 'dist/server.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-hcl.wasm', 'launcher/build/nomad-exec-launcher', 'syntaxes/nomad.tmLanguage.json', 'language-configuration.json']) {
      assert.ok(fs.existsSync(path.join(root, file)), `${file} is in the package`);
    }
    assert.ok(!fs.existsSync(path.join(root, 'node_modules')), 'no node_modules in the package');
    for (const dir of ['server', 'client', 'test', 'launcher/src', 'launcher/native']) {
      assert.ok(!fs.existsSync(path.join(root, dir)), `sources (${dir}) stay out of the package`);
    }
    // vsce stores the license as LICENSE.txt.
    assert.ok(['LICENSE', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(root, f))), 'the license is in the package');
    // The Linux builds are installed only where a Node extension host runs them: no browser entry or bundles.
    assert.equal((extension.packageJSON as { browser?: string }).browser, undefined);
    for (const file of ['dist/web-client.js', 'dist/web-server.js']) assert.ok(!fs.existsSync(path.join(root, file)), `${file} stays out of the Linux build`);
  });

  test('activates, and its server checks job files', async () => {
    const api = await extension.activate();
    await api.whenServerRunning();
    assert.equal(extension.isActive, true);
    const editor = await openJob('broken.nomad.hcl');
    await waitForDiagnostics(editor.document.uri, (ds) => ds.some((d) => d.source === 'nomad-exec'), 'diagnostics from the installed server');
  });

  test('runs a task with the shipped launcher', async () => {
    const api = extension.exports;
    const outcome = await vscode.commands.executeCommand<{ runId?: number }>('nomadExec.runTask', {
      file: fixture('hello.nomad.hcl').fsPath,
      group: 'greet',
      task: 'say',
    });
    assert.ok(typeof outcome?.runId === 'number', JSON.stringify(outcome));
    const info = await api.waitForRun(outcome.runId);
    assert.equal(info.exitCode, 3, api.terminalText(outcome.runId));
    assert.match(api.terminalText(outcome.runId), /hi from nomad/);
  });
});
