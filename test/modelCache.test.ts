// The model cache across edits: an undo after an edit that re-parsed a large region gets back the very
// objects of the build before (checks memoise findings per model object), and incremental builds over
// random edits, undos included, give the same model as a build from scratch.
import test from 'node:test';
import assert from 'node:assert/strict';
import { sharedParser, type HclParser } from '../server/src/parser/parser';
import { SyntaxDocument } from '../server/src/parser/syntaxDocument';
import { ModelBuilder, buildModel, type BuildResult, type EditSpan } from '../server/src/model/build';
import { isPaused, withDeadline } from '../server/src/pause';
import type { Block, BodyItem, Group } from '../server/src/model/types';
import { execJobOfLines } from '../bench/generate';
import { manyLocals } from '../bench/pathological';
import { positionAt } from './helpers/featureClient';
import { int, pick, seededRandom } from './helpers/random';
import { plainModel } from './helpers/plainModel';
import { movesOf } from '../server/src/model/shift';


/**
 * A build stopped at each `deadline()` (pause.ts) and taken up again, as the server's slices do: the first
 * attempt with `edits`, the next ones with none (the same text: go on from where it stopped).
 */
function buildInSlices(build: (edits: readonly EditSpan[] | undefined) => BuildResult, edits: readonly EditSpan[] | undefined, deadline: () => number): { result: BuildResult; stops: number } {
  for (let stops = 0; ; stops++) {
    try {
      // Stopped at every checkpoint past the deadline (no catching up): each resumption is exercised.
      return { result: withDeadline(deadline(), () => build(edits), 0), stops };
    } catch (error) {
      if (!isPaused(error)) throw error;
      edits = [];
    }
  }
}

class Editor {
  readonly doc: SyntaxDocument;
  readonly builder = new ModelBuilder();
  private version = 0;

  constructor(readonly parser: HclParser, public text: string) {
    this.doc = new SyntaxDocument(parser, 'file:///cache', text, 0);
  }

  edit(start: number, end: number, insert: string): void {
    this.doc.applyChanges([{ range: { start: positionAt(this.text, start), end: positionAt(this.text, end) }, text: insert }], ++this.version);
    this.text = this.text.slice(0, start) + insert + this.text.slice(end);
  }

  build(): BuildResult {
    return this.builder.build(this.doc.tree(), this.doc.text, this.doc.takeEdits());
  }

  /** A build stopped at every checkpoint it may stop at, and taken up again each time, as the server's slices do. */
  buildInSlices(): { result: BuildResult; stops: number } {
    return buildInSlices((edits) => this.builder.build(this.doc.tree(), this.doc.text, edits), this.doc.takeEdits(), () => 0);
  }

  /** The model of the same tree built without a cache. */
  fresh(): BuildResult {
    return buildModel(this.doc.tree(), this.doc.text);
  }

  dispose(): void {
    this.doc.dispose();
    this.builder.dispose();
  }
}

function groupsOf(result: BuildResult): Group[] {
  return result.file.jobs.flatMap((job) => job.groups);
}

/** Offset of the `E` of the heredoc marker `<<-EOT` of the `n`th group. */
function markerOffset(text: string, n: number): number {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf('<<-EOT', at + 1);
  assert.ok(at >= 0);
  return at + 3;
}

function assertSameObjects(before: Group[], after: Group[], from: number, label: string): void {
  assert.equal(after.length, before.length, `${label}: group count`);
  for (let i = from; i < before.length; i++) {
    assert.equal(after[i].block, before[i].block, `${label}: block of group ${i} is rebuilt`);
    assert.equal(after[i], before[i], `${label}: group ${i} is a new object`);
  }
}

test('undo after breaking a heredoc marker reuses the blocks and groups after it', async () => {
  const editor = new Editor(await sharedParser(), execJobOfLines(600));
  try {
    const first = editor.build();
    const before = groupsOf(first);
    assert.ok(before.length > 10);
    const at = markerOffset(editor.text, 3);
    editor.edit(at, at, 'a'); // <<-EaOT: the heredoc now runs to the end of the file
    const broken = editor.build();
    assert.ok(groupsOf(broken).length < before.length, 'the broken marker swallows the groups after it');
    editor.edit(at, at + 1, '');
    const undone = editor.build();
    assertSameObjects(before, groupsOf(undone), 4, 'undo');
    assert.deepEqual(plainModel(undone.file), plainModel(editor.fresh().file));
    assert.deepEqual(undone.problems, editor.fresh().problems);
    // Each group's task is the same object too (it belongs to the group).
    assert.equal(groupsOf(undone)[5].tasks[0], before[5].tasks[0]);
    for (const group of groupsOf(undone)) assert.equal(group.job, undone.file.jobs[0]);
  } finally {
    editor.dispose();
  }
});

test('an undo built in slices still gets back the groups after the edit, though each slice stops', async () => {
  // The server builds a large model in slices (pause.ts). A stopped build used to keep only what it had
  // finished and the build just before: the build before the broken marker, from which an undo takes back
  // everything after it, was dropped at the first stop, and a 1 MB job's undo rebuilt a thousand groups.
  const editor = new Editor(await sharedParser(), execJobOfLines(600));
  try {
    const before = groupsOf(editor.build());
    const at = markerOffset(editor.text, 3);
    editor.edit(at, at, 'a');
    editor.buildInSlices();
    // Undone together with an edit in an earlier group (a change list may hold several): what that edit
    // builds is the progress after which the build may stop, before the groups to take back.
    editor.edit(at, at + 1, '');
    const earlier = editor.text.indexOf('INDEX = "1"') + 'INDEX = "1'.length;
    editor.edit(earlier, earlier, 'x');
    const { result, stops } = editor.buildInSlices();
    assert.ok(stops > 0, 'the undo build stopped at a checkpoint');
    assertSameObjects(before, groupsOf(result), 4, 'undo in slices');
    assert.deepEqual(plainModel(result.file), plainModel(editor.fresh().file));
  } finally {
    editor.dispose();
  }
});

test('a build of the same text between the edit and its undo keeps the older generation', async () => {
  const editor = new Editor(await sharedParser(), execJobOfLines(400));
  try {
    const before = groupsOf(editor.build());
    const at = markerOffset(editor.text, 1);
    editor.edit(at, at, 'x');
    editor.build();
    editor.build(); // e.g. the settings changed: the same text analysed again
    editor.edit(at, at + 1, '');
    assertSameObjects(before, groupsOf(editor.build()), 2, 'undo after a rebuild of the same text');
  } finally {
    editor.dispose();
  }
});

test('the cache keeps two generations only', async () => {
  const editor = new Editor(await sharedParser(), execJobOfLines(400));
  try {
    const before = groupsOf(editor.build());
    const at = markerOffset(editor.text, 1);
    editor.edit(at, at, 'x');
    editor.build();
    editor.edit(0, 0, ' '); // two more builds: the generation before the break is dropped
    editor.build();
    editor.edit(0, 1, '');
    editor.build();
    editor.edit(at, at + 1, '');
    const result = editor.build();
    const after = groupsOf(result);
    assert.equal(after.length, before.length);
    assert.notEqual(after[after.length - 1].block, before[before.length - 1].block);
    assert.deepEqual(plainModel(result.file), plainModel(editor.fresh().file));
  } finally {
    editor.dispose();
  }
});

test('a character typed in a group and deleted: the undo gives back the whole build before, the edited group and the job included', async () => {
  // Checks, the reference index and the group cache remember their results per model object: an undo that
  // built the path to the change again (new job, group, task and block objects) missed all of them.
  const editor = new Editor(await sharedParser(), execJobOfLines(400));
  try {
    const first = editor.build();
    const before = groupsOf(first);
    const at = editor.text.indexOf('INDEX = "5"') + 'INDEX = "'.length;
    editor.edit(at, at, '7');
    const typed = editor.build();
    assert.notEqual(groupsOf(typed)[5].block, before[5].block, 'the edited group is built again');
    editor.edit(at, at + 1, '');
    const undone = editor.build();
    assertSameObjects(before, groupsOf(undone), 0, 'undo');
    assert.equal(undone.file.body, first.file.body, 'the root body of the build before');
    // The file itself: what the checks and the reference index keep per file holds at once.
    assert.equal(undone.file, first.file, 'the file of the build before');
    for (const job of undone.file.jobs) for (const group of job.groups) assert.equal(group.job, job, 'its groups point to its own jobs again');
    assert.deepEqual(plainModel(undone.file), plainModel(editor.fresh().file));
    // Typed again: the build the undo stepped back from comes back the same way.
    editor.edit(at, at, '7');
    assertSameObjects(groupsOf(typed), groupsOf(editor.build()), 0, 'redo');
    // An edit elsewhere then builds its own path only: the other groups are those of before.
    editor.edit(at, at + 1, '');
    editor.build();
    const other = editor.text.indexOf('INDEX = "9"') + 'INDEX = "'.length;
    editor.edit(other, other, '8');
    const elsewhere = editor.build();
    const groups = groupsOf(elsewhere);
    for (let i = 0; i < groups.length; i++) if (i !== 9) assert.equal(groups[i].block, before[i].block, `group ${i} kept`);
    assert.notEqual(groups[9].block, before[9].block);
    assert.deepEqual(plainModel(elsewhere.file), plainModel(editor.fresh().file));
  } finally {
    editor.dispose();
  }
});

test('an undo back to a text whose tree held an error is built again, not taken whole', async () => {
  // Error recovery may read the same broken text differently after other edits: a build of a broken tree is
  // only as good as that tree, so none is given back whole.
  const text = execJobOfLines(200).replace('count = 1', 'count = = 1');
  const editor = new Editor(await sharedParser(), text);
  try {
    const first = editor.build();
    assert.ok(editor.doc.tree().rootNode.hasError);
    const at = editor.text.indexOf('INDEX = "2"') + 'INDEX = "'.length;
    editor.edit(at, at, '7');
    editor.build();
    editor.edit(at, at + 1, '');
    const undone = editor.build();
    assert.notEqual(undone.file.body, first.file.body);
    assert.deepEqual(plainModel(undone.file), plainModel(editor.fresh().file));
    assert.deepEqual(undone.problems, editor.fresh().problems);
  } finally {
    editor.dispose();
  }
});

test('lines added above groups move them: each later group is a copy of the one before, equal to a build from scratch; an undo gets the blocks of before back', async () => {
  const parser = await sharedParser();
  const editor = new Editor(parser, execJobOfLines(400));
  try {
    const before = groupsOf(editor.build());
    const first = editor.text.indexOf('\n  group "g1"') + 1;
    editor.edit(first, first, '\n\n');
    const result = editor.build();
    const after = groupsOf(result);
    assert.equal(after.length, before.length);
    assert.deepEqual(plainModel(result.file), plainModel(editor.fresh().file));
    // g0 holds no edit and did not move: the same object. Every later group moved down two rows.
    assert.equal(after[0].block, before[0].block);
    for (let i = 1; i < after.length; i++) {
      assert.deepEqual(movesOf(result.file)?.get(after[i].block), { from: before[i].block, rows: 2 }, `group ${i}`);
      assert.equal(after[i].block.range.start.line, before[i].block.range.start.line + 2);
    }
    // The undo gets the blocks of the build before back, as the same objects: nothing moved.
    editor.edit(first, first + 2, '');
    const undone = editor.build();
    assertSameObjects(before, groupsOf(undone), 0, 'undo');
    assert.equal(movesOf(undone.file), undefined);
    // A line removed above them: they move up, from the blocks the undo gave back.
    editor.edit(first - 1, first, '');
    const up = editor.build();
    assert.deepEqual(plainModel(up.file), plainModel(editor.fresh().file));
    for (let i = 1; i < after.length; i++) assert.deepEqual(movesOf(up.file)?.get(groupsOf(up)[i].block), { from: before[i].block, rows: -1 }, `up, group ${i}`);
  } finally {
    editor.dispose();
  }
});

test('a small job moved whole by a line above it: its groups and settings are recorded as moved too', async () => {
  // The checks keep a result per group under a token of the job's settings, and the reference index walks
  // per group: both follow moves item by item, so a job copied whole must say what each of its items was.
  const parser = await sharedParser();
  const editor = new Editor(parser, execJobOfLines(100));
  try {
    const first = editor.build();
    const job = first.file.jobs[0].block;
    assert.ok(editor.text.length < 32 * 1024, 'small enough to be copied whole');
    const at = editor.text.indexOf('\njob "') + 1;
    editor.edit(at, at, '\n\n\n');
    const moved = editor.build();
    const moves = movesOf(moved.file);
    const copy = moved.file.jobs[0].block;
    assert.deepEqual(moves?.get(copy), { from: job, rows: 3 });
    assert.equal(copy.body.items.length, job.body.items.length);
    for (let k = 0; k < copy.body.items.length; k++) assert.deepEqual(moves?.get(copy.body.items[k]), { from: job.body.items[k], rows: 3 }, `item ${k} of the job`);
    assert.deepEqual(plainModel(moved.file), plainModel(editor.fresh().file));
  } finally {
    editor.dispose();
  }
});

test('a job too large to copy that only moved is built again, recorded as moved, its groups copied', async () => {
  const parser = await sharedParser();
  const editor = new Editor(parser, execJobOfLines(2500));
  try {
    const before = editor.build().file.jobs[0];
    assert.ok(editor.text.length > 32 * 1024);
    const at = editor.text.indexOf('\njob ') + 1;
    editor.edit(at, at, '\n');
    const result = editor.build();
    assert.deepEqual(plainModel(result.file), plainModel(editor.fresh().file));
    const job = result.file.jobs[0];
    assert.deepEqual(movesOf(result.file)?.get(job.block), { from: before.block, rows: 1 });
    for (const [i, group] of job.groups.entries()) assert.deepEqual(movesOf(result.file)?.get(group.block), { from: before.groups[i].block, rows: 1 }, `group ${i}`);
  } finally {
    editor.dispose();
  }
});

test('a line break deleted inside a group of a large job moves the groups after it (the edit is not taken for one within a line)', async () => {
  const parser = await sharedParser();
  // Enough groups that the job's body is taken over item by item after an edit within a line.
  const editor = new Editor(parser, execJobOfLines(600));
  try {
    editor.build();
    // The line break before a nested block's `}`: the `}` then shares the attribute's line (a layout
    // problem), and every later line moves up one.
    const at = editor.text.indexOf('"\n    }\n', editor.text.indexOf('group "g2"')) + 1;
    assert.ok(at > 0);
    editor.edit(at, at + 1, '');
    const result = editor.build();
    assert.deepEqual(plainModel(result.file), plainModel(editor.fresh().file));
    assert.deepEqual(result.problems, editor.fresh().problems);
    // And an edit within a line after it still finds everything where it is.
    editor.edit(at - 2, at - 2, 'x');
    assert.deepEqual(plainModel(editor.build().file), plainModel(editor.fresh().file));
  } finally {
    editor.dispose();
  }
});

/** `sliced`: the first build and about a quarter of the others stopped at every checkpoint, as the server's slices stop them. */
async function randomEditsMatchScratch(lines: number, seed: number, steps: number, snippets: string[], sliced = false): Promise<void> {
  const parser = await sharedParser();
  const rnd = seededRandom(seed);
  const editor = new Editor(parser, execJobOfLines(lines) + 'variable "v" {\n  default = 1\n}\n');
  try {
    if (sliced) editor.buildInSlices();
    else editor.build();
    let last: { start: number; end: number; removed: string; insert: string } | undefined;
    for (let step = 1; step <= steps; step++) {
      if (last && rnd() < 0.4) {
        // Undo the previous edit.
        editor.edit(last.start, last.start + last.insert.length, last.removed);
        last = undefined;
      } else {
        const marker = editor.text.indexOf('<<-EOT', int(rnd, editor.text.length));
        const start = marker >= 0 && rnd() < 0.3 ? marker + int(rnd, 6) : int(rnd, editor.text.length + 1);
        const end = Math.min(editor.text.length, start + (rnd() < 0.3 ? int(rnd, 4) : 0));
        const insert = pick(rnd, snippets);
        last = { start, end, removed: editor.text.slice(start, end), insert };
        editor.edit(start, end, insert);
      }
      if (rnd() < 0.1) continue; // two edits before the next build
      const incremental = sliced && rnd() < 0.25 ? editor.buildInSlices().result : editor.build();
      const fresh = editor.fresh();
      assert.deepEqual(plainModel(incremental.file), plainModel(fresh.file), `step ${step}: models differ`);
      assert.deepEqual(incremental.problems, fresh.problems, `step ${step}: problems differ`);
    }
  } finally {
    editor.dispose();
  }
}

/** Every block and attribute inside `block` (not itself), depth first. */
function itemsInside(block: Block): BodyItem[] {
  const out: BodyItem[] = [];
  const walk = (items: readonly BodyItem[]): void => {
    for (const item of items) {
      out.push(item);
      if (item.kind === 'block') walk(item.body.items);
    }
  };
  walk(block.body.items);
  return out;
}

for (const [lines, what] of [
  [120, 'a job of three groups (its body read child by child)'],
  [3000, 'a job of seventy groups (its body taken over item by item)'],
] as const) {
  test(`the first keystroke in a group of a job first built in slices builds only the path to it again: ${what}`, async () => {
    // A document's first analysis runs in slices; each slice's build takes over the items the one before
    // finished, their own entries only. Every undo went back to that build, so the first keystroke in any of
    // those groups built the whole group again from the tree (every block and attribute a new object, every
    // memo of the checks and the reference index missed), at every keystroke after an undo.
    const editor = new Editor(await sharedParser(), execJobOfLines(lines));
    try {
      const { result: first, stops } = editor.buildInSlices();
      assert.ok(stops > 0, 'the first build stopped at a checkpoint');
      const before = groupsOf(first);
      const typeInto = (n: number): BuildResult => {
        const at = editor.text.indexOf(`INDEX = "${n}"`) + 'INDEX = "'.length;
        editor.edit(at, at, '7');
        return editor.build();
      };
      for (const n of [1, 2]) {
        const typed = typeInto(n);
        const group = groupsOf(typed)[n].block;
        const old = itemsInside(before[n].block);
        const now = itemsInside(group);
        assert.equal(now.length, old.length);
        // New: the task, its env block and the attribute typed in; everything else in the group is kept.
        const rebuilt = now.filter((item, i) => item !== old[i]).map((item) => (item.kind === 'block' ? item.type : item.name));
        assert.deepEqual(rebuilt, ['task', 'env', 'INDEX'], `group ${n}: built again`);
        assert.deepEqual(plainModel(typed.file), plainModel(editor.fresh().file));
        // Undone: the build before, whole.
        const at = editor.text.indexOf(`INDEX = "7${n}"`) + 'INDEX = "'.length;
        editor.edit(at, at + 1, '');
        assertSameObjects(before, groupsOf(editor.build()), 0, `undo in group ${n}`);
      }
    } finally {
      editor.dispose();
    }
  });
}

test('incremental builds over random edits and undos equal builds from scratch', async () => {
  await randomEditsMatchScratch(300, 2024, 150, ['a', ' ', '\n', '{', '}', '"', '=', '<<-', 'EOT', '${', '#', 'group "z" {\n}\n', '']);
});

test('the same in a job large enough that its body is taken over item by item (mostly edits within a line)', async () => {
  // 3,000 lines: about 70 groups, past the size from which a body's items are copied rather than walked.
  await randomEditsMatchScratch(3000, 77, 250, ['a', 'b', ' ', '  ', '{', '}', '"', '=', '<<-', 'EOT', '${', '#', '\n', '']);
});

test('the same with builds stopped at every checkpoint and taken up again, the first one included', async () => {
  // Blocks the sliced builds took over keep only their own entries: edits inside them find the rest in what
  // each block held (BodyBuilder.heldBefore).
  await randomEditsMatchScratch(300, 31, 150, ['a', ' ', '\n', '{', '}', '"', '=', '<<-', 'EOT', '${', '#', 'group "z" {\n}\n', ''], true);
});

test('a build resumed slice after slice equals one uninterrupted build, also where a long child list is kept between slices', async () => {
  const parser = await sharedParser();
  // 3,000 lines: about 70 groups in the job's body, past the length from which its child list is kept.
  const whole = execJobOfLines(3000);
  for (const text of [whole, whole.replace('restart {', 'restart {{')]) {
    const tree = parser.parse(text);
    try {
      const builder = new ModelBuilder();
      const { result, stops } = buildInSlices((edits) => builder.build(tree, text, edits), undefined, () => performance.now() + 1);
      const slices = stops + 1;
      assert.ok(slices > 5, `only ${slices} slices`);
      const once = buildModel(tree, text);
      assert.deepEqual(plainModel(result.file), plainModel(once.file));
      assert.deepEqual(result.problems, once.problems);
    } finally {
      tree.delete();
    }
  }
});

test('a body of thousands of items resumed slice after slice lists its rest a window at a time and equals one build', async () => {
  // 3,000 locals: a resumed build takes over the finished locals and lists the others 512 at a time
  // (model/body.ts collectBody). Four short slices stop inside the first window, then one goes through all
  // the others. Then a line added after the first local, built the same way from the first build: the
  // locals after it move.
  const parser = await sharedParser();
  const text = manyLocals(3000);
  const at = text.indexOf('\n', text.indexOf('  l0 =')) + 1;
  const edited = `${text.slice(0, at)}\n${text.slice(at)}`;
  // And a character typed in a late local, within its line: the body's record (which entries hold which
  // local) from the build resumed in slices tells the next build what to copy.
  const late = edited.indexOf('  l2900 =') + 5;
  const typed = `${edited.slice(0, late)}0${edited.slice(late)}`;
  const builder = new ModelBuilder();
  const steps = [
    [text, undefined],
    [edited, [{ start: at, oldEnd: at, newEnd: at + 1 }]],
    [typed, [{ start: late, oldEnd: late, newEnd: late + 1, sameLine: true }]],
  ] as const;
  for (const [after, edits] of steps) {
    const tree = parser.parse(after);
    try {
      let attempts = 0;
      const { result, stops } = buildInSlices((e) => builder.build(tree, after, e), edits, () => performance.now() + (attempts++ < 4 ? 1 : 60_000));
      if (after !== typed) assert.ok(stops >= 2, `only ${stops + 1} slices`);
      const once = buildModel(tree, after);
      assert.deepEqual(plainModel(result.file), plainModel(once.file));
      assert.deepEqual(result.problems, once.problems);
      assert.equal(result.file.locals.size, 3000);
    } finally {
      tree.delete();
    }
  }
});

test('a large body taken over item by item keeps the problems of the items it copies, in order', async () => {
  // Twelve groups (a body recorded for item-by-item reuse); two of them carry a problem from a nested
  // block (an interpolated label), which their cache entries hold. Edits within one line of other groups,
  // before, between and after them, and within one of them, copy the rest from the previous build.
  const group = (i: number) => {
    const label = i === 3 || i === 8 ? `"t-\${var.v}-${i}"` : `"t${i}"`;
    return `  group "g${i}" {\n    count = ${i}\n\n    task ${label} {\n      driver = "exec"\n    }\n  }\n`;
  };
  const text = `job "j" {\n${Array.from({ length: 12 }, (_, i) => group(i)).join('\n')}}\n`;
  const editor = new Editor(await sharedParser(), text);
  try {
    const first = editor.build();
    assert.equal(first.problems.length, 2, 'the two interpolated labels');
    for (const i of [1, 5, 10, 3, 8]) {
      const at = editor.text.indexOf(`count = ${i}\n`) + 'count = '.length;
      editor.edit(at, at, '1');
      const incremental = editor.build();
      const fresh = editor.fresh();
      assert.deepEqual(plainModel(incremental.file), plainModel(fresh.file), `edit in g${i}: models differ`);
      assert.deepEqual(incremental.problems, fresh.problems, `edit in g${i}: problems differ`);
      assert.equal(incremental.problems.length, 2);
    }
  } finally {
    editor.dispose();
  }
});

test('a lone \\r typed into a file of \\n line ends moves the positions after it, in this build and the next', async () => {
  // The builder skips the search for `\r` while the text is known to hold none: typing one must end that.
  const text = execJobOfLines(200);
  const editor = new Editor(await sharedParser(), text);
  try {
    editor.build();
    const at = text.indexOf('count = 1') + 'count = 1'.length;
    const edits: [number, string][] = [
      [at, '\r'],
      [text.indexOf('delay') + 2, 'x'],
      [at + 1, '\r'],
    ];
    for (const [offset, insert] of edits) {
      editor.edit(offset, offset, insert);
      const incremental = editor.build();
      const fresh = editor.fresh();
      assert.deepEqual(plainModel(incremental.file), plainModel(fresh.file), `after inserting ${JSON.stringify(insert)} at ${offset}`);
      assert.deepEqual(incremental.problems, fresh.problems);
    }
  } finally {
    editor.dispose();
  }
});
