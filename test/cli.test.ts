// `nomad-exec check`: output formats, exit status, folder recursion, unreadable input.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './helpers/lspClient';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'nomad-exec'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BROKEN = 'job "x" {\n  type = "batch"\n';
const HELLO = path.join(REPO_ROOT, 'examples', 'hello.nomad.hcl');

function tempDir(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-cli-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

test('the example job checks clean (exit 0)', () => {
  const r = run(['check', HELLO]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /: error: /);
});

test('text format: path:line:col: severity: message [code], 1-based; exit 1 on errors', () => {
  const dir = tempDir({ 'broken.nomad.hcl': BROKEN });
  try {
    const r = run(['check', path.join(dir, 'broken.nomad.hcl')]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`^${path.join(dir, 'broken.nomad.hcl').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:1: error: Missing \`}\` to close the \`job "x"\` block opened on line 1\\. \\[syntax-error\\]$`, 'm'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('json format: [{file, diagnostics}] with LSP (0-based) diagnostics', () => {
  const dir = tempDir({ 'broken.nomad.hcl': BROKEN });
  try {
    const r = run(['check', '--format', 'json', path.join(dir, 'broken.nomad.hcl'), HELLO]);
    assert.equal(r.status, 1);
    const results = JSON.parse(r.stdout) as { file: string; diagnostics: { range: { start: { line: number } }; code: string; source: string }[] }[];
    assert.equal(results.length, 2);
    assert.equal(results[0].diagnostics[0].range.start.line, 0);
    assert.equal(results[0].diagnostics[0].code, 'syntax-error');
    assert.equal(results[0].diagnostics[0].source, 'nomad-exec');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('folders: *.nomad.hcl, *.nomad, and *.hcl files with a job block', () => {
  const dir = tempDir({
    'a.nomad.hcl': BROKEN,
    'sub/b.nomad': BROKEN,
    'sub/c.hcl': BROKEN,
    'agent.hcl': 'client {\n  enabled = true\n}\n',
    'notes.txt': BROKEN,
    'node_modules/x.nomad': BROKEN,
  });
  try {
    const r = run(['check', '--format', 'json', dir]);
    const files = (JSON.parse(r.stdout) as { file: string }[]).map((f) => path.relative(dir, f.file)).sort();
    assert.deepEqual(files, ['a.nomad.hcl', path.join('sub', 'b.nomad'), path.join('sub', 'c.hcl')]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('usage and I/O errors exit 2', () => {
  assert.equal(run(['check']).status, 2);
  assert.equal(run(['check', '--format', 'yaml', HELLO]).status, 2);
  assert.equal(run(['check', '--bogus', HELLO]).status, 2);
  assert.equal(run(['frobnicate']).status, 2);
  const missing = run(['check', '/nonexistent/job.nomad.hcl']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no such file or directory/);
});

test('invalid UTF-8 is read with replacement characters and reported', () => {
  const dir = tempDir({ 'bad.nomad.hcl': Buffer.concat([Buffer.from('job "x" {\n  meta {\n    a = "'), Buffer.from([0xff, 0xc3]), Buffer.from('"\n  }\n}\n')]) });
  try {
    const r = run(['check', path.join(dir, 'bad.nomad.hcl')]);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.match(r.stderr, /not valid UTF-8; invalid bytes were read as U\+FFFD/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--allow-caps changes what the capability check accepts', () => {
  const job = fs.readFileSync(HELLO, 'utf8').replace('args    = ["hello from ${NOMAD_TASK_NAME}"]', 'cap_add = ["net_raw"]');
  const dir = tempDir({ 'caps.nomad.hcl': job });
  try {
    const file = path.join(dir, 'caps.nomad.hcl');
    assert.match(run(['check', file]).stdout, /\[capability-not-allowed\]/);
    assert.doesNotMatch(run(['check', '--allow-caps', 'net_raw,chown', file]).stdout, /\[capability-not-allowed\]/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
