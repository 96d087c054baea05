// Restricted Mode: the editor features work (editor.test.ts runs here too) and running is refused.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NomadExecApi } from '../../../client/src/testApi';
import { activateExtension, fixture, screenshot } from './helpers';

suite('restricted mode', () => {
  let api: NomadExecApi;
  suiteSetup(async () => {
    api = await activateExtension();
  });

  test('the workspace is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('Run Task Locally is refused with an explanation', async () => {
    const file = fixture('hello.nomad.hcl').fsPath;
    const outcome = await vscode.commands.executeCommand<{ refused?: string }>('nomadExec.runTask', { file, group: 'greet', task: 'say' });
    assert.ok(outcome?.refused, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.match(outcome.refused, /Restricted Mode/);
    assert.match(outcome.refused, /trust/i);
    assert.equal(api.listRuns().length, 0, 'nothing ran');
    assert.ok(!vscode.window.terminals.some((t) => t.name.startsWith('hello/')), 'no run terminal was opened');
    await vscode.window.showTextDocument(fixture('hello.nomad.hcl'));
    await screenshot('restricted-mode', '.codelens-decoration');
  });

  test('settings that widen isolation are restricted configurations', async () => {
    const extension = vscode.extensions.getExtension('nomad-exec.nomad-exec')!;
    const restricted: string[] = extension.packageJSON.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['nomadExec.allowCaps', 'nomadExec.chrootEnv', 'nomadExec.launcherPath', 'nomadExec.agentConfigFile']) {
      assert.ok(restricted.includes(key), `${key} is restricted`);
    }
  });
});
