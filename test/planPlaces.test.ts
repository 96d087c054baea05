// A run the planner refuses points at the place in the job file, as data (not parsed from the message):
// the terminal and the CLI turn it into a `file:line:col` link, and the editor's quick fix for the same
// diagnostic code applies there.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import test from 'node:test';
import { isPlanError, planRun, startRun, type PlanError, type RunRequest } from '../launcher/src/api';
import { JobFiles, skipWithoutLauncher } from './helpers/jobRun';
import { execJob } from './helpers/diagnose';

const jobs = new JobFiles('nomad-exec-places-');

/** The job text with `¦` before the place the error must point at (removed before planning). */
async function refusal(marked: string, request: Partial<RunRequest> = {}): Promise<{ error: PlanError; line: number; character: number; file: string }> {
  const at = marked.indexOf('¦');
  assert.ok(at >= 0, 'the test marks the expected place');
  const before = marked.slice(0, at).split('\n');
  const file = jobs.write(marked.replace('¦', ''));
  const plan = await planRun({ file, workspace: jobs.dir, ...request });
  assert.ok(isPlanError(plan), 'the run is refused');
  return { error: plan, line: before.length - 1, character: before[before.length - 1].length, file };
}

function assertAt(r: Awaited<ReturnType<typeof refusal>>): void {
  assert.ok(r.error.at, `a place for: ${r.error.message}`);
  assert.equal(r.error.at.file, r.file);
  assert.deepEqual(r.error.at.range.start, { line: r.line, character: r.character }, r.error.message);
}

/** An exec job (helpers/diagnose.ts) with these task lines and config. */
const job = (task: string, config: string): string => execJob({ task, config });

test('an unknown capability points at its entry of cap_add, with the nearest name as the hint', async () => {
  const r = await refusal(job('', '        command = "/bin/sh"\n        cap_add = ["chown", ¦"net_rw"]'));
  assertAt(r);
  assert.match(r.error.message, /unknown capability net_rw/);
  assert.equal(r.error.code, 'unknown-capability');
  assert.equal(r.error.hint, 'did you mean "net_raw"?');
});

test('a capability outside allow_caps points at its entry, with the diagnostic code of its quick fix', async () => {
  const r = await refusal(job('', '        command = "/bin/sh"\n        cap_drop = ["kill"]\n        cap_add = [¦"sys_admin"]'));
  assertAt(r);
  assert.equal(r.error.code, 'capability-not-allowed');
});

test('a command that is not on this machine points at the command', async () => {
  const r = await refusal(job('', '        command = ¦"/no/such/tool"'));
  assertAt(r);
  assert.equal(r.error.code, 'command-location');
});

test('policy refusals point at what asked: pid_mode = "host", a denied user, raw_exec', async () => {
  assertAt(await refusal(job('', '        command = "/bin/sh"\n        pid_mode = ¦"host"')));
  const denied = await refusal(job('      user = ¦"root"', '        command = "/bin/sh"'));
  assertAt(denied);
  assert.equal(denied.error.code, 'user-denied');
  const raw = await refusal(job('', '        command = "/bin/sh"').replace('driver = "exec"', 'driver = ¦"raw_exec"'));
  assertAt(raw);
});

test('a problem with no place of its own points at its task, and one outside any task has no place', async () => {
  const noConfig = await refusal(`job "j" {\n  group "g" {\n    ¦task "t" {\n      driver = "exec"\n    }\n  }\n}\n`);
  assertAt(noConfig);
  const file = jobs.write('variable "v" {}\njob "j" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/sh"\n      }\n    }\n  }\n}\n');
  const missing = await planRun({ file, workspace: jobs.dir });
  assert.ok(isPlanError(missing));
  assert.equal(missing.at, undefined);
});

test('an artifact the planner refuses points at its block', async () => {
  const r = await refusal(job('      ¦artifact {\n        source = "../../../etc/passwd"\n      }', '        command = "/bin/sh"'));
  assertAt(r);
});

test('a template that cannot render locally points at its line in the job file', async () => {
  const r = await refusal(job('      template {\n        data = <<EOT\nfine\n¦{{ key "consul/thing" }}\nEOT\n        destination = "local/out"\n      }', '        command = "/bin/sh"'));
  assert.ok(r.error.at, r.error.message);
  assert.equal(r.error.at.range.start.line, r.line, r.error.message);
});

test('a command an artifact was to bring but did not fails as the task starts, pointing at the command', skipWithoutLauncher(), async () => {
  fs.writeFileSync(path.join(jobs.dir, 'notes.txt'), 'not the tool\n');
  const marked = job('      artifact {\n        source = "notes.txt"\n      }', '        command = ¦"local/tool"');
  const at = marked.indexOf('¦');
  const before = marked.slice(0, at).split('\n');
  const file = jobs.write(marked.replace('¦', ''));
  const plan = await planRun({ file, workspace: jobs.dir });
  assert.ok(!isPlanError(plan), isPlanError(plan) ? plan.message : '');
  const result = await startRun(plan).exited;
  const failure = result.tasks[0].failure;
  assert.equal(failure?.step, 'lookup', JSON.stringify(result));
  assert.deepEqual(failure.at?.start, { line: before.length - 1, character: before[before.length - 1].length });
});

test('after a comment holding a lone carriage return, the place is still on the line the editor shows', async () => {
  // The editor (LSP) ends a line at a lone `\r` too; HCL reads the comment on past it.
  const marked = execJob({ group: '    # built by CI\rsee the wiki', config: '        command = ¦"/no/such/tool"' });
  const at = marked.indexOf('¦');
  const lines = marked.slice(0, at).split(/\r\n|\r|\n/);
  const file = jobs.write(marked.replace('¦', ''));
  const plan = await planRun({ file, workspace: jobs.dir });
  assert.ok(isPlanError(plan) && plan.at, 'the run is refused, with a place');
  assert.deepEqual(plan.at.range.start, { line: lines.length - 1, character: lines[lines.length - 1].length });
});
