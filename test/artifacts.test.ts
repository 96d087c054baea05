// Artifacts served by a local HTTP server on 127.0.0.1: checksums good and bad, every archive type, mode
// file and dir, archive = false, local paths, and a run whose command arrives as an artifact.
// Archives are made with the system tools; on a fresh Debian machine run as root the missing ones are
// installed first (unzip, zip, bzip2, xz-utils).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { fetchArtifact } from '../launcher/src/artifacts/fetch';
import { Dir } from '../launcher/src/safeFs';
import { findTool } from '../launcher/src/artifacts/unpack';
import { archiveTypeOf, parseChecksum, parseSource } from '../launcher/src/artifacts/source';
import { startRun } from '../launcher/src/api';
import type { ArtifactPlan } from '../launcher/src/types';
import { planOf, skipWithoutLauncher } from './helpers/jobRun';

const TOOLS: Record<string, string> = { tar: 'tar', unzip: 'unzip', zip: 'zip', bzip2: 'bzip2', xz: 'xz-utils' };

function ensureTools(): void {
  const missing = Object.keys(TOOLS).filter((t) => !findTool(t));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing tools ${missing.join(', ')}; install: apt-get install -y ${missing.map((t) => TOOLS[t]).join(' ')}`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing.map((t) => TOOLS[t])], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-artifacts-'));
const served = path.join(work, 'served');
let server: http.Server;
let base = '';
/** Called when a request for /hang arrives (the download has begun and will never finish). */
let onHang: (() => void) | undefined;

before(async () => {
  ensureTools();
  // A small tree to pack: app/run.sh and app/data/readme.txt
  const tree = path.join(work, 'tree');
  fs.mkdirSync(path.join(tree, 'app', 'data'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'app', 'run.sh'), '#!/bin/sh\necho packed\n', { mode: 0o755 });
  fs.writeFileSync(path.join(tree, 'app', 'data', 'readme.txt'), 'read me\n');
  fs.mkdirSync(served);
  const tar = (flag: string, name: string): void => void execFileSync('tar', [flag, path.join(served, name), '-C', tree, 'app']);
  tar('-cf', 'bundle.tar');
  tar('-czf', 'bundle.tar.gz');
  tar('-czf', 'bundle.tgz');
  tar('-cjf', 'bundle.tar.bz2');
  tar('-cJf', 'bundle.tar.xz');
  execFileSync('zip', ['-qr', path.join(served, 'bundle.zip'), 'app'], { cwd: tree });
  fs.writeFileSync(path.join(served, 'notes.txt.gz'), zlib.gzipSync('unzipped notes\n'));
  fs.writeFileSync(path.join(served, 'plain.txt'), 'plain file\n');
  fs.writeFileSync(path.join(served, 'tool.sh'), '#!/bin/sh\necho "tool from artifact: $1"\n', { mode: 0o600 });
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: '/plain.txt' });
      res.end();
      return;
    }
    if (url.pathname === '/hang') {
      res.writeHead(200);
      res.write('partial');
      onHang?.();
      return;
    }
    if (url.pathname === '/needs-header') {
      res.writeHead(req.headers['x-token'] === 'abc' ? 200 : 403);
      res.end('with header\n');
      return;
    }
    const file = path.join(served, path.basename(url.pathname));
    if (!fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200);
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

/** The temp folder held open, as the runner holds the alloc dir; destinations are below it. */
const anchor = Dir.open(work);
const fetchIn = (a: ArtifactPlan): Promise<void> => fetchArtifact(a, anchor);

let n = 0;
function artifact(name: string, extra: Partial<ArtifactPlan> = {}): ArtifactPlan {
  const destination = path.join(work, `dest${++n}`);
  return { source: `${base}/${name}`, kind: 'http', location: `${base}/${name}`, fileName: name, destination, destinationInTask: '/local', mode: 'any', archive: true, headers: {}, ...extra };
}

function sum(algorithm: string, file: string): string {
  return crypto.createHash(algorithm).update(fs.readFileSync(path.join(served, file))).digest('hex');
}

for (const [file, type] of [['bundle.tar', 'tar'], ['bundle.tar.gz', 'tar.gz'], ['bundle.tgz', 'tar.gz'], ['bundle.tar.bz2', 'tar.bz2'], ['bundle.tar.xz', 'tar.xz'], ['bundle.zip', 'zip']] as const) {
  test(`unpacks ${file}`, async () => {
    const a = artifact(file, { archiveType: type });
    await fetchIn(a);
    assert.equal(fs.readFileSync(path.join(a.destination, 'app', 'data', 'readme.txt'), 'utf8'), 'read me\n');
    assert.equal(fs.statSync(path.join(a.destination, 'app', 'run.sh')).mode & 0o111, 0o111);
  });
}

test('a .gz file is decompressed next to where it would land', async () => {
  const a = artifact('notes.txt.gz', { archiveType: 'gz' });
  await fetchIn(a);
  assert.equal(fs.readFileSync(path.join(a.destination, 'notes.txt'), 'utf8'), 'unzipped notes\n');
});

test('archive = false keeps the archive as downloaded', async () => {
  const a = artifact('bundle.tar.gz', { archive: false });
  await fetchIn(a);
  assert.deepEqual(fs.readdirSync(a.destination), ['bundle.tar.gz']);
});

test('checksums: md5, sha1, sha256, sha512 accepted when right, refused when wrong', async () => {
  for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512'] as const) {
    const good = artifact('plain.txt', { checksum: { algorithm, hex: sum(algorithm, 'plain.txt') } });
    await fetchIn(good);
    assert.equal(fs.readFileSync(path.join(good.destination, 'plain.txt'), 'utf8'), 'plain file\n');
  }
  const bad = artifact('bundle.tar.gz', { archiveType: 'tar.gz', checksum: { algorithm: 'sha256', hex: '0'.repeat(64) } });
  await assert.rejects(fetchIn(bad), /sha256 checksum mismatch: expected 0{64}, got [0-9a-f]{64}/);
  assert.ok(!fs.existsSync(path.join(bad.destination, 'app')), 'nothing unpacked after a bad checksum');
});

test('mode file writes the destination file itself; mode dir needs an archive or a directory', async () => {
  const asFile = artifact('plain.txt', { mode: 'file' });
  asFile.destination = path.join(work, 'as-file', 'renamed.txt');
  await fetchIn(asFile);
  assert.equal(fs.readFileSync(asFile.destination, 'utf8'), 'plain file\n');
  const asDir = artifact('bundle.zip', { mode: 'dir', archiveType: 'zip' });
  await fetchIn(asDir);
  assert.ok(fs.statSync(path.join(asDir.destination, 'app')).isDirectory());
  await assert.rejects(fetchIn(artifact('plain.txt', { mode: 'dir' })), /mode is "dir"/);
  await assert.rejects(fetchIn(artifact('bundle.tar', { mode: 'file', archiveType: 'tar' })), /mode is "file"/);
});

test('redirects are followed, headers are sent, HTTP errors name the URL', async () => {
  const redirected = artifact('redirect');
  await fetchIn(redirected);
  assert.equal(fs.readFileSync(path.join(redirected.destination, 'redirect'), 'utf8'), 'plain file\n');
  const withHeader = artifact('needs-header', { headers: { 'X-Token': 'abc' } });
  await fetchIn(withHeader);
  await assert.rejects(fetchIn(artifact('needs-header')), /HTTP 403/);
  await assert.rejects(fetchIn(artifact('missing.bin')), /missing\.bin answered HTTP 404/);
});

test('local paths: a file is copied, a directory copied whole', async () => {
  const file = artifact('x', { kind: 'file', location: path.join(served, 'plain.txt'), fileName: 'plain.txt' });
  await fetchIn(file);
  assert.equal(fs.readFileSync(path.join(file.destination, 'plain.txt'), 'utf8'), 'plain file\n');
  const directory = artifact('x', { kind: 'file', location: path.join(work, 'tree'), fileName: 'tree' });
  await fetchIn(directory);
  assert.ok(fs.existsSync(path.join(directory.destination, 'app', 'run.sh')));
  await assert.rejects(fetchIn(artifact('x', { kind: 'file', location: path.join(work, 'nope'), fileName: 'nope' })), /does not exist/);
});

const skip = skipWithoutLauncher();

test('a run fetches artifacts into local/, unpacks them, and runs a command they provide', skip, async () => {
  const jobFile = path.join(work, 'job.nomad.hcl');
  fs.writeFileSync(
    jobFile,
    `job "a" {
  group "g" {
    task "t" {
      driver = "exec"
      artifact {
        source = "${base}/tool.sh"
        options { checksum = "sha256:${sum('sha256', 'tool.sh')}" }
      }
      artifact {
        source = "${base}/bundle.tar.xz"
        destination = "local/bundle"
      }
      artifact {
        source = "${base}/plain.txt"
        destination = "\${NOMAD_ALLOC_DIR}/data/"
      }
      config {
        command = "local/tool.sh"
        args = ["\${NOMAD_TASK_NAME}"]
      }
    }
  }
}`,
  );
  const plan = await planOf(jobFile);
  let out = '';
  const result = await startRun(plan, { output: (_t, _s, chunk) => (out += chunk.toString()) }).exited;
  assert.equal(result.exitCode, 0, JSON.stringify(result));
  assert.equal(out, 'tool from artifact: t\n');
  const taskDir = plan.tasks[0].taskDir;
  assert.equal(fs.statSync(path.join(taskDir, 'local', 'tool.sh')).mode & 0o777, 0o755, 'made executable as Nomad does');
  assert.ok(fs.existsSync(path.join(taskDir, 'local', 'bundle', 'app', 'run.sh')));
  assert.equal(fs.readFileSync(path.join(plan.sharedDir, 'data', 'plain.txt'), 'utf8'), 'plain file\n');

  const badFile = path.join(work, 'bad.nomad.hcl');
  fs.writeFileSync(badFile, fs.readFileSync(jobFile, 'utf8').replace(/sha256:[0-9a-f]+/, `sha256:${'1'.repeat(64)}`));
  const badPlan = await planOf(badFile);
  const bad = await startRun(badPlan).exited;
  assert.notEqual(bad.exitCode, 0);
  assert.equal(bad.failure?.step, 'artifact');
  assert.match(bad.failure?.message ?? '', /tool\.sh.*checksum mismatch/);
});

test('sources are read as go-getter reads them: query options, archive types, getters', () => {
  const http = parseSource('https://example.com/dl/app_1.2.tar.gz?checksum=sha256:abc&archive=false&token=x', '/jobs');
  assert.equal(http.kind, 'http');
  assert.equal(http.location, 'https://example.com/dl/app_1.2.tar.gz?token=x');
  assert.equal(http.checksum, 'sha256:abc');
  assert.equal(http.archiveDisabled, true);
  assert.equal(http.baseName, 'app_1.2.tar.gz');
  const local = parseSource('bin/tool', '/jobs');
  assert.deepEqual([local.kind, local.location], ['file', '/jobs/bin/tool']);
  assert.equal(parseSource('file:///opt/x.zip', '/jobs').location, '/opt/x.zip');
  assert.equal(parseSource('https://bucket.s3.amazonaws.com/k.bin', '/jobs').kind, 'http');
  assert.throws(() => parseSource('bucket.s3.amazonaws.com/k.bin', '/jobs'), /"s3" getter/);
  assert.throws(() => parseSource('ftp://example.com/x', '/jobs'), /scheme "ftp"/);
  for (const [name, type] of [['a.tgz', 'tar.gz'], ['a.tar.bz2', 'tar.bz2'], ['a.txz', 'tar.xz'], ['a.zip', 'zip'], ['a.gz', 'gz'], ['a.bz2', 'bz2'], ['a.xz', 'xz'], ['a.tar', 'tar'], ['a.bin', undefined]]) {
    assert.equal(archiveTypeOf(name as string), type, name);
  }
  assert.equal(archiveTypeOf('download', 'zip'), 'zip');
  assert.deepEqual(parseChecksum('md5:' + 'A'.repeat(32)), { algorithm: 'md5', hex: 'a'.repeat(32) });
  assert.throws(() => parseChecksum('sha256:abc'), /64 hex digits/);
  assert.throws(() => parseChecksum('crc32:abc'), /md5\|sha1\|sha256\|sha512/);
});

test('stopping a run aborts an artifact download in progress', skip, async () => {
  const jobFile = path.join(work, 'hang.nomad.hcl');
  fs.writeFileSync(jobFile, `job "h" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      artifact { source = "${base}/hang" }\n      config { command = "/bin/true" }\n    }\n  }\n}\n`);
  const plan = await planOf(jobFile);
  const handle = startRun(plan);
  onHang = () => void handle.stop();
  const result = await handle.exited;
  onHang = undefined;
  assert.equal(result.stopped, true);
  assert.equal(result.failure?.step, 'artifact');
  assert.match(result.failure?.message ?? '', /the run was stopped/);
});
