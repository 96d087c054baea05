// The run terminal tells stops and failures plainly: a stop the user asked for ends with one neutral line
// saying what it took (not the red "killed by SIGKILL"), a task that dies on its own keeps the red line, and
// a run that cannot start still gets its terminal with the reason, the place as file:line:col and the fix.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { NomadExecApi } from '../../../client/src/testApi';
import { activateExtension, fixture, openScratchJob, processesWith, waitForDiagnostics, waitUntil } from './helpers';

type Outcome = { runId?: number; refused?: string; error?: string; cancelled?: boolean };

function started(outcome: Outcome | undefined): number {
  assert.ok(outcome && typeof outcome.runId === 'number', `the run did not start: ${JSON.stringify(outcome)}`);
  return outcome.runId;
}

suite('run terminal: stops, failures, refusals', () => {
  let api: NomadExecApi;
  const file = fixture('hello.nomad.hcl').fsPath;

  suiteSetup(async () => {
    api = await activateExtension();
  });

  teardown(async () => {
    for (const run of api.listRuns().filter((r) => r.state !== 'exited')) await vscode.commands.executeCommand('nomadExec.stopTask', run.id);
  });

  test('a requested stop ends with one neutral "Stopped by you" line and no red one', async () => {
    const marker = `nomad-exec-e2e-plainstop-${Date.now()}`;
    const id = started(await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file, group: 'sleepers', task: 'sleeper', vars: { marker } }));
    await api.waitForTerminalText(id, 'sleeper-ready');
    await vscode.commands.executeCommand('nomadExec.stopTask', id);
    const info = await api.waitForRun(id);
    const text = api.terminalText(id);
    assert.equal(info.stopped, true);
    // The sleeper's kill_timeout is 2 s; a PID 1 shell may ignore SIGINT (then SIGKILL follows) or end with 130.
    assert.match(text, /^Stopped by you \(SIGINT, (then SIGKILL after 2 s|ended within its 2 s kill_timeout)\), exit code (137|130), after /m, text);
    assert.doesNotMatch(text, /Run killed by|killed by SIGKILL/, 'a requested stop is not told as a crash');
    assert.equal(text.match(/^Stopping/gm)?.length, 1, `one line as the stop begins:\n${text}`);
    await waitUntil(() => processesWith(marker).length === 0, `no process with ${marker} is left`, 10_000);
  });

  test('a task that exits 3 on its own keeps the red line; its output comes under a one-line summary', async () => {
    const id = started(await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file, group: 'greet', task: 'say' }));
    const info = await api.waitForRun(id);
    const text = api.terminalText(id);
    assert.equal(info.exitCode, 3);
    assert.equal(info.stopped, false);
    assert.match(text, /^Run exited with code 3 after /m);
    assert.doesNotMatch(text, /Stopped by you/);
    const summary = text.search(/^▸ hello\/greet\/say · exec · (rootless|root)$/m);
    assert.ok(summary > 0, `the one-line summary:\n${text}`);
    const firstOutput = text.search(/^(hi from nomad|oops)$/m);
    assert.ok(firstOutput > summary, `the summary comes just above the first output line:\n${text}`);
    assert.ok(summary > text.indexOf('capabilities'), 'and after the header');
    assert.match(text, /13 default capabilities/, 'the capability list is folded');
  });

  test('a run refused at plan time (unknown capability) opens its terminal with the reason, file:line:col and the fix', async () => {
    const text = `job "refused" {
  group "g" {
    task "ping" {
      driver = "exec"
      config {
        command = "/bin/sh"
        args    = ["-c", "echo never"]
        cap_add = ["net_rw"]
      }
    }
  }
}
`;
    const editor = await openScratchJob('refused-cap.nomad.hcl', text);
    const uri = editor.document.uri;
    await waitForDiagnostics(uri, (d) => d.some((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'unknown-capability'), 'the unknown-capability diagnostic');
    const terminalsBefore = vscode.window.terminals.length;
    const outcome = await vscode.commands.executeCommand<Outcome>('nomadExec.runTask', { file: uri.fsPath, group: 'g', task: 'ping' });
    assert.ok(outcome?.error, `refused: ${JSON.stringify(outcome)}`);
    assert.match(outcome.error, /unknown capability net_rw/);
    const id = started(outcome);
    const info = await api.waitForRun(id);
    assert.equal(info.state, 'exited');
    assert.equal(vscode.window.terminals.length, terminalsBefore + 1, 'a terminal opened for the refused run');
    const shown = api.terminalText(id);
    assert.match(shown, /Cannot start: task "ping": unknown capability net_rw/);
    const line = text.split('\n').findIndex((l) => l.includes('"net_rw"'));
    const column = text.split('\n')[line].indexOf('"net_rw"');
    assert.ok(shown.includes(`${uri.fsPath}:${line + 1}:${column + 1}`), `the place as file:line:col:\n${shown}`);
    assert.match(shown, /quick fix: Change to "net_raw"/, `the editor's quick fix for that diagnostic:\n${shown}`);
    assert.ok(!processesWith('echo never').length, 'nothing ran');
  });
});
