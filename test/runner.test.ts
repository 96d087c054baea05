// Running tasks for real under the native launcher: exit codes, signals, the stop protocol, templates and
// env templates, a group with lifecycle hooks, and the CLI (`--plan`, streaming, exit status, Ctrl+C).
// Needs the launcher built by `npm run build`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isPlanError, planRun, startRun, type LaunchPlan, type RunRequest, type RunResult } from '../launcher/src/api';
import { runEnding } from '../launcher/src/outcomeText';
import { createAllocDir } from '../launcher/src/allocDir';
import { launcherBinary } from '../launcher/src/launcherArgs';
import { TaskLogs } from '../launcher/src/logs';
import { prepareTask } from '../launcher/src/prepare';
import { Dir } from '../launcher/src/safeFs';
import { SupervisedTask } from '../launcher/src/supervise';
import { JobFiles, skipWithoutLauncher } from './helpers/jobRun';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'nomad-exec');
const jobs = new JobFiles('nomad-exec-run-');
const dir = jobs.dir;

/** An exec task block; `extra` (lifecycle, leader, kill_timeout, templates...) goes before its config. */
const execTask = (name: string, config: string, extra = ''): string => `
    task "${name}" {
      driver = "exec"
      ${extra}
      config {
        ${config}
      }
    }`;

/** An exec task running `script` (no double quotes in it) with /bin/sh -c. */
const shTask = (name: string, script: string, extra = ''): string => execTask(name, `command = "/bin/sh"\n        args = ["-c", "${script}"]`, extra);

/** A job whose one group, "g", holds `tasks`. */
const groupJob = (job: string, ...tasks: string[]): string => `
job "${job}" {
  group "g" {${tasks.join('')}
  }
}`;

const oneTask = (config: string, extra = ''): string => groupJob('t', execTask('main', config, extra));

interface Captured {
  result: RunResult;
  stdout: Buffer;
  stderr: Buffer;
  plan: LaunchPlan;
  notices: string[];
}

/** Runs the plan; `whenOutput` is called once when stdout first contains `marker`. */
async function run(text: string, options: { marker?: string; whenOutput?: (stop: () => Promise<void>) => void; request?: Partial<RunRequest> } = {}): Promise<Captured> {
  const plan = await jobs.plan(text, options.request);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const notices: string[] = [];
  let fired = false;
  const handle = startRun(plan, {
    output: (_task, stream, chunk) => {
      (stream === 'stdout' ? out : err).push(chunk);
      if (!fired && options.marker && Buffer.concat(out).includes(options.marker)) {
        fired = true;
        options.whenOutput?.(() => handle.stop());
      }
    },
    notice: (n) => notices.push(n.message),
  });
  const result = await handle.exited;
  return { result, stdout: Buffer.concat(out), stderr: Buffer.concat(err), plan, notices };
}

const skip = skipWithoutLauncher();

test('exit codes pass through; a signal N gives 128+N', skip, async () => {
  const ok = await run(oneTask('command = "/bin/sh"\n args = ["-c", "echo out; echo err >&2"]'));
  assert.equal(ok.result.exitCode, 0);
  assert.equal(ok.stdout.toString(), 'out\n');
  assert.equal(ok.stderr.toString(), 'err\n');
  const three = await run(oneTask('command = "/bin/sh"\n args = ["-c", "exit 3"]'));
  assert.equal(three.result.exitCode, 3);
  const plain130 = await run(oneTask('command = "/bin/sh"\n args = ["-c", "exit 130"]'));
  assert.equal(plain130.result.exitCode, 130);
  assert.equal(plain130.result.signal, undefined, 'exit 130 is not a signal');
  // Not PID 1 (host pid mode), so a signal to itself really ends it.
  const killed = await run(oneTask('command = "/bin/sh"\n pid_mode = "host"\n args = ["-c", "kill -TERM $$"]'), { request: { settings: { allowHostNamespaces: true } } });
  assert.equal(killed.result.exitCode, 128 + os.constants.signals.SIGTERM);
  assert.equal(killed.result.signal, 'SIGTERM');
});

test('the task runs as nobody, in its task dir, with the planned environment', skip, async () => {
  const r = await run(oneTask('command = "/bin/sh"\n args = ["-c", "id -un; echo $NOMAD_TASK_NAME $NOMAD_ALLOC_DIR; ls -d /local /alloc/logs /secrets"]'));
  assert.equal(r.result.exitCode, 0, r.stderr.toString());
  assert.equal(r.stdout.toString(), 'nobody\nmain /alloc\n/alloc/logs\n/local\n/secrets\n');
});

test('the environment reaches the task whichever way it is handed over: an unnamed file, or a pipe where there is none', skip, async () => {
  // The runner hands the launcher an unnamed file; a file system without them (no O_TMPFILE) gets the pipe,
  // and so does a folder where one cannot be made (no space, no permission: /proc/sys refuses with EACCES).
  const plan = await jobs.plan(oneTask('command = "/bin/sh"\n args = ["-c", "echo $GREETING; echo $NOMAD_TASK_NAME"]'));
  const { alloc, logs: logsDir } = createAllocDir(plan);
  const refusing = Dir.open('/proc/sys');
  try {
    const task = plan.tasks[0];
    const prepared = await prepareTask(task, alloc, () => undefined);
    for (const [how, envDir] of [['unnamed file', logsDir], ['pipe', undefined], ['pipe where no unnamed file can be made', refusing]] as const) {
      const out: Buffer[] = [];
      const supervised = new SupervisedTask(task, {
        launcherPath: launcherBinary(),
        command: prepared.command,
        env: { ...prepared.env, GREETING: 'hello\u00e9 = "x"' },
        binds: prepared.binds,
        logs: new TaskLogs(logsDir, task.name, task.logs),
        envDir,
        onOutput: (_stream, chunk) => out.push(chunk),
        onLauncherMessage: () => undefined,
      });
      const exit = await supervised.exited;
      assert.equal(exit.exitCode, 0, exit.setupFailure);
      assert.equal(Buffer.concat(out).toString(), 'hello\u00e9 = "x"\nmain\n', how);
    }
  } finally {
    refusing.close();
    logsDir.close();
    alloc.close();
  }
});

test('a launcher failure (missing work_dir) is reported as a launch failure naming the path', skip, async () => {
  const r = await run(oneTask('command = "/bin/true"\n work_dir = "/no/such/dir"'));
  assert.equal(r.result.failure?.step, 'launch');
  assert.match(r.result.failure?.message ?? '', /\/no\/such\/dir/);
  assert.notEqual(r.result.exitCode, 0);
});

test('a task trapping SIGINT gets it on stop', skip, async () => {
  const r = await run(
    oneTask('command = "/bin/sh"\n args = ["-c", "trap \'echo got-INT; exit 0\' INT; echo ready; while true; do sleep 0.05; done"]'),
    { marker: 'ready', whenOutput: (stop) => void stop() },
  );
  assert.match(r.stdout.toString(), /ready\ngot-INT\n/);
  assert.equal(r.result.exitCode, 0);
  assert.equal(r.result.stopped, true);
  // What the stop took, from the launcher: the kill signal alone did it.
  const stop = r.result.tasks[0].stop;
  assert.ok(stop, 'the task result says it was stopped');
  assert.equal(stop.signal, 'SIGINT');
  assert.equal(stop.escalatedAfterMs, undefined);
  assert.equal(stop.killTimeoutMs, 5000);
  assert.equal(runEnding(r.result).text.replace(/ after [\d.]+ m?s$/, ''), 'Stopped by you (SIGINT, ended within its 5 s kill_timeout), exit code 0,');
});

test('a task that ends on its own has no stop, and its end is a failure, not a stop', skip, async () => {
  const r = await run(oneTask('command = "/bin/sh"\n args = ["-c", "exit 3"]'));
  assert.equal(r.result.tasks[0].stop, undefined);
  assert.equal(r.result.stopped, false);
  assert.deepEqual({ ...runEnding(r.result), text: '' }, { kind: 'failure', text: '' });
});

test('a task ignoring its kill signal is killed after the kill timeout', skip, async () => {
  const r = await run(
    oneTask('command = "/bin/sh"\n args = ["-c", "trap \'\' INT TERM; echo ready; while true; do sleep 0.05; done"]', 'kill_timeout = "300ms"'),
    { marker: 'ready', whenOutput: (stop) => void stop() },
  );
  assert.equal(r.result.exitCode, 128 + os.constants.signals.SIGKILL);
  assert.equal(r.result.signal, 'SIGKILL');
  // The launcher says when it escalated: at the kill timeout, not before.
  const stop = r.result.tasks[0].stop;
  assert.ok(stop?.escalatedAfterMs !== undefined, JSON.stringify(r.result.tasks[0]));
  assert.equal(stop.signal, 'SIGINT');
  assert.ok(stop.escalatedAfterMs >= 300 && stop.escalatedAfterMs < 3000, `escalated after ${stop.escalatedAfterMs} ms`);
  const ending = runEnding(r.result);
  assert.equal(ending.kind, 'stopped');
  assert.match(ending.text, /^Stopped by you \(SIGINT, then SIGKILL after \d+ ms\), exit code 137, after /);
});

test('a kill_timeout of 0 stops with SIGKILL at once, and says so', skip, async () => {
  const r = await run(
    oneTask('command = "/bin/sh"\n args = ["-c", "trap \'\' INT TERM; echo ready; while true; do sleep 0.05; done"]', 'kill_timeout = "0s"'),
    { marker: 'ready', whenOutput: (stop) => void stop() },
  );
  assert.equal(r.result.exitCode, 137);
  assert.equal(r.result.tasks[0].stop?.signal, 'SIGKILL');
  assert.match(runEnding(r.result).text, /^Stopped by you \(SIGKILL at once: kill_timeout is 0\), exit code 137/);
});

test('kill_signal is what the task receives first', skip, async () => {
  const r = await run(
    oneTask('command = "/bin/sh"\n args = ["-c", "trap \'echo got-USR1; exit 7\' USR1; echo ready; while true; do sleep 0.05; done"]', 'kill_signal = "SIGUSR1"'),
    { marker: 'ready', whenOutput: (stop) => void stop() },
  );
  assert.match(r.stdout.toString(), /got-USR1/);
  assert.equal(r.result.exitCode, 7);
});

test('templates: plain text as is, Go templates with env, custom delimiters, env = true feeding the task', skip, async () => {
  const r = await run(
    oneTask(
      'command = "/bin/sh"\n args = ["-c", "cat /local/plain.txt /local/rendered.txt /local/delims.txt; echo \\"$FROM_TPL|$OTHER\\"; stat -c %a /local/rendered.txt"]',
      `template {
        destination = "local/plain.txt"
        data = "no actions, \${NOMAD_TASK_NAME} kept\\n"
      }
      template {
        destination = "local/rendered.txt"
        perms = "0600"
        data = <<EOT
{{ env "NOMAD_TASK_NAME" | toUpper }} {{ range $i, $x := split "," "a,b" }}{{ $i }}{{ $x }}{{ end }}
EOT
      }
      template {
        destination = "local/delims.txt"
        left_delimiter = "[["
        right_delimiter = "]]"
        data = "{{ untouched }} [[ env \\"NOMAD_GROUP_NAME\\" ]]\\n"
      }
      template {
        destination = "secrets/app.env"
        env = true
        data = "FROM_TPL=value-{{ env \\"NOMAD_ALLOC_INDEX\\" }}\\nOTHER=\\"quoted text\\"\\n"
      }`,
    ),
  );
  assert.equal(r.result.exitCode, 0, r.stderr.toString() + r.notices.join('\n'));
  assert.equal(r.stdout.toString(), 'no actions, ${NOMAD_TASK_NAME} kept\nMAIN 0a1b\n{{ untouched }} g\nvalue-0|quoted text\n600\n');
});

test('a template needing a server stops the run with function, template and line', skip, async () => {
  const tpl = path.join(dir, 'svc.tpl');
  fs.writeFileSync(tpl, 'upstream:\n{{ range nomadService "db" }}{{ .Address }}{{ end }}\n');
  // A source already on disk (beside the job file) is checked when planning.
  const planned = await planRun({ file: jobs.write(oneTask('command = "/bin/true"', `template {\n source = "svc.tpl"\n destination = "local/x"\n }`)) });
  assert.ok(isPlanError(planned));
  assert.match(planned.message, /template 1 \(local\/x\), line 2 of .*svc\.tpl: function "nomadService" needs a Nomad server/);
  // One that an artifact brings is checked when it is rendered, and stops the run.
  const r = await run(
    oneTask(
      'command = "/bin/true"',
      `artifact { source = "${tpl}" }
      template {
        source = "local/svc.tpl"
        destination = "local/x"
      }`,
    ),
  );
  assert.equal(r.result.exitCode, 1);
  assert.equal(r.result.failure?.step, 'template');
  assert.match(r.result.failure?.message ?? '', /template 1 \(\/local\/x\), line 2 of .*local\/svc\.tpl: function "nomadService" needs a Nomad server/);
});

test('a group runs prestart before main, keeps a sidecar, runs poststop after', skip, async () => {
  const text = groupJob(
    'grp',
    shTask('setup', 'echo prepared > /alloc/data/state; echo setup-done', 'lifecycle { hook = "prestart" }'),
    shTask(
      'side',
      "trap 'echo side-stopped; exit 0' INT; touch /alloc/data/side-ready; while true; do sleep 0.05; done",
      'lifecycle {\n        hook = "prestart"\n        sidecar = true\n      }\n      kill_timeout = "200ms"',
    ),
    shTask('app', 'while [ ! -f /alloc/data/side-ready ]; do sleep 0.02; done; cat /alloc/data/state; echo app-done'),
    shTask('cleanup', 'echo cleaned', 'lifecycle { hook = "poststop" }'),
    `
    task "other" {
      driver = "docker"
      config { image = "busybox" }
    }`,
  );
  const plan = await jobs.plan(text, { group: 'g' });
  assert.deepEqual(plan.tasks.map((t) => `${t.name}:${t.lifecycle.hook}${t.lifecycle.sidecar ? '+sidecar' : ''}`), ['setup:prestart', 'side:prestart+sidecar', 'app:main', 'cleanup:poststop']);
  const order: string[] = [];
  const lines: string[] = [];
  const handle = startRun(plan, {
    output: (task, _s, chunk) => lines.push(...chunk.toString().trim().split('\n').map((l) => `${task}: ${l}`)),
    taskState: (task, state) => order.push(`${task} ${state}`),
    notice: (n) => lines.push(`notice: ${n.message}`),
  });
  const result = await handle.exited;
  assert.equal(result.exitCode, 0, lines.join('\n'));
  assert.ok(lines.includes('app: prepared'), lines.join('\n'));
  assert.ok(lines.includes('cleanup: cleaned'));
  assert.ok(lines.includes('side: side-stopped'), 'the sidecar is stopped after the main task');
  assert.ok(order.indexOf('setup exited') < order.indexOf('app running'), order.join(', '));
  assert.ok(order.indexOf('app exited') < order.indexOf('cleanup running'));
  assert.ok(order.indexOf('side exited') < order.indexOf('cleanup running'));
  assert.ok(lines.some((l) => l.includes('"other" is skipped')));
});

test('when a leader task ends, the other tasks are stopped; a failing prestart keeps main tasks from starting', skip, async () => {
  const leader = await jobs.plan(
    groupJob(
      'l',
      shTask('boss', 'while [ ! -f /alloc/data/worker-ready ]; do sleep 0.02; done; echo boss-done', 'leader = true'),
      shTask('worker', "trap 'echo worker-stopped; exit 0' INT; touch /alloc/data/worker-ready; while true; do sleep 0.05; done"),
    ),
    { group: 'g' },
  );
  let out = '';
  const result = await startRun(leader, { output: (t, _s, c) => (out += `${t}: ${c.toString()}`) }).exited;
  assert.equal(result.exitCode, 0);
  assert.match(out, /worker: worker-stopped/);

  const failing = await jobs.plan(
    groupJob('p', shTask('pre', 'exit 4', 'lifecycle { hook = "prestart" }'), execTask('app', 'command = "/bin/true"')),
    { group: 'g' },
  );
  const failed = await startRun(failing).exited;
  assert.equal(failed.exitCode, 4);
  assert.deepEqual(failed.tasks.map((t) => t.task), ['pre']);
});

function runCli(args: string[], onStdout?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('CLI: streams output, exits with the task code, --plan prints JSON and runs nothing', skip, async () => {
  const file = jobs.write(oneTask('command = "/bin/sh"\n args = ["-c", "echo from-task; exit 5"]'));
  const r = await runCli([file]);
  assert.equal(r.stdout, 'from-task\n');
  assert.equal(r.code, 5);
  const allocDir = path.join(dir, 'plan-only');
  const p = await runCli([file, '--plan', '--alloc-dir', allocDir]);
  assert.equal(p.code, 0);
  const plan = JSON.parse(p.stdout) as LaunchPlan;
  assert.equal(plan.tasks[0].name, 'main');
  assert.equal(plan.allocDir, allocDir);
  assert.ok(!fs.existsSync(allocDir));
});

test('CLI: Ctrl+C stops the task with its kill signal', skip, async () => {
  const file = jobs.write(oneTask('command = "/bin/sh"\n args = ["-c", "trap \'echo bye; exit 0\' INT; echo ready; while true; do sleep 0.05; done"]'));
  let sent = false;
  const r = await runCli([file], (text, child) => {
    if (!sent && text.includes('ready')) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  assert.equal(r.stdout, 'ready\nbye\n');
  assert.equal(r.code, 0);
  // Told plainly on stderr: one line as the stop begins, one saying what it took.
  assert.match(r.stderr, /^nomad-exec: Stopping: SIGINT, then SIGKILL after 5 s if still running$/m);
  assert.match(r.stderr, /^nomad-exec: Stopped by you \(SIGINT, ended within its 5 s kill_timeout\), exit code 0, after [\d.]+ m?s$/m);
  assert.doesNotMatch(r.stderr, /killed by/);
});

test('CLI: a group run prefixes every line with its task', skip, async () => {
  const file = jobs.write(groupJob('j', shTask('one', "echo a; printf 'no-newline'"), shTask('two', 'echo b')));
  const r = await runCli([file, '--group', 'g']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['[one] a', '[one] no-newline', '[two] b']);
  const ambiguous = await runCli([file]);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /--task one --group g/);
});
