// The incremental HCL verdict of open documents (parser/verdictCache.ts) against the whole-text verdict,
// after every one of many random edits of real job files: the same issues, byte for byte, and most
// verdicts reached by walking one block only.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { hclSyntaxIssues } from '../server/src/parser/hclVerdict';
import { VerdictCache } from '../server/src/parser/verdictCache';
import { corpusFiles } from './helpers/corpus';
import { int, pick, seededRandom, type Random } from './helpers/random';

// Characters that change HCL's structure most: braces, quotes, heredoc and template openers, line breaks.
const PIECES = ['{', '}', '"', '\n', '\r', '#', '$', '${', '%{', '<<EOF\n', 'EOF\n', '=', ',', '[', ']', '(', ')', '/*', '*/', '\\', 'a', 'x1', ' ', '  ', 'task "t" {\n}\n', 'k = 1\n', 'count = 2\n'];

/** A small edit: insert a piece, delete a few characters, or replace a character. */
function edit(text: string, rnd: Random): string {
  const at = int(rnd, text.length + 1);
  switch (int(rnd, 3)) {
    case 0:
      return text.slice(0, at) + pick(rnd, PIECES) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + int(rnd, 3));
    default:
      return text.slice(0, at) + pick(rnd, PIECES).charAt(0) + text.slice(at + 1);
  }
}

test('the incremental verdict equals the whole-text verdict after every random edit (corpus, fixed seed)', () => {
  const rnd = seededRandom(20261206);
  const files = [...corpusFiles('exec'), ...corpusFiles('other'), ...corpusFiles('invalid')];
  let edits = 0;
  let blockWalks = 0;
  for (const file of files) {
    const original = fs.readFileSync(file, 'utf8');
    const cache = new VerdictCache();
    let text = original;
    assert.deepEqual(cache.issues(text), hclSyntaxIssues(text));
    for (let i = 0; i < 40; i++) {
      // Mostly edits of the clean text (the fast path), some of an already broken one; back to the
      // original now and then, as an undo would.
      text = rnd() < 0.15 ? original : edit(rnd() < 0.6 ? original : text, rnd);
      assert.deepEqual(cache.issues(text), hclSyntaxIssues(text), `${file}, edit ${i}:\n${text}`);
      edits++;
    }
    blockWalks += cache.walks.block;
  }
  assert.ok(edits > 1000, `${edits} edits`);
  // The cache must earn its keep: a clean file edited inside a block is walked one block at a time.
  assert.ok(blockWalks > edits / 5, `${blockWalks} of ${edits} verdicts by one block`);
});

test('typing a character at a time inside a task keeps walking that block only, and a broken brace is still found', () => {
  const cache = new VerdictCache();
  const head = 'job "j" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n';
  const tail = '    }\n  }\n}\n';
  assert.deepEqual(cache.issues(head + tail), []);
  const typed = '      user = "nobody"\n';
  for (let n = 1; n <= typed.length; n++) {
    const text = head + typed.slice(0, n) + tail;
    assert.deepEqual(cache.issues(text), hclSyntaxIssues(text), `after ${JSON.stringify(typed.slice(0, n))}`);
  }
  const before = cache.walks.whole;
  assert.ok(cache.walks.block >= typed.length - 8, `${cache.walks.block} block walks`);
  // A `}` typed inside the task closes it early: the task is no longer one block, the whole text is walked.
  const broken = head + '    }\n' + tail;
  assert.deepEqual(cache.issues(broken), hclSyntaxIssues(broken));
  assert.ok((hclSyntaxIssues(broken) ?? []).length > 0);
  assert.equal(cache.walks.whole, before + 1);
});

test('an undo of an edit that broke the text gives back the verdict of before without walking anything', () => {
  const cache = new VerdictCache();
  const text = 'job "j" {\n  group "g" {\n    task "t" {\n      template {\n        data = <<-EOT\n          x\n          EOT\n      }\n    }\n  }\n}\n';
  const clean = cache.issues(text);
  assert.deepEqual(clean, []);
  // `<<-EaOT`: the heredoc now runs to the end; the whole text is walked for that.
  const at = text.indexOf('EOT');
  const broken = text.slice(0, at + 1) + 'a' + text.slice(at + 1);
  assert.deepEqual(cache.issues(broken), hclSyntaxIssues(broken));
  assert.ok((hclSyntaxIssues(broken) ?? []).length > 0);
  const walks = { ...cache.walks };
  assert.equal(cache.issues(text), clean, 'the very verdict of before');
  assert.deepEqual(cache.walks, walks, 'nothing walked');
  // And the redo: the broken verdict back, still without a walk.
  assert.deepEqual(cache.issues(broken), hclSyntaxIssues(broken));
  assert.deepEqual(cache.walks, walks);
});
