// The universal .vsix forced into the browser's Web Worker extension host (`remote.extensionKind` set to
// ["web"] for it), as on vscode.dev: the extension starts from its `browser` entry and the language server
// runs in a Web Worker. This suite runs in the Node extension host (the e2e host extension) and reaches the
// extension only through VS Code, as another extension would: diagnostics, hover, completion, formatting,
// symbols, and the run command's explanation. Checks that need this machine's files are skipped there.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionId, hoverText, openScratchJob, until, waitForDiagnostics } from './helpers';

const fromUs = (d: vscode.Diagnostic): boolean => d.source === 'nomad-exec';
const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);

const JOB = `job "web" {
  group "g" {
    task "typo" {
      driver = "exec"
      config {
        comand = "/bin/echo"
      }
    }
    task "shell" {
      driver = "exec"
      config {
        command = "/usr/bin/nomad-exec-e2e-not-here"
        cap_add = ["net_bind_service"]
      }
    }
  }
}
`;

suite('universal .vsix in the browser extension host', () => {
  test('the extension does not run in this Node extension host', () => {
    // Installed, but running elsewhere: a Node host would list it here.
    assert.equal(vscode.extensions.getExtension(extensionId), undefined, 'nomad-exec runs in the Node extension host; the web run must not');
  });

  test('diagnostics come from the server in the Web Worker; checks that look at this machine are skipped', async () => {
    const editor = await openScratchJob('web-diagnostics.nomad.hcl', JOB);
    const found = await waitForDiagnostics(editor.document.uri, (ds) => ds.some((d) => fromUs(d) && /comand/.test(d.message)), 'the misspelt-key diagnostic', 60_000);
    assert.ok(found.filter(fromUs).every((d) => d.code !== undefined), 'every diagnostic carries a code');
    // The worker posts its messages: a range must arrive with its start and end, on the misspelt key.
    const typo = found.find((d) => fromUs(d) && /comand/.test(d.message))!;
    const [line, character] = [5, JOB.split('\n')[5].indexOf('comand')];
    assert.deepEqual([typo.range.start.line, typo.range.start.character, typo.range.end.line, typo.range.end.character], [line, character, line, character + 'comand'.length]);
    // In Node this file gets a `command-location` notice (the command is not on this machine): not in a browser.
    assert.deepEqual(found.filter((d) => fromUs(d) && codeOf(d) === 'command-location').map((d) => d.message), []);
  });

  test('hover on cap_add explains capabilities', async () => {
    const editor = await openScratchJob('web-hover.nomad.hcl', JOB);
    const line = editor.document.lineAt(12);
    const position = new vscode.Position(12, line.text.indexOf('cap_add') + 2);
    const hovers = await until(
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position),
      (h) => hoverText(h ?? []).length > 0,
      'a hover on cap_add',
      60_000,
    );
    assert.match(hoverText(hovers), /capabilit/i);
  });

  test('completion inside config {} offers the exec keys', async () => {
    const editor = await openScratchJob('web-complete.nomad.hcl', 'job "c" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        \n      }\n    }\n  }\n}\n');
    const expected = ['command', 'args', 'pid_mode', 'ipc_mode', 'cap_add', 'cap_drop', 'work_dir'];
    const labelOf = (i: vscode.CompletionItem): string => (typeof i.label === 'string' ? i.label : i.label.label);
    const list = await until(
      () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(5, 8)),
      (l) => expected.every((key) => (l?.items ?? []).some((i) => labelOf(i) === key)),
      'completion of the exec config keys',
      60_000,
    );
    assert.ok(!list.items.map(labelOf).includes('image'), 'docker keys are not offered for exec');
  });

  test('formatting gives nomad fmt output', async () => {
    const editor = await openScratchJob('web-fmt.nomad.hcl', 'job "f" {\ntype="batch"\n  meta {\n    a = "1"\n    long_name = "2"\n  }\n}\n');
    const edits = await until(
      () => vscode.commands.executeCommand<vscode.TextEdit[]>('vscode.executeFormatDocumentProvider', editor.document.uri, { tabSize: 2, insertSpaces: true }),
      (e) => (e ?? []).length > 0,
      'formatting edits',
      60_000,
    );
    const edit = new vscode.WorkspaceEdit();
    edit.set(editor.document.uri, edits);
    await vscode.workspace.applyEdit(edit);
    assert.equal(editor.document.getText(), 'job "f" {\n  type = "batch"\n  meta {\n    a         = "1"\n    long_name = "2"\n  }\n}\n');
  });

  test('document symbols outline the job, its group and tasks', async () => {
    const editor = await openScratchJob('web-symbols.nomad.hcl', JOB);
    const symbols = await until(
      () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri),
      (s) => (s ?? []).length > 0,
      'document symbols',
      60_000,
    );
    const names = (list: vscode.DocumentSymbol[]): string[] => list.flatMap((s) => [s.name, ...names(s.children ?? [])]);
    const all = names(symbols);
    for (const name of ['web', 'g', 'typo', 'shell']) assert.ok(all.some((n) => n.includes(name)), `symbol ${name} in ${JSON.stringify(all)}`);
  });

  test('Run Task Locally explains that running needs a local Linux machine, and there are no run lenses', async () => {
    const editor = await openScratchJob('web-run.nomad.hcl', JOB);
    const outcome = await vscode.commands.executeCommand<{ refused?: string; runId?: number }>('nomadExec.runTask', { file: editor.document.uri.fsPath, group: 'g', task: 'shell' });
    assert.equal(outcome?.runId, undefined, JSON.stringify(outcome));
    assert.match(outcome?.refused ?? '', /needs a local Linux machine.*runs in a browser.*linux-x64 or linux-arm64 build/s);
    const group = await vscode.commands.executeCommand<{ refused?: string }>('nomadExec.runGroup', { file: editor.document.uri.fsPath, group: 'g' });
    assert.match(group?.refused ?? '', /needs a local Linux machine/);
    // The server's own lenses (template previews) may come; none runs anything.
    await waitForDiagnostics(editor.document.uri, (ds) => ds.some(fromUs), 'the server to have seen the file', 60_000);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri)) ?? [];
    assert.deepEqual(lenses.filter((l) => /^nomadExec\.run/.test(l.command?.command ?? '')).map((l) => l.command?.title), []);
  });
});
