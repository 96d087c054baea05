// The runner against a hostile job file, its folder and its tasks (issue 11, runner side): every test states
// an attack, runs it for real under the launcher, and asserts that a host folder or file outside the alloc
// dir is untouched (contents, modes, owners); each has a harmless twin that must keep working. Runs as root
// in CI and again as an unprivileged user (scripts/test-rootless.sh).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isPlanError, planRun, startRun, type LaunchPlan, type RunRequest, type RunResult } from '../launcher/src/api';
import { ALLOC_MARKER } from '../launcher/src/allocDir';
import { planOf, skipWithoutLauncher } from './helpers/jobRun';
import { snapshot } from './helpers/treeSnapshot';

const skip = skipWithoutLauncher();
const asRoot = process.getuid?.() === 0;

/** An HCL string literal holding `text` exactly (no interpolation). */
const hcl = (text: string): string => JSON.stringify(text).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

/** An exec task running `script` with /bin/sh -c; `extra` goes before its config. */
const shTask = (name: string, script: string, extra = ''): string => `
    task ${JSON.stringify(name)} {
      driver = "exec"
      ${extra}
      config {
        command = "/bin/sh"
        args = ["-c", ${hcl(script)}]
      }
    }`;

const job = (...tasks: string[]): string => `job "sec" {\n  group "g" {${tasks.join('')}\n  }\n}\n`;

/** A fresh job folder holding `job.nomad.hcl` with `text`. */
function jobFolder(text: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-sec-job-'));
  const file = path.join(dir, 'job.nomad.hcl');
  fs.writeFileSync(file, text);
  return { dir, file };
}

/** A host folder outside every alloc dir, holding one file, that no run may change. */
function victim(): { dir: string; file: string; snapshot: () => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-victim-'));
  const file = path.join(dir, 'keep.txt');
  fs.writeFileSync(file, 'original host content\n');
  fs.chmodSync(file, 0o644);
  fs.chmodSync(dir, 0o755);
  return { dir, file, snapshot: () => snapshot(dir) };
}

interface Ran {
  plan: LaunchPlan;
  result: RunResult;
  stdout: string;
  stderr: string;
  notices: string[];
}

async function runFile(file: string, request: Partial<RunRequest> = {}): Promise<Ran> {
  const plan = await planOf(file, { group: 'g', ...request });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const notices: string[] = [];
  const handle = startRun(plan, {
    output: (_t, stream, chunk) => (stream === 'stdout' ? out : err).push(chunk),
    notice: (n) => notices.push(n.message),
  });
  const result = await handle.exited;
  return { plan, result, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), notices };
}

const why = (r: Ran): string => [r.result.failure?.message ?? '', r.stderr, ...r.notices].join('\n');

test('names: a task named "../x", "..", "alloc" or ".nomad-exec" is refused before anything is written; a dotted name runs', skip, async () => {
  const host = victim();
  const before = host.snapshot();
  const escape = path.relative(os.tmpdir(), host.dir);
  for (const name of [`../../../../${escape}`, '..', '.', 'alloc', '.nomad-exec', 'a\\b']) {
    const { dir, file } = jobFolder(job(shTask(name, 'echo pwned > /pwned.txt')));
    const plan = await planRun({ file });
    assert.ok(isPlanError(plan), `task ${JSON.stringify(name)} must be refused`);
    assert.match(plan.message, /task ".*": A task (name )?(cannot|needs)/, name);
    assert.ok(!fs.existsSync(path.join(dir, '.nomad-exec')), `${name}: nothing written`);
  }
  assert.equal(host.snapshot(), before, 'the host folder is untouched');
  // The twin: an unusual but valid name gets a task dir of its own.
  const { file } = jobFolder(job(shTask('web-1.api_v2', 'echo ok > /local/out.txt; echo $NOMAD_TASK_NAME')));
  const r = await runFile(file);
  assert.equal(r.result.exitCode, 0, why(r));
  assert.equal(r.stdout, 'web-1.api_v2\n');
  assert.equal(fs.readFileSync(path.join(r.plan.allocDir, 'web-1.api_v2', 'local', 'out.txt'), 'utf8'), 'ok\n');
});

test('a link shipped in the job folder arrives as a link; a later template through it is refused, a real dir works', skip, async () => {
  const host = victim();
  const before = host.snapshot();
  const shipped = (asLink: boolean): string => {
    const { dir, file } = jobFolder(
      job(
        shTask('main', 'ls /local/bundle; cat /local/bundle/out/app.conf', `
      artifact {
        source = "bundle"
        destination = "local/bundle"
      }
      template {
        destination = "local/bundle/out/app.conf"
        data = "written by the template\\n"
      }`),
      ),
    );
    fs.mkdirSync(path.join(dir, 'bundle'));
    fs.writeFileSync(path.join(dir, 'bundle', 'readme.txt'), 'shipped\n');
    if (asLink) fs.symlinkSync(host.dir, path.join(dir, 'bundle', 'out'));
    else fs.mkdirSync(path.join(dir, 'bundle', 'out'));
    return file;
  };
  const attack = await runFile(shipped(true));
  assert.equal(host.snapshot(), before, 'the host folder is untouched');
  assert.notEqual(attack.result.exitCode, 0, 'the template write through the link is refused');
  assert.match(why(attack), /symbolic link/);
  const copied = path.join(attack.plan.tasks[0].dirs.local, 'bundle', 'out');
  assert.ok(fs.lstatSync(copied).isSymbolicLink(), 'the link was copied as a link');
  assert.equal(fs.readlinkSync(copied), host.dir);
  assert.equal(host.snapshot(), before, 'the host folder is untouched');

  const twin = await runFile(shipped(false));
  assert.equal(twin.result.exitCode, 0, why(twin));
  assert.equal(twin.stdout, 'out\nreadme.txt\nwritten by the template\n');
});

test('a prestart task planting links in /alloc/data: the template replaces a file link and refuses a dir link; real files work', skip, async () => {
  const host = victim();
  const before = host.snapshot();
  const plant = (script: string): string =>
    jobFolder(
      job(
        shTask('plant', script, 'lifecycle {\n hook = "prestart"\n }'),
        shTask('main', 'cat /alloc/data/config.txt; ls /alloc/data/conf', `
      template {
        destination = "alloc/data/config.txt"
        data = "rendered\\n"
      }
      template {
        destination = "alloc/data/conf/app.ini"
        data = "[app]\\n"
      }`),
      ),
    ).file;
  const fileLink = await runFile(plant(`ln -s ${host.file} /alloc/data/config.txt; mkdir /alloc/data/conf`));
  assert.equal(host.snapshot(), before, 'the host file is untouched');
  assert.equal(fileLink.result.exitCode, 0, why(fileLink));
  assert.equal(fileLink.stdout, 'rendered\napp.ini\n');
  const written = path.join(fileLink.plan.sharedDir, 'data', 'config.txt');
  assert.ok(fs.lstatSync(written).isFile(), 'the planted link was replaced, not followed');
  const dirLink = await runFile(plant(`: > /alloc/data/config.txt; ln -s ${host.dir} /alloc/data/conf`));
  assert.equal(host.snapshot(), before, 'the host folder is untouched');
  assert.notEqual(dirLink.result.exitCode, 0);
  assert.match(why(dirLink), /alloc\/data\/conf is a symbolic link/);
  assert.equal(host.snapshot(), before, 'the host file and folder are untouched');
  // The twin: a prestart task preparing real files and dirs for the main task.
  const twin = await runFile(plant('echo old > /alloc/data/config.txt; mkdir /alloc/data/conf'));
  assert.equal(twin.result.exitCode, 0, why(twin));
  assert.equal(twin.stdout, 'rendered\napp.ini\n');
});

test('a prestart sidecar swapping a dir and a link while the main task\'s templates render never gets a write outside', skip, async () => {
  const host = victim();
  const before = host.snapshot();
  const templates = Array.from({ length: 40 }, (_, i) => `
      template {
        destination = "alloc/data/d/f${i}.txt"
        data = "template ${i}\\n"
      }`).join('');
  // The sidecar flips /alloc/data/d between a real dir and a link to the host folder (a link most of the
  // time) until the main task starts (or a bound is reached); the ephemeral prestart task lets main begin
  // only once flipping has begun.
  const swapper = `n=0; while [ $n -lt 200000 ] && [ ! -e /alloc/data/stop ]; do rm -rf /alloc/data/d; mkdir /alloc/data/d; rm -rf /alloc/data/d; ln -s ${host.dir} /alloc/data/d; : > /alloc/data/started; k=0; while [ $k -lt 50000 ]; do k=$((k+1)); done; n=$((n+1)); done`;
  const { file } = jobFolder(
    job(
      shTask('swap', swapper, 'lifecycle {\n hook = "prestart"\n sidecar = true\n }'),
      shTask('wait', 'n=0; while [ ! -e /alloc/data/started ] && [ $n -lt 2000000 ]; do n=$((n+1)); done', 'lifecycle {\n hook = "prestart"\n }'),
      shTask('main', 'touch /alloc/data/stop', templates),
    ),
  );
  const r = await runFile(file);
  // Each template either landed in the real dir or was refused at a link; nothing reached the host.
  assert.equal(host.snapshot(), before, 'the host folder is untouched');
  if (r.result.exitCode !== 0) assert.match(why(r), /symbolic link|no such|ENOENT/i, why(r));
  // The twin: the same templates with nobody swapping all render.
  const twin = await runFile(jobFolder(job(shTask('main', 'cat /alloc/data/d/f0.txt /alloc/data/d/f39.txt', templates))).file);
  assert.equal(twin.result.exitCode, 0, why(twin));
  assert.equal(twin.stdout, 'template 0\ntemplate 39\n');
});

test('.nomad-exec or its allocs shipped as a link (or owned by another user) is refused; pruning a real one never follows links', skip, async () => {
  const host = victim();
  // Looks like old alloc dirs, markers included: pruning through the link would delete them.
  for (const id of ['old-1', 'old-2']) {
    fs.mkdirSync(path.join(host.dir, id, path.dirname(ALLOC_MARKER)), { recursive: true });
    fs.writeFileSync(path.join(host.dir, id, ALLOC_MARKER), `${id}\n`);
  }
  const before = host.snapshot();
  const text = job(shTask('main', 'echo ran'));
  const linked = jobFolder(text);
  fs.mkdirSync(path.join(linked.dir, '.nomad-exec'));
  fs.symlinkSync(host.dir, path.join(linked.dir, '.nomad-exec', 'allocs'));
  const r1 = await runFile(linked.file, { keepAllocs: 0 });
  assert.equal(host.snapshot(), before, 'the host folder survives');
  assert.equal(r1.result.failure?.step, 'alloc-dir');
  assert.match(r1.result.failure?.message ?? '', /\.nomad-exec\/allocs is a symbolic link; refusing/);
  assert.equal(r1.stdout, '', 'nothing ran');
  const stateLink = jobFolder(text);
  fs.symlinkSync(host.dir, path.join(stateLink.dir, '.nomad-exec'));
  const r2 = await runFile(stateLink.file, { keepAllocs: 0 });
  assert.equal(host.snapshot(), before, 'the host folder survives');
  assert.equal(r2.result.failure?.step, 'alloc-dir');
  assert.match(r2.result.failure?.message ?? '', /\.nomad-exec is a symbolic link; refusing/);
  if (asRoot) {
    const foreign = jobFolder(text);
    fs.mkdirSync(path.join(foreign.dir, '.nomad-exec'));
    fs.chownSync(path.join(foreign.dir, '.nomad-exec'), 65534, 65534);
    const r3 = await runFile(foreign.file);
    assert.match(r3.result.failure?.message ?? '', /belongs to uid 65534, not to you/);
  }
  assert.equal(host.snapshot(), before, 'the host folder survives');

  // The twin: a real allocs folder is private to the user, and pruning removes the runner's old alloc dirs,
  // links inside them as links, and leaves alone a folder the runner did not make.
  const real = jobFolder(text);
  const first = await runFile(real.file, { keepAllocs: 5 });
  assert.equal(first.result.exitCode, 0, why(first));
  const allocs = path.join(real.dir, '.nomad-exec', 'allocs');
  assert.equal(fs.statSync(allocs).mode & 0o777, 0o700);
  assert.equal(fs.statSync(first.plan.allocDir).mode & 0o777, 0o700);
  fs.symlinkSync(host.dir, path.join(first.plan.tasks[0].dirs.local, 'host-link'));
  fs.symlinkSync(host.dir, path.join(allocs, 'linked-alloc'));
  fs.mkdirSync(path.join(allocs, 'not-ours'));
  const second = await runFile(real.file, { keepAllocs: 1 });
  assert.equal(second.result.exitCode, 0, why(second));
  assert.deepEqual(fs.readdirSync(allocs).sort(), ['linked-alloc', 'not-ours', second.plan.allocId].sort());
  assert.equal(host.snapshot(), before, 'the host folder survives pruning');
  // A job folder the user reaches through a link of their own is fine: only what is below it is checked.
  const viaLink = `${real.dir}-link`;
  fs.symlinkSync(real.dir, viaLink);
  const third = await runFile(path.join(viaLink, 'job.nomad.hcl'), { keepAllocs: 5 });
  assert.equal(third.result.exitCode, 0, why(third));
  assert.equal(third.stdout, 'ran\n');
});

test('an alloc tree left open to other users (allocs 0755 from an older version, a chosen alloc dir 0755) is made private before use', skip, async () => {
  // The attack: another local user walks into alloc dirs (task files, rendered secrets) through a folder
  // that an older version, or the user, left traversable.
  const text = job(shTask('main', 'echo ran'));
  const old = jobFolder(text);
  const allocs = path.join(old.dir, '.nomad-exec', 'allocs');
  fs.mkdirSync(allocs, { recursive: true });
  fs.chmodSync(allocs, 0o755);
  const first = await runFile(old.file);
  assert.equal(first.result.exitCode, 0, why(first));
  assert.equal(fs.statSync(allocs).mode & 0o7777, 0o700);
  assert.equal(fs.statSync(first.plan.allocDir).mode & 0o7777, 0o700);
  const chosen = path.join(old.dir, 'my-alloc');
  fs.mkdirSync(chosen, { mode: 0o755 });
  fs.chmodSync(chosen, 0o2755);
  const second = await runFile(old.file, { allocDir: chosen });
  assert.equal(second.result.exitCode, 0, why(second));
  assert.equal(fs.statSync(chosen).mode & 0o7777, 0o700, 'no group or other bits, no setgid bit');
  // The twin: the task's own folders keep the modes a task needs (everyone may write local/, tmp/ is sticky).
  const dirs = second.plan.tasks[0].dirs;
  assert.equal(fs.statSync(dirs.local).mode & 0o7777, 0o777);
  assert.equal(fs.statSync(dirs.tmp).mode & 0o7777, 0o1777);
  assert.equal(second.stdout, 'ran\n');
});

test('.nomad-exec/.gitignore planted as a link (to a host file, or dangling) is never written through; a missing one is made with *', skip, async () => {
  // The attack: a repository ships `.nomad-exec/.gitignore` as a link; writing the runner's .gitignore
  // through it would overwrite a host file, or create one where the dangling link points.
  const host = victim();
  const before = host.snapshot();
  const text = job(shTask('main', 'echo ran'));
  for (const target of [host.file, path.join(host.dir, 'created-through-link')]) {
    const planted = jobFolder(text);
    fs.mkdirSync(path.join(planted.dir, '.nomad-exec'));
    fs.symlinkSync(target, path.join(planted.dir, '.nomad-exec', '.gitignore'));
    const ran = await runFile(planted.file);
    assert.equal(ran.result.exitCode, 0, why(ran));
    assert.equal(ran.stdout, 'ran\n');
    assert.equal(host.snapshot(), before, `the host folder survives a .gitignore link to ${target}`);
    assert.equal(fs.readlinkSync(path.join(planted.dir, '.nomad-exec', '.gitignore')), target, 'the link is left as it was');
  }
  // The twins: a fresh .nomad-exec gets a .gitignore of `*`; the user's own .gitignore is kept as written.
  const fresh = jobFolder(text);
  const first = await runFile(fresh.file);
  assert.equal(first.result.exitCode, 0, why(first));
  const ignore = path.join(fresh.dir, '.nomad-exec', '.gitignore');
  assert.ok(fs.lstatSync(ignore).isFile());
  assert.deepEqual(fs.readFileSync(ignore, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')), ['*']);
  const own = jobFolder(text);
  fs.mkdirSync(path.join(own.dir, '.nomad-exec'));
  fs.writeFileSync(path.join(own.dir, '.nomad-exec', '.gitignore'), 'allocs/\n');
  const second = await runFile(own.file);
  assert.equal(second.result.exitCode, 0, why(second));
  assert.equal(fs.readFileSync(path.join(own.dir, '.nomad-exec', '.gitignore'), 'utf8'), 'allocs/\n');
  // A state dir outside the workspace (the extension's storage) holds the alloc dirs and gets no .gitignore.
  const stored = jobFolder(text);
  const stateDir = path.join(stored.dir, 'storage', 'nomad-exec.nomad-exec');
  const third = await runFile(stored.file, { stateDir });
  assert.equal(third.result.exitCode, 0, why(third));
  assert.ok(third.plan.allocDir.startsWith(path.join(stateDir, 'allocs') + path.sep));
  assert.equal(fs.statSync(path.join(stateDir, 'allocs')).mode & 0o777, 0o700);
  assert.ok(!fs.existsSync(path.join(stored.dir, '.nomad-exec')), 'nothing in the job folder');
  assert.ok(!fs.existsSync(path.join(stateDir, '.gitignore')));
});

test('a command that is a link to a host file is not made executable; a shipped plain script is', skip, async () => {
  const host = victim();
  const before = host.snapshot();
  const shipped = (asLink: boolean): string => {
    const { dir, file } = jobFolder(
      job(`
    task "main" {
      driver = "exec"
      artifact {
        source = "bin"
        destination = "local"
      }
      config {
        command = "local/tool"
      }
    }`),
    );
    fs.mkdirSync(path.join(dir, 'bin'));
    if (asLink) fs.symlinkSync(host.file, path.join(dir, 'bin', 'tool'));
    else fs.writeFileSync(path.join(dir, 'bin', 'tool'), '#!/bin/sh\necho tool ran\n', { mode: 0o644 });
    return file;
  };
  const attack = await runFile(shipped(true));
  assert.equal(fs.statSync(host.file).mode & 0o7777, 0o644, 'the host file keeps its mode');
  assert.equal(host.snapshot(), before);
  assert.ok(!attack.notices.some((n) => /executable/.test(n)), attack.notices.join('\n'));
  const twin = await runFile(shipped(false));
  assert.equal(twin.result.exitCode, 0, why(twin));
  assert.equal(twin.stdout, 'tool ran\n');
  assert.equal(fs.statSync(path.join(twin.plan.tasks[0].dirs.local, 'tool')).mode & 0o777, 0o755);
});

/** A tar archive written by hand (ustar), so that it can hold what tar itself would not make. */
function tarOf(entries: { name: string; mode: number; uid?: number; type?: '0' | '2' | '5'; link?: string; data?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const header = Buffer.alloc(512);
    const data = Buffer.from(e.data ?? '');
    const field = (offset: number, length: number, value: string): void => void header.write(value, offset, length, 'latin1');
    const octal = (offset: number, length: number, n: number): void => field(offset, length, n.toString(8).padStart(length - 1, '0') + '\0');
    field(0, 100, e.name);
    octal(100, 8, e.mode);
    octal(108, 8, e.uid ?? 0);
    octal(116, 8, e.uid ?? 0);
    octal(124, 12, e.type === '0' || e.type === undefined ? data.length : 0);
    octal(136, 12, 1_700_000_000);
    field(148, 8, '        ');
    field(156, 1, e.type ?? '0');
    if (e.link) field(157, 100, e.link);
    field(257, 8, 'ustar\u000000');
    let sum = 0;
    for (const byte of header) sum += byte;
    field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(header);
    if ((e.type ?? '0') === '0' && data.length > 0) blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

test('a tar artifact with "../" entries or a path through its own link is refused; a setuid root file loses the bit and the owner', skip, async () => {
  const host = victim();
  const before = host.snapshot();
  const withArchive = (entries: Parameters<typeof tarOf>[0]): string => {
    const { dir, file } = jobFolder(
      job(
        shTask('main', 'ls -ln /local/app | tail -n +2 | cut -c1-10', `
      artifact {
        source = "bundle.tar"
        destination = "local"
      }`),
      ),
    );
    fs.writeFileSync(path.join(dir, 'bundle.tar'), tarOf(entries));
    return file;
  };
  const escape = path.relative(os.tmpdir(), host.dir);
  const dotdot = await runFile(withArchive([{ name: `../../../../../../../../../../..${os.tmpdir()}/${escape}/planted.txt`, mode: 0o644, data: 'planted\n' }]));
  assert.equal(host.snapshot(), before, 'the host folder is untouched');
  assert.equal(dotdot.result.failure?.step, 'artifact');
  assert.match(why(dotdot), /would land outside the destination/);
  const throughLink = await runFile(
    withArchive([
      { name: 'app/', mode: 0o755, type: '5' },
      { name: 'app/out', mode: 0o777, type: '2', link: host.dir },
      { name: 'app/out/planted.txt', mode: 0o644, data: 'planted\n' },
    ]),
  );
  assert.equal(throughLink.result.failure?.step, 'artifact');
  assert.match(why(throughLink), /goes through the link "app\/out"/);
  assert.equal(host.snapshot(), before, 'the host folder is untouched');
  // The twin: a plain archive unpacks, and a setuid file owned by another user arrives without the bit,
  // owned by whoever runs nomad-exec.
  const plain = await runFile(
    withArchive([
      { name: 'app/', mode: 0o755, type: '5' },
      { name: 'app/run', mode: 0o4755, uid: 1234, data: '#!/bin/sh\necho hi\n' },
      { name: 'app/notes.txt', mode: 0o640, uid: 1234, data: 'notes\n' },
    ]),
  );
  assert.equal(plain.result.exitCode, 0, why(plain));
  const run = fs.statSync(path.join(plain.plan.tasks[0].dirs.local, 'app', 'run'));
  assert.equal(run.mode & 0o7777, 0o755, 'no setuid bit on the host');
  assert.equal(run.uid, process.getuid?.(), 'owned by the runner, not the archive');
  assert.equal(fs.statSync(path.join(plain.plan.tasks[0].dirs.local, 'app', 'notes.txt')).mode & 0o777, 0o640);
});

test('a task flooding its logs while trying to swap its log files for links to a host file cannot reach it', skip, async () => {
  const host = victim();
  const before = host.snapshot();
  // As root in its namespace the task first tries to uncover the writable alloc/logs under the read-only view.
  const script = `umount /alloc/logs 2>/dev/null; umount /alloc/logs 2>/dev/null; i=0; while [ $i -lt 40 ]; do for n in 0 1 2 3 4 5 6 7 8 9; do ln -sf ${host.file} /alloc/logs/main.stdout.$n 2>/dev/null; ln -sf ${host.file} /alloc/logs/main.stderr.$n 2>/dev/null; done; head -c 300000 /dev/zero | tr '\\0' 'x'; i=$((i+1)); done; echo done`;
  const { file } = jobFolder(job(shTask('main', script, 'user = "root"\n      logs {\n max_files = 3\n max_file_size = 1\n }')));
  // root is on the client's user.denylist by default; the developer's machine setting lets it run.
  const r = await runFile(file, { settings: { userDenylist: '' } as RunRequest['settings'] });
  assert.equal(r.result.exitCode, 0, why(r));
  assert.equal(host.snapshot(), before, 'the host file is untouched');
  // The twin: the logs rotated as configured, each a regular file holding what the task printed.
  const logsDir = r.plan.tasks[0].dirs.logs;
  const names = fs.readdirSync(logsDir).filter((n) => n.startsWith('main.stdout.')).sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]));
  assert.equal(names.length, 3);
  for (const name of names) assert.ok(fs.lstatSync(path.join(logsDir, name)).isFile(), name);
  const total = names.reduce((n, name) => n + fs.statSync(path.join(logsDir, name)).size, 0);
  assert.ok(total >= 2 * 1024 * 1024, `the last files hold the flood (${total} bytes)`);
  assert.match(fs.readFileSync(path.join(logsDir, names[names.length - 1]), 'utf8'), /x*done\n$/);
});

test('the logs folder in the alloc dir is the runner\'s: a task sees its logs read-only at /alloc/logs', skip, async () => {
  const { file } = jobFolder(job(shTask('main', 'echo first; cat /alloc/logs/main.stdout.0 >/dev/null && echo readable; touch /alloc/logs/x 2>/dev/null || echo read-only')));
  const r = await runFile(file);
  assert.equal(r.result.exitCode, 0, why(r));
  assert.equal(r.stdout, 'first\nreadable\nread-only\n');
  assert.equal(fs.readFileSync(path.join(r.plan.tasks[0].dirs.logs, 'main.stdout.0'), 'utf8'), 'first\nreadable\nread-only\n');
  assert.ok(!r.plan.tasks[0].dirs.logs.startsWith(r.plan.sharedDir + path.sep), 'not below the shared alloc dir');
});
