// The model of a text with a mistake in one body item is built from the text with that item blanked
// (syntaxRepair.ts), kept per document and brought up to date with the document's edits. Two mistakes far
// apart, one fixed and the other made later, differ by those two items only: the groups between are not
// built again, and the model is the one a fresh analysis of the same text gives.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sharedParser } from '../server/src/parser/parser';
import { DocumentAnalysis } from '../server/src/analysis';
import { resolveSettings } from '../server/src/settings';
import type { Analysis } from '../server/src/analysis';
import type { Group } from '../server/src/model/types';
import { execJobOfLines } from '../bench/generate';
import { positionAt } from './helpers/featureClient';
import { plainModel } from './helpers/plainModel';
import { asSent } from './helpers/diagnose';
import { int, pick, seededRandom } from './helpers/random';
import { ComposedEdits } from '../server/src/syntaxRepair';

const settings = resolveSettings({});

class Editor {
  private version = 1;
  readonly doc: DocumentAnalysis;

  constructor(
    private readonly parser: Awaited<ReturnType<typeof sharedParser>>,
    public text: string,
  ) {
    this.doc = new DocumentAnalysis(parser, 'file:///repair/job.nomad.hcl', text, this.version);
  }

  replace(find: string, by: string): Analysis {
    const start = this.text.indexOf(find);
    assert.ok(start >= 0, `no ${JSON.stringify(find)} in the text`);
    return this.edit(start, start + find.length, by);
  }

  edit(start: number, end: number, insert: string): Analysis {
    this.doc.applyChanges([{ range: { start: positionAt(this.text, start), end: positionAt(this.text, end) }, text: insert }], ++this.version);
    this.text = this.text.slice(0, start) + insert + this.text.slice(end);
    return this.doc.analyse(settings);
  }

  replaceAll(text: string): Analysis {
    this.doc.applyChanges([{ text }], ++this.version);
    this.text = text;
    return this.doc.analyse(settings);
  }

  /** The same text analysed by a document of its own, from nothing. */
  fresh(): Analysis {
    const doc = new DocumentAnalysis(this.parser, 'file:///repair/fresh.nomad.hcl', this.text, 1);
    try {
      return doc.analyse(settings);
    } finally {
      doc.dispose();
    }
  }
}

function groupsOf(analysis: Analysis): Group[] {
  return analysis.file.jobs.flatMap((job) => job.groups);
}

function assertAsFresh(editor: Editor, analysis: Analysis, where: string): void {
  const fresh = editor.fresh();
  assert.deepEqual(plainModel(analysis.file), plainModel(fresh.file), `${where}: the model differs from a fresh analysis`);
  assert.deepEqual(asSent(analysis.diagnostics), asSent(fresh.diagnostics), `${where}: the diagnostics differ from a fresh analysis`);
}

// `count = = 1`: tree-sitter reads the rest of the file as something else (a heredoc), HCL skips the item.
const MISTAKE = (n: number): [string, string] => [`group "g${n}" {\n    count = 1`, `group "g${n}" {\n    count = = 1`];

test('a mistake fixed in one group and another made far after it: only those two items and the edits between are read again', async () => {
  const editor = new Editor(await sharedParser(), execJobOfLines(1000));
  try {
    editor.doc.analyse(settings);
    const first = editor.replace(...MISTAKE(3));
    assert.equal(first.brokenItemsLeftOut, true, 'the model is of the text without the broken item');
    assert.equal(groupsOf(first).length, editor.text.split('group "').length - 1);
    assertAsFresh(editor, first, 'mistake in g3');
    const repaired = groupsOf(first);

    editor.replace(MISTAKE(3)[1], MISTAKE(3)[0]);
    // Typing elsewhere while the file is clean: the repair's tree follows without parsing.
    editor.replace('INDEX = "10"', 'INDEX = "100"');
    const second = editor.replace(...MISTAKE(20));
    assert.equal(second.brokenItemsLeftOut, true);
    assertAsFresh(editor, second, 'mistake in g20');
    const groups = groupsOf(second);
    for (let i = 0; i < groups.length; i++) {
      if (i === 3 || i === 10 || i === 20) assert.notEqual(groups[i].block, repaired[i].block, `group ${i} changed`);
      else assert.equal(groups[i].block, repaired[i].block, `group ${i} is built again`);
    }

    // A whole new text: the repair starts again from it.
    editor.replaceAll(execJobOfLines(300).replace('INDEX = "2"', 'INDEX = "22"'));
    assertAsFresh(editor, editor.replace(...MISTAKE(1)), 'mistake after the text was replaced');
  } finally {
    editor.doc.dispose();
  }
});

test('a mistake typed a character at a time, then deleted: each state is modelled as a fresh analysis does', async () => {
  // Each keystroke moves or widens the broken item: the spans blanked follow the edits in between.
  const editor = new Editor(await sharedParser(), execJobOfLines(200));
  try {
    editor.doc.analyse(settings);
    const at = editor.text.indexOf('count = 1') + 'count = '.length;
    const typed = '= ${x';
    for (let i = 0; i < typed.length; i++) assertAsFresh(editor, editor.edit(at + i, at + i, typed[i]), `typed ${JSON.stringify(typed.slice(0, i + 1))}`);
    for (let i = typed.length - 1; i >= 0; i--) assertAsFresh(editor, editor.edit(at + i, at + i + 1, ''), `deleted back to ${JSON.stringify(typed.slice(0, i))}`);
    const other = editor.text.indexOf('delay    = "15s"');
    assertAsFresh(editor, editor.edit(other, other + 'delay'.length, 'del ay'), 'a name split in another group');
  } finally {
    editor.doc.dispose();
  }
});

test('edits composed into regions take the text of before to the text after, whatever their order and overlap', async () => {
  const rnd = seededRandom(17);
  for (let round = 0; round < 300; round++) {
    const original = Array.from({ length: int(rnd, 60) }, () => pick(rnd, ['a', 'b', '\n', ' '])).join('');
    let text = original;
    const composed = new ComposedEdits();
    const count = 1 + int(rnd, 12);
    for (let i = 0; i < count; i++) {
      const start = int(rnd, text.length + 1);
      const end = Math.min(text.length, start + int(rnd, 5));
      const insert = Array.from({ length: int(rnd, 4) }, () => pick(rnd, ['x', 'y', '\n'])).join('');
      composed.add(start, end, start + insert.length);
      text = text.slice(0, start) + insert + text.slice(end);
    }
    // Applied in order to the text of before, each region taking what it holds now, they make the text after.
    let rebuilt = original;
    for (const { start, oldEnd, newEnd, at } of composed.regions()) rebuilt = rebuilt.slice(0, start) + text.slice(at, at + newEnd - start) + rebuilt.slice(oldEnd);
    assert.equal(rebuilt, text, `round ${round}`);
    assert.ok(composed.regions().length <= count);
  }
  // A character typed and deleted again leaves nothing to read again.
  const undone = new ComposedEdits();
  undone.add(10, 10, 11);
  undone.add(10, 11, 10);
  assert.deepEqual(undone.regions(), []);
});
