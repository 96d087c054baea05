// Issue 11, the policies and sandboxes of a local run, tried as an attacker would with a job file from a
// repository: each test states the attack, runs it for real (planner, runner, launcher, CLI, language server)
// and asserts the host is untouched; each has a harmless twin that must keep working. Runs as root in CI and
// again rootless (scripts/test-rootless.sh).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPlanError, planRun, startRun, type LaunchPlan, type RunRequest, type RunResult } from '../launcher/src/api';
import { privateCacheDir } from '../launcher/src/compileCache';
import { header } from '../client/src/run/format';
import { LspClient } from './helpers/lspClient';
import { skipWithoutLauncher } from './helpers/jobRun';

const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'nomad-exec');
const skip = skipWithoutLauncher();
const isRoot = process.getuid?.() === 0;

// The scene: a host folder with a secret (outside the job's folder), the job's folder from "the repository",
// and a workspace where the alloc dirs go.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-sec-'));
fs.chmodSync(root, 0o755);
const hostDir = path.join(root, 'host');
const jobDir = path.join(root, 'job');
const workspace = path.join(root, 'work');
for (const dir of [hostDir, jobDir, workspace]) fs.mkdirSync(dir, { mode: 0o755 });
const SECRET = `HOST-SECRET-${randomUUID()}`;
const secretFile = path.join(hostDir, 'secret.txt');
fs.writeFileSync(secretFile, SECRET + '\n', { mode: 0o644 });
// `../x` from the job's folder.
fs.writeFileSync(path.join(root, 'x'), SECRET + '\n', { mode: 0o644 });
// Shipped by the repository: a link to the host folder, harmless files beside the job.
fs.symlinkSync(hostDir, path.join(jobDir, 'lnk'));
fs.writeFileSync(path.join(jobDir, 'next.txt'), 'beside-the-job\n');
fs.writeFileSync(path.join(jobDir, 'app.conf.tpl'), 'conf from {{ env "NOMAD_TASK_NAME" }}\n');
fs.mkdirSync(path.join(jobDir, 'assets'));
test.after(() => fs.rmSync(root, { recursive: true, force: true }));
fs.writeFileSync(path.join(jobDir, 'assets', 'app.txt'), 'asset-inside\n');

let counter = 0;
function writeJob(text: string): string {
  const file = path.join(jobDir, `job${++counter}.nomad.hcl`);
  fs.writeFileSync(file, text);
  return file;
}

const task = (name: string, body: string, config: string): string => `
    task "${name}" {
      driver = "exec"
      ${body}
      config {
        ${config}
      }
    }`;
const job = (...tasks: string[]): string => `job "sec" {\n  group "g" {${tasks.join('')}\n  }\n}\n`;
const sh = (script: string): string => `command = "/bin/sh"\n        args = ["-c", ${JSON.stringify(script)}]`;

async function plan(text: string, request: Partial<RunRequest> = {}): Promise<LaunchPlan | ReturnType<typeof planError>> {
  const result = await planRun({ file: writeJob(text), workspace, ...request });
  return isPlanError(result) ? planError(result.message) : result;
}
function planError(message: string): { refused: string } {
  return { refused: message };
}
function refusal(result: Awaited<ReturnType<typeof plan>>): string {
  assert.ok('refused' in result, 'expected the plan to be refused');
  return result.refused;
}
function planned(result: Awaited<ReturnType<typeof plan>>): LaunchPlan {
  if ('refused' in result) assert.fail(result.refused);
  return result;
}

async function run(p: LaunchPlan): Promise<{ result: RunResult; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const handle = startRun(p, {
    output: (_task, stream, chunk) => {
      if (stream === 'stdout') stdout += chunk.toString();
      else stderr += chunk.toString();
    },
    notice: () => undefined,
  });
  return { result: await handle.exited, stdout, stderr };
}

/** Every regular file under `dir` (links not followed) whose content holds the secret. */
function filesWithSecret(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && fs.readFileSync(full, 'utf8').includes(SECRET)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

function assertHostUntouched(): void {
  assert.equal(fs.readFileSync(secretFile, 'utf8'), SECRET + '\n');
  assert.equal(fs.lstatSync(secretFile).mode & 0o7777, 0o644);
  assert.deepEqual(filesWithSecret(workspace), [], 'the secret reached an alloc dir');
}

function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A fresh folder to run the CLI in: refusals must leave it empty (nothing touched the disk). */
function freshCwd(): string {
  const dir = fs.mkdtempSync(path.join(root, 'cwd-'));
  fs.chmodSync(dir, 0o755);
  return dir;
}

// --- user.denylist ---------------------------------------------------------------------------------------

test('attack: user = "root" is refused at plan time with the diagnostic\'s text, before anything is written', skip, async () => {
  const file = writeJob(job(task('t', 'user = "root"', sh('id -u'))));
  const cwd = freshCwd();
  const r = await runCli(['run', file], cwd);
  assert.equal(r.code, 1);
  const checked = await runCli(['check', '--format', 'json', file], cwd);
  const [{ diagnostics }] = JSON.parse(checked.stdout) as { diagnostics: { code: string; message: string }[] }[];
  const diagnostic = diagnostics.find((d) => d.code === 'user-denied');
  assert.ok(diagnostic, checked.stdout);
  const [reason, place] = r.stderr.split('\n');
  assert.equal(reason, `nomad-exec run: task "t": ${diagnostic.message}`);
  assert.match(place, new RegExp(`^  at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+$`), 'the place in the job file, as a link');
  assert.deepEqual(fs.readdirSync(cwd), [], 'a refused run creates nothing');
});

test('twin: user = "nobody" runs; root runs when the agent config\'s user.denylist leaves it out', skip, async () => {
  const nobody = await run(planned(await plan(job(task('t', 'user = "nobody"', sh('id -u'))))));
  assert.equal(nobody.result.exitCode, 0, nobody.stderr);
  assert.equal(nobody.stdout.trim(), String(65534));
  const agent = path.join(root, 'client.hcl');
  fs.writeFileSync(agent, 'client {\n  options {\n    "user.denylist" = "Administrator"\n  }\n}\n');
  const asRoot = await run(planned(await plan(job(task('t', 'user = "root"', sh('id -u'))), { settings: { agentConfigFile: agent } })));
  assert.equal(asRoot.result.exitCode, 0, asRoot.stderr);
  assert.equal(asRoot.stdout.trim(), '0');
  // The machine-level setting does the same; the editor follows the agent config too.
  assert.ok(!('refused' in (await plan(job(task('t', 'user = "root"', sh('id -u'))), { settings: { userDenylist: '' } }))));
  const checked = await runCli(['check', '--agent-config', agent, writeJob(job(task('t', 'user = "root"', sh('id -u'))))], root);
  assert.doesNotMatch(checked.stdout, /user-denied/);
  // A denylist naming another user refuses that one, naming where the list came from.
  fs.writeFileSync(agent, 'client {\n  options = {\n    "user.denylist" = "root, nobody"\n  }\n}\n');
  assert.match(refusal(await plan(job(task('t', 'user = "nobody"', sh('id -u'))), { settings: { agentConfigFile: agent } })), new RegExp(`"nobody".*from ${agent.replace(/[.]/g, '\\.')}`));
});

// --- host namespaces --------------------------------------------------------------------------------------

test('attack: pid_mode = "host" (or a host default mode) is refused without the developer\'s permission', skip, async () => {
  const file = writeJob(job(task('t', '', `${sh('kill -0 1 && echo saw-host-init')}\n        pid_mode = "host"`)));
  const cwd = freshCwd();
  const r = await runCli(['run', file], cwd);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /PID namespace/);
  assert.match(r.stderr, /nomadExec\.allowHostNamespaces/);
  assert.match(r.stderr, /--allow-host-namespaces/);
  assert.doesNotMatch(r.stdout, /saw-host-init/);
  assert.deepEqual(fs.readdirSync(cwd), [], 'a refused run creates nothing');
  // A workspace may set the default modes (resource-scoped settings), which must not widen anything alone.
  const ipc = refusal(await plan(job(task('t', '', sh('true'))), { settings: { defaultIpcMode: 'host' } }));
  assert.match(ipc, /IPC namespace/);
});

test('twin: with --allow-host-namespaces (or the machine setting) it runs, and the headers warn', skip, async () => {
  const file = writeJob(job(task('t', '', `${sh('echo in-host-pid')}\n        pid_mode = "host"`)));
  const r = await runCli(['run', '--allow-host-namespaces', file], freshCwd());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'in-host-pid\n');
  assert.match(r.stderr, /warning: task "t" shares this machine's PID namespace \(allowed by --allow-host-namespaces\)/);
  const p = planned(await plan(job(task('t', '', `${sh('true')}\n        pid_mode = "host"`)), { settings: { allowHostNamespaces: true } }));
  const lines = header(p, 'task t');
  const warning = lines.find((l) => l.includes('shares this machine'));
  assert.ok(warning, lines.join('\n'));
  assert.match(warning, /\x1b\[33m.*nomadExec\.allowHostNamespaces/, 'in the warning colour, naming the setting');
  const privateHeader = header(planned(await plan(job(task('t', '', sh('true'))))), 'task t');
  assert.ok(!privateHeader.some((l) => l.includes('shares this machine')));
});

// --- template sandbox -------------------------------------------------------------------------------------

const templateTask = (template: string, command = sh('cat /local/out')): string => task('main', `template {\n        ${template}\n        destination = "local/out"\n      }`, command);

test('attack: a template source that is a host path, or climbs out with ../, is refused at plan time', async () => {
  const host = refusal(await plan(job(templateTask(`source = "${secretFile}"`))));
  assert.match(host, /template sandbox/);
  assert.match(host, /host path outside the task directory/);
  const climbing = refusal(await plan(job(templateTask('source = "../x"'))));
  assert.match(climbing, /template sandbox.*"\.\.\/x"/);
  const deeper = refusal(await plan(job(templateTask('source = "local/../../../x"'))));
  assert.match(deeper, /template sandbox/);
  assertHostUntouched();
});

test('attack: a prestart task links a host file into the alloc dir; templates and {{ file }} refuse it', skip, async () => {
  const plant = task('plant', 'lifecycle {\n        hook = "prestart"\n      }', sh(`ln -s ${secretFile} /alloc/data/link && ln -s ${hostDir} /alloc/data/dirlink`));
  for (const template of ['source = "alloc/data/link"', 'source = "alloc/data/dirlink/secret.txt"', 'data = "{{ file \\"alloc/data/link\\" }}"', `data = "{{ file \\"${secretFile}\\" }}"`]) {
    const r = await run(planned(await plan(job(plant, templateTask(template)), { group: 'g' })));
    assert.notEqual(r.result.exitCode, 0, `${template} rendered`);
    assert.equal(r.result.failure?.step, 'template', JSON.stringify(r.result));
    assert.match(r.result.failure?.message ?? '', /template sandbox/, template);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(SECRET));
    assertHostUntouched();
  }
});

test('twin: template sources and {{ file }} inside the task (and beside the job) render', skip, async () => {
  const plant = task('plant', 'lifecycle {\n        hook = "prestart"\n      }', sh('echo from-alloc > /alloc/data/real.tpl'));
  const fromAlloc = await run(planned(await plan(job(plant, templateTask('source = "alloc/data/real.tpl"')), { group: 'g' })));
  assert.equal(fromAlloc.stdout, 'from-alloc\n', fromAlloc.stderr + JSON.stringify(fromAlloc.result.failure));
  const viaFile = await run(planned(await plan(job(plant, templateTask('data = "{{ file \\"/alloc/data/real.tpl\\" }}"')), { group: 'g' })));
  assert.equal(viaFile.stdout, 'from-alloc\n', JSON.stringify(viaFile.result.failure));
  const beside = await run(planned(await plan(job(templateTask('source = "app.conf.tpl"')))));
  assert.equal(beside.stdout, 'conf from main\n', JSON.stringify(beside.result.failure));
});

// --- local artifacts --------------------------------------------------------------------------------------

test('attack: local artifact sources outside the job folder (file://, ../.., a shipped link) are refused', async () => {
  for (const source of [`file://${hostDir}`, '../host/secret.txt', '../../' + path.relative(path.dirname(root), secretFile), 'lnk', 'lnk/secret.txt']) {
    const message = refusal(await plan(job(task('main', `artifact {\n        source = "${source}"\n      }`, sh('cat /local/*')))));
    assert.match(message, /job folder sandbox \(a local artifact source is read only inside the job file's folder\)/, source);
  }
  assertHostUntouched();
});

test('twin: a local artifact inside the job folder is fetched', skip, async () => {
  const r = await run(planned(await plan(job(task('main', 'artifact {\n        source = "assets"\n      }', sh('cat /local/app.txt'))))));
  assert.equal(r.stdout, 'asset-inside\n', JSON.stringify(r.result.failure));
});

// --- HCL file() / fileexists() -----------------------------------------------------------------------------

test('attack: HCL file()/fileexists() outside the job folder are refused by the runner and reported by the language server', async () => {
  const calls = ['file("/etc/passwd")', 'file("../host/secret.txt")', 'file("lnk/secret.txt")', 'try(file("../x"), "fallback")', 'fileexists("../x") ? "yes" : "no"'];
  for (const call of calls) {
    const message = refusal(await plan(job(task('main', `env {\n        X = ${call}\n      }`, sh('echo "$X"')))));
    assert.match(message, /job folder sandbox \(file\(\) and fileexists\(\) read only inside the job file's folder\)/, call);
  }
  assertHostUntouched();
  const client = await LspClient.start();
  try {
    for (const call of calls.slice(0, 3)) {
      const file = writeJob(job(task('main', `env {\n        X = ${call}\n      }`, sh('echo "$X"'))));
      const uri = pathToFileURL(file).toString();
      client.open(uri, fs.readFileSync(file, 'utf8'));
      const { diagnostics } = await client.diagnostics(uri, 1);
      const found = diagnostics.find((d) => d.code === 'file-outside-job-folder');
      assert.ok(found, `${call}: ${JSON.stringify(diagnostics)}`);
      assert.match(found.message, /job folder sandbox/);
    }
    const templated = writeJob(job(templateTask(`source = "${secretFile}"`)));
    const uri = pathToFileURL(templated).toString();
    client.open(uri, fs.readFileSync(templated, 'utf8'));
    assert.ok((await client.diagnostics(uri, 1)).diagnostics.some((d) => d.code === 'template-source-outside-task'));
    // Twin: a file beside the job is fine in the editor too.
    const fine = writeJob(job(task('main', 'env {\n        X = file("next.txt")\n      }', sh('echo "$X"'))));
    const fineUri = pathToFileURL(fine).toString();
    client.open(fineUri, fs.readFileSync(fine, 'utf8'));
    assert.ok(!(await client.diagnostics(fineUri, 1)).diagnostics.some((d) => d.code === 'file-outside-job-folder' || d.code === 'template-source-outside-task'));
  } finally {
    await client.stop();
  }
});

test('twin: file() and fileexists() of files beside the job reach the task', skip, async () => {
  const r = await run(planned(await plan(job(task('main', 'env {\n        X = trimspace(file("next.txt"))\n        Y = fileexists("next.txt") ? "yes" : "no"\n      }', sh('echo "$X $Y"'))))));
  assert.equal(r.stdout, 'beside-the-job yes\n', JSON.stringify(r.result.failure));
});

// --- compile cache ----------------------------------------------------------------------------------------

const uid = process.geteuid?.() ?? 'user';

test('attack: a compile cache folder planted as a link, writable by others or (as root) owned by another user is not used', async () => {
  const attacker = fs.mkdtempSync(path.join(root, 'attacker-'));
  fs.chmodSync(attacker, 0o777);
  const linked = fs.mkdtempSync(path.join(root, 'cache-link-'));
  fs.mkdirSync(path.join(linked, 'nomad-exec'));
  fs.symlinkSync(attacker, path.join(linked, 'nomad-exec', `v8-${uid}`));
  assert.equal(privateCacheDir(linked), undefined);
  const parentLinked = fs.mkdtempSync(path.join(root, 'cache-plink-'));
  fs.symlinkSync(attacker, path.join(parentLinked, 'nomad-exec'));
  assert.equal(privateCacheDir(parentLinked), undefined);
  const open = fs.mkdtempSync(path.join(root, 'cache-open-'));
  fs.mkdirSync(path.join(open, 'nomad-exec', `v8-${uid}`), { recursive: true });
  fs.chmodSync(path.join(open, 'nomad-exec', `v8-${uid}`), 0o777);
  assert.equal(privateCacheDir(open), undefined);
  if (isRoot) {
    const foreign = fs.mkdtempSync(path.join(root, 'cache-foreign-'));
    fs.mkdirSync(path.join(foreign, 'nomad-exec', `v8-${uid}`), { recursive: true, mode: 0o700 });
    fs.chownSync(path.join(foreign, 'nomad-exec', `v8-${uid}`), 65534, 65534);
    assert.equal(privateCacheDir(foreign), undefined);
  }
  // The CLI, pointed at the planted folder, runs without writing a byte of code there.
  const file = writeJob(job(task('t', '', sh('true'))));
  const r = await runCli(['run', '--plan', '--alloc-dir', path.join(root, 'plan-only'), file], root, { ...process.env, XDG_CACHE_HOME: linked, NOMAD_EXEC_NO_COMPILE_CACHE: '' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(attacker), []);
});

test('twin: a fresh per-user compile cache is created 0700 and filled', async () => {
  const base = fs.mkdtempSync(path.join(root, 'cache-fresh-'));
  const file = writeJob(job(task('t', '', sh('true'))));
  const r = await runCli(['run', '--plan', '--alloc-dir', path.join(root, 'plan-only'), file], root, { ...process.env, XDG_CACHE_HOME: base, NOMAD_EXEC_NO_COMPILE_CACHE: '' });
  assert.equal(r.code, 0, r.stderr);
  const dir = path.join(base, 'nomad-exec', `v8-${uid}`);
  assert.equal(fs.lstatSync(dir).mode & 0o777, 0o700);
  assert.equal(fs.lstatSync(path.dirname(dir)).mode & 0o777, 0o700);
  assert.ok(fs.readdirSync(dir).length > 0, 'cached code was written');
  assert.equal(privateCacheDir(base), dir);
});

// --- extension settings -----------------------------------------------------------------------------------

test('settings that name a program or widen isolation are machine scoped (a workspace cannot set them)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } };
  };
  const props = pkg.contributes.configuration.properties;
  const machine = ['launcherPath', 'chrootEnv', 'allowCaps', 'agentConfigFile', 'allowHostNamespaces', 'allowRawExec', 'hostVolumes', 'userDenylist'].map((n) => `nomadExec.${n}`);
  for (const name of machine) {
    assert.equal(props[name]?.scope, 'machine', name);
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(name), `${name} restricted`);
  }
  // The others stay settable per workspace or folder.
  for (const name of ['nomadExec.variables', 'nomadExec.varFiles', 'nomadExec.allocDir', 'nomadExec.defaultPidMode']) assert.equal(props[name].scope, 'resource', name);
});
