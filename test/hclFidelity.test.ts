// Agreement with HashiCorp's own HCL code (the wasm builds on npm, see helpers/hclOracle): `nomad fmt`
// output byte for byte, and the same syntax verdict as hclsyntax.ParseConfig, on the corpus and on seeded
// mutants of it. HCL_MUTANTS=N runs N mutants of each kind (`npm run fuzz` runs 5,000).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TextEdit } from 'vscode-languageserver-types';
import { corpusFiles } from './helpers/corpus';
import { analyseText } from './helpers/analyse';
import { hclErrorLine, hclParseError, hclwrite } from './helpers/hclOracle';
import { LAYOUT_MUTATIONS, SYNTAX_MUTATIONS, mutants } from './helpers/hclMutants';
import { applyEdits, openDoc } from './helpers/featureClient';
import { REPO_ROOT, type LspClient } from './helpers/lspClient';
import { serverPerFile } from './helpers/serverPerFile';
import { canonicalLayout, formatText } from '../server/src/features/format';
import { hclSyntaxIssues } from '../server/src/parser/hclVerdict';
import { DocumentAnalysis } from '../server/src/analysis';
import { sharedParser } from '../server/src/parser/parser';
import { resolveSettings } from '../server/src/settings';

const MUTANTS = Number(process.env.HCL_MUTANTS ?? 2000);
const SEED = Number(process.env.HCL_SEED ?? 20261206);

const valid = [...corpusFiles('exec'), ...corpusFiles('other')];
const invalid = corpusFiles('invalid').filter((f) => !f.endsWith('.tsv'));
const read = (file: string) => fs.readFileSync(file, 'utf8');

/**
 * The hclwrite in `@cdktn/hcl-tools` predates the `::` of namespaced function calls (`provider::fn()`),
 * which Nomad's hclwrite writes without spaces, as we do; texts holding `::` are not compared with it.
 */
const comparableLayout = (text: string) => !text.includes('::');

test('every valid corpus file formats byte-identically to hclwrite, and HCL accepts it', async () => {
  assert.ok(valid.length >= 100, `the corpus is there (${valid.length} files)`);
  let inLayout = 0;
  for (const file of valid) {
    const text = read(file);
    const name = path.basename(file);
    const expected = await hclwrite(text);
    assert.equal(formatText(text), expected, name);
    if (expected === text) inLayout++;
  }
  // Files already in nomad fmt's layout are left exactly as they are (the rule above, counted).
  assert.ok(inLayout >= 60, `${inLayout} files already in layout`);
});

test('syntax verdicts on the corpus equal hclsyntax.ParseConfig', async () => {
  for (const file of [...valid, ...invalid]) {
    const text = read(file);
    const hcl = await hclParseError(text);
    const ours = hclSyntaxIssues(text) ?? [];
    assert.equal(ours.length > 0, hcl !== undefined, `${path.basename(file)}: HCL says ${hcl ?? 'valid'}, we say ${ours[0]?.message ?? 'valid'}`);
  }
});

test(`seeded mutants of the corpus: same syntax verdict as HCL, same layout as hclwrite (${MUTANTS} mutants)`, async () => {
  const sources = [...valid, ...invalid].map(read);
  let accepted = 0;
  let compared = 0;
  const misses: string[] = [];
  const falseAlarms: string[] = [];
  for (const { name, text } of mutants(sources, MUTANTS, SEED, SYNTAX_MUTATIONS)) {
    const hcl = await hclParseError(text);
    const ours = hclSyntaxIssues(text) ?? [];
    if (hcl && ours.length === 0) misses.push(`${name}: HCL says ${hcl}`);
    if (!hcl && ours.length > 0) falseAlarms.push(`${name}: we say ${ours[0].message}`);
    if (hcl) continue;
    accepted++;
    if (!comparableLayout(text)) continue;
    assert.equal(canonicalLayout(text), await hclwrite(text), `${name}: layout`);
    compared++;
  }
  assert.deepEqual({ misses, falseAlarms }, { misses: [], falseAlarms: [] });
  assert.ok(accepted > MUTANTS / 20, `enough mutants are valid HCL to compare layouts (${accepted})`);
  assert.ok(compared > MUTANTS / 20, `enough layouts were compared with hclwrite (${compared} of ${accepted} valid)`);
});

test(`layout variations of the corpus format as hclwrite formats them (${Math.round(MUTANTS / 2)} variations)`, async () => {
  const sources = valid.map(read);
  let compared = 0;
  for (const { name, text } of mutants(sources, Math.round(MUTANTS / 2), SEED + 1, LAYOUT_MUTATIONS)) {
    const hcl = await hclParseError(text);
    assert.equal((hclSyntaxIssues(text) ?? []).length > 0, hcl !== undefined, `${name}: verdict (HCL: ${hcl ?? 'valid'})`);
    if (hcl || !comparableLayout(text)) continue;
    const expected = await hclwrite(text);
    assert.equal(formatText(text), expected, `${name}: layout`);
    compared++;
  }
  assert.ok(compared > MUTANTS / 4, `enough variations were compared with hclwrite (${compared})`);
});

/**
 * Each place where tree-sitter-hcl is more lenient than HCL (or was stricter): the mistake, its valid twin,
 * and the diagnostic code the mistake gets. The oracle confirms both verdicts.
 */
const GAPS: { what: string; bad: string; good: string; code?: 'duplicate' }[] = [
  { what: 'an attribute set twice in a driver config without a schema', bad: 'job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config {\n        image = "a"\n        image = "b"\n      }\n    }\n  }\n}\n', good: 'job "j" {\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config {\n        image = "a"\n        ports = ["b"]\n      }\n    }\n  }\n}\n', code: 'duplicate' },
  { what: 'an attribute set twice in labels', bad: 'job "j" {\n  meta {\n    a = "1"\n  }\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config {\n        labels {\n          x = "1"\n          x = "2"\n        }\n      }\n    }\n  }\n}\n', good: 'job "j" {\n  meta {\n    a = "1"\n  }\n  group "g" {\n    task "t" {\n      driver = "docker"\n      config {\n        labels {\n          x = "1"\n          y = "2"\n        }\n      }\n    }\n  }\n}\n', code: 'duplicate' },
  { what: 'a line break between a name and its =', bad: 'job "j" {\n  datacenters\n  = ["dc1"]\n}\n', good: 'job "j" {\n  datacenters = ["dc1"]\n}\n' },
  { what: 'a line break between a block name and its {', bad: 'job "j" {\n  group "g"\n  {\n  }\n}\n', good: 'job "j" {\n  group "g" {\n  }\n}\n' },
  { what: 'a line break between a block name and its label', bad: 'job "j" {\n  group\n  "g" {\n  }\n}\n', good: 'job "j" {\n  group "g" {\n  }\n}\n' },
  { what: '# straight after a name', bad: 'job "j" {\n  datacenters# dc\n  = ["dc1"]\n}\n', good: 'job "j" {\n  datacenters = ["dc1"] # dc\n}\n' },
  { what: 'text after a heredoc opener', bad: 'job "j" {\n  meta {\n    a = <<EOF trailing\nx\nEOF\n  }\n}\n', good: 'job "j" {\n  meta {\n    a = <<EOF\nx\nEOF\n  }\n}\n' },
  { what: 'object items without a separator', bad: 'job "j" {\n  meta = { a = "1" b = "2" }\n}\n', good: 'job "j" {\n  meta = { a = "1", b = "2" }\n}\n' },
  { what: 'a line break inside a block label', bad: 'job "j" {\n  group "we\nb" {\n  }\n}\n', good: 'job "j" {\n  group "web" {\n  }\n}\n' },
  { what: 'a doubled =', bad: 'job "j" {\n  group "g" {\n    count = = 1\n  }\n}\n', good: 'job "j" {\n  group "g" {\n    count = 1\n  }\n}\n' },
  { what: 'a chained legacy index', bad: 'job "j" {\n  meta {\n    a = local.x.0.1\n  }\n}\n', good: 'job "j" {\n  meta {\n    a = local.x.0\n  }\n}\n' },
  { what: 'an unknown escape in a string', bad: 'job "j" {\n  meta {\n    a = "C:\\path"\n  }\n}\n', good: 'job "j" {\n  meta {\n    a = "C:\\\\path"\n  }\n}\n' },
  { what: 'a bare carriage return between attributes', bad: 'job "j" {\n  meta {\n    a = "1"\r    b = "2"\n  }\n}\n', good: 'job "j" {\n  meta {\n    a = "1" # one\r two\n    b = "2"\n  }\n}\n' },
];

for (const gap of GAPS) {
  test(`HCL gap: ${gap.what} is reported once, at HCL's line; its valid twin is clean`, async () => {
    const hcl = await hclParseError(gap.bad);
    assert.ok(hcl, `HCL refuses it: ${JSON.stringify(gap.bad)}`);
    assert.equal(await hclParseError(gap.good), undefined, 'HCL accepts the twin');
    const code = gap.code ?? 'syntax-error';
    const found = (await analyseText(gap.bad)).diagnostics.filter((d) => d.code === 'syntax-error' || d.code === 'duplicate');
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0].code, code);
    assert.equal(found[0].range.start.line + 1, hclErrorLine(hcl), `${found[0].message} (HCL: ${hcl})`);
    const twin = (await analyseText(gap.good)).diagnostics.filter((d) => d.code === 'syntax-error' || d.code === 'duplicate');
    assert.deepEqual(twin, []);
  });
}

test('integers with an exponent are numbers (1e3), as in HCL', async () => {
  const text = 'job "j" {\n  group "g" {\n    count = 1e1\n  }\n  meta {\n    a = 2E+2\n  }\n}\n';
  assert.equal(await hclParseError(text), undefined);
  assert.deepEqual((await analyseText(text)).diagnostics.filter((d) => d.code === 'syntax-error'), []);
});

test('a doubled = names that spot and does not hide the findings of the other groups', async () => {
  const group = (i: number, count: string) =>
    `  group "g${i}" {\n    count = ${count}\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n        cap_add = ["sys_module"]\n      }\n    }\n  }\n`;
  const job = (broken: number) => `job "j" {\n${Array.from({ length: 6 }, (_, i) => group(i, i === broken ? '= 1' : '1')).join('')}}\n`;
  const clean = await analyseText(job(-1));
  const broken = await analyseText(job(2));
  const syntax = broken.diagnostics.filter((d) => d.code === 'syntax-error');
  assert.equal(syntax.length, 1, JSON.stringify(syntax));
  assert.equal(syntax[0].range.start.line, 2 + 10 * 2, 'on the line of `count = = 1`');
  assert.match(syntax[0].message, /Unexpected `=`.*value/);
  const capabilities = (diagnostics: typeof clean.diagnostics) => diagnostics.filter((d) => d.code === 'capability-not-allowed').map((d) => d.range.start.line);
  assert.equal(capabilities(clean.diagnostics).length, 6);
  assert.deepEqual(capabilities(broken.diagnostics), capabilities(clean.diagnostics), 'every group keeps its finding, the broken one too');
  // The same while editing an open document: type the second `=`, then take it away.
  const doc = new DocumentAnalysis(await sharedParser(), 'file:///fidelity/doubled.nomad.hcl', job(-1), 0);
  try {
    const settings = resolveSettings({});
    const at = { line: 2 + 10 * 2, character: '    count = '.length };
    doc.applyChanges([{ range: { start: at, end: at }, text: '= ' }], 1);
    const typed = doc.analyse(settings).diagnostics;
    assert.deepEqual(typed.filter((d) => d.code === 'syntax-error').map((d) => d.range.start.line), [at.line]);
    assert.deepEqual(capabilities(typed), capabilities(clean.diagnostics));
    doc.applyChanges([{ range: { start: at, end: { line: at.line, character: at.character + 2 } }, text: '' }], 2);
    assert.deepEqual(doc.analyse(settings).diagnostics.filter((d) => d.code === 'syntax-error'), []);
  } finally {
    doc.dispose();
  }
});

test('bare carriage returns: positions follow the LSP rule; HCL refuses one between attributes, once', async () => {
  const text = 'job "j" {\n  # one\rtwo\n  meta {\n    a = "1"\r    b = "2"\n  }\n}\n';
  assert.ok(await hclParseError(text));
  const syntax = (await analyseText(text)).diagnostics.filter((d) => d.code === 'syntax-error');
  assert.equal(syntax.length, 1, JSON.stringify(syntax));
  // Lines as LSP counts them: the `\r` in the comment ends line 1, so `a = "1"` is on line 4 (tree-sitter
  // would say 3) and its `\r` at character 11.
  assert.deepEqual(syntax[0].range.start, { line: 4, character: 11 });
  assert.match(syntax[0].message, /carriage return/);
  // Findings of the checks follow the same rule: `cap_add` is on LSP line 7 here (tree-sitter row 6).
  const exec = 'job "j" {\n  # one\rtwo\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n        cap_add = ["sys_module"]\n      }\n    }\n  }\n}\n';
  const refused = (await analyseText(exec)).diagnostics.filter((d) => d.code === 'capability-not-allowed');
  assert.deepEqual(refused.map((d) => d.range.start), [{ line: 8, character: 19 }]);
  // A bare CR inside a comment is fine for HCL (and left alone by fmt).
  const inComment = 'job "j" {\n  # a\rb\n  meta {\n    a = "1"\n  }\n}\n';
  assert.equal(await hclParseError(inComment), undefined);
  assert.deepEqual((await analyseText(inComment)).diagnostics.filter((d) => d.code === 'syntax-error'), []);
  assert.equal(formatText(inComment), await hclwrite(inComment));
});

let client: LspClient;
serverPerFile((started) => {
  client = started;
});

test('range formatting formats exactly the lines of the range, as formatting the whole file would', async () => {
  const text = 'job "j" {\n type="batch"\n  priority =50\n    group "g" {\n  count=1\n   }\n}\n';
  const whole = (await hclwrite(text)).split('\n');
  const { uri } = await openDoc(client, text, 'range');
  const edits = await client.request<TextEdit[]>('textDocument/rangeFormatting', {
    textDocument: { uri },
    range: { start: { line: 2, character: 0 }, end: { line: 4, character: 0 } },
    options: { tabSize: 2, insertSpaces: true },
  });
  client.close(uri);
  const result = applyEdits(text, edits).split('\n');
  const before = text.split('\n');
  result.forEach((line, i) => assert.equal(line, i === 2 || i === 3 ? whole[i] : before[i], `line ${i}`));
});

test('format on type lays out the line of a typed `}` and the line Enter ended, as the whole file would', async () => {
  const text = 'job "j" {\n  meta {\n    a="1"\n    long_name = "2"\n     }\n}\n';
  const whole = (await hclwrite(text)).split('\n');
  const { uri } = await openDoc(client, text, 'ontype');
  const onType = async (line: number, character: number, ch: string) =>
    applyEdits(text, await client.request<TextEdit[]>('textDocument/onTypeFormatting', { textDocument: { uri }, position: { line, character }, ch, options: { tabSize: 2, insertSpaces: true } })).split('\n');
  const afterBrace = await onType(4, 6, '}');
  const afterEnter = await onType(3, 0, '\n');
  client.close(uri);
  const before = text.split('\n');
  afterBrace.forEach((line, i) => assert.equal(line, i === 4 ? whole[i] : before[i], `} line ${i}`));
  afterEnter.forEach((line, i) => assert.equal(line, i === 2 ? whole[i] : before[i], `enter line ${i}`));
  assert.notEqual(whole[2], before[2], 'the line Enter ended changes (a="1" gets aligned)');
});

test('nomad-exec fmt - writes hclwrite\'s layout to standard output', async () => {
  const text = 'job "j" {\n  meta {\n    a="1" # x\n    long_name = "2" // y\n  }\n}\n\n\n';
  const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'nomad-exec'), 'fmt', '-'], { input: text, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, await hclwrite(text));
});
