// Run Task Locally in a trusted workspace: output and exit code in the terminal, log files, stopping.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NomadExecApi } from '../../../client/src/testApi';
import { activateExtension, fixture, processesWith, screenshot, waitUntil, workspaceDir } from './helpers';

type Outcome = { runId?: number; refused?: string; error?: string; cancelled?: boolean };

function started(outcome: Outcome | undefined): number {
  assert.ok(outcome && typeof outcome.runId === 'number', `the run did not start: ${JSON.stringify(outcome)}`);
  return outcome.runId;
}

function terminalNamed(name: string): vscode.Terminal | undefined {
  return vscode.window.terminals.find((t) => t.name === name);
}

suite('run task locally', () => {
  let api: NomadExecApi;
  const file = fixture('hello.nomad.hcl').fsPath;

  suiteSetup(async () => {
    api = await activateExtension();
    assert.equal(process.platform, 'linux', 'running tasks is tested on Linux');
  });

  // A failed test must not leave a task running into the next one (Stop Task would then ask which).
  teardown(async () => {
    for (const run of api.listRuns().filter((r) => r.state !== 'exited')) {
      await vscode.commands.executeCommand('nomadExec.stopTask', run.id);
    }
  });

  test('a workspace cannot set machine-scoped settings: launcher, host namespaces, user denylist', async () => {
    // The fixture's .vscode/settings.json sets all three; VS Code and the extension take them from user settings only.
    const config = vscode.workspace.getConfiguration('nomadExec', fixture('hostpid.nomad.hcl'));
    assert.equal(config.get('launcherPath'), '');
    assert.equal(config.get('allowHostNamespaces'), false);
    assert.equal(config.get('userDenylist'), null);
    const hostPid = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file: fixture('hostpid.nomad.hcl').fsPath, group: 'peek', task: 'ps' });
    assert.ok(hostPid?.error, `expected a refusal, got ${JSON.stringify(hostPid)}`);
    assert.match(hostPid.error, /nomadExec\.allowHostNamespaces/);
    const root = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file: fixture('hostpid.nomad.hcl').fsPath, group: 'peek', task: 'root' });
    assert.ok(root?.error, `expected a refusal, got ${JSON.stringify(root)}`);
    assert.match(root.error, /user\.denylist/);
    assert.equal(api.listRuns().filter((r) => r.file.endsWith('hostpid.nomad.hcl') && r.state !== 'exited').length, 0);
  });

  test('attack: var files and alloc dirs the workspace names are held to its folder; the user\'s own settings may name them elsewhere', async () => {
    // A repository's .vscode/settings.json (or a task definition) names a var file committed as a link to a
    // file elsewhere on the host: followed, its values would reach the task. It is refused, and so are an
    // alloc dir a task definition puts outside the workspace and a folder of alloc dirs its settings put
    // there. The twins: the same link and folder named in the user's own settings are used, as `--var-file`
    // and `--alloc-dir` are.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-e2e-outside-'));
    fs.writeFileSync(path.join(outside, 'who.hcl'), 'who = "outside"\n');
    const link = path.join(workspaceDir(), 'linked.vars.hcl');
    fs.symlinkSync(path.join(outside, 'who.hcl'), link);
    const ask = fixture('ask.nomad.hcl');
    const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('nomadExec', ask);
    const target = { file: ask.fsPath, group: 'g', task: 'greet', vars: { who: 'flag' } };
    try {
      await config().update('varFiles', ['linked.vars.hcl'], vscode.ConfigurationTarget.Workspace);
      const fromSettings = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', target);
      assert.match(fromSettings?.error ?? '', /cannot read var file .*linked\.vars\.hcl: workspace sandbox .*leads through a link to .*who\.hcl, outside the workspace folder/, JSON.stringify(fromSettings));
      await config().update('varFiles', undefined, vscode.ConfigurationTarget.Workspace);
      const fromTask = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { ...target, varFiles: ['linked.vars.hcl'] });
      assert.match(fromTask?.error ?? '', /cannot read var file .*linked\.vars\.hcl: workspace sandbox/, JSON.stringify(fromTask));
      const allocDir = path.join(outside, 'alloc');
      const elsewhere = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { ...target, allocDir });
      assert.match(elsewhere?.error ?? '', /the alloc dir .*, named by the workspace \(a task definition\), is outside the workspace folder/, JSON.stringify(elsewhere));
      assert.ok(!fs.existsSync(allocDir), 'nothing made outside the workspace');
      await config().update('allocDir', outside, vscode.ConfigurationTarget.Workspace);
      const runsElsewhere = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', target);
      assert.match(runsElsewhere?.error ?? '', /the folder of alloc dirs .*, named by the workspace \(its nomadExec\.allocDir setting\), is outside the workspace folder/, JSON.stringify(runsElsewhere));
      assert.ok(!fs.existsSync(path.join(outside, '.nomad-exec')), 'nothing made outside the workspace');
      await config().update('allocDir', undefined, vscode.ConfigurationTarget.Workspace);
      // Each is listed as a run that never started its task, with the refusal as its reason.
      assert.deepEqual(api.listRuns().filter((r) => r.file === ask.fsPath).map((r) => [r.state, r.exitCode, !!r.error]), [['exited', undefined, true], ['exited', undefined, true], ['exited', undefined, true], ['exited', undefined, true]]);
      // The twins, from the user's own settings: the linked var file is read, and the folder of alloc dirs
      // outside the workspace is used.
      await config().update('varFiles', [link], vscode.ConfigurationTarget.Global);
      await config().update('allocDir', outside, vscode.ConfigurationTarget.Global);
      const id = started(await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file: ask.fsPath, group: 'g', task: 'greet' }));
      const info = await api.waitForRun(id);
      assert.match(api.terminalText(id), /hello \[outside\]/);
      assert.equal(path.dirname(info.allocDir ?? ''), path.join(outside, '.nomad-exec', 'allocs'));
    } finally {
      await config().update('varFiles', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('varFiles', undefined, vscode.ConfigurationTarget.Global);
      await config().update('allocDir', undefined, vscode.ConfigurationTarget.Workspace);
      await config().update('allocDir', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(link, { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a run shows the header, stdout, stderr and exit code, and leaves log files', async () => {
    await vscode.window.showTextDocument(fixture('hello.nomad.hcl'));
    const outcome = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file, group: 'greet', task: 'say' });
    const id = started(outcome);
    const info = await api.waitForRun(id);
    const text = api.terminalText(id);
    assert.equal(info.label, 'hello/greet/say');
    assert.ok(terminalNamed('hello/greet/say'), 'a terminal named after job/group/task');
    assert.equal(info.exitCode, 3, text);
    // The variable came from the workspace setting nomadExec.variables.
    assert.match(text, /hi from nomad/);
    assert.match(text, /oops/);
    for (const heading of ['alloc dir', 'isolation', 'user', 'capabilities', 'command']) assert.match(text, new RegExp(heading));
    assert.match(text, /exited with code 3/);
    assert.match(text, /Log files:/);
    const stdoutLog = info.logFiles.find((f) => /say\.stdout\.\d+$/.test(f));
    const stderrLog = info.logFiles.find((f) => /say\.stderr\.\d+$/.test(f));
    assert.ok(stdoutLog && stderrLog, `log files: ${info.logFiles.join(', ')}`);
    assert.match(fs.readFileSync(stdoutLog, 'utf8'), /hi from nomad/);
    assert.match(fs.readFileSync(stderrLog, 'utf8'), /oops/);
    // By default the alloc dir is in the extension's storage, not in the workspace (runs.test.ts has more).
    assert.ok(info.allocDir && !info.allocDir.startsWith(path.dirname(file) + path.sep), `alloc dir ${info.allocDir} is outside the workspace`);
    terminalNamed('hello/greet/say')?.show();
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    await screenshot('run-terminal', '.terminal-wrapper.active .xterm-screen', 'exited with code 3');
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
  });

  test('closing the terminal stops the task and leaves no process behind', async () => {
    const marker = `nomad-exec-e2e-${process.pid}-${Date.now()}`;
    const outcome = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', {
      file,
      group: 'sleepers',
      task: 'sleeper',
      vars: { marker },
    });
    const id = started(outcome);
    await api.waitForTerminalText(id, 'sleeper-ready');
    assert.ok(processesWith(marker).length > 0, 'the task runs before the terminal closes');
    assert.ok(vscode.window.terminals.some((t) => t.name === 'hello/sleepers/sleeper'));
    const status = api.listRuns().find((r) => r.id === id);
    assert.equal(status?.state, 'running');
    terminalNamed('hello/sleepers/sleeper')!.dispose();
    const info = await api.waitForRun(id);
    assert.equal(info.stopped, true);
    await waitUntil(() => processesWith(marker).length === 0, `no process with ${marker} is left`, 10_000);
  });

  test('Ctrl+C in the terminal stops the task with its kill signal', async () => {
    const marker = `nomad-exec-e2e-ctrlc-${Date.now()}`;
    const id = started(
      await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file, group: 'sleepers', task: 'sleeper', vars: { marker } }),
    );
    await api.waitForTerminalText(id, 'sleeper-ready');
    const terminal = vscode.window.terminals.filter((t) => t.name === 'hello/sleepers/sleeper').pop()!;
    terminal.sendText('\x03', false);
    const info = await api.waitForRun(id);
    assert.equal(info.stopped, true);
    // A shell that is waiting for a child when SIGINT arrives handles it and exits 130 (128+SIGINT) itself;
    // otherwise the signal ends it. Either way the kill signal, not the SIGKILL fallback, ended the task.
    assert.ok(info.signal === 'SIGINT' || info.exitCode === 130, `ended by SIGINT: ${JSON.stringify(info)}`);
    assert.match(api.terminalText(id), /Stopping: SIGINT/);
    await waitUntil(() => processesWith(marker).length === 0, `no process with ${marker} is left`, 10_000);
    terminal.dispose();
  });

  test('Nomad: Stop Task and Rerun Last Task', async () => {
    const marker = `nomad-exec-e2e-stop-${Date.now()}`;
    const target = { file, group: 'sleepers', task: 'sleeper', vars: { marker } };
    const first = started(await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', target));
    await api.waitForTerminalText(first, 'sleeper-ready');
    await vscode.commands.executeCommand('nomadExec.stopTask', first);
    assert.equal((await api.waitForRun(first)).stopped, true);
    const again = started(await vscode.commands.executeCommand<Outcome>('nomadExec.rerunLastTask'));
    assert.notEqual(again, first);
    await api.waitForTerminalText(again, 'sleeper-ready');
    await vscode.commands.executeCommand('nomadExec.stopTask');
    assert.equal((await api.waitForRun(again)).stopped, true);
    await waitUntil(() => processesWith(marker).length === 0, `no process with ${marker} is left`, 10_000);
  });

  test('a variable without any value is asked for with an input box', async () => {
    const running = vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file: fixture('ask.nomad.hcl').fsPath, group: 'g', task: 'greet' });
    let settled = false;
    void Promise.resolve(running).finally(() => (settled = true));
    // The input box has no event of its own: accept it (empty) once it is up, i.e. until the command returns.
    while (!settled) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const id = started(await running);
    await api.waitForRun(id);
    assert.match(api.terminalText(id), /hello \[\]/);
  });

  test('Run group runs a group\'s exec tasks in one terminal named job/group', async () => {
    const id = started(await vscode.commands.executeCommand<Outcome>('nomadExec.runGroup', { file, group: 'greet' }));
    const info = await api.waitForRun(id);
    assert.equal(info.label, 'hello/greet');
    assert.equal(info.exitCode, 3);
    assert.match(api.terminalText(id), /hi from nomad/);
  });

  test('on macOS and Windows the run command explains that exec isolation needs Linux', () => {
    assert.equal(api.runRefusal(), undefined, 'Linux in a trusted workspace runs tasks');
    for (const platform of ['darwin', 'win32']) {
      const reason = api.runRefusal(platform);
      assert.ok(reason, `refused on ${platform}`);
      assert.match(reason, /needs Linux/);
      assert.match(reason, platform === 'darwin' ? /macOS/ : /Windows/);
    }
  });

  test('several runs at once, one terminal each', async () => {
    const markers = [`nomad-exec-e2e-multi-a-${Date.now()}`, `nomad-exec-e2e-multi-b-${Date.now()}`];
    const ids: number[] = [];
    for (const marker of markers) {
      ids.push(started(await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file, group: 'sleepers', task: 'sleeper', vars: { marker } })));
    }
    for (const id of ids) await api.waitForTerminalText(id, 'sleeper-ready');
    assert.equal(api.listRuns().filter((r) => ids.includes(r.id) && r.state === 'running').length, 2);
    assert.match(api.statusBarText() ?? '', /Nomad: 2 runs/);
    for (const id of ids) await vscode.commands.executeCommand('nomadExec.stopTask', id);
    for (const id of ids) assert.equal((await api.waitForRun(id)).stopped, true);
    for (const marker of markers) await waitUntil(() => processesWith(marker).length === 0, `no process with ${marker}`, 10_000);
    assert.equal(api.statusBarText(), undefined, 'the status bar item goes away when nothing runs');
  });

  test('a tasks.json task of type nomad-exec runs through the task provider', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'nomad-exec' });
    const say = tasks.find((t) => t.definition.task === 'say');
    assert.ok(say, `detected tasks: ${tasks.map((t) => t.name).join(', ')}`);
    const before = new Set(api.listRuns().map((r) => r.id));
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.definition.task !== 'say') return;
        listener.dispose();
        resolve(e.exitCode);
      });
    });
    await vscode.tasks.executeTask(say);
    assert.equal(await ended, 3);
    const run = api.listRuns().find((r) => !before.has(r.id));
    assert.ok(run, 'the task provider run is listed');
    assert.match(api.terminalText(run.id), /hi from nomad/);
  });
});
