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
    // What the user is shown: the whole reason in a modal dialog, with the button that opens the trust editor.
    const shown = api.lastRefusalShown();
    assert.ok(shown, 'the refusal was shown');
    assert.match(shown.message, /Restricted Mode/);
    assert.match(shown.detail, /Trust this workspace/);
    assert.equal(shown.modal, true);
    assert.deepEqual(shown.actions, [{ title: 'Manage Workspace Trust', command: 'workbench.trust.manage' }]);
    // (VS Code shows no modal dialog while extension tests run, so the screenshot is of the job without run lenses.)
    await vscode.window.showTextDocument(fixture('hello.nomad.hcl'));
    await screenshot('restricted-mode', '.monaco-editor', 'task "say"');
  });

  test('Run Group Locally and Rerun are refused the same way', async () => {
    const file = fixture('hello.nomad.hcl').fsPath;
    const group = await vscode.commands.executeCommand<{ refused?: string }>('nomadExec.runGroup', { file, group: 'greet' });
    assert.match(group?.refused ?? '', /Restricted Mode/);
    const rerun = await vscode.commands.executeCommand<{ refused?: string }>('nomadExec.rerunLastTask');
    assert.match(rerun?.refused ?? '', /Restricted Mode/);
    assert.equal(api.listRuns().length, 0, 'nothing ran');
  });

  test('no run buttons or menu entries: every run contribution is hidden while the workspace is untrusted', () => {
    const extension = vscode.extensions.getExtension('nomad-exec.nomad-exec')!;
    const menus = extension.packageJSON.contributes.menus as Record<string, { command: string; when?: string }[]>;
    const runs = Object.values(menus).flat().filter((m) => /^nomadExec\.(runTask|runGroup|rerunLastTask)$/.test(m.command));
    assert.ok(runs.length >= 5, JSON.stringify(runs));
    for (const entry of runs) assert.match(entry.when ?? '', /^isWorkspaceTrusted && /, JSON.stringify(entry));
  });

  test('settings that widen isolation are restricted configurations', async () => {
    const extension = vscode.extensions.getExtension('nomad-exec.nomad-exec')!;
    const restricted: string[] = extension.packageJSON.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['nomadExec.allowCaps', 'nomadExec.chrootEnv', 'nomadExec.launcherPath', 'nomadExec.agentConfigFile']) {
      assert.ok(restricted.includes(key), `${key} is restricted`);
    }
  });
});
