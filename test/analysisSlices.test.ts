// Analyses in slices (server/src/pause.ts, DocumentAnalysis.advance): the language server stops an analysis
// at a deadline and goes on later from what was finished (the parser resumes, the model cache and the
// checks' group memo keep finished items). Here every step gets a deadline already past, so each attempt
// does the least it can before pausing: the result must still be what one uninterrupted analysis gives,
// also when an edit lands while the analysis of the older text is half done.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { sharedParser, type HclParser } from '../server/src/parser/parser';
import { analyse, DocumentAnalysis, type Analysis } from '../server/src/analysis';
import { resolveSettings, type EffectiveSettings } from '../server/src/settings';
import { corpusFiles } from './helpers/corpus';
import { execJobOfLines, execJobOfOneGroup } from '../bench/generate';
import { hugeList, manyInterpolations, manyLocals } from '../bench/pathological';
import { buildModel } from '../server/src/model/build';
import { referenceIndex } from '../server/src/references/index';
import { checkpoint, isPaused, progress, withDeadline } from '../server/src/pause';
import { asSent } from './helpers/diagnose';

/** Advances with a deadline already past until done; returns the analysis and how many steps it took. */
function inSlices(doc: DocumentAnalysis, settings: EffectiveSettings): { analysis: Analysis; steps: number } {
  for (let steps = 1; ; steps++) {
    const analysis = doc.advance(settings, 0);
    if (analysis) return { analysis, steps };
  }
}

function sameDiagnostics(actual: Analysis, expected: Analysis, what: string): void {
  assert.deepEqual(asSent(actual.diagnostics), asSent(expected.diagnostics), what);
}

test('analyses in slices', async (t) => {
  const parser: HclParser = await sharedParser();
  const settings = resolveSettings({});

  await t.test('a job analysed in the smallest slices gives what one uninterrupted analysis gives', () => {
    const text = execJobOfLines(1000);
    const doc = new DocumentAnalysis(parser, 'file:///slices/job.nomad.hcl', text, 1);
    try {
      const { analysis, steps } = inSlices(doc, settings);
      // Parse, model build and checks each paused many times on the way.
      assert.ok(steps > 50, `only ${steps} steps`);
      sameDiagnostics(analysis, analyse(parser, text, settings), 'sliced and one-shot');
      assert.ok(doc.snapshot()?.tree, 'the snapshot has the tree');
    } finally {
      doc.dispose();
    }
  });

  await t.test('corpus files analysed in slices equal their one-shot analysis', () => {
    const files = [...corpusFiles('exec'), ...corpusFiles('other'), ...corpusFiles('invalid')];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const doc = new DocumentAnalysis(parser, `file://${file}`, text, 1);
      try {
        sameDiagnostics(inSlices(doc, settings).analysis, analyse(parser, text, settings), file);
      } finally {
        doc.dispose();
      }
    }
  });

  await t.test('an edit during a half-done analysis: the result is that of the new text', () => {
    const text = execJobOfLines(1000);
    // Where the edit lands: in the parse, in the model build, in the checks (counts of steps before it).
    for (const stepsBefore of [1, 20, 120, 260, 400]) {
      const doc = new DocumentAnalysis(parser, 'file:///slices/edit.nomad.hcl', text, 1);
      try {
        let finished = false;
        for (let i = 0; i < stepsBefore && !finished; i++) finished = !!doc.advance(settings, 0);
        // Rename the job's first group and break the count of another line: both change the findings.
        const at = text.indexOf('group "g3"');
        const line = text.slice(0, at).split('\n').length - 1;
        doc.applyChanges([{ range: { start: { line, character: 9 }, end: { line, character: 11 } }, text: 'g1' }], 2);
        const edited = doc.text;
        assert.notEqual(edited, text);
        const { analysis } = inSlices(doc, settings);
        sameDiagnostics(analysis, analyse(parser, edited, settings), `edit after ${stepsBefore} steps (finished before: ${finished})`);
        assert.equal(doc.snapshot()?.version, 2);
      } finally {
        doc.dispose();
      }
    }
  });

  /** The index of `text` built with a deadline already past at every step: the attempts it took, and the index. */
  const indexInSlices = (text: string) => {
    const tree = parser.parse(text);
    try {
      const { file } = buildModel(tree, text);
      let attempts = 0;
      for (;;) {
        attempts++;
        try {
          withDeadline(0, () => referenceIndex(file), 0);
          break;
        } catch (error) {
          if (!isPaused(error)) throw error;
        }
      }
      const names = (index: ReturnType<typeof referenceIndex>) => ({
        declarations: index.declarations.map((d) => `${d.kind}:${d.name}@${d.range.start.line}`),
        uses: index.uses.map((u) => `${u.kind}:${u.written}@${u.range.start.line}->${u.target ? `${u.target.name}@${u.target.range.start.line}` : '-'}`),
      });
      const whole = referenceIndex(buildModel(tree, text).file);
      assert.deepEqual(names(referenceIndex(file)), names(whole));
      assert.ok(whole.uses.some((u) => u.target), 'uses are linked');
      return { attempts, file, whole };
    } finally {
      tree.delete();
    }
  };

  await t.test('the reference index of a job with many groups is built in slices, and is the same index', () => {
    const { attempts, file } = indexInSlices(execJobOfLines(1000));
    // A cold index of a large job was one long step that kept every other request waiting.
    const groups = file.jobs[0].groups.length;
    assert.ok(attempts >= groups, `${attempts} attempts for ${groups} groups`);
  });

  await t.test('a large locals block and a large group are indexed in slices inside them, and give the same index', () => {
    // Each is one unit of the index (a locals block, a group), walked and linked item by item with a place
    // kept (references/collect.ts walkLarge, index.ts linkUses): one step each held the thread 50-100 ms.
    const { attempts, whole } = indexInSlices(`${manyLocals(1500)}\n${execJobOfOneGroup(600).replace('job "one"', 'job "two"')}`);
    assert.ok(attempts > 20, `${attempts} attempts for two units and a few more`);
    assert.equal(whole.declarations.filter((d) => d.kind === 'local').length, 1500);
    // The large group's 600 tasks and the one of the small job beside the locals.
    assert.equal(whole.declarations.filter((d) => d.kind === 'task').length, 601);
  });

  await t.test('a list of 100,000 elements: the first 1,000 are read, and a notice says so', () => {
    const text = hugeList(100_000);
    const doc = new DocumentAnalysis(parser, 'file:///slices/list.nomad.hcl', text, 1);
    try {
      // A parse of about a second, or many on a loaded machine: no parse-time limit here.
      const analysis = doc.analyse(resolveSettings({ maxParseTime: 600 }));
      const notices = analysis.diagnostics.filter((d) => d.code === 'analysis-limit');
      assert.equal(notices.length, 1, JSON.stringify(analysis.diagnostics));
      assert.match(notices[0].message, /more than 1,000 elements/);
      assert.equal(notices[0].range.start.line, 6, 'at the list');
      const args = analysis.file.jobs[0].groups[0].tasks[0].block.body.items.find((i) => i.kind === 'block' && i.type === 'config');
      assert.ok(args && args.kind === 'block');
      const list = args.body.items.find((i) => i.kind === 'attribute' && i.name === 'args');
      assert.ok(list && list.kind === 'attribute' && list.value.kind === 'tuple');
      assert.equal(list.value.items.length, 1000);
    } finally {
      doc.dispose();
    }
  });

  await t.test('an attempt works on past its deadline for as long as it took to reach its first new unit, up to 10 ms', () => {
    // The time is what is tested: units are made of time here (spinning on the clock, no sleep).
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    /**
     * Units of 0.5 ms after `before` ms of finding what earlier attempts finished: how many ran before the
     * stop, and how long the attempt worked on after the first.
     */
    const attempt = (before: number, catchUpMs?: number): { units: number; after: number } => {
      let units = 0;
      let first = 0;
      assert.throws(
        () =>
          withDeadline(
            0,
            () => {
              spin(before);
              for (;;) {
                units++;
                spin(0.5);
                progress();
                if (units === 1) first = performance.now();
                checkpoint();
              }
            },
            catchUpMs,
          ),
        (error) => isPaused(error),
      );
      return { units, after: performance.now() - first };
    };
    // 6 ms to get there: at least 6 ms more of new units, not one unit.
    const caughtUp = attempt(6);
    assert.ok(caughtUp.after >= 6 && caughtUp.units > 1, JSON.stringify(caughtUp));
    // 100 ms to get there: 10 ms more, not 100.
    const capped = attempt(100);
    assert.ok(capped.after >= 10 && capped.after < 70, JSON.stringify(capped));
    // Without catching up (the resumption tests): one unit, then the stop.
    assert.equal(attempt(6, 0).units, 1);
  });

  await t.test('one large body and one large group analysed in the smallest slices give what one analysis gives', () => {
    // Both used to be units that could not stop half-way once begun, or could only by starting over: 1,500
    // locals (a body: the build takes over the finished attributes in one copy, model/body.ts resumeBody;
    // the checks remember each attribute, memo.ts eachItem; the reference index walks each local as a unit)
    // and a group of 300 tasks (its checks remember each task, groupMemo.ts remembersBlocks, and stop
    // between two tasks).
    const text = `${manyLocals(1500)}\n${execJobOfOneGroup(300).replace('job "one"', 'job "two"')}`;
    const doc = new DocumentAnalysis(parser, 'file:///slices/large.nomad.hcl', text, 1);
    try {
      const { analysis, steps } = inSlices(doc, settings);
      // Each attempt finds again what the earlier ones finished before it goes on. Stopped right after its
      // first new unit, that made 14 attempts per local; one that works on for as long as it took to get
      // there (pause.ts) makes under 2.
      assert.ok(steps < 4 * 1500, `${steps} attempts for 1,500 locals`);
      const whole = analyse(parser, text, settings);
      sameDiagnostics(analysis, whole, 'sliced and one-shot');
      // Findings from the file level (the locals), the large group, and the job rules (two jobs).
      const codes = new Set(whole.diagnostics.map((d) => d.code));
      for (const code of ['unknown-variable', 'unused-declaration', 'duplicate']) assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
      assert.equal(analysis.file.locals.size, 1500);
      // The edit after it: a local renamed, as typing does, then the analysis again in slices.
      const at = text.indexOf('  l700 =');
      const line = text.slice(0, at).split('\n').length - 1;
      doc.applyChanges([{ range: { start: { line, character: 2 }, end: { line, character: 6 } }, text: 'l0' }], 2);
      sameDiagnostics(inSlices(doc, settings).analysis, analyse(parser, doc.text, settings), 'after an edit');
    } finally {
      doc.dispose();
    }
  });

  await t.test('a string of more than 1,000 interpolations is not read (a notice says so); one of 1,000 is', () => {
    // Built in one step that cannot pause, 50,000 `${var.port}` held the server for 600 ms.
    for (const [count, read] of [[1001, false], [1000, true]] as const) {
      const doc = new DocumentAnalysis(parser, `file:///slices/interp${count}.nomad.hcl`, manyInterpolations(count), 1);
      try {
        const analysis = doc.analyse(settings);
        const env = analysis.file.jobs[0].groups[0].tasks[0].block.body.items.find((i) => i.kind === 'block' && i.type === 'env');
        assert.ok(env && env.kind === 'block');
        const ports = env.body.items[0];
        assert.ok(ports.kind === 'attribute');
        const notices = analysis.diagnostics.filter((d) => d.code === 'analysis-limit');
        if (read) {
          assert.deepEqual(analysis.diagnostics, [], `${count}: no finding`);
          assert.ok(ports.value.kind === 'template');
          assert.equal(ports.value.parts.filter((p) => p.kind === 'interpolation').length, 1000);
        } else {
          assert.equal(notices.length, 1, JSON.stringify(analysis.diagnostics));
          assert.match(notices[0].message, /This string has more than 1,000 interpolations/);
          assert.equal(notices[0].range.start.line, 12, 'at the string');
          assert.equal(ports.value.kind, 'invalid', 'its value is unknown');
          // The variable it reads is not reported unused: a string not read may read anything.
          assert.ok(!analysis.diagnostics.some((d) => d.code === 'unused-declaration'), JSON.stringify(analysis.diagnostics));
        }
      } finally {
        doc.dispose();
      }
    }
  });

  await t.test('above nomadExec.maxFileSize only the notice is kept; below it again, the full analysis', () => {
    const text = execJobOfLines(100);
    const doc = new DocumentAnalysis(parser, 'file:///slices/size.nomad.hcl', text, 1);
    try {
      const small = resolveSettings({ maxFileSize: 0.001 });
      const limited = doc.analyse(small);
      assert.deepEqual(limited.diagnostics.map((d) => d.code), ['analysis-limit']);
      assert.match(limited.diagnostics[0].message, /nomadExec\.maxFileSize/);
      assert.equal(doc.snapshot()?.tree, undefined, 'no tree is kept');
      sameDiagnostics(doc.analyse(settings), analyse(parser, text, settings), 'after the limit is raised');
    } finally {
      doc.dispose();
    }
  });

  await t.test('brackets left open 10,000 deep are not parsed (a notice says so); closing them brings the analysis back', () => {
    // The attack on responsiveness: tree-sitter recovers from 50,000 unclosed `{` in steps of 400 ms that
    // its progress callback cannot interrupt. The harmless twin: the same braces, closed.
    const open = `job "braces" {\n${'{\n'.repeat(12_000)}`;
    const closed = `job "braces" {\n  meta = ${'{ x = '.repeat(200)}1${' }'.repeat(200)}\n}\n`;
    const doc = new DocumentAnalysis(parser, 'file:///slices/braces.nomad.hcl', open, 1);
    try {
      const analysis = doc.analyse(settings);
      assert.deepEqual(analysis.diagnostics.map((d) => d.code), ['analysis-limit']);
      assert.match(analysis.diagnostics[0].message, /12,001 brackets open at once/);
      assert.equal(doc.snapshot()?.tree, undefined, 'no tree kept');
      assert.deepEqual(analyse(parser, open, settings).diagnostics.map((d) => d.code), ['analysis-limit'], 'the CLI too');
      doc.applyChanges([{ range: { start: { line: 0, character: 0 }, end: { line: 12_001, character: 0 } }, text: closed }], 2);
      const back = doc.analyse(settings);
      assert.ok(!back.diagnostics.some((d) => d.code === 'analysis-limit'), JSON.stringify(back.diagnostics));
      sameDiagnostics(back, analyse(parser, closed, settings), 'closed');
    } finally {
      doc.dispose();
    }
  });

  await t.test('a parse that runs out of nomadExec.maxParseTime stops with a notice', () => {
    const text = execJobOfLines(3000);
    const doc = new DocumentAnalysis(parser, 'file:///slices/slow.nomad.hcl', text, 1);
    try {
      const analysis = doc.analyse(resolveSettings({ maxParseTime: 0.0001 }));
      assert.deepEqual(analysis.diagnostics.map((d) => d.code), ['analysis-limit']);
      assert.match(analysis.diagnostics[0].message, /nomadExec\.maxParseTime/);
      sameDiagnostics(doc.analyse(settings), analyse(parser, text, settings), 'with the default limit');
    } finally {
      doc.dispose();
    }
  });
});
