// A large document whose edit changes how the rest of it reads (a heredoc's opener broken) leaves tree-sitter
// nothing of the old tree to reuse. Held through the parse anyway, the old tree and the new one were both in
// the parser's wasm memory at once, which never shrinks: typing in a 1 MB job left the server 42 MB larger
// for good. These run in a process of their own (node --test runs each file in one), so the wasm memory they
// see is theirs alone.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sharedParser, type HclParser } from '../server/src/parser/parser';
import { SyntaxDocument } from '../server/src/parser/syntaxDocument';
import { execJobOfBytes } from '../bench/generate';
import { positionAt } from './helpers/featureClient';
import { int, pick, seededRandom } from './helpers/random';

const MB = 1024 * 1024;

/** The wasm memory of the parser (and any other external memory, which these tests do not grow). */
function wasmBytes(): number {
  return process.memoryUsage().external;
}

/** Parses the document's current text in slices of a few parser reports, as the server does under its deadline; how many reports. */
function parseInSlices(doc: SyntaxDocument): number {
  let reports = 0;
  for (;;) {
    let inSlice = 0;
    const tree = doc.advance(() => {
      reports++;
      return ++inSlice > 40;
    });
    if (tree) return reports;
  }
}

/** The document's tree is the one a parse of `text` from nothing gives. */
function assertTreeOf(doc: SyntaxDocument, parser: HclParser, text: string): void {
  const fresh = parser.parse(text);
  try {
    assert.equal(doc.tree().rootNode.toString(), fresh.rootNode.toString());
  } finally {
    fresh.delete();
  }
}

function edited(text: string, at: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at);
}

test('an edit that breaks a heredoc opener in a 1 MB job does not keep the old tree through the parse, and the tree is right', async () => {
  const parser = await sharedParser();
  const text = execJobOfBytes(MB);
  // The opener of a heredoc a third of the way in: `<<-EOT` made `<<-oEOT`, everything after it is read as
  // the heredoc's text until a line `oEOT` that never comes.
  const at = text.indexOf('<<-EOT', text.length / 3) + 3;
  const broken = edited(text, at, 'o');
  // What the broken text needs on its own, parsed from nothing: the memory cannot stay below this.
  parser.parse(broken).delete();
  const own = parser.another();
  const doc = new SyntaxDocument(own, 'file:///reuse.nomad.hcl', text, 1);
  try {
    parseInSlices(doc);
    const before = wasmBytes();
    doc.applyChanges([{ range: { start: positionAt(text, at), end: positionAt(text, at) }, text: 'o' }], 2);
    parseInSlices(doc);
    const grown = wasmBytes() - before;
    // Holding the old tree (~35 MB) beside the broken text's parse grew it by ~42 MB.
    assert.ok(grown <= 8 * MB, `the parser's memory grew by ${(grown / MB).toFixed(1)} MB`);
    assertTreeOf(doc, parser, broken);
    // Typed back: the text reads as before, from a tree parsed afresh again.
    doc.applyChanges([{ range: { start: positionAt(broken, at), end: positionAt(broken, at + 1) }, text: '' }], 3);
    parseInSlices(doc);
    assert.ok(!doc.tree().rootNode.hasError);
    assertTreeOf(doc, parser, text);
  } finally {
    doc.dispose();
    own.delete();
  }
});

test('an ordinary edit of a 1 MB job still reuses the old tree', async () => {
  const parser = (await sharedParser()).another();
  const text = execJobOfBytes(MB);
  const doc = new SyntaxDocument(parser, 'file:///reuse.nomad.hcl', text, 1);
  try {
    const fromNothing = parseInSlices(doc);
    // A value changed a third of the way in, and two lines added further on (one notification).
    const at = text.indexOf('memory = ', text.length / 3) + 'memory = '.length;
    let current = edited(text, at, '1');
    doc.applyChanges([{ range: { start: positionAt(text, at), end: positionAt(text, at) }, text: '1' }], 2);
    const line = current.indexOf('\n', (current.length * 2) / 3) + 1;
    doc.applyChanges([{ range: { start: positionAt(current, line), end: positionAt(current, line) }, text: '\n\n' }], 2);
    current = edited(current, line, '\n\n');
    const reparse = parseInSlices(doc);
    // Reusing the rest, the parser reports a few times in all; reading the text afresh, thousands of times.
    assert.ok(reparse * 20 < fromNothing, `${reparse} reports for the edit, ${fromNothing} for the whole text`);
    assertTreeOf(doc, parser, current);
  } finally {
    doc.dispose();
    parser.delete();
  }
});

test('random edits of a large job, some of which change how the rest reads, give the trees of a parse from nothing', async () => {
  const shared = await sharedParser();
  const parser = shared.another();
  const rnd = seededRandom(17);
  // Just over the size from which a parse that reuses nothing gives the old tree up.
  let text = execJobOfBytes(300 * 1024);
  const doc = new SyntaxDocument(parser, 'file:///reuse.nomad.hcl', text, 0);
  // Openers that make the rest of the file read otherwise, and their closers typed later.
  const snippets = ['<<EOT\n', '/*', '*/', '"', '${', '}', '{', '\nEOT\n', 'x', ''];
  let lost = 0;
  try {
    parseInSlices(doc);
    for (let step = 1; step <= 16; step++) {
      // One to three changes per notification, each range of the text after the one before.
      const changes = 1 + int(rnd, 3);
      for (let c = 0; c < changes; c++) {
        const start = int(rnd, text.length + 1);
        const end = Math.min(text.length, start + int(rnd, 3));
        const insert = pick(rnd, snippets);
        doc.applyChanges([{ range: { start: positionAt(text, start), end: positionAt(text, end) }, text: insert }], step);
        text = text.slice(0, start) + insert + text.slice(end);
      }
      // A whole parse from nothing reports ~4,500 times here; one that reuses the rest, a few dozen.
      if (parseInSlices(doc) > 2000) lost++;
      assertTreeOf(doc, shared, text);
    }
  } finally {
    doc.dispose();
    parser.delete();
  }
  // The seed is fixed: some of its edits made the old tree useless, so that path was taken and checked.
  assert.ok(lost > 0, 'no edit made the parser read the rest afresh');
});
