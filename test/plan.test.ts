// The launch plan: environment, interpolation of command and args, command lookup order, capability sets,
// variable precedence, task selection. Real job files in a temp dir; nothing is run.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'node:child_process';
import { REPO_ROOT } from './helpers/lspClient';
import { within } from './helpers/within';
import { isPlanError, planRun, type LaunchPlan, type PlanError, type RunRequest } from '../launcher/src/api';
import { lookupCommand, makeExecutable } from '../launcher/src/lookup';
import { ALLOC_MARKER, createAllocDir, pruneAllocDirs } from '../launcher/src/allocDir';
import { Dir } from '../launcher/src/safeFs';
import { NOMAD_VARIABLES } from '../server/src/schema/runtimeNames';
import { snapshot } from './helpers/treeSnapshot';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-plan-'));
let counter = 0;

function jobFile(text: string): string {
  const file = path.join(dir, `job${++counter}.nomad.hcl`);
  fs.writeFileSync(file, text);
  return file;
}

async function plan(text: string, extra: Partial<RunRequest> = {}): Promise<LaunchPlan> {
  const result = await planRun({ file: jobFile(text), hostEnv: { PATH: '/usr/bin:/bin' }, ...extra });
  if (isPlanError(result)) assert.fail(result.message);
  return result;
}

async function planError(text: string, extra: Partial<RunRequest> = {}): Promise<PlanError> {
  const result = await planRun({ file: jobFile(text), hostEnv: { PATH: '/usr/bin:/bin' }, ...extra });
  assert.ok(isPlanError(result), 'expected a plan error');
  return result;
}

const task = (body: string, taskExtra = '', groupExtra = '', jobExtra = ''): string => `
job "web-job" {
  datacenters = ["eu-1"]
  region = "europe"
  ${jobExtra}
  group "api" {
    ${groupExtra}
    task "server" {
      driver = "exec"
      ${taskExtra}
      config {
        ${body}
      }
    }
  }
}
`;

test('environment: NOMAD_* variables, meta, ports, task env, host env less the denylist', async () => {
  const p = await plan(
    task(
      'command = "/bin/sh"',
      `env {
        GREETING = "hello \${NOMAD_TASK_NAME} on \${attr.kernel.name}"
        KEEP = "\${not_a_known_name}"
      }
      meta { Owner = "team-a" }
      resources {
        cpu = 250
        memory = 128
        memory_max = 256
      }`,
      `network {
        port "http" { static = 18080 }
        port "admin" {}
        port "grpc" { to = 9090 }
      }
      meta { tier = "backend" }`,
      'meta { tier = "job-level" }',
    ),
    { hostEnv: { PATH: '/opt/bin:/usr/bin', VAULT_TOKEN: 'secret', AWS_SECRET_ACCESS_KEY: 'x', EDITOR: 'vi' } },
  );
  const env = p.tasks[0].env;
  assert.equal(p.tasks.length, 1);
  assert.match(p.allocId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(env.NOMAD_ALLOC_DIR, '/alloc');
  assert.equal(env.NOMAD_TASK_DIR, '/local');
  assert.equal(env.NOMAD_SECRETS_DIR, '/secrets');
  assert.equal(env.NOMAD_ALLOC_ID, p.allocId);
  assert.equal(env.NOMAD_SHORT_ALLOC_ID, p.allocId.slice(0, 8));
  assert.equal(env.NOMAD_ALLOC_NAME, 'web-job.api[0]');
  assert.equal(env.NOMAD_ALLOC_INDEX, '0');
  assert.equal(env.NOMAD_JOB_ID, 'web-job');
  assert.equal(env.NOMAD_JOB_NAME, 'web-job');
  assert.equal(env.NOMAD_GROUP_NAME, 'api');
  assert.equal(env.NOMAD_TASK_NAME, 'server');
  assert.equal(env.NOMAD_DC, 'eu-1');
  assert.equal(env.NOMAD_REGION, 'europe');
  assert.equal(env.NOMAD_NAMESPACE, 'default');
  assert.equal(env.NOMAD_CPU_LIMIT, '250');
  assert.equal(env.NOMAD_MEMORY_LIMIT, '128');
  assert.equal(env.NOMAD_MEMORY_MAX_LIMIT, '256');
  assert.equal(env.NOMAD_CPU_CORES, undefined);
  assert.equal(env.NOMAD_JOB_PARENT_ID, undefined);
  // meta: job < group < task, upper-cased and as written
  assert.equal(env.NOMAD_META_TIER, 'backend');
  assert.equal(env.NOMAD_META_tier, 'backend');
  assert.equal(env.NOMAD_META_OWNER, 'team-a');
  assert.equal(env.NOMAD_META_Owner, 'team-a');
  // ports
  assert.equal(env.NOMAD_PORT_http, '18080');
  assert.equal(env.NOMAD_HOST_PORT_http, '18080');
  assert.equal(env.NOMAD_IP_http, '127.0.0.1');
  assert.equal(env.NOMAD_ADDR_http, '127.0.0.1:18080');
  assert.equal(env.NOMAD_HOST_ADDR_http, '127.0.0.1:18080');
  assert.equal(env.NOMAD_ALLOC_PORT_http, '18080');
  const admin = Number(env.NOMAD_PORT_admin);
  assert.ok(admin > 0 && admin < 65536 && admin !== 18080);
  assert.equal(env.NOMAD_PORT_grpc, '9090');
  assert.notEqual(env.NOMAD_HOST_PORT_grpc, '9090');
  assert.deepEqual(p.ports.map((x) => [x.label, x.static]), [['http', true], ['admin', false], ['grpc', false]]);
  // task env with simple interpolation; unknown names stay as written
  assert.equal(env.GREETING, `hello server on ${os.platform()}`);
  assert.equal(env.KEEP, '${not_a_known_name}');
  // host env less the denylist; PATH arrives from the agent
  assert.equal(env.PATH, '/opt/bin:/usr/bin');
  assert.equal(env.EDITOR, 'vi');
  assert.equal(env.VAULT_TOKEN, undefined);
  assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined);
  // the executor's user variables
  assert.equal(env.USER, 'nobody');
  assert.equal(env.LOGNAME, 'nobody');
  assert.ok(env.HOME);
});

test('command and args are interpolated as HCL2 with env, node, attr, env[], var and local', async () => {
  const p = await plan(
    `variable "greeting" { default = "hi" }
    locals { who = upper("world") }
    ` +
      task(
        `command = "/bin/echo"
        args = ["\${NOMAD_TASK_DIR}/x", "\${var.greeting}-\${local.who}", "\${attr.kernel.name}", "\${node.unique.name}",
                "\${env["NOMAD_GROUP_NAME"]}", "\${length(NOMAD_JOB_ID)}", "\${node.region}", 42]`,
        'env { EXTRA = "e" }',
      ),
  );
  const t = p.tasks[0];
  assert.equal(t.command, '/bin/echo');
  assert.deepEqual(t.args, ['/local/x', 'hi-WORLD', os.platform(), os.hostname(), 'api', '7', 'global', '42']);
});

test('uuidv4() and timestamp() are given their value at plan time, in locals and in the task', async () => {
  const p = await plan(
    `locals { id = uuidv4() }
    ` + task('command = "/bin/echo"\n args = [local.id, timestamp(), uuidv4()]', 'env { RUN_ID = local.id }'),
  );
  const [localId, stamp, inline] = p.tasks[0].args;
  assert.match(localId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(inline, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(inline, localId);
  assert.equal(p.tasks[0].env.RUN_ID, localId, 'one frozen value, wherever the local is used');
  assert.match(stamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
});

test('config naming a file() that does not exist says which file', async () => {
  const e = await planError(task('command = "/bin/echo"\n args = [file("no-such-file.txt")]'));
  assert.match(e.message, /config args .*file\("no-such-file\.txt"\) reads .*no-such-file\.txt, which does not exist/);
});

test('a config name that is not known on this machine is an error naming it', async () => {
  const e = await planError(task('command = "/bin/echo"\n args = ["${NOMAD_UPSTREAM_ADDR_db}"]'));
  assert.match(e.message, /NOMAD_UPSTREAM_ADDR_db/);
});

test('defaults: user nobody, SIGINT, 5s kill timeout, pid/ipc private, resources and logs', async () => {
  const t = (await plan(task('command = "/bin/true"'))).tasks[0];
  assert.equal(t.user, 'nobody');
  assert.equal(t.killSignal, 'SIGINT');
  assert.equal(t.killTimeoutMs, 5000);
  assert.equal(t.pidMode, 'private');
  assert.equal(t.ipcMode, 'private');
  assert.equal(t.workDir, '/');
  assert.deepEqual(t.resources, { cpu: 100, memoryMB: 300, memoryMaxMB: 0 });
  assert.deepEqual(t.logs, { disabled: false, maxFiles: 10, maxFileSizeMB: 10 });
  assert.deepEqual(t.lifecycle, { hook: 'main', sidecar: false });
  assert.deepEqual(t.lookup.state, 'found');
  assert.equal(t.lookup.state === 'found' && t.lookup.taskPath, '/bin/true');
  const set = (await plan(task('command = "/bin/true"\n pid_mode = "host"\n work_dir = "/local"', 'kill_signal = "SIGTERM"\n kill_timeout = "2m"\n user = "root"'), { settings: { userDenylist: '', allowHostNamespaces: true } })).tasks[0];
  assert.equal(set.killSignal, 'SIGTERM');
  assert.equal(set.killTimeoutMs, 30000, 'capped by max_kill_timeout');
  assert.equal(set.pidMode, 'host');
  assert.equal(set.workDir, '/local');
  assert.equal(set.user, 'root');
  await planError(task('command = "/bin/true"\n work_dir = "local"')).then((e) => assert.match(e.message, /work_dir/));
});

test('capability sets follow the exec driver rules', async () => {
  const defaults = (await plan(task('command = "/bin/true"'))).tasks[0].capabilities;
  assert.deepEqual(defaults, ['audit_write', 'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'mknod', 'net_bind_service', 'setfcap', 'setgid', 'setpcap', 'setuid', 'sys_chroot']);
  const onlyChown = (await plan(task('command = "/bin/true"\n cap_drop = ["all"]\n cap_add = ["CAP_CHOWN"]'))).tasks[0].capabilities;
  assert.deepEqual(onlyChown, ['chown']);
  const dropped = (await plan(task('command = "/bin/true"\n cap_drop = ["kill", "Cap_Setuid"]'))).tasks[0].capabilities;
  assert.ok(!dropped.includes('kill') && !dropped.includes('setuid') && dropped.length === 11);
  const root = (await plan(task('command = "/bin/true"', 'user = "root"'), { settings: { userDenylist: '' } })).tasks[0].capabilities;
  assert.equal(root.length, 38);
  assert.ok(root.includes('sys_admin') && !root.includes('bpf'));
  const refused = await planError(task('command = "/bin/true"\n cap_add = ["net_raw"]'));
  assert.match(refused.message, /does not allow net_raw/);
  const unknown = await planError(task('command = "/bin/true"\n cap_add = ["chwon"]'));
  assert.match(unknown.message, /unknown capability chwon/);
  const allowed = (await plan(task('command = "/bin/true"\n cap_add = ["net_raw"]'), { settings: { allowCaps: ['net_raw', 'chown'] } })).tasks[0].capabilities;
  assert.deepEqual(allowed, ['chown', 'net_raw']);
});

test('variable values: default < NOMAD_VAR_ < --var-file < --var', async () => {
  const text = `
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "n" {
  type = number
  default = 1
}
` + task('command = "/bin/echo"\n args = [var.a, var.b, var.c, var.d, var.n + 1]');
  const varFile = path.join(dir, 'vars.hcl');
  fs.writeFileSync(varFile, 'c = "file"\nd = "file"\nn = 40\n');
  const p = await plan(text, {
    hostEnv: { PATH: '/bin', NOMAD_VAR_b: 'env', NOMAD_VAR_c: 'env', NOMAD_VAR_d: 'env' },
    varFiles: [varFile],
    vars: [{ name: 'd', value: 'flag' }, { name: 'n', value: '41' }],
  });
  assert.deepEqual(p.tasks[0].args, ['default', 'env', 'file', 'flag', '42']);
  const missing = await planError('variable "token" {}\nvariable "other" {}\n' + task('command = "/bin/true"'));
  assert.match(missing.message, /without a value: token, other/);
  const unknownVar = await planError(task('command = "/bin/true"'), { vars: [{ name: 'nope', value: '1' }] });
  assert.match(unknownVar.message, /no variable "nope"/);
});

const tokenJob = 'variable "token" {}\n' + task('command = "/bin/echo"\n args = [var.token]');

test('attack: a var file the workspace names that is a link to a file outside it is never read; the user\'s own var file may be a link', async () => {
  // A repository's task definition (or workspace settings) names `vars.hcl`, committed as a link to a file
  // elsewhere on the host: followed, its values would reach the task's arguments and environment, out of
  // the sandbox the task runs in. The twins: a plain var file inside the workspace sets the variable, and a
  // link the user names on their own (`--var-file`, a user setting) is read as Nomad reads it.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-ws-'));
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-secret-'));
  try {
    const secret = path.join(elsewhere, 'credentials.hcl');
    fs.writeFileSync(secret, 'token = "s3cret"\n');
    fs.symlinkSync(secret, path.join(workspace, 'vars.hcl'));
    fs.mkdirSync(path.join(workspace, 'conf'));
    fs.symlinkSync(elsewhere, path.join(workspace, 'conf', 'shared'));
    for (const named of ['vars.hcl', 'conf/shared/credentials.hcl']) {
      const refused = await planError(tokenJob, { varFiles: [{ path: path.join(workspace, named), within: workspace }] });
      assert.match(refused.message, new RegExp(`cannot read var file .*${named.replace(/[./]/g, '\\$&')}: workspace sandbox .*leads through a link to ${secret.replace(/[./]/g, '\\$&')}, outside the workspace folder`));
      assert.doesNotMatch(refused.message, /s3cret/);
    }
    fs.writeFileSync(path.join(workspace, 'plain.hcl'), 'token = "fine"\n');
    assert.deepEqual((await plan(tokenJob, { varFiles: [{ path: path.join(workspace, 'plain.hcl'), within: workspace }] })).tasks[0].args, ['fine']);
    assert.deepEqual((await plan(tokenJob, { varFiles: [path.join(workspace, 'vars.hcl')] })).tasks[0].args, ['s3cret']);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(elsewhere, { recursive: true, force: true });
  }
});

test('a var file that is a FIFO, a device or larger than 4 MB is refused with the reason, not read', async () => {
  // A FIFO would hold the run until something wrote to it, /dev/zero would fill the memory: both are refused
  // without a read, however named. Through the CLI in a child process: a run stuck on the FIFO fails the test
  // (after 20 s) instead of holding it.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-ws-'));
  try {
    const fifo = path.join(workspace, 'vars.hcl');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    const job = jobFile(tokenJob);
    const cli = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'nomad-exec'), 'run', job, '--plan', '--var-file', fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    cli.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await within(new Promise<number | null>((resolve) => cli.on('exit', resolve)), 20_000, 'the run with a FIFO as its var file').finally(() => cli.kill('SIGKILL'));
    assert.notEqual(code, 0, output);
    assert.match(output, /cannot read var file .*vars\.hcl: not a plain file/);
    fs.symlinkSync('/dev/zero', path.join(workspace, 'zero.hcl'));
    assert.match((await planError(tokenJob, { varFiles: ['/dev/zero'] })).message, /cannot read var file \/dev\/zero: not a plain file/);
    assert.match((await planError(tokenJob, { varFiles: [{ path: path.join(workspace, 'zero.hcl'), within: workspace }] })).message, /cannot read var file .*zero\.hcl: .*outside the workspace folder/);
    const large = path.join(workspace, 'large.hcl');
    fs.writeFileSync(large, 'token = "big"\n');
    fs.truncateSync(large, 5 * 1024 * 1024);
    assert.match((await planError(tokenJob, { varFiles: [large] })).message, /cannot read var file .*large\.hcl: larger than 4194304 bytes/);
    assert.match((await planError(tokenJob, { varFiles: [{ path: large, within: workspace }] })).message, /cannot read var file .*large\.hcl: var file .*large\.hcl is larger than 4194304 bytes/);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});

/** Runs `body` with a fresh home folder holding a workspace (`repo`) whose `out` is a link back to the home. */
async function inHomeWithRepo(body: (home: string, workspace: string) => Promise<void>): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-home-'));
  const workspace = path.join(home, 'repo');
  fs.mkdirSync(workspace);
  fs.symlinkSync(home, path.join(workspace, 'out'));
  try {
    await body(home, workspace);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

test('attack: an alloc dir a task definition names outside the workspace, as written or through a link, is refused before anything is made', async () => {
  // A repository's tasks.json names `allocDir: "../bin"`: the runner would make that folder, make it private
  // and put the task dirs in it, and the task's templates would write into a folder on the user's PATH. The
  // twins: an alloc dir inside the workspace is used, and the user's own --alloc-dir may be anywhere.
  await inHomeWithRepo(async (home, workspace) => {
    // A link that leads nowhere yet: made through, the folder would land wherever it is pointed later.
    fs.symlinkSync(path.join(home, 'later'), path.join(workspace, 'gone'));
    const job = task('command = "/bin/true"');
    for (const [named, reason] of [
      ['../bin', /named by the workspace \(a task definition\), is outside the workspace folder/],
      ['out/bin', /named by the workspace \(a task definition\), leads through a link to .*\/bin, outside the workspace folder/],
      ['gone/bin', /named by the workspace \(a task definition\), cannot be checked: ENOENT/],
    ] as const) {
      const refused = await planError(job, { allocDir: path.resolve(workspace, named), allocDirWithin: workspace });
      assert.match(refused.message, reason);
      assert.match(refused.message, /leave allocDir out/);
    }
    assert.deepEqual(fs.readdirSync(home).sort(), ['repo']);
    const inside = path.join(workspace, 'allocs', 'run1');
    assert.equal((await plan(job, { allocDir: inside, allocDirWithin: workspace })).allocDir, inside);
    const own = path.join(home, 'bin');
    assert.equal((await plan(job, { allocDir: own })).allocDir, own);
  });
});

test('attack: a folder of alloc dirs a workspace\'s settings name outside it, as written or through a link, is refused before anything is made', async () => {
  // A repository's .vscode/settings.json sets `nomadExec.allocDir: "../.."`: the runner would make
  // `.nomad-exec/allocs` there, make it private, prune old alloc dirs in it and put the task dirs in it. The
  // twins: such a folder inside the workspace is used, and the user's own setting may be anywhere.
  await inHomeWithRepo(async (home, workspace) => {
    const job = task('command = "/bin/true"');
    for (const [named, reason] of [
      ['..', /the folder of alloc dirs .*\/\.nomad-exec\/allocs, named by the workspace \(its nomadExec\.allocDir setting\), is outside the workspace folder/],
      ['out', /named by the workspace \(its nomadExec\.allocDir setting\), leads through a link to .*\/\.nomad-exec\/allocs, outside the workspace folder/],
    ] as const) {
      const refused = await planError(job, { workspace: path.resolve(workspace, named), allocDirWithin: workspace });
      assert.match(refused.message, reason);
      assert.match(refused.message, /set nomadExec\.allocDir in your user settings instead/);
    }
    assert.deepEqual(fs.readdirSync(home).sort(), ['repo']);
    const inside = await plan(job, { workspace: path.join(workspace, 'runs'), allocDirWithin: workspace });
    assert.equal(path.dirname(inside.allocDir), path.join(workspace, 'runs', '.nomad-exec', 'allocs'));
    const own = await plan(job, { workspace: home });
    assert.equal(path.dirname(own.allocDir), path.join(home, '.nomad-exec', 'allocs'));
  });
});

test('attack: a folder on the way to a workspace-named alloc dir, swapped for a link after the plan, is refused at prepare and not followed', async () => {
  // The plan checks the folder a workspace names with its links resolved. A program racing the run swaps
  // `runs` for a link to a host folder before the alloc dir is made: followed, the runner would make the
  // alloc dir (or the folder of alloc dirs) there, make it private, put task dirs in it and prune in it. The
  // twins: the same plans without the swap are made, and pruning goes on as usual.
  await inHomeWithRepo(async (home, workspace) => {
    const job = task('command = "/bin/true"');
    const runs = path.join(workspace, 'runs');
    fs.mkdirSync(runs);
    const named = { allocDir: path.join(runs, 'run1'), allocDirWithin: workspace };
    const settings = { workspace: runs, allocDirWithin: workspace };
    const made = [createAllocDir(await plan(job, named)), createAllocDir(await plan(job, settings)), createAllocDir(await plan(job, settings))];
    for (const { alloc, logs } of made) {
      logs.close();
      alloc.close();
    }
    const allocRoot = path.join(runs, '.nomad-exec', 'allocs');
    assert.ok(fs.statSync(path.join(runs, 'run1', 'alloc')).isDirectory());
    assert.equal(fs.readdirSync(allocRoot).length, 2);
    // Planned while `runs` is a real folder in the workspace, as the plan-time check wants it.
    const again = [await plan(job, { ...named, allocDir: path.join(runs, 'run2') }), await plan(job, settings)];
    // The swap: `runs` moves out of the workspace and a link to it takes its place.
    const host = path.join(home, 'host');
    fs.renameSync(runs, host);
    fs.symlinkSync(host, runs);
    const before = snapshot(host);
    for (const planned of again) assert.throws(() => createAllocDir(planned), /symbolic link.*refusing to follow it/);
    assert.deepEqual(await pruneAllocDirs(again[1].allocRoot!, 0, undefined, workspace), []);
    assert.deepEqual(snapshot(host), before, 'nothing was made, changed or removed through the link');
    // The twin: the folder back in place, the same plans are made and old alloc dirs pruned.
    fs.unlinkSync(runs);
    fs.renameSync(host, runs);
    for (const planned of again) {
      const { alloc, logs } = createAllocDir(planned);
      logs.close();
      alloc.close();
    }
    assert.equal((await pruneAllocDirs(allocRoot, 1, again[1].allocDir, workspace)).length, 2);
    assert.deepEqual(fs.readdirSync(allocRoot), [path.basename(again[1].allocDir)]);
  });
});

test('a run whose agent config file cannot be used is refused: it would hold the task only to Nomad\'s defaults', async () => {
  // The client's file narrows what a task may do (here: no net_raw, and a user denylist). Unread, the run
  // went on under Nomad's defaults, looser than that client, with the problem as a mere notice.
  const agentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-agent-'));
  try {
    const job = task('command = "/bin/true"');
    const missing = path.join(agentDir, 'missing.hcl');
    const fifo = path.join(agentDir, 'client.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    const garbled = path.join(agentDir, 'garbled.hcl');
    fs.writeFileSync(garbled, 'client {\n  options = {\n');
    for (const [file, reason] of [
      [missing, /cannot read agent config file .*missing\.hcl: .*ENOENT/],
      [fifo, /cannot read agent config file .*client\.fifo: not a plain file/],
      [garbled, /cannot parse .*garbled\.hcl/],
    ] as const) {
      const refused = await planError(job, { settings: { agentConfigFile: file } });
      assert.match(refused.message, reason);
      assert.match(refused.message, /the run is refused, as it would hold the task only to Nomad's defaults/);
    }
    // The twin: a file that reads is applied.
    const strict = path.join(agentDir, 'client.hcl');
    fs.writeFileSync(strict, 'plugin "exec" {\n  config {\n    allow_caps = ["chown"]\n  }\n}\n');
    assert.deepEqual((await plan(job, { settings: { agentConfigFile: strict } })).tasks[0].capabilities, ['chown']);
  } finally {
    fs.rmSync(agentDir, { recursive: true, force: true });
  }
});

test('choosing the task: one exec task needs no flag, several list the choices', async () => {
  const two = `
job "j" {
  group "g" {
    task "a" {
      driver = "exec"
      config { command = "/bin/true" }
    }
    task "b" {
      driver = "exec"
      config { command = "/bin/true" }
    }
    task "d" {
      driver = "docker"
      config { image = "x" }
    }
  }
}`;
  const e = await planError(two);
  assert.match(e.message, /2 tasks that can run locally/);
  assert.deepEqual(e.choices?.map((c) => c.label), ['--task a --group g', '--task b --group g', '--group g (all its exec and raw_exec tasks)']);
  const b = await plan(two, { task: 'b' });
  assert.deepEqual(b.tasks.map((t) => t.name), ['b']);
  const group = await plan(two, { group: 'g' });
  assert.deepEqual(group.tasks.map((t) => t.name), ['a', 'b']);
  assert.deepEqual(group.skipped, [{ task: 'd', reason: 'driver "docker" cannot run locally (only exec and raw_exec tasks do)' }]);
  assert.match((await planError(two, { task: 'd' })).message, /driver "docker"/);
  assert.match((await planError(two, { task: 'zz' })).message, /no task "zz"/);
});

test('alloc dir: default under the workspace, or as given', async () => {
  const p = await plan(task('command = "/bin/true"'));
  assert.equal(p.allocRoot, path.join(dir, '.nomad-exec', 'allocs'));
  assert.equal(p.allocDir, path.join(dir, '.nomad-exec', 'allocs', p.allocId));
  assert.equal(p.tasks[0].taskDir, path.join(p.allocDir, 'server'));
  assert.equal(p.tasks[0].dirs.logs, path.join(p.allocDir, '.nomad-exec', 'logs'));
  const given = await plan(task('command = "/bin/true"'), { allocDir: path.join(dir, 'mine') });
  assert.equal(given.allocDir, path.join(dir, 'mine'));
  assert.equal(given.allocRoot, undefined);
  assert.ok(!fs.existsSync(given.allocDir), 'planning writes nothing');
  // The extension's storage folder as the state dir: alloc dirs there, nothing in the workspace.
  const state = path.join(dir, 'storage', 'nomad-exec');
  const stored = await plan(task('command = "/bin/true"'), { stateDir: state });
  assert.equal(stored.allocRoot, path.join(state, 'allocs'));
  assert.equal(stored.allocDir, path.join(state, 'allocs', stored.allocId));
  assert.ok(!fs.existsSync(state), 'planning writes nothing');
});

test('command lookup order: local/, the task dir, then usr/local/bin, usr/bin, bin', () => {
  const taskDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-lookup-'));
  const usr = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-usr-'));
  const binds = [{ host: usr, task: '/usr' }];
  const put = (file: string, mode = 0o755): void => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n');
    fs.chmodSync(file, mode);
  };
  const found = (command: string): string | undefined => {
    const r = lookupCommand({ command, taskDir, binds });
    return r.state === 'found' ? r.taskPath : undefined;
  };
  put(path.join(usr, 'bin', 'tool'));
  assert.equal(found('tool'), '/usr/bin/tool');
  put(path.join(usr, 'local', 'bin', 'tool'));
  assert.equal(found('tool'), '/usr/local/bin/tool');
  put(path.join(taskDir, 'tool'));
  assert.equal(found('tool'), '/tool');
  put(path.join(taskDir, 'local', 'tool'));
  assert.equal(found('tool'), '/local/tool');
  // a path with a slash never searches the bin dirs; local/x.sh tries local/local/x.sh then local/x.sh
  put(path.join(taskDir, 'local', 'x.sh'), 0o600);
  const r = lookupCommand({ command: 'local/x.sh', taskDir, binds });
  assert.equal(r.state, 'found');
  assert.deepEqual(r.tried, ['/local/local/x.sh', '/local/x.sh']);
  assert.equal(found('bin/tool'), undefined);
  // absolute commands are inside the task root, through the chroot binds
  assert.equal(found('/usr/bin/tool'), '/local/usr/bin/tool'.replace('/local', ''));
  // a directory is not a command
  fs.mkdirSync(path.join(usr, 'bin', 'dir'));
  assert.equal(found('dir'), undefined);
  // made executable: mode | 0555, only inside the task dir
  if (r.state === 'found') {
    assert.equal(makeExecutable(r, taskDir, Dir.open(taskDir)), true);
    assert.equal(fs.statSync(r.hostPath).mode & 0o777, 0o755);
  }
  const pending = lookupCommand({ command: 'missing', taskDir, binds });
  assert.equal(pending.state, 'pending');
  assert.match(pending.state === 'pending' ? pending.reason : '', /file missing not found under path/);
});

test('a command nothing provides is an error; one an artifact may provide is looked up later', async () => {
  const e = await planError(task('command = "no-such-program-here"'));
  assert.match(e.message, /file no-such-program-here not found under path/);
  const later = await plan(task('command = "local/tool.sh"', 'artifact { source = "https://example.com/tool.sh" }'));
  assert.equal(later.tasks[0].lookup.state, 'pending');
  assert.equal(later.tasks[0].artifacts[0].destination, path.join(later.tasks[0].taskDir, 'local'));
});

test('templates with server functions are refused at plan time, naming function, template and line', async () => {
  const e = await planError(
    task(
      'command = "/bin/true"',
      `template {
        destination = "local/app.conf"
        data = <<EOT
first line
{{ key "service/app/config" }}
EOT
      }`,
    ),
  );
  assert.match(e.message, /template 1 \(local\/app\.conf\)/);
  assert.match(e.message, /function "key" needs a Consul server/);
  const line = fs.readFileSync(path.join(dir, `job${counter}.nomad.hcl`), 'utf8').split('\n').findIndex((l) => l.includes('{{ key')) + 1;
  assert.match(e.message, new RegExp(`job file line ${line}:`));
});

test('unsupported artifact getters are refused, naming them', async () => {
  for (const [source, name] of [['git::https://example.com/repo.git', 'git'], ['s3::https://s3.amazonaws.com/b/k', 's3'], ['gcs::https://www.googleapis.com/storage/v1/b/k', 'gcs'], ['hg::http://example.com/repo', 'hg'], ['github.com/hashicorp/nomad', 'git']]) {
    const e = await planError(task('command = "/bin/true"', `artifact { source = "${source}" }`));
    assert.match(e.message, new RegExp(`"${name}`), source);
  }
});

test('an alloc dir refused half-way (its shared dir left as a link) keeps no descriptor open and leaves the target alone', async () => {
  const openFds = (): number => fs.readdirSync('/proc/self/fd').length;
  const given = await plan(task('command = "/bin/true"'), { allocDir: path.join(dir, 'half-made') });
  // The twin: a clean alloc dir is made and both handles it returns let go of what they hold.
  const before = openFds();
  const made = createAllocDir(given);
  made.logs.close();
  made.alloc.close();
  assert.equal(openFds(), before);
  // The attack: the alloc dir used again, its shared dir now a link to a host folder.
  const host = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-host-'));
  fs.rmSync(path.join(given.allocDir, 'alloc'), { recursive: true });
  fs.symlinkSync(host, path.join(given.allocDir, 'alloc'));
  assert.throws(() => createAllocDir(given), /symbolic link|not a directory/);
  assert.equal(openFds(), before, 'the runner holds nothing of the refused alloc dir');
  assert.deepEqual(fs.readdirSync(host), [], 'nothing was made through the link');
});

test('old alloc dirs are pruned to the newest N, never the current one, only those the runner made', async () => {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-prune-')), '.nomad-exec', 'allocs');
  const dirs = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) => {
    const d = path.join(root, name);
    fs.mkdirSync(path.join(d, 't', 'local'), { recursive: true });
    // The runner's marker, except on "f": a folder someone else put there.
    if (name !== 'f') {
      fs.mkdirSync(path.join(d, path.dirname(ALLOC_MARKER)));
      fs.writeFileSync(path.join(d, ALLOC_MARKER), name);
    }
    fs.chmodSync(path.join(d, 't', 'local'), 0o555);
    const when = new Date(Date.now() - (10 - i) * 60_000);
    fs.utimesSync(d, when, when);
    return d;
  });
  const removed = await pruneAllocDirs(root, 2, dirs[0]);
  assert.deepEqual(removed.sort(), [dirs[1], dirs[2]]);
  assert.deepEqual(fs.readdirSync(root).sort(), ['a', 'd', 'e', 'f']);
});

test('every NOMAD_* variable the schema documents for all exec tasks is in the environment', async () => {
  const env = (await plan(task('command = "/bin/true"'))).tasks[0].env;
  for (const doc of NOMAD_VARIABLES.filter((v) => v.when === undefined)) {
    assert.ok(doc.name in env, `${doc.name} missing`);
    if (doc.execValue !== undefined) assert.equal(env[doc.name], doc.execValue, doc.name);
  }
  const cores = (await plan(task('command = "/bin/true"', 'resources {\n cores = 2\n }'))).tasks[0].env;
  assert.equal(cores.NOMAD_CPU_CORES, '0-1');
});
