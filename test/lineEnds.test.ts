// The text tree-sitter reads (lineEnds.treeText): lone `\r` made line ends it counts, same length and
// offsets, and comments that HCL continues past a lone `\r` still comments, so the model holds what HCL
// reads and tree rows are LSP lines.
import test from 'node:test';
import assert from 'node:assert/strict';
import { treeText } from '../server/src/parser/lineEnds';
import { analyseText } from './helpers/analyse';
import { hclParseError } from './helpers/hclOracle';

test('treeText: lone `\\r` become `\\n`; `\\r\\n` and a text without lone `\\r` stay as they are', () => {
  const plain = 'a = 1\r\nb = 2\n';
  assert.equal(treeText(plain), plain);
  assert.equal(treeText('a = 1\rb = 2\r\nc = "x\ry"\r'), 'a = 1\nb = 2\r\nc = "x\ny"\n');
  // In a `#` or `//` comment the next row starts with `#`, so it stays comment; not after a `\r` that
  // ends a comment row on its own, nor in a block comment or a string.
  assert.equal(treeText('# a\rb\r\rc\n// d\re\nx = "#\rf"\n/* # g\rh */\n'), '# a\n#\n\n#\n// d\n#\nx = "#\nf"\n/* # g\nh */\n');
  for (const text of ['\r', '\r\r\n', '#\r', '"\\\r"', '#\r\u{1F600}']) assert.equal(treeText(text).length, text.length, JSON.stringify(text));
});

test('a comment with a lone `\\r` in it: the model holds what HCL reads, at the lines the editor shows', async () => {
  // For HCL (and nomad) `type`, `region` and `datacenters` are comment text; `priority` is set.
  const text = 'job "j" {\n  # a\rtype = "batch"\n  // b\rregion = "x"\n  /* c\r */ priority = 50\n  # d\r\rdatacenters = ["x"]\n}\n';
  assert.equal(await hclParseError(text), undefined);
  const analysis = await analyseText(text);
  const job = analysis.file.jobs[0];
  assert.deepEqual(job.block.body.items.filter((i) => i.kind === 'attribute').map((i) => [i.name, i.range.start]), [['priority', { line: 6, character: 4 }]]);
  assert.deepEqual(analysis.diagnostics.filter((d) => d.code === 'syntax-error'), []);
});
