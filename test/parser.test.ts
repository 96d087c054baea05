// Parsing: syntax-error messages that say what is wrong where, and incremental reparsing that yields the
// same model and diagnostics as a full parse.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusFile, corpusFiles } from './helpers/corpus';
import { syntaxErrors } from './helpers/analyse';
import { sharedParser } from '../server/src/parser/parser';
import { SyntaxDocument } from '../server/src/parser/syntaxDocument';
import { treeText } from '../server/src/parser/lineEnds';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ModelBuilder, buildModel } from '../server/src/model/build';
import { analyseTree } from '../server/src/analysis';
import { resolveSettings } from '../server/src/settings';
import { positionAt } from './helpers/featureClient';
import { int, pick, seededRandom } from './helpers/random';
import { plainModel } from './helpers/plainModel';
import { Parser, type Tree } from 'web-tree-sitter';
import { loadHclLanguage } from '../server/src/parser/load';

/** The HCL syntax mistakes of the invalid corpus: expected syntax errors as [line, message pattern]. */
const CORPUS_SYNTAX: [string, [number, RegExp][]][] = [
  ['breakout__cdk', [[15, /block label must be a plain string.*"cdk-\$\{var\.exploit\}".*interpolation/]]],
  ['spread_batch__example2', [[6, /Attribute names cannot be quoted in HCL2.*`version = \.\.\.`/]]],
  ['giant__example', [
    [5, /single-line block such as `volume "mysql" \{ \.\.\. \}` may hold only one attribute.*`source`/],
    [13, /single-line block such as `volume_mount \{ \.\.\. \}`.*`destination`/],
    [20, /`memory` starts on the line where attribute `cpu` ends/],
  ]],
  ['minecraft__minecraft.nomad', [[40, /Unexpected `,` after the value of `args`.*remove the comma/]]],
  ['batch-init-artifact', [[38, /`\$\{SLEEP_SECS:` starts an HCL interpolation.*`\$\$\{SLEEP_SECS/]]],
  ['haproxy__haproxy', [[5, /`update \{` is followed by attribute `stagger` on the same line/]]],
  ['system-monitoring', [27, 112, 126, 140, 149].map((line) => [line, /`bind_options \{ \.\.\. \}` is block syntax.*inside an object value.*`bind_options = \{ \.\.\. \}`/] as [number, RegExp])],
  ['octoprint', [[12, /`3d_printer` cannot follow a `\.`.*must not start with a digit.*\["3d_printer"\]/]]],
];

for (const [name, expected] of CORPUS_SYNTAX) {
  test(`invalid corpus ${name}: one clear syntax error per mistake`, async () => {
    const errors = await syntaxErrors(fs.readFileSync(corpusFile('invalid', name), 'utf8'));
    assert.deepEqual(errors.map((e) => e.line), expected.map(([line]) => line), JSON.stringify(errors, null, 1));
    expected.forEach(([, pattern], i) => assert.match(errors[i].message, pattern));
    for (const e of errors) assert.doesNotMatch(e.message, /^syntax error$/i);
  });
}

test('files of the invalid corpus without HCL syntax mistakes have no syntax errors', async () => {
  const syntaxNames = CORPUS_SYNTAX.map(([name]) => name);
  for (const file of corpusFiles('invalid')) {
    if (syntaxNames.some((n) => path.basename(file).includes(n))) continue;
    assert.deepEqual(await syntaxErrors(fs.readFileSync(file, 'utf8')), [], path.basename(file));
  }
});

test('valid corpus files have no syntax errors', async () => {
  for (const file of [...corpusFiles('exec'), ...corpusFiles('other')]) {
    assert.deepEqual(await syntaxErrors(fs.readFileSync(file, 'utf8')), [], path.basename(file));
  }
});

/** Small broken files and the message each must give: [text, line, pattern]. */
const SMALL: [string, number, RegExp][] = [
  ['job "x" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "a"\n      }\n\n  }\n}\n', 3, /Missing `}` to close the `task "t"` block opened on line 3/],
  ['job "x" {\n  group "g" {\n', 2, /Missing `}` to close the `group "g"` block opened on line 2/],
  ['job "x" {\n  group "g" {\n    task "t" {\n      driver =\n    }\n  }\n}\n', 4, /Missing value after `driver =`/],
  ['job "x" {\n  type = "batch\n  group "g" {}\n}\n', 2, /string that starts on line 2 is not closed/],
  ['job "x" {\n}\n}\n', 3, /Unexpected `}`: no open block/],
  ['job "x" {\n  type "batch"\n}\n', 2, /`type "batch"` in the body of `job "x"` is neither an attribute nor a block/],
  ['job "x" {\n  type: "batch"\n}\n', 2, /`type:` .* uses `:`/],
  ['job "x" {\n  datacenters = ["dc1"\n  type = "batch"\n}\n', 3, /Missing `]` to close the list opened on line 2/],
  ['job "x" {\n  type = lower("BATCH"\n}\n', 3, /Missing `\)` to close the call to `lower\(`/],
  ['job "x" {\n  meta {\n    a = <<EOF\nhello\n  }\n}\n', 3, /Unterminated heredoc in `a`.*`EOF`/],
  ['job "x" {\n  type = "batch";\n}\n', 2, /Unexpected `;`/],
  ['job "x" {\n  type = var.\n}\n', 2, /attribute name must follow `\.`/],
  ['job "x" {\n  group "a" {} group "b" {}\n}\n', 2, /`group "b"` starts on the line where block `group "a"` ends/],
  ['job "x" {\n  meta {\n    a = "1" }\n}\n', 3, /`}` closing `meta` must be on its own line/],
  ['job "x" {\n  group "g" {\n    task "t" {\n      dri\n    }\n  }\n}\n', 4, /`dri` in the body of `task "t"` is neither an attribute nor a block/],
  ['job "x" {\n  args = ["a", "${"]\n}\n', 2, /Unclosed `\$\{` in the value of `args`/],
];

test('small broken files: each gives one message naming the problem', async (t) => {
  for (const [text, line, pattern] of SMALL) {
    await t.test(JSON.stringify(text.slice(0, 50)), async () => {
      const errors = await syntaxErrors(text);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].line, line, errors[0].message);
      assert.match(errors[0].message, pattern);
    });
  }
});

test('valid constructs tree-sitter and HCL2 agree on give no syntax errors', async () => {
  const ok = [
    'job "x" {\n  meta { a = "1" }\n}\n',
    'job "x" {\n  group "g" {}\n}\n',
    'locals {\n  a = "$${not_interpolated}"\n}\njob "x$${y}" {\n}\n',
    'job "x" {\n  a = <<-EOF\n    hi ${1}\n  EOF\n}\n',
    '# only a comment\n',
    '',
  ];
  for (const text of ok) assert.deepEqual(await syntaxErrors(text), [], text);
});

// ---- incremental parsing ----


/** Every node's type and points, in tree order. */
function nodePoints(tree: Tree): string[] {
  const points: string[] = [];
  const cursor = tree.walk();
  for (let more = true; more; ) {
    const { startPosition: s, endPosition: e } = cursor;
    points.push(`${cursor.nodeType} ${s.row}:${s.column}-${e.row}:${e.column}`);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        more = false;
        break;
      }
    }
  }
  cursor.delete();
  return points;
}

test('characters of two UTF-16 units anywhere in a long file: the tree is the one web-tree-sitter makes of the whole text, and a mistake after them is placed exactly', async () => {
  // The parser reads the text a chunk at a time (parser.ts); a chunk may end between the two halves of an
  // emoji. Placed at every offset parity across 40 KB, some straddle each chunk's end, whatever its size.
  const parser = await sharedParser();
  const library = new Parser();
  library.setLanguage(await loadHclLanguage());
  const lines = Array.from({ length: 600 }, (_, i) => `  a${i} = "${'é'.repeat(i % 3)}${'😀'.repeat(1 + (i % 5))}" # 😀${'x'.repeat(i % 2)}😀`);
  const text = `locals {\n${lines.join('\n')}\n  broken = "😀😀" 😀\n}\n`;
  const ours = parser.parse(text);
  const theirs = library.parse(text)!;
  try {
    assert.deepEqual(nodePoints(ours), nodePoints(theirs));
    assert.equal(ours.rootNode.endIndex, text.length);
    const errors = await syntaxErrors(text);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    // The stray emoji after the string: its line and its UTF-16 column (both counted from 1 here).
    const line = text.split('\n').findIndex((l) => l.startsWith('  broken'));
    assert.deepEqual([errors[0].line, errors[0].character], [line + 1, '  broken = "😀😀" '.length + 1]);
  } finally {
    ours.delete();
    theirs.delete();
    library.delete();
  }
});

test('incremental edits give the same model and diagnostics as a full parse', async () => {
  const parser = await sharedParser();
  const settings = resolveSettings({});
  const rnd = seededRandom(42);
  const files = [...corpusFiles('exec').slice(0, 6), corpusFile('invalid', 'giant__example'), corpusFile('other', 'HCL2__dynamic')];
  // Line ends of every kind, and edits that join a lone `\r` with a `\n` or part them (the text tree-sitter
  // reads has each lone `\r` made a `\n`: lineEnds.treeText).
  const snippets = ['}', '{', '"', '${', ' ', '\n', 'x', '=', '#', 'é😀', 'group "z" {\n}\n', '', '\r', '\r\n', '# a\rb', '//'];
  const mixedLineEnds = (text: string) => text.split('\n').map((line, i) => line + ['\n', '\r', '\r\n'][i % 3]).join('').slice(0, -1);
  for (const [i, file] of files.entries()) {
    const raw = fs.readFileSync(file, 'utf8');
    let text = i % 2 ? mixedLineEnds(raw) : raw;
    const doc = new SyntaxDocument(parser, 'file:///t', text, 0);
    const builder = new ModelBuilder();
    builder.build(doc.tree(), doc.text, doc.takeEdits());
    for (let step = 1; step <= 40; step++) {
      // No LSP position lies between the `\r` and `\n` of a `\r\n`.
      const outsideCrlf = (offset: number) => (text[offset - 1] === '\r' && text[offset] === '\n' ? offset - 1 : offset);
      const start = outsideCrlf(int(rnd, text.length + 1));
      const end = outsideCrlf(Math.min(text.length, start + int(rnd, 4) * (rnd() < 0.5 ? 1 : 0)));
      const insert = pick(rnd, snippets);
      doc.applyChanges([{ range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert }], step);
      text = text.slice(0, start) + insert + text.slice(end);
      if (step % 5 === 0) {
        // Several changes in one notification (each range refers to the text after the previous one).
        const at = outsideCrlf(int(rnd, text.length + 1));
        const more = pick(rnd, snippets);
        doc.applyChanges([{ range: { start: positionAt(text, at), end: positionAt(text, at) }, text: more }], step);
        text = text.slice(0, at) + more + text.slice(at);
      }
      assert.equal(doc.text, text);
      const fresh = TextDocument.create('file:///t', 'nomad', step, text);
      assert.deepEqual(doc.textDocument.positionAt(text.length), fresh.positionAt(text.length), `${path.basename(file)} step ${step}: lines differ`);
      const incremental = analyseTree(doc.tree(), doc.text, settings, builder, {}, doc.takeEdits());
      const fullTree = parser.parse(treeText(text));
      const full = analyseTree(fullTree, text, settings);
      assert.equal(doc.tree().rootNode.toString(), fullTree.rootNode.toString(), `${path.basename(file)} step ${step}: trees differ`);
      // Rows too: tree.edit must be told where a change ended in the text before it (a deleted line break).
      assert.deepEqual(nodePoints(doc.tree()), nodePoints(fullTree), `${path.basename(file)} step ${step}: node positions differ`);
      assert.deepEqual(plainModel(incremental.file), plainModel(full.file), `${path.basename(file)} step ${step}: models differ`);
      assert.deepEqual(incremental.diagnostics, full.diagnostics, `${path.basename(file)} step ${step}: diagnostics differ`);
      fullTree.delete();
    }
    doc.dispose();
    builder.dispose();
  }
});

test('buildModel never throws on a tree that is all ERROR', async () => {
  const parser = await sharedParser();
  for (const text of ['}}}}', '{{{{', '"', '${', '= = =', '\u0000\u0001', 'job "x" { group "g" { task "t" {']) {
    const tree = parser.parse(text);
    assert.doesNotThrow(() => buildModel(tree, text));
    tree.delete();
  }
});
