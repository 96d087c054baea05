// Groups that mix drivers, run for real: raw_exec tasks run as plain processes (only with the developer's
// machine-level permission), tasks of drivers that cannot run locally are skipped with their reason, and
// the exit code says whether every task that ran succeeded. Runs as root and rootless (test-rootless.sh).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { isPlanError, planRun, startRun, type RunRequest } from '../launcher/src/api';
import { JobFiles, skipWithoutLauncher } from './helpers/jobRun';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'nomad-exec');
const jobs = new JobFiles('nomad-exec-mixed-');
const skip = skipWithoutLauncher();
const allowed: Partial<RunRequest> = { group: 'g', settings: { allowRawExec: true } };

/** A task of `driver` running `script` (no double quotes in it) with /bin/sh -c; `extra` goes before config. */
const shTask = (driver: string, name: string, script: string, extra = ''): string => `
    task "${name}" {
      driver = "${driver}"
      ${extra}
      config {
        command = "/bin/sh"
        args = ["-c", "${script}"]
      }
    }`;
const groupJob = (...tasks: string[]): string => `
job "mixed" {
  group "g" {${tasks.join('')}
  }
}`;
const docker = (name: string, extra = ''): string => `
    task "${name}" {
      driver = "docker"
      ${extra}
      config { image = "busybox:1.36" }
    }`;

/** Nomad's own shape: a raw_exec prestart task prepares the shared data dir, the exec main task uses it. */
const prestartThenMain = groupJob(
  shTask('raw_exec', 'fetch', 'echo fetched-by-$(id -u) > $NOMAD_ALLOC_DIR/data/payload; pwd > $NOMAD_ALLOC_DIR/data/where', 'lifecycle { hook = "prestart" }'),
  shTask('exec', 'app', 'cat /alloc/data/payload; cat /alloc/data/where; id -un'),
);

async function runCollect(text: string, request: Partial<RunRequest>) {
  const plan = await jobs.plan(text, request);
  const lines: string[] = [];
  const notices: string[] = [];
  const result = await startRun(plan, {
    output: (task, _s, chunk) => lines.push(...chunk.toString().trim().split('\n').map((l) => `${task}: ${l}`)),
    notice: (n) => notices.push(n.message),
  }).exited;
  return { plan, result, lines, notices };
}

test('a raw_exec prestart task writes into the alloc data dir as you, in its task dir; the exec main task reads it', skip, async () => {
  const { plan, result, lines, notices } = await runCollect(prestartThenMain, allowed);
  assert.equal(result.exitCode, 0, [...lines, ...notices].join('\n'));
  const fetch = plan.tasks.find((t) => t.name === 'fetch')!;
  assert.equal(fetch.driver, 'raw_exec');
  assert.equal(fetch.env.NOMAD_ALLOC_DIR, plan.sharedDir, 'raw_exec sees its dirs as host paths');
  assert.ok(lines.includes(`app: fetched-by-${process.getuid!()}`), lines.join('\n'));
  assert.ok(lines.includes(`app: ${fetch.taskDir}`), 'the raw_exec task ran in its task dir');
  assert.ok(lines.includes('app: nobody'), 'the exec task stays isolated as nobody');
});

test('raw_exec is refused without the machine-level permission, before anything touches the disk', skip, async () => {
  const file = jobs.write(prestartThenMain);
  const allocDir = path.join(jobs.dir, 'refused-alloc');
  const refused = await planRun({ file, group: 'g', allocDir });
  assert.ok(isPlanError(refused));
  assert.match(refused.message, /task "fetch".*raw_exec.*nomadExec\.allowRawExec.*--allow-raw-exec/s);
  // A workspace-looking source cannot grant it: only the flag or the user settings do, as for host namespaces.
  const cliRefused = await runCli([file, '--group', 'g', '--alloc-dir', allocDir]);
  assert.equal(cliRefused.code, 1);
  assert.match(cliRefused.stderr, /--allow-raw-exec/);
  assert.ok(!fs.existsSync(allocDir), 'no alloc dir was made');
  // Twin: with the flag the same job runs, and the header says raw_exec has no isolation.
  const ok = await runCli([file, '--group', 'g', '--allow-raw-exec']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /task "fetch" uses raw_exec .*no isolation/);
  assert.match(ok.stdout, /\[app\] fetched-by-/);
});

test('a docker task beside an exec one is skipped with its reason and the exec task runs', skip, async () => {
  const text = groupJob(docker('web'), shTask('exec', 'app', 'echo app-ran'));
  const { plan, result, lines } = await runCollect(text, { group: 'g' });
  assert.equal(result.exitCode, 0);
  assert.deepEqual(plan.skipped, [{ task: 'web', reason: 'driver "docker" cannot run locally (only exec and raw_exec tasks do)' }]);
  assert.ok(lines.includes('app: app-ran'));
  const r = await runCli([jobs.write(text), '--group', 'g']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr.split('\n').filter((l) => l.includes('"web" is skipped: driver "docker" cannot run locally')).length, 1, r.stderr);
  assert.equal(r.stdout, '[app] app-ran\n');
});

test('a group whose main task or leader cannot run locally is refused, naming it', skip, async () => {
  const onlyPrestart = await planRun({ file: jobs.write(groupJob(docker('web'), shTask('exec', 'prep', 'true', 'lifecycle { hook = "prestart" }'))), group: 'g' });
  assert.ok(isPlanError(onlyPrestart));
  assert.match(onlyPrestart.message, /group "g" cannot run locally without task "web" \(a main task; driver "docker"/);
  const leader = await planRun({ file: jobs.write(groupJob(docker('web', 'leader = true'), shTask('exec', 'app', 'true'))), group: 'g' });
  assert.ok(isPlanError(leader));
  assert.match(leader.message, /task "web" \(its leader/);
});

test('stopping a raw_exec task sends its kill signal to its process group; nothing it started outlives the run', skip, async () => {
  const text = groupJob(
    shTask(
      'raw_exec',
      'srv',
      "sleep 300 & echo $! > $NOMAD_ALLOC_DIR/data/child; trap 'echo got-term; exit 0' TERM; echo ready; while true; do sleep 0.05; done",
      'kill_signal = "SIGTERM"\n      kill_timeout = "2s"',
    ),
  );
  const plan = await jobs.plan(text, allowed);
  let out = '';
  let stopping: Promise<void> | undefined;
  const handle = startRun(plan, {
    output: (_t, _s, chunk) => {
      out += chunk.toString();
      if (!stopping && out.includes('ready')) stopping = handle.stop();
    },
  });
  const result = await handle.exited;
  await stopping;
  assert.match(out, /got-term/);
  assert.equal(result.exitCode, 0);
  const child = Number(fs.readFileSync(path.join(plan.sharedDir, 'data', 'child'), 'utf8'));
  assert.ok(child > 0);
  assert.equal(await gone(child), true, 'the background sleep was killed with its group');
});

test('a raw_exec task that ends leaves nothing behind; the exit code counts every task that ran', skip, async () => {
  const text = groupJob(
    shTask('raw_exec', 'main', 'sleep 300 & echo $! > $NOMAD_ALLOC_DIR/data/child; echo main-done'),
    shTask('raw_exec', 'after', 'exit 3', 'lifecycle { hook = "poststop" }'),
  );
  const { plan, result, lines } = await runCollect(text, allowed);
  assert.ok(lines.includes('main: main-done'));
  assert.equal(result.exitCode, 3, 'the failed poststop task makes the run fail');
  const child = Number(fs.readFileSync(path.join(plan.sharedDir, 'data', 'child'), 'utf8'));
  assert.equal(await gone(child), true);
  // Twin: the same group with a poststop task that succeeds exits 0.
  const fine = await runCollect(text.replace('exit 3', 'true'), allowed);
  assert.equal(fine.result.exitCode, 0);
});

test('a raw_exec command is looked up in its task dir, then on PATH; a missing one is refused at plan time', skip, async () => {
  const viaPath = await jobs.plan(groupJob(`
    task "t" {
      driver = "raw_exec"
      config { command = "sh" }
    }`), allowed);
  const lookup = viaPath.tasks[0].lookup;
  assert.equal(lookup.state, 'found');
  assert.match(lookup.state === 'found' ? lookup.hostPath : '', /\/sh$/);
  const missing = await planRun({ file: jobs.write(groupJob(`
    task "t" {
      driver = "raw_exec"
      config { command = "no-such-command-here" }
    }`)), ...allowed });
  assert.ok(isPlanError(missing));
  assert.match(missing.message, /no-such-command-here not found .*local\/no-such-command-here/);
});

test('attack: the runner is SIGKILLed while a raw_exec task runs, which would leave the task and its child running as you; twin: a raw_exec run reports its exit code', skip, async () => {
  const text = groupJob(
    shTask('raw_exec', 'srv', 'echo $$ > $NOMAD_ALLOC_DIR/data/pid; sleep 300 & echo $! > $NOMAD_ALLOC_DIR/data/child; echo ready; wait', 'kill_timeout = "1s"'),
  );
  const allocDir = path.join(jobs.dir, `killed-runner-${process.pid}`);
  const runner = spawn(process.execPath, [cli, 'run', jobs.write(text), '--group', 'g', '--allow-raw-exec', '--alloc-dir', allocDir], { stdio: ['ignore', 'pipe', 'pipe'], cwd: jobs.dir });
  const closed = new Promise<void>((resolve) => runner.on('close', () => resolve()));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    runner.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    runner.on('close', () => reject(new Error(`the run ended before the task was ready: ${out}`)));
  });
  const data = path.join(allocDir, 'alloc', 'data');
  const task = Number(fs.readFileSync(path.join(data, 'pid'), 'utf8'));
  const child = Number(fs.readFileSync(path.join(data, 'child'), 'utf8'));
  assert.ok(alive(task) && alive(child), 'the task and its child run before the runner is killed');
  runner.kill('SIGKILL');
  await closed;
  // the kill signal, then SIGKILL after the 1 s kill timeout at the latest: both well inside the deadline
  assert.equal(await gone(task, 5000), true, 'the raw_exec task outlived the runner');
  assert.equal(await gone(child, 5000), true, 'the raw_exec task\'s child outlived the runner');

  const twin = await runCli([jobs.write(groupJob(shTask('raw_exec', 'main', 'echo as-$(id -u); exit 7'))), '--group', 'g', '--allow-raw-exec']);
  assert.equal(twin.code, 7, twin.stderr);
  assert.match(twin.stdout, new RegExp(`\\[main\\] as-${process.getuid!()}`));
});

/** Whether the process still runs (a killed one waiting to be reaped by init counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return false;
  }
}

/**
 * Whether the process is gone within the deadline (a second by default). A killed process closes its pipes (which ends the run) a moment
 * before it turns into a zombie, and no event tells us when a process that is not our child dies, so it is
 * polled, bounded. A sleep 300 that survived stays alive through all of it.
 */
async function gone(pid: number, deadlineMs = 1000): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (!alive(pid)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: jobs.dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
