// Issue 15 over real JSON-RPC (stdio), against a real hung mount: a FUSE file system that never answers a
// lookup or a folder listing (helpers/hangfs.c), mounted beside a job whose template reads its `source` from
// there, in the folder of a job whose `file()` reads below it, in a workspace, or holding the job file itself.
// A stat of such a path, the resolution of its links or a listing waits until the file system's process
// ends, as on a dead NFS server or an automount that hangs.
// The server looks a path up off the thread the first time too (checks/machine.ts): it keeps answering
// requests, publishes the job's diagnostics once their hold runs out, and again once the answer comes.
// Ordering of events only: no timings are asserted. Needs root and /dev/fuse (CI runs as root).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient, type PublishedDiagnostics } from './helpers/lspClient';
import { REPO_ROOT } from './helpers/lspClient';
import { execJob } from './helpers/jobText';
import { within } from './helpers/within';

/** Why a hung mount cannot be made here, or undefined when it can. */
function cannotMount(): string | undefined {
  if (process.platform !== 'linux') return 'FUSE mounts are made on Linux only';
  if (process.getuid?.() !== 0) return 'mounting needs root';
  if (!fs.existsSync('/dev/fuse')) return 'no /dev/fuse';
  return undefined;
}

interface HungMount {
  /** Ends the file system and detaches the mount (the lookups waiting then fail). */
  stop(): Promise<void>;
  /** With `answerFirst`: from now on, lookups go unanswered. */
  hang(): Promise<void>;
}

/**
 * hangfs compiled into `dir`, mounted on `mountpoint`; `answerFirst`: it answers that nothing is there until
 * `hang()` (a mount that dies while in use).
 */
async function hungMount(dir: string, mountpoint: string, answerFirst = false): Promise<HungMount> {
  const binary = path.join(dir, 'hangfs');
  const built = spawnSync(process.env.CC ?? 'cc', ['-O1', '-Wall', '-o', binary, path.join(REPO_ROOT, 'test', 'helpers', 'hangfs.c')], { encoding: 'utf8' });
  assert.equal(built.status, 0, `building hangfs: ${built.stderr}`);
  const child: ChildProcess = spawn(binary, [...(answerFirst ? ['--answer-until-usr1'] : []), mountpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    void ended.then((code) => reject(new Error(`hangfs ended (${code}) before mounting: ${stderr}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      assert.equal(await ended, 0, `hangfs: ${stderr}`);
    },
    async hang() {
      const said = new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('hanging') && resolve()));
      child.kill('SIGUSR1');
      await said;
    },
  };
}

/** A job named `hung` whose task has a template for each of `sources`. */
const job = (sources: string[]) =>
  execJob({
    names: { job: 'hung', group: 'g', task: 't' },
    config: '        command = "/bin/sh"',
    task: sources.map((source, i) => `      template {\n        source      = "${source}"\n        destination = "local/out${i}"\n      }\n`).join(''),
  });

const SMALL = execJob({ config: '        command = "/bin/echo"' });

/**
 * `promise`, or a failure after 20 s: a server that waits for the mount on its thread would otherwise hold the
 * test (and the mount, and the server stuck in its stat) until killed; failing lets `finally` end the mount.
 */
const answered = <T>(promise: Promise<T>, what: string): Promise<T> => within(promise, 20_000, `${what}: no answer while the mount hangs`);

/**
 * Runs `body` with a hung mount on `<dir>/<name>` and a server, in a temporary folder `dir`; `unmount` ends the
 * mount (its stat calls then return). The mount, the server and the folder are gone afterwards, whatever
 * happened.
 */
async function withHungMount(
  name: string,
  body: (run: { dir: string; client: LspClient; unmount(): Promise<void>; mount: HungMount }) => Promise<void>,
  options: { answerFirst?: boolean; beforeStart?: (dir: string) => void; workspace?: boolean; settings?: (dir: string) => Record<string, unknown> } = {},
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-hung-'));
  const mountpoint = path.join(dir, name);
  fs.mkdirSync(mountpoint);
  options.beforeStart?.(dir);
  const mount = await hungMount(dir, mountpoint, options.answerFirst);
  let client: LspClient | undefined;
  let mounted = true;
  const unmount = async (): Promise<void> => {
    mounted = false;
    await mount.stop();
  };
  try {
    client = await LspClient.start({
      ...(options.workspace ? { workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'hung' }] } : {}),
      ...(options.settings ? { configuration: { nomadExec: options.settings(dir) } } : {}),
    });
    await body({ dir, client, unmount, mount });
  } finally {
    if (mounted) await mount.stop();
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A small job elsewhere, opened and hovered while the mount hangs: both answered. */
async function anotherDocumentAnswers(client: LspClient): Promise<void> {
  const small = pathToFileURL(path.join(os.tmpdir(), 'nomad-exec-hung-small.nomad.hcl')).href;
  await answered(client.diagnostics(small, client.open(small, SMALL)), 'the diagnostics of another document');
  const hover = await answered(client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 1 } }), 'a hover on another document');
  assert.ok(hover?.contents.value, 'a hover on another document while the mount hangs');
}

const missingSources = (published: PublishedDiagnostics) =>
  published.diagnostics
    .filter((d) => d.code === 'template-source-missing')
    .map((d) => /source "([^"]+)"/.exec(d.message)?.[1])
    .sort();

test('hung mount: a template source on a mount that never answers holds no request, and the diagnostics come before and after its answer', { skip: cannotMount() }, async () => {
  // The attack, as it happens by accident: a job file beside a dead network mount (or one a repository's
  // owner points at an automount). Before, the first stat of the path ran on the server's thread, and every
  // request of every document waited as long as the mount did.
  await withHungMount('hung', async ({ dir, client, unmount }) => {
    const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
    // The twins: a source beside the job that is simply not there, on an ordinary disk, is still reported,
    // and one that is there is not (and gets its link).
    fs.writeFileSync(path.join(dir, 'present.tpl'), 'x\n');
    const version = client.open(uri, job(['hung/app.tpl', 'missing.tpl', 'present.tpl']));
    const first = await answered(client.diagnostics(uri, version), 'the diagnostics of the job');
    // Published while the mount still hangs: the path on it is taken as there for now.
    assert.deepEqual(missingSources(first), ['missing.tpl'], JSON.stringify(first.diagnostics));
    // Another document is analysed and answered meanwhile.
    await anotherDocumentAnswers(client);
    // The job's links: the file that is there, not the one on the mount (whose look-up is still under way).
    const links = await answered(client.request<{ target?: string }[]>('textDocument/documentLink', { textDocument: { uri } }), 'the links of the job');
    const files = links.map((l) => l.target ?? '').filter((t) => t.startsWith('file:')).map((t) => path.relative(dir, fileURLToPath(t)));
    assert.deepEqual(files, ['present.tpl']);
    // And so is this one: an edit is analysed and published again, the look-up still under way.
    const edited = client.change(uri, [{ range: { start: { line: 0, character: 5 }, end: { line: 0, character: 9 } }, text: 'held' }]);
    assert.deepEqual(missingSources(await answered(client.diagnostics(uri, edited), 'the diagnostics of an edit')), ['missing.tpl']);
    // The mount goes away; its stat ends (the file system's device closed), and the path is not there:
    // published without an edit.
    const after = client.waitFor(uri, (p) => missingSources(p).length === 2);
    await unmount();
    assert.deepEqual(missingSources(await answered(after, 'the diagnostics once the mount is gone')), ['hung/app.tpl', 'missing.tpl']);
  });
});

const outsideReads = (published: PublishedDiagnostics) =>
  published.diagnostics
    .filter((d) => d.code === 'file-outside-job-folder')
    .map((d) => /(file(?:exists)?\("[^"]+"\))/.exec(d.message)?.[1])
    .sort();

test('hung mount: a file() read through a folder on a mount that never answers holds no request; a link out of the job folder is still reported', { skip: cannotMount() }, async () => {
  // The attack: a repository whose job reads `file("data/...")`, `data` being a folder on a dead network mount
  // (or a link a repository's owner points at an automount). Whether the read leaves the job's folder through
  // a link is told by resolving the path's links, and that resolution ran on the server's thread on every
  // check: the first one waited as long as the mount did, and every request of every document with it.
  await withHungMount('data', async ({ dir, client, unmount }) => {
    const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
    // The twins on an ordinary disk: a read through a link that leaves the folder is reported, one that stays
    // inside is not.
    fs.writeFileSync(path.join(dir, 'inside.txt'), 'x\n');
    fs.symlinkSync('/etc', path.join(dir, 'etc-link'));
    const top = 'locals {\n  hung    = file("data/app.conf")\n  outside = file("etc-link/hostname")\n  inside  = fileexists("inside.txt")\n}\n';
    // Published while the mount still hangs (the folder on it taken as inside for now), with the link's finding
    // once its own look-up came back: at once on this disk, before the hold of the analysis ends.
    const reported = client.waitFor(uri, (p) => outsideReads(p).length > 0);
    client.open(uri, execJob({ names: { job: 'hung', group: 'g', task: 't' }, top }));
    const first = await answered(reported, 'the diagnostics of the job');
    assert.deepEqual(outsideReads(first), ['file("etc-link/hostname")'], JSON.stringify(first.diagnostics));
    await anotherDocumentAnswers(client);
    // An edit is analysed and published again, the look-up still under way; the link is still reported.
    const edited = client.change(uri, [{ range: { start: { line: 1, character: 2 }, end: { line: 1, character: 6 } }, text: 'held' }]);
    assert.deepEqual(outsideReads(await answered(client.diagnostics(uri, edited), 'the diagnostics of an edit')), ['file("etc-link/hostname")']);
    await unmount();
  });
});

test('hung mount: a watched path whose mount dies does not stop the watch looking at the others', { skip: cannotMount() }, async () => {
  // A network mount that answered and then died: the watch looks at the missing paths every second, and a
  // look-up of one of them now never ends. Before, the watch waited for all its look-ups together: it never
  // looked again at anything, and a template source created afterwards stayed reported missing until an edit.
  await withHungMount(
    'dead',
    async ({ dir, client, mount }) => {
      const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
      const version = client.open(uri, job(['dead/app.tpl', 'later.tpl']));
      // Both missing while the mount still answers.
      assert.deepEqual(missingSources(await answered(client.diagnostics(uri, version), 'the diagnostics of the job')), ['dead/app.tpl', 'later.tpl']);
      await mount.hang();
      // The file the finding asks for is created: reported without an edit, the look-up on the mount still stuck.
      const after = client.waitFor(uri, (p) => missingSources(p).length === 1);
      fs.writeFileSync(path.join(dir, 'later.tpl'), 'x\n');
      assert.deepEqual(missingSources(await answered(after, 'the diagnostics once later.tpl exists')), ['dead/app.tpl']);
    },
    { answerFirst: true },
  );
});

test('hung mount: look-ups stuck on a mount that never answers leave the others going', { skip: cannotMount() }, async () => {
  // Each look-up stuck on a hung mount holds one of the threads that do the server's file work (libuv's pool,
  // four by default): a job naming a few files there left none, and every other look-up (a missing template
  // beside the job, its links, the workspace's symbols) waited behind them for as long as the mount hung.
  await withHungMount('hung', async ({ dir, client }) => {
    const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
    fs.writeFileSync(path.join(dir, 'present.tpl'), 'x\n');
    const stuck = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `hung/${name}.tpl`);
    const reported = client.waitFor(uri, (p) => missingSources(p).length > 0);
    client.open(uri, job([...stuck, 'missing.tpl', 'present.tpl']));
    assert.deepEqual(missingSources(await answered(reported, 'the finding of the missing template')), ['missing.tpl']);
    const links = await answered(client.request<{ target?: string }[]>('textDocument/documentLink', { textDocument: { uri } }), 'the links of the job');
    const files = links.map((l) => l.target ?? '').filter((t) => t.startsWith('file:')).map((t) => path.relative(dir, fileURLToPath(t)));
    assert.deepEqual(files, ['present.tpl']);
  });
});

test('hung mount: typing a path in a folder on a mount that never answers does not use up the threads for file work', { skip: cannotMount() }, async () => {
  // Each character typed makes a new path (`hung/t1.tpl`, `hung/t12.tpl`...), whose first look-up would be
  // stuck like the one before it, each holding a thread of the pool until none was left. A path in a folder
  // where a look-up is stuck is taken as there without one; a missing template elsewhere is still found.
  await withHungMount('hung', async ({ dir, client }) => {
    const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
    const text = (typed: string, more: string[] = []) => job([`hung/${typed}.tpl`, 'hung/other.tpl', ...more]);
    await answered(client.diagnostics(uri, client.open(uri, text('t'))), 'the diagnostics of the job');
    let typed = 't';
    for (let i = 1; i <= 18; i++) {
      typed += String(i % 10);
      const version = client.change(uri, [{ text: text(typed) }]);
      await answered(client.diagnostics(uri, version), `the diagnostics after typing ${typed}`);
    }
    const reported = client.waitFor(uri, (p) => missingSources(p).length > 0);
    client.change(uri, [{ text: text(typed, ['missing.tpl']) }]);
    assert.deepEqual(missingSources(await answered(reported, 'the finding of a missing template beside the job')), ['missing.tpl']);
  });
});

test('hung mount: a workspace folder holding a mount that never answers still has its other job files indexed', { skip: cannotMount() }, async () => {
  // A workspace with a dead network mount inside it (a checkout's `mnt/`, a home folder): listing that folder
  // never ends. The index walked the workspace one folder listing after another and waited for it, for good:
  // no job file after it was indexed, and the index never said it was complete.
  await withHungMount(
    'mnt',
    async ({ client }) => {
      const indexed = await answered(client.waitForLog((m) => /workspace symbols: \d+ files indexed/.test(m)), 'the workspace index');
      assert.match(indexed, /workspace symbols: 1 files indexed/);
      const skipped = client.logs.find((m) => m.includes('did not answer'));
      assert.match(skipped ?? '', /mnt did not answer/, 'the folder skipped is named in the log');
      const found = await answered(client.request<{ name: string }[]>('workspace/symbol', { query: 'indexed' }), 'workspace symbols');
      assert.deepEqual(found.map((s) => s.name), ['indexed']);
    },
    {
      workspace: true,
      // Created before the server starts, so that the walk finds it whichever folder it lists first.
      beforeStart: (dir) => {
        fs.mkdirSync(path.join(dir, 'jobs'));
        fs.writeFileSync(path.join(dir, 'jobs', 'indexed.nomad.hcl'), execJob({ names: { job: 'indexed', group: 'g', task: 't' } }));
      },
    },
  );
});

test('hung mount: a hover on a command in a folder of a mount that never answers is answered', { skip: cannotMount() }, async () => {
  // chroot_env maps the mount into the task: the command's file is looked up there. Typed a character at a
  // time, each new path is in a folder where a look-up is stuck, and is not looked up (see above); a hover on
  // the command then looked it up itself, on the server's thread, and waited as long as the mount did.
  await withHungMount(
    'hung',
    async ({ dir, client }) => {
      const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
      const text = (command: string) => execJob({ names: { job: 'hung', group: 'g', task: 't' }, config: `        command = "${command}"` });
      await answered(client.diagnostics(uri, client.open(uri, text('/opt/t'))), 'the diagnostics of the job');
      const version = client.change(uri, [{ text: text('/opt/ty') }]);
      await answered(client.diagnostics(uri, version), 'the diagnostics after typing');
      const line = text('/opt/ty').split('\n').findIndex((l) => l.includes('command ='));
      const hover = await answered(client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 20 } }), 'a hover on the command');
      assert.match(hover?.contents.value ?? '', /\/opt\/ty/);
    },
    { settings: (dir) => ({ chrootEnv: { [path.join(dir, 'hung')]: '/opt' } }) },
  );
});

test('hung mount: a job file on a mount that never answers is checked, and references and rename of its variable are answered', { skip: cannotMount() }, async () => {
  // The job's own folder is on the dead mount (a home folder on NFS that hangs mid-session): the editor has
  // its text, the server has to look at the folder for what the job reads beside it and for the var files
  // a rename must edit too. Before, a rename listed that folder on the server's thread and waited for good.
  await withHungMount('hung', async ({ dir, client }) => {
    const uri = pathToFileURL(path.join(dir, 'hung', 'job.nomad.hcl')).href;
    const top = 'variable "image" {\n  default = "nginx"\n}\nlocals {\n  conf = file("conf/app.conf")\n}\n';
    const text = execJob({ names: { job: 'hung', group: 'g', task: 't' }, top, task: '      env {\n        IMAGE = var.image\n      }\n      template {\n        source      = "app.tpl"\n        destination = "local/app"\n      }\n' });
    await answered(client.diagnostics(uri, client.open(uri, text)), 'the diagnostics of the job');
    await anotherDocumentAnswers(client);
    const use = text.split('\n').findIndex((l) => l.includes('IMAGE = var.image'));
    const position = { line: use, character: text.split('\n')[use].indexOf('var.image') + 5 };
    const references = await answered(client.request<{ uri: string }[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } }), 'references of the variable');
    assert.equal(references.length, 2, JSON.stringify(references));
    // The var files beside it cannot be looked at: the rename says so rather than leave one behind.
    const refused = await answered(
      client.request('textDocument/rename', { textDocument: { uri }, position, newName: 'img' }).then(
        () => 'renamed',
        (error: Error) => error.message,
      ),
      'the rename of the variable',
    );
    assert.match(refused, /folder .* did not answer/);
  });
});

test('hung mount: references asked again and again on a job in a folder of a mount that never answers do not use up the threads for file work', { skip: cannotMount() }, async () => {
  // Each request for references lists the job's folder for its var files. A listing there never comes back,
  // and each held a thread of the pool: twenty requests left none, and a missing template beside another job
  // was never found. Nothing new is listed or read in a folder where a listing is still stuck.
  await withHungMount('hung', async ({ dir, client }) => {
    const uri = pathToFileURL(path.join(dir, 'hung', 'job.nomad.hcl')).href;
    const text = execJob({ names: { job: 'hung', group: 'g', task: 't' }, top: 'variable "image" {\n  default = "nginx"\n}\n', task: '      env {\n        IMAGE = var.image\n      }\n' });
    await answered(client.diagnostics(uri, client.open(uri, text)), 'the diagnostics of the job');
    const use = text.split('\n').findIndex((l) => l.includes('IMAGE = var.image'));
    const position = { line: use, character: text.split('\n')[use].indexOf('var.image') + 5 };
    for (let i = 0; i < 20; i++) {
      const references = await answered(client.request<{ uri: string }[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } }), `references, request ${i + 1}`);
      assert.equal(references.length, 2, JSON.stringify(references));
    }
    // The twin on a healthy disk: a template missing beside another job is still looked up and reported.
    const other = pathToFileURL(path.join(dir, 'other.nomad.hcl')).href;
    const reported = client.waitFor(other, (p) => missingSources(p).length > 0);
    client.open(other, job(['missing.tpl']));
    assert.deepEqual(missingSources(await answered(reported, 'the finding of a missing template beside another job')), ['missing.tpl']);
  });
});

test('hung mount: an agent config file and a template values file on a mount that never answers hold no request, and say why they were not read', { skip: cannotMount() }, async () => {
  // The settings name files on a dead mount (a client config shared over NFS). Both were read on the server's
  // thread: applying the settings, and every template preview, waited as long as the mount did, and with
  // them every request of every document.
  await withHungMount(
    'hung',
    async ({ dir, client }) => {
      const uri = pathToFileURL(path.join(dir, 'job.nomad.hcl')).href;
      const text = execJob({
        names: { job: 'hung', group: 'g', task: 't' },
        config: '        command = "/bin/ping"\n        cap_add = ["net_raw"]',
        task: '      template {\n        destination = "local/app.conf"\n        data        = "db = {{ key \\"app/db\\" }}"\n      }\n',
      });
      const codes = (p: PublishedDiagnostics) => p.diagnostics.map((d) => String(d.code)).filter((c) => c === 'settings-problem' || c === 'capability-not-allowed').sort();
      const problem = (p: PublishedDiagnostics) => p.diagnostics.find((d) => d.code === 'settings-problem')?.message ?? '';
      // The agent config is given up on: published with the problem, and Nomad's default capabilities.
      const givenUp = client.waitFor(uri, (p) => codes(p).includes('settings-problem'));
      client.open(uri, text);
      await anotherDocumentAnswers(client);
      const first = await answered(givenUp, 'the diagnostics with the settings problem');
      assert.deepEqual(codes(first), ['capability-not-allowed', 'settings-problem']);
      assert.match(problem(first), new RegExp(`^cannot read agent config file ${path.join(dir, 'hung', 'client.hcl')}: no answer within`));
      const preview = () => client.request<{ text: string; valuesProblem?: string }>('workspace/executeCommand', { command: 'nomadExec.previewTemplate', arguments: [{ uri, template: 1 }] });
      const unread = await answered(preview(), 'a template preview');
      assert.match(unread.valuesProblem ?? '', /no answer within/);
      assert.match(unread.text, /db = «key "app\/db": needs Consul»/);
      // The twins, on a healthy disk: both files read and used.
      fs.writeFileSync(path.join(dir, 'client.hcl'), 'plugin "exec" {\n  config {\n    allow_caps = ["chown", "net_raw"]\n  }\n}\n');
      fs.writeFileSync(path.join(dir, 'values.json'), JSON.stringify({ 'key "app/db"': 'postgres://db' }));
      const applied = client.waitFor(uri, (p) => codes(p).length === 0);
      client.configuration = { nomadExec: { agentConfigFile: path.join(dir, 'client.hcl'), templateValues: path.join(dir, 'values.json') } };
      client.changeConfiguration();
      await answered(applied, 'the diagnostics with the agent config applied');
      const read = await answered(preview(), 'a template preview with values');
      assert.equal(read.valuesProblem, undefined);
      assert.match(read.text, /db = postgres:\/\/db/);
      // Changed twice in a row: to another file on the dead mount (its read hangs), then to a healthy one
      // that allows fewer capabilities. The later settings apply and are published without waiting for the
      // earlier read, which gives up later and changes nothing.
      fs.writeFileSync(path.join(dir, 'strict.hcl'), 'plugin "exec" {\n  config {\n    allow_caps = ["chown"]\n  }\n}\n');
      const pulled = [path.join(dir, 'hung', 'again', 'client.hcl'), path.join(dir, 'strict.hcl')];
      client.onRequest('workspace/configuration', () => [{ agentConfigFile: pulled.shift() ?? path.join(dir, 'strict.hcl') }]);
      const strict = client.waitFor(uri, (p) => codes(p).join() === 'capability-not-allowed');
      client.changeConfiguration();
      client.changeConfiguration();
      assert.match((await answered(strict, 'the diagnostics with the later settings')).diagnostics.find((d) => d.code === 'capability-not-allowed')!.message, /strict\.hcl/);
    },
    { settings: (dir) => ({ agentConfigFile: path.join(dir, 'hung', 'client.hcl'), templateValues: path.join(dir, 'hung', 'values.json') }) },
  );
});
