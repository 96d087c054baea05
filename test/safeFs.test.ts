// safeFs, the runner's only way to write below an alloc dir: each operation against a link planted where a
// directory or file is expected (the host side must stay untouched), its harmless twin, and a writer racing a
// process that keeps swapping a directory for a link to a host folder.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Dir, UnsafePathError } from '../launcher/src/safeFs';

function setup(): { anchor: Dir; root: string; host: string; hostFile: string; hostState: () => string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-safefs-'));
  const root = path.join(base, 'alloc');
  const host = path.join(base, 'host');
  fs.mkdirSync(root);
  fs.mkdirSync(host);
  const hostFile = path.join(host, 'keep.txt');
  fs.writeFileSync(hostFile, 'host\n', { mode: 0o644 });
  fs.chmodSync(hostFile, 0o644);
  const hostState = (): string =>
    fs
      .readdirSync(host)
      .sort()
      .map((n) => `${n} ${(fs.lstatSync(path.join(host, n)).mode & 0o7777).toString(8)} ${fs.readFileSync(path.join(host, n), 'utf8')}`)
      .join('|');
  return { anchor: Dir.open(root), root, host, hostFile, hostState };
}

test('every operation refuses a link on its way or replaces a link at its end, never touching the target', () => {
  const { anchor, root, host, hostFile, hostState } = setup();
  const before = hostState();
  fs.symlinkSync(host, path.join(root, 'dirlink'));
  fs.symlinkSync(hostFile, path.join(root, 'filelink'));
  assert.throws(() => anchor.writeFile('dirlink/new.txt', 'x', 0o644), UnsafePathError);
  assert.throws(() => anchor.dir('dirlink/sub', { mode: 0o755 }), /dirlink is a symbolic link/);
  assert.throws(() => anchor.openAppend('filelink', 0o644), UnsafePathError);
  assert.throws(() => anchor.openAppend('dirlink/keep.txt', 0o644), UnsafePathError);
  assert.throws(() => anchor.chmod('filelink', 0o777), /symbolic link/);
  assert.throws(() => anchor.copyTreeIn(path.join(root, '..', 'alloc'), 'dirlink'), UnsafePathError);
  assert.throws(() => anchor.writeFile('../escape.txt', 'x', 0o644), /"\.\."/);
  anchor.remove('dirlink');
  assert.equal(hostState(), before, 'the host folder is untouched');
  // At the end of a path a link is replaced, not written through.
  anchor.writeFile('filelink', 'mine\n', 0o600);
  assert.ok(fs.lstatSync(path.join(root, 'filelink')).isFile());
  assert.equal(fs.statSync(path.join(root, 'filelink')).mode & 0o777, 0o600);
  assert.equal(hostState(), before, 'the host file is untouched');
  assert.ok(!fs.existsSync(path.join(root, 'dirlink')), 'remove took the link, not its target');
});

test('the twins: dirs made with exact modes, files written, appended, chmodded, trees copied with links as links', async () => {
  const { anchor, root, host } = setup();
  anchor.mkdir('a/tmp', 0o1777).close();
  assert.equal(fs.statSync(path.join(root, 'a', 'tmp')).mode & 0o7777, 0o1777);
  anchor.writeFile('a/f.txt', 'one\n', 0o640);
  const fd = anchor.openAppend('a/f.txt', 0o644);
  fs.writeSync(fd, 'two\n');
  fs.closeSync(fd);
  assert.equal(fs.readFileSync(path.join(root, 'a', 'f.txt'), 'utf8'), 'one\ntwo\n');
  anchor.chmod('a/f.txt', 0o755);
  assert.equal(fs.statSync(path.join(root, 'a', 'f.txt')).mode & 0o777, 0o755);
  const source = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-safefs-src-'));
  fs.mkdirSync(path.join(source, 'd'));
  fs.writeFileSync(path.join(source, 'd', 'x'), 'x\n', { mode: 0o4755 });
  fs.chmodSync(path.join(source, 'd', 'x'), 0o4755);
  fs.symlinkSync(host, path.join(source, 'd', 'out'));
  anchor.copyTreeIn(source, 'copy');
  assert.equal(fs.readlinkSync(path.join(root, 'copy', 'd', 'out')), host);
  assert.equal(fs.statSync(path.join(root, 'copy', 'd', 'x')).mode & 0o7777, 0o755, 'no setuid bit in the copy');
  fs.chmodSync(path.join(root, 'a'), 0o555);
  await anchor.removeTree('a');
  await anchor.removeTree('copy');
  assert.deepEqual(fs.readdirSync(root), []);
  assert.deepEqual(fs.readdirSync(host), ['keep.txt']);
});

test('writes racing a process that swaps a directory for a link to a host folder never land on the host', async () => {
  const { anchor, root, host, hostState } = setup();
  const before = hostState();
  const d = path.join(root, 'd');
  // Bounded: the loop ends by itself if the test dies without killing it.
  const swapper = spawn('/bin/sh', ['-c', `n=0; while [ $n -lt 100000 ]; do rm -rf ${d}; mkdir ${d}; rm -rf ${d}; ln -s ${host} ${d}; n=$((n+1)); done`], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => swapper.on('exit', () => resolve()));
  let written = 0;
  let refused = 0;
  for (let i = 0; i < 3000; i++) {
    try {
      anchor.dir('d', { mode: 0o755 }).close();
      anchor.writeFile(`d/f${i}.txt`, `write ${i}\n`, 0o644);
      written++;
    } catch {
      refused++;
    }
    // Let the swapper run between rounds without waiting on a timer.
    if (i % 100 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  swapper.kill('SIGKILL');
  await exited;
  assert.equal(hostState(), before, `the host folder is untouched (${written} written, ${refused} refused)`);
  assert.equal(written + refused, 3000);
});

test('layout leaves: makeDir gives exact modes (umask and sticky bit included), refuses a link at the name and leaves its target alone', () => {
  const { anchor, root, host } = setup();
  const hostMode = fs.statSync(host).mode & 0o7777;
  for (const [name, mode] of [['open', 0o777], ['sticky', 0o1777], ['mine', 0o700], ['plain', 0o755]] as const) {
    anchor.makeDir(name, mode);
    assert.equal(fs.lstatSync(path.join(root, name)).mode & 0o7777, mode, name);
  }
  // One that was there (too private, or too open) gets the mode asked for.
  fs.mkdirSync(path.join(root, 'was'), { mode: 0o700 });
  anchor.makeDir('was', 0o777);
  assert.equal(fs.statSync(path.join(root, 'was')).mode & 0o7777, 0o777);
  fs.chmodSync(path.join(root, 'was'), 0o777);
  anchor.makeDir('was', 0o755);
  assert.equal(fs.statSync(path.join(root, 'was')).mode & 0o7777, 0o755);
  // The attack: the name is a link to a host folder; making the leaf must not change the folder's mode.
  fs.symlinkSync(host, path.join(root, 'linked'));
  for (const mode of [0o777, 0o755, 0o1777]) assert.throws(() => anchor.makeDir('linked', mode), /symbolic link/);
  assert.equal(fs.statSync(host).mode & 0o7777, hostMode, 'the host folder keeps its mode');
  assert.ok(fs.lstatSync(path.join(root, 'linked')).isSymbolicLink());
});

test('an unnamed file holds the data from its start, private, and never appears in its folder', () => {
  const { anchor, root } = setup();
  const data = Buffer.from('SECRET=s3cr3t\0PATH=/bin\0');
  const fd = anchor.unnamedFile(data);
  assert.ok(fd !== undefined, 'the test folder supports unnamed files');
  try {
    assert.deepEqual(fs.readdirSync(root), [], 'no name for anyone to open');
    const stat = fs.fstatSync(fd);
    assert.equal(stat.mode & 0o7777, 0o600);
    assert.equal(stat.nlink, 0);
    // Read from the descriptor's own offset (null position), as the launcher does.
    const back = Buffer.alloc(data.length + 16);
    assert.equal(fs.readSync(fd, back, 0, back.length, null), data.length);
    assert.deepEqual(back.subarray(0, data.length), data);
  } finally {
    fs.closeSync(fd);
  }
});

/**
 * Starts a process that races the runner and returns once it has begun (it prints a line first): the loop that
 * follows would otherwise be over before the racer's interpreter is up, and the test would prove nothing.
 */
async function racing(command: string, args: string[]): Promise<{ stop(): Promise<void> }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await Promise.race([
    new Promise<void>((resolve) => child.stdout!.once('data', () => resolve())),
    exited.then(() => assert.fail(`${command} ended before it began racing`)),
  ]);
  return {
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

test('a new layout leaf turned into a link to a host folder between its mkdir and its mode change is refused, the folder untouched', async () => {
  const { anchor, root, host } = setup();
  const hostMode = fs.statSync(host).mode & 0o7777;
  const d = path.join(root, 'leaf');
  // A tight racer (no shell in between): whenever the leaf is a fresh directory, it becomes a link to the host.
  const racer = await racing(process.execPath, ['-e', `const fs = require('fs'); process.stdout.write('racing\\n'); const end = Date.now() + 20000; while (Date.now() < end) { try { fs.rmdirSync(${JSON.stringify(d)}); fs.symlinkSync(${JSON.stringify(host)}, ${JSON.stringify(d)}); } catch {} }`]);
  let refused = 0;
  for (let i = 0; i < 2000; i++) {
    try {
      anchor.makeDir('leaf', 0o777);
    } catch {
      refused++;
    }
    try {
      anchor.remove('leaf');
    } catch {
      // raced: what counts is the host folder
    }
    if (i % 200 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await racer.stop();
  assert.ok(refused > 0, 'the racer put a link at the leaf while the runner was making it');
  assert.equal(fs.statSync(host).mode & 0o7777, hostMode, `the host folder keeps its mode (${refused} refused)`);
});

test('removal racing a process that swaps a directory for a link to a host folder never deletes or changes anything there', async () => {
  const { anchor, root, host, hostState } = setup();
  const before = hostState();
  const hostMode = fs.statSync(host).mode & 0o7777;
  const d = path.join(root, 'd');
  const swapper = await racing('/bin/sh', ['-c', `echo racing; n=0; while [ $n -lt 100000 ]; do rm -rf ${d}; mkdir -p ${d}/sub; chmod 555 ${d}; chmod 755 ${d}; rm -rf ${d}; ln -s ${host} ${d}; n=$((n+1)); done`]);
  for (let i = 0; i < 3000; i++) {
    try {
      if (i % 2) anchor.makeDir('d', 0o777);
      else await anchor.removeTree('d');
    } catch {
      // refused or raced: what counts is the host folder
    }
    if (i % 100 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await swapper.stop();
  assert.equal(hostState(), before, 'the host folder keeps its files');
  assert.equal(fs.statSync(host).mode & 0o7777, hostMode, 'and its mode');
});
