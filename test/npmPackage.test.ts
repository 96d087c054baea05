// The CLI as an npm package: `npm run package` (here `--only npm`) packs artifacts/nomad-exec-V.tgz, which
// installs with `npm install -g` into an empty prefix with the network off and an empty cache (so no
// dependency can be fetched), and then checks, formats and runs a job from there with its own launcher.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers/lspClient';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-npm-'));
const prefix = path.join(scratch, 'prefix');
const work = path.join(scratch, 'work');
let tarball = '';

function installed(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const clean = { ...process.env, ...env };
  delete clean.NOMAD_EXEC_LAUNCHER; // the package must find its own launcher
  return spawnSync(path.join(prefix, 'bin', 'nomad-exec'), args, { cwd: work, encoding: 'utf8', env: clean, timeout: 60_000 });
}

test.before(() => {
  const packed = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'package.mjs'), '--only', 'npm'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stdout + packed.stderr);
  tarball = /^artifact: (\S+\.tgz)/m.exec(packed.stdout)?.[1] ?? '';
  assert.ok(tarball, packed.stdout);
  tarball = path.join(REPO_ROOT, tarball);
  fs.mkdirSync(prefix);
  fs.mkdirSync(work);
  const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--offline', '--cache', path.join(scratch, 'cache'), '--no-audit', '--no-fund', tarball], { cwd: scratch, encoding: 'utf8' });
  assert.equal(install.status, 0, install.stdout + install.stderr);
});

test.after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test('the tarball holds the bundled CLI, both wasm files and prebuilt launchers for linux-x64 and linux-arm64, and no dependencies', () => {
  const root = path.join(prefix, 'lib', 'node_modules', 'nomad-exec');
  for (const file of ['LICENSE', 'bin/nomad-exec.js', 'dist/cli.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-hcl.wasm', 'launcher/linux-x64/nomad-exec-launcher', 'launcher/linux-arm64/nomad-exec-launcher']) {
    assert.ok(fs.existsSync(path.join(root, file)), `${file} is installed`);
  }
  const machine = (file: string): number => fs.readFileSync(path.join(root, file)).readUInt16LE(18);
  assert.equal(machine('launcher/linux-x64/nomad-exec-launcher'), 62, 'x86-64 ELF');
  assert.equal(machine('launcher/linux-arm64/nomad-exec-launcher'), 183, 'aarch64 ELF');
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest.private, undefined);
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.contributes, undefined, 'the extension manifest stays out of the npm package');
  assert.ok(!fs.existsSync(path.join(root, 'node_modules')));
});

test('nomad-exec --version prints the package version', () => {
  const r = installed(['--version']);
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `nomad-exec ${version}\n`);
});

test('installed: check, fmt --check and run work from the prefix', () => {
  fs.copyFileSync(path.join(REPO_ROOT, 'examples', 'hello.nomad.hcl'), path.join(work, 'hello.nomad.hcl'));
  fs.writeFileSync(path.join(work, 'broken.nomad.hcl'), 'job "x" {\n  type = "batch"\n');
  fs.writeFileSync(path.join(work, 'ugly.nomad.hcl'), 'job "x" {\ntype="batch"\n}\n');

  const clean = installed(['check', 'hello.nomad.hcl']);
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  const broken = installed(['check', '--format', 'github', 'broken.nomad.hcl']);
  assert.equal(broken.status, 1);
  assert.match(broken.stdout, /^::error file=broken\.nomad\.hcl,line=1,col=1/m);

  assert.equal(installed(['fmt', '--check', 'hello.nomad.hcl']).status, 0);
  const ugly = installed(['fmt', '--check', 'ugly.nomad.hcl']);
  assert.equal(ugly.status, 1, ugly.stdout + ugly.stderr);

  const ran = installed(['run', 'hello.nomad.hcl']);
  assert.equal(ran.status, 0, ran.stdout + ran.stderr);
  assert.match(ran.stdout, /hello from say-hello/);
});

test('installed: the language server answers initialize over stdio', async () => {
  const { spawn } = await import('node:child_process');
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-jsonrpc/node');
  const child = spawn(path.join(prefix, 'bin', 'nomad-exec'), ['lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  try {
    const init = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { serverInfo?: { name: string } };
    assert.equal(init.serverInfo?.name, 'nomad-exec');
    await connection.sendRequest('shutdown');
  } finally {
    connection.dispose();
    child.kill();
  }
});
