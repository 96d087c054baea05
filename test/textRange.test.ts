// The model's ranges (model/positions.ts textRange): two packed numbers when line and character fit, four
// otherwise. A range must read back and go over the wire exactly as made, whichever form it took: a wrong
// mask or shift would move every diagnostic of a long line or a long file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { textRange } from '../server/src/model/positions';
import { seededRandom, int } from './helpers/random';
import { analyseText } from './helpers/analyse';
import { asSent } from './helpers/diagnose';

function sent(startLine: number, startCharacter: number, endLine: number, endCharacter: number): unknown {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

test('a range reads back as made, at the edges of the packed form and past them', () => {
  const edges = [0, 1, 4094, 4095, 4096, 4097, 262143, 262144, 1_000_000, 2 ** 30, 2 ** 31 - 1];
  const random = seededRandom(7);
  const cases: [number, number, number, number][] = [];
  for (const line of edges) for (const character of edges) cases.push([line, character, line, character]);
  for (let i = 0; i < 2000; i++) {
    const startLine = int(random, 300_000);
    const startCharacter = int(random, 5000);
    cases.push([startLine, startCharacter, startLine + int(random, 3), int(random, 5000)]);
  }
  for (const [sl, sc, el, ec] of cases) {
    const range = textRange(sl, sc, el, ec);
    assert.deepEqual([range.startLine, range.startCharacter, range.endLine, range.endCharacter], [sl, sc, el, ec]);
    assert.deepEqual([range.start, range.end], [{ line: sl, character: sc }, { line: el, character: ec }]);
    assert.deepEqual(asSent(range), sent(sl, sc, el, ec));
  }
});

test('a block ending far along a long line, and a finding far down a long file, are where they are', async () => {
  // A block whose range ends past character 4,095 of its line, and an unknown key past line 262,143.
  const padding = 'x'.repeat(5000);
  const longLine = `job "j" {\n  meta { a = "${padding}" }\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n  }\n  bogus_key = 1\n}\n`;
  const analysis = await analyseText(longLine);
  const onLong = analysis.diagnostics.find((d) => /bogus_key/.test(d.message));
  assert.ok(onLong, 'the unknown key is reported');
  assert.deepEqual(asSent(onLong.range), sent(10, 2, 10, 11));
  const metaLine = analysis.file.jobs[0].block.body.items.find((i) => i.kind === 'block' && i.type === 'meta');
  assert.ok(metaLine && metaLine.kind === 'block');
  assert.deepEqual(asSent(metaLine.range), sent(1, 2, 1, 5000 + 17));

  const blank = '\n'.repeat(262_200);
  const far = `${blank}job "j" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n  }\n  bogus_key = 1\n}\n`;
  const onFar = (await analyseText(far)).diagnostics.find((d) => /bogus_key/.test(d.message));
  assert.ok(onFar, 'the unknown key is reported');
  assert.deepEqual(asSent(onFar.range), sent(262_200 + 9, 2, 262_200 + 9, 11));
});
