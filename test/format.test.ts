// Formatting: layout rules through textDocument/formatting, idempotence and meaning preservation on every
// corpus file, and `nomad-exec fmt [--check]`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TextEdit } from 'vscode-languageserver-types';
import { buildModel } from '../server/src/model/build';
import { sharedParser } from '../server/src/parser/parser';
import { formatText } from '../server/src/features/format';
import type { LspClient } from './helpers/lspClient';
import { REPO_ROOT } from './helpers/lspClient';
import { applyEdits, openDoc } from './helpers/featureClient';
import { serverPerFile } from './helpers/serverPerFile';
import { CORPUS_DIR } from './helpers/corpus';
import { hclwrite } from './helpers/hclOracle';

const CORPUS = CORPUS_DIR;

let client: LspClient;
serverPerFile((started) => {
  client = started;
});

async function format(text: string): Promise<{ edits: TextEdit[]; result: string }> {
  const { uri } = await openDoc(client, text, 'fmt');
  const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  client.close(uri);
  return { edits, result: applyEdits(text, edits) };
}

/** Formats the document made of `lines` and returns the formatted text, after checking it is hclwrite's. */
async function formatLines(lines: string[]): Promise<string> {
  const text = lines.join('\n');
  const { result } = await format(text);
  assert.equal(result, await hclwrite(text), 'the same as nomad fmt (hclwrite.Format)');
  return result;
}

/** The job model with every source position removed: what the file means, not where it says it. */
async function meaning(text: string): Promise<unknown> {
  const parser = await sharedParser();
  const tree = parser.parse(text);
  try {
    return strip(buildModel(tree, text).file.body);
  } finally {
    tree.delete();
  }
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'range' || key.endsWith('Range') || key === 'openBrace' || key === 'closeBrace') continue;
      out[key] = strip(inner);
    }
    return out;
  }
  return value;
}

test('indents by two spaces per block and aligns = within runs of single-line attributes', async () => {
  assert.equal(
    await formatLines([
      'job "web" {',
      '    datacenters = ["dc1"]',
      'type="service"',
      '        group "g" {',
      '  count = 1',
      '',
      '  task "t" {',
      '     driver   =   "exec"',
      '     kill_timeout = "10s"',
      '     config {',
      '       command = "/bin/sh"',
      '       args = [ "-c","echo hi" ]',
      '     }',
      '  }',
      '  }',
      '}',
      '',
    ]),
    [
      'job "web" {',
      '  datacenters = ["dc1"]',
      '  type        = "service"',
      '  group "g" {',
      '    count = 1',
      '',
      '    task "t" {',
      '      driver       = "exec"',
      '      kill_timeout = "10s"',
      '      config {',
      '        command = "/bin/sh"',
      '        args    = ["-c", "echo hi"]',
      '      }',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
});

test('canonical spacing inside expressions (hclwrite keeps a space before `:` in objects)', async () => {
  assert.equal(
    await formatLines([
      'locals {',
      '  a = - 1',
      '  b = 1-2',
      '  c = !true',
      '  d = var.x [0] . y',
      '  e = {a: 1,"b"=2}',
      '  f = [ for k , v in local.m : v if v != null ]',
      '  g = local.c?1:2',
      '  h = concat( a , b ... )',
      '  i = {}',
      '  j = x.0',
      '  k = x[*].y',
      '}',
      '',
    ]),
    [
      'locals {',
      '  a = -1',
      '  b = 1 - 2',
      '  c = !true',
      '  d = var.x[0].y',
      '  e = { a : 1, "b" = 2 }',
      '  f = [for k, v in local.m : v if v != null]',
      '  g = local.c ? 1 : 2',
      '  h = concat(a, b...)',
      '  i = {}',
      '  j = x.0',
      '  k = x[*].y',
      '}',
      '',
    ].join('\n'),
  );
});

test('heredoc bodies, strings and comments are kept as written; trailing comments align', async () => {
  const result = await formatLines([
    '# leading comment',
    'job "x" {',
    '      type = "batch"   # short',
    '  priority=50 // prio',
    '  group "g" {',
    '    task "t" {',
    '      template {',
    '        data = <<-EOF',
    '   keep   this   ${NOMAD_TASK_DIR}  ',
    '      and this',
    '   EOF',
    '        destination="local/x"',
    '      }',
    '      env {',
    '        X = "  spaced   ${ NOMAD_TASK_DIR }  "',
    '      }',
    '    }',
    '  }',
    '}',
  ]);
  const lines = result.split('\n');
  assert.equal(lines[0], '# leading comment');
  assert.equal(lines[2], '  type     = "batch" # short');
  assert.equal(lines[3], '  priority = 50      // prio');
  assert.equal(lines[8], '   keep   this   ${NOMAD_TASK_DIR}  ');
  assert.equal(lines[9], '      and this');
  assert.equal(lines[10], '   EOF');
  assert.equal(lines[11], '        destination = "local/x"');
  assert.equal(lines[14], '        X = "  spaced   ${NOMAD_TASK_DIR}  "', 'literal text kept, the interpolation made canonical');
});

test('inside ${ } and %{ } of strings: canonical spacing as hclwrite writes it; literal text as written', async () => {
  const input = 'locals {\n  a = "x ${ var.a [0] } y ${~ b ~} %{ if c } z %{ endif } ${f( 1,2 )} ${ "in ${ n }" }"\n  b = "${ {a = 1} }"\n}\n';
  const { result } = await format(input);
  assert.equal(result, 'locals {\n  a = "x ${var.a[0]} y ${~b~} %{if c} z %{endif} ${f(1, 2)} ${"in ${n}"}"\n  b = "${ { a = 1 } }"\n}\n');
  assert.equal(result, await hclwrite(input));
});

test('CRLF line ends stay CRLF, and formatting twice changes nothing', async () => {
  const input = 'job "x" {\r\n  type="batch" # t\r\n    group "g" {\r\n  }\r\n}\r\n';
  const { result } = await format(input);
  assert.equal(result, 'job "x" {\r\n  type = "batch" # t\r\n  group "g" {\r\n  }\r\n}\r\n');
  const again = await format(result);
  assert.deepEqual(again.edits, []);
});

test('a file with syntax errors gets no edits', async () => {
  const input = 'job "x" {\n      type = "batch"\n  group "g" {\n    task "t" {\n      config {\n        cap_add = ["\n';
  const { edits } = await format(input);
  assert.deepEqual(edits, []);
});

test('edits touch only the lines that change', async () => {
  const input = 'job "x" {\n  type = "batch"\n    priority = 50\n}\n';
  const { edits, result } = await format(input);
  assert.equal(edits.length, 2);
  assert.ok(edits.every((e) => e.range.start.line === e.range.end.line));
  assert.equal(result, 'job "x" {\n  type     = "batch"\n  priority = 50\n}\n');
});

const corpusFiles = ['exec', 'other'].flatMap((dir) =>
  fs.readdirSync(path.join(CORPUS, dir)).sort().map((name) => path.join(CORPUS, dir, name)),
);

test('every corpus file: formatting is idempotent and keeps the job model', async () => {
  assert.ok(corpusFiles.length > 50, 'the corpus is there');
  const parser = await sharedParser();
  for (const file of corpusFiles) {
    const original = fs.readFileSync(file, 'utf8');
    const { result } = await format(original);
    const tree = parser.parse(original);
    const direct = formatText(original, tree);
    tree.delete();
    assert.equal(result, direct, `${path.basename(file)}: the server's edits give the formatted text`);
    const twice = await format(result);
    assert.deepEqual(twice.edits, [], `${path.basename(file)}: formatting twice equals formatting once`);
    assert.deepEqual(await meaning(result), await meaning(original), `${path.basename(file)}: same job model`);
  }
});

function fmtCli(args: string[], input?: string) {
  return spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'nomad-exec'), 'fmt', ...args], { encoding: 'utf8', input });
}

test('nomad-exec fmt --check reports, fmt rewrites, syntax errors are left alone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-fmt-'));
  try {
    const messy = path.join(dir, 'messy.nomad.hcl');
    const clean = path.join(dir, 'clean.nomad.hcl');
    const broken = path.join(dir, 'broken.nomad.hcl');
    fs.writeFileSync(messy, 'job "x" {\ntype="batch"\n}\n');
    fs.writeFileSync(clean, 'job "x" {\n  type = "batch"\n}\n');
    fs.writeFileSync(broken, 'job "x" {\n  type = \n');

    let run = fmtCli(['--check', clean]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');

    run = fmtCli(['--check', messy]);
    assert.equal(run.status, 1);
    assert.equal(run.stdout.trim(), messy);
    assert.equal(fs.readFileSync(messy, 'utf8'), 'job "x" {\ntype="batch"\n}\n', '--check never writes');

    run = fmtCli([dir]);
    assert.equal(run.status, 2, 'the broken file makes the run fail');
    assert.match(run.stderr, /broken\.nomad\.hcl has syntax errors/);
    assert.equal(fs.readFileSync(messy, 'utf8'), 'job "x" {\n  type = "batch"\n}\n');
    assert.equal(fs.readFileSync(broken, 'utf8'), 'job "x" {\n  type = \n', 'a broken file is never rewritten');

    run = fmtCli(['--check', messy, clean]);
    assert.equal(run.status, 0);

    run = fmtCli(['-'], 'job "y" {\npriority=1\n}\n');
    assert.equal(run.status, 0);
    assert.equal(run.stdout, 'job "y" {\n  priority = 1\n}\n');

    run = fmtCli([]);
    assert.equal(run.status, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
