// Language features as a user's editor gets them, in both trusted and Restricted Mode.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, tidyWorkbench, fixture, hoverText, openJob, openScratchJob, screenshot, until, waitForDiagnostics } from './helpers';
import { tokenize } from './textmate';
import { execJob } from '../../helpers/jobText';
import type { NomadExecApi } from '../../../client/src/testApi';

const mode = process.env.NOMAD_EXEC_E2E_MODE ?? 'trusted';
const fromUs = (d: vscode.Diagnostic): boolean => d.source === 'nomad-exec';
const codeOf = (d: vscode.Diagnostic): unknown => (typeof d.code === 'object' ? d.code.value : d.code);

/** A task whose template reads `source-app.tpl` beside the job file. */
const SOURCE_JOB = execJob({ task: '      template {\n        source      = "source-app.tpl"\n        destination = "local/app.conf"\n      }\n' });

suite(`editor (${mode})`, () => {
  let api: NomadExecApi;
  suiteSetup(async () => {
    api = await activateExtension();
    await tidyWorkbench();
    assert.equal(vscode.workspace.isTrusted, mode !== 'restricted', `workspace trust should match the ${mode} run`);
  });

  test('job files get the nomad language, other .hcl files do not', async () => {
    const job = await vscode.workspace.openTextDocument(fixture('hello.nomad.hcl'));
    assert.equal(job.languageId, 'nomad');
    const other = await openScratchJob('terraform.hcl', 'resource "x" "y" {}\n');
    assert.notEqual(other.document.languageId, 'nomad');
  });

  test('diagnostics appear for a broken exec config and clear when it is fixed', async () => {
    const editor = await openJob('broken.nomad.hcl');
    const uri = editor.document.uri;
    const broken = await waitForDiagnostics(uri, (ds) => ds.some(fromUs), 'nomad-exec diagnostics on broken.nomad.hcl');
    const messages = broken.filter(fromUs).map((d) => d.message).join('\n');
    assert.match(messages, /comand|command/i, `expected a diagnostic about the misspelt command, got:\n${messages}`);
    assert.ok(broken.filter(fromUs).every((d) => d.code !== undefined), 'every diagnostic carries a code');
    if (mode === 'trusted') {
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      // The peek view under the first problem shows its message and code, as F8 does.
      await vscode.commands.executeCommand('editor.action.marker.next');
      await vscode.commands.executeCommand('editor.action.marker.next');
      await screenshot('diagnostics', '.marker-widget', 'nomad-exec');
      await vscode.commands.executeCommand('closeMarkersNavigation');
    }
    const line = editor.document.lineAt(6);
    const start = line.text.indexOf('comand');
    await editor.edit((edit) => edit.replace(new vscode.Range(6, start, 6, start + 'comand'.length), 'command'));
    await waitForDiagnostics(uri, (ds) => !ds.some((d) => fromUs(d) && d.severity === vscode.DiagnosticSeverity.Error), 'errors to clear');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('hover on cap_add explains capabilities', async () => {
    const editor = await openJob('broken.nomad.hcl');
    const line = editor.document.lineAt(8);
    const position = new vscode.Position(8, line.text.indexOf('cap_add') + 2);
    const hovers = await until(
      () => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position),
      (h) => hoverText(h ?? []).length > 0,
      'a hover on cap_add',
    );
    assert.match(hoverText(hovers), /capabilit/i);
    if (mode === 'trusted') {
      editor.selection = new vscode.Selection(position, position);
      await vscode.commands.executeCommand('editor.action.showHover');
      await screenshot('hover', '.monaco-hover .hover-contents, .monaco-hover .markdown-hover');
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    }
  });

  test('completion inside config {} offers the seven exec keys', async () => {
    const editor = await openScratchJob(
      'complete.nomad.hcl',
      'job "c" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        \n      }\n    }\n  }\n}\n',
    );
    const position = new vscode.Position(5, 8);
    const expected = ['command', 'args', 'pid_mode', 'ipc_mode', 'cap_add', 'cap_drop', 'work_dir'];
    const list = await until(
      () => vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, position),
      (l) => expected.every((key) => (l?.items ?? []).some((i) => labelOf(i) === key)),
      'completion of the seven exec config keys',
    );
    const labels = list.items.map(labelOf);
    for (const key of expected) assert.ok(labels.includes(key), `completion lacks ${key}: ${labels.join(', ')}`);
    assert.ok(!labels.includes('image'), 'docker keys are not offered for exec');
    if (mode === 'trusted') {
      editor.selection = new vscode.Selection(position, position);
      await vscode.commands.executeCommand('editor.action.triggerSuggest');
      await screenshot('completion', '.suggest-widget.visible .monaco-list-row');
      await vscode.commands.executeCommand('hideSuggestWidget');
    }
  });

  test('document symbols show job, groups and tasks', async () => {
    const uri = fixture('hello.nomad.hcl');
    await vscode.workspace.openTextDocument(uri);
    const symbols = await until(
      () => vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri),
      (s) => flatten(s ?? []).some((n) => n.includes('say')),
      'document symbols of hello.nomad.hcl',
    );
    const names = flatten(symbols);
    for (const name of ['hello', 'greet', 'say', 'sleepers', 'sleeper']) {
      assert.ok(names.some((n) => n.includes(name)), `no symbol for ${name}: ${names.join(', ')}`);
    }
  });

  test('code lenses run exec tasks and groups, and skip other drivers (none to run in Restricted Mode)', async () => {
    const uri = fixture('hello.nomad.hcl');
    const document = await vscode.workspace.openTextDocument(uri);
    if (mode === 'restricted') {
      // The server answered (the middleware saw its answer) and no run lens was left in it.
      const asked = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      assert.deepEqual(asked.filter((l) => l.command?.command.startsWith('nomadExec.run')), []);
      const shown = await api.waitForLensesShown(uri.toString(), (s) => s.answers >= 1);
      assert.deepEqual(shown.commands.filter((c) => c.startsWith('nomadExec.run')), []);
      return;
    }
    const lenses = await until(
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri),
      (l) => (l ?? []).filter((x) => x.command?.command === 'nomadExec.runTask').length >= 2,
      'Run task code lenses',
    );
    const tasks = lenses.filter((l) => l.command?.command === 'nomadExec.runTask');
    const groups = lenses.filter((l) => l.command?.command === 'nomadExec.runGroup');
    assert.deepEqual(tasks.map((l) => l.command?.arguments?.[0]?.task).sort(), ['say', 'sleeper']);
    assert.deepEqual(groups.map((l) => l.command?.arguments?.[0]?.group).sort(), ['greet', 'sleepers']);
    for (const lens of tasks) {
      assert.match(lens.command!.title, /Run task/);
      assert.match(document.lineAt(lens.range.start.line).text, /^\s*task\s+"/);
    }
  });

  test('lenses come with the first diagnostics and keep their lines while typing; a correct file leaves Problems empty', async () => {
    // A correct job with an unused variable: its only diagnostic is a hint (not in Problems), so the first
    // publication can be waited for.
    const text = `variable "unused" {\n  default = "x"\n}\n\njob "lensfirst" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/sh"\n        args    = ["-c", "echo hi"]\n      }\n      template {\n        destination = "local/x"\n        data        = "x"\n      }\n    }\n  }\n}\n`;
    const diagnosed = new Promise<number>((resolve) => {
      const listener = vscode.languages.onDidChangeDiagnostics((e) => {
        if (!e.uris.some((u) => u.path.endsWith('/scratch/lens-first.nomad.hcl'))) return;
        listener.dispose();
        resolve(Date.now());
      });
    });
    const editor = await openScratchJob('lens-first.nomad.hcl', text);
    const uri = editor.document.uri;
    const diagnosedAt = await diagnosed;
    const wanted = mode === 'restricted' ? ['nomadExec.previewTemplate'] : ['nomadExec.runGroup', 'nomadExec.runTask', 'nomadExec.previewTemplate'];
    // The editor's own request (VS Code debounces it) is answered from that same first analysis; how long after
    // the diagnostics the answer came is printed, not asserted.
    const shown = await api.waitForLensesShown(uri.toString(), (s) => s.firstAt !== undefined);
    benchRow(`first code lenses given to the editor, after the first diagnostics (${mode})`, shown.firstAt! - diagnosedAt);
    benchRow(`  of which: the editor asked after the first diagnostics (${mode})`, shown.firstAskedAt! - diagnosedAt);
    assert.deepEqual([...shown.commands].sort(), [...wanted].sort());
    // Asked again now: the first call gives the same lenses, with no retry.
    const atOnce = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(atOnce.map((l) => l.command?.command).sort(), [...wanted].sort());
    const lines = atOnce.map((l) => l.range.start.line).sort((a, b) => a - b);
    assert.deepEqual(lines, mode === 'restricted' ? [12] : [5, 6, 12]);
    // No diagnostic reaches the Problems panel (errors, warnings, information); the hint is the unused variable.
    const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.severity !== vscode.DiagnosticSeverity.Hint);
    assert.deepEqual(problems.map((d) => `${d.code}: ${d.message}`), []);
    assert.deepEqual(vscode.languages.getDiagnostics(uri).map((d) => d.code), ['unused-declaration']);
    // A keystroke that does not change the task list: the next answer has the same lines.
    const answers = (await api.waitForLensesShown(uri.toString(), () => true)).answers;
    const at = editor.document.lineAt(10).text.indexOf('echo hi') + 'echo hi'.length;
    await editor.edit((edit) => edit.insert(new vscode.Position(10, at), '!'));
    const after = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(after.map((l) => l.range.start.line).sort((a, b) => a - b), lines);
    const next = await api.waitForLensesShown(uri.toString(), (s) => s.answers > answers);
    assert.deepEqual([...next.lines].sort((a, b) => a - b), lines);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('a correct job file (the hello fixture) publishes nothing at all', async () => {
    const editor = await openJob('hello.nomad.hcl');
    const uri = editor.document.uri;
    // The lens answer comes after the analysis is published: by then the diagnostics are in place.
    await api.waitForLensesShown(uri.toString(), () => true);
    await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(vscode.languages.getDiagnostics(uri).map((d) => `${d.code}: ${d.message}`), []);
  });

  test('a template source created beside the job clears its warning without an edit', async () => {
    // VS Code pulls diagnostics, and nothing is pushed to a pulling client: the server asks it to pull again
    // when a file the findings read appears (before, the warning stayed until the next keystroke).
    const editor = await openScratchJob('source.nomad.hcl', SOURCE_JOB);
    const uri = editor.document.uri;
    const source = path.join(path.dirname(uri.fsPath), 'source-app.tpl');
    fs.rmSync(source, { force: true });
    const missing = (ds: vscode.Diagnostic[]): boolean => ds.some((d) => fromUs(d) && codeOf(d) === 'template-source-missing');
    try {
      await waitForDiagnostics(uri, missing, 'the warning about the missing template source');
      const version = editor.document.version;
      fs.writeFileSync(source, 'x\n');
      await waitForDiagnostics(uri, (ds) => !missing(ds), 'the warning to go once the file is there');
      assert.equal(editor.document.version, version, 'no edit was made');
    } finally {
      fs.rmSync(source, { force: true });
    }
  });

  test('the grammar colours block types, labels, strings, interpolations, heredocs and comments', async () => {
    const extension = vscode.extensions.getExtension('nomad-exec.nomad-exec')!;
    const grammar = path.join(extension.extensionPath, 'syntaxes', 'nomad.tmLanguage.json');
    const text = [
      '# comment',
      'job "web" {',
      '  // another comment',
      '  group "g" {',
      '    count = 2',
      '    task "t" {',
      '      driver = "exec"',
      '      config {',
      '        command = "${NOMAD_TASK_DIR}/run"',
      '        args    = ["--name", "${var.name}", "%{ if true }x%{ endif }", "$${literal}"]',
      '      }',
      '      template {',
      '        data = <<-EOF',
      '          port={{ env "NOMAD_PORT_http" }} ${upper(local.x)}',
      '        EOF',
      '      }',
      '    }',
      '  }',
      '  /* block',
      '     comment */',
      '  meta = { enabled = true, ratio = 0.5 }',
      '}',
    ].join('\n');
    const tokens = await tokenize(grammar, 'source.nomad', text);
    const scopesOf = (piece: string): string => tokens.filter((t) => t.text.trim() === piece).map((t) => t.scopes.join(' ')).join(' | ');
    assert.match(scopesOf('job'), /keyword\.other\.block\.nomad/);
    assert.match(scopesOf('config'), /keyword\.other\.block\.nomad/);
    assert.match(scopesOf('"web"'), /entity\.name\.label\.nomad/);
    assert.match(scopesOf('driver'), /variable\.other\.property\.nomad/);
    assert.match(scopesOf('exec'), /string\.quoted\.double\.nomad/);
    assert.match(scopesOf('2'), /constant\.numeric\.nomad/);
    assert.match(scopesOf('0.5'), /constant\.numeric\.nomad/);
    assert.match(scopesOf('true'), /constant\.language\.boolean\.nomad/);
    assert.match(scopesOf('NOMAD_TASK_DIR'), /meta\.interpolation\.nomad/);
    assert.match(scopesOf('var'), /variable\.language\.nomad/);
    assert.match(scopesOf('${'), /punctuation\.definition\.template-expression\.begin\.nomad/);
    assert.match(scopesOf('%{'), /punctuation\.definition\.template-directive\.begin\.nomad/);
    assert.match(scopesOf('if'), /keyword\.control\.directive\.nomad/);
    assert.match(scopesOf('$${'), /constant\.character\.escape\.template\.nomad/);
    assert.match(scopesOf('EOF'), /keyword\.control\.heredoc-token\.nomad/);
    assert.match(scopesOf('upper'), /support\.function\.nomad/);
    assert.ok(tokens.some((t) => t.text.includes('port=') && t.scopes.includes('string.unquoted.heredoc.nomad')), 'heredoc body is a string');
    const inScope = (piece: string, scope: string): boolean => tokens.some((t) => t.text.includes(piece) && t.scopes.includes(scope));
    assert.ok(inScope('comment', 'comment.line.number-sign.nomad'), '# comment');
    assert.ok(inScope('another comment', 'comment.line.double-slash.nomad'), '// comment');
    assert.ok(inScope(' block', 'comment.block.nomad') && inScope('comment ', 'comment.block.nomad'), 'block comment over two lines');
    // The heredoc ended: the closing brace after it is punctuation again, not string.
    const lastBrace = tokens.filter((t) => t.text === '}').pop()!;
    assert.ok(!lastBrace.scopes.some((s) => s.startsWith('string')), lastBrace.scopes.join(' '));
  });

  test('the Preview lens of a template block opens its rendering beside the job', async () => {
    const editor = await openScratchJob('preview.nomad.hcl', `job "p" {
  group "g" {
    task "web" {
      driver = "exec"
      config {
        command = "/bin/cat"
      }
      template {
        destination = "local/app.conf"
        data        = <<EOT
port={{ env "NOMAD_TASK_NAME" }}-{{ "ok" | toUpper }}
db={{ key "app/db" }}
EOT
      }
    }
  }
}
`);
    const uri = editor.document.uri;
    const lenses = await until(
      () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri),
      (ls) => (ls ?? []).some((l) => l.command?.title === 'Preview'),
      'a Preview lens on the template block',
    );
    const preview = lenses.find((l) => l.command?.title === 'Preview')!.command!;
    await vscode.commands.executeCommand(preview.command, ...(preview.arguments ?? []));
    const shown = await until(
      async () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'nomad-template-preview'),
      (e) => e !== undefined,
      'the preview editor',
    );
    const text = shown!.document.getText();
    assert.match(text, /^port=web-OK$/m, text);
    assert.match(text, /key "app\/db"/, 'the Consul call is shown as a placeholder');

    // The preview follows the job as it is edited, without running the command again.
    const edit = new vscode.WorkspaceEdit();
    const at = editor.document.getText().indexOf('"ok"');
    edit.replace(uri, new vscode.Range(editor.document.positionAt(at), editor.document.positionAt(at + 4)), '"edited"');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const followed = await until(
      async () => shown!.document.getText(),
      (t) => /^port=web-EDITED$/m.test(t),
      'the preview rendered again after the edit',
    );
    assert.doesNotMatch(followed, /^port=web-OK$/m, followed);
  });

  test('two job files with a task of the same name keep their template previews apart', async () => {
    const job = (word: string) => `job "p" {\n  group "g" {\n    task "web" {\n      driver = "exec"\n      config {\n        command = "/bin/cat"\n      }\n      template {\n        destination = "local/app.conf"\n        data        = "${word}"\n      }\n    }\n  }\n}\n`;
    const previewOf = async (name: string, word: string): Promise<vscode.TextDocument> => {
      const editor = await openScratchJob(name, job(word));
      const lenses = await until(
        () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri),
        (ls) => (ls ?? []).some((l) => l.command?.title === 'Preview'),
        `a Preview lens in ${name}`,
      );
      const preview = lenses.find((l) => l.command?.title === 'Preview')!.command!;
      await vscode.commands.executeCommand(preview.command, ...(preview.arguments ?? []));
      const shown = await until(
        async () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'nomad-template-preview' && d.getText().includes(word)),
        (d) => d !== undefined,
        `the preview of ${name}`,
      );
      return shown!;
    };
    const first = await previewOf('same-task-a.nomad.hcl', 'first-job');
    const second = await previewOf('same-task-b.nomad.hcl', 'second-job');
    assert.notEqual(first.uri.toString(), second.uri.toString());
    assert.match(first.getText(), /first-job/, 'the first job keeps its own preview');
    assert.doesNotMatch(first.getText(), /second-job/);
  });

});

/** A benchmark row in the suite's log (a number to read, not an assertion). */
function benchRow(what: string, ms: number): void {
  const log = process.env.NOMAD_EXEC_E2E_LOG;
  if (log) fs.appendFileSync(log, `bench: ${what}: ${ms} ms\n`);
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function flatten(symbols: (vscode.DocumentSymbol | vscode.SymbolInformation)[]): string[] {
  return symbols.flatMap((s) => [s.name, ...('children' in s ? flatten(s.children) : [])]);
}
