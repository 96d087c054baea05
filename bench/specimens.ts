// `npm run bench:specimens`: what the objects kept for their shapes (server/src/specimens.ts) are worth. The
// ~1 MB job and the ~1,000-line job are analysed again and again in one process, each time after a full
// collection, as the server's are after a close or at a pause (memory.ts): in a process that kept the
// specimens (as the server does), in one that did not, and in one that did not and is not collected. Each
// variant runs in a process of its own (the specimens are kept for the life of a process). Prints the
// median open time, the mean and p99 of edits, and how many optimised functions V8 threw away because
// objects they were made for died ("weak objects"), per collection.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { sharedParser } from '../server/src/parser/parser';
import { DocumentAnalysis } from '../server/src/analysis';
import { DocumentStore } from '../server/src/documents';
import { resolveSettings } from '../server/src/settings';
import { watchMachine } from '../server/src/checks/machine';
import { seededRandom } from '../test/helpers/random';
import { editScript } from './lsp';
import { execJobOfBytes, execJobOfLines, lineStarts, percentile, positionAt } from './generate';

type Variant = 'specimens' | 'none' | 'no collection';
const VARIANTS: Variant[] = ['specimens', 'none', 'no collection'];
const OPENS = Number(process.env.BENCH_SPECIMEN_OPENS ?? 7);
const EDITS = Number(process.env.BENCH_SPECIMEN_EDITS ?? 3000);
/** Edits between two collections in the edit row: a user who pauses now and then. */
const EDITS_PER_COLLECTION = 300;

async function child(variant: Variant): Promise<void> {
  const parser = await sharedParser();
  const settings = resolveSettings({});
  // As in the server: the generated jobs' commands are looked up on the disk off the thread.
  const stopWatching = watchMachine(() => undefined);
  if (variant === 'specimens') new DocumentStore(parser, () => settings).keepSpecimens();
  const collects = variant !== 'no collection';
  let collections = 0;
  const collect = async (): Promise<void> => {
    await (globalThis as unknown as { gc: (o: object) => Promise<void> }).gc({ type: 'major', execution: 'async' });
    collections++;
  };
  const big = execJobOfBytes(1 << 20);
  const opens: number[] = [];
  for (let i = 0; i < OPENS; i++) {
    const doc = new DocumentAnalysis(parser, `file:///bench/specimens-${i}.nomad.hcl`, big, 1);
    const start = performance.now();
    while (!doc.advance(settings, performance.now() + 20)) await new Promise((resolve) => setImmediate(resolve));
    opens.push(performance.now() - start);
    doc.dispose();
    if (collects) await collect();
  }
  const text = execJobOfLines(1000);
  const doc = new DocumentAnalysis(parser, 'file:///bench/specimens-edits.nomad.hcl', text, 1);
  doc.analyse(settings);
  const edits = editScript(text, EDITS, seededRandom(11));
  const times: number[] = [];
  let current = text;
  for (const [i, edit] of edits.entries()) {
    if (collects && i > 0 && i % EDITS_PER_COLLECTION === 0) await collect();
    const starts = lineStarts(current);
    const range = { start: positionAt(starts, edit.offset), end: positionAt(starts, edit.offset + edit.deleteCount) };
    const start = performance.now();
    doc.applyChanges([{ range, text: edit.insert }], i + 2);
    while (!doc.advance(settings, performance.now() + 20)) await new Promise((resolve) => setImmediate(resolve));
    // The first half lets the JIT compile what an edit runs.
    if (i >= EDITS / 2) times.push(performance.now() - start);
    current = current.slice(0, edit.offset) + edit.insert + current.slice(edit.offset + edit.deleteCount);
  }
  doc.dispose();
  stopWatching();
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  // The first open runs unoptimised code into a fresh heap: the ones after it are compared.
  const later = opens.slice(1).sort((a, b) => a - b);
  process.stdout.write(`${JSON.stringify({ open: percentile(later, 50), mean: mean * 1000, p99: percentile(sorted, 99) * 1000, collections })}\n`);
}

function run(variant: Variant): { open: number; mean: number; p99: number; weak: number; collections: number } {
  const result = spawnSync(process.execPath, ['--expose-gc', '--trace-deopt', path.join(__dirname, 'specimens.js'), '--child', variant], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`${variant}: ${result.stderr}`);
  const lines = result.stdout.trimEnd().split('\n');
  const figures = JSON.parse(lines[lines.length - 1]) as { open: number; mean: number; p99: number; collections: number };
  const weak = lines.filter((line) => line.includes('reason: weak objects')).length;
  return { ...figures, weak };
}

function main(): void {
  console.log(`${OPENS} opens of the ~1 MB job, each after a close and a full collection; ${EDITS} edits of the ~1,000-line job, a collection every ${EDITS_PER_COLLECTION} (the later half timed)`);
  console.log('| objects kept for their shapes | 1 MB open p50 (after the first) | edit mean µs | edit p99 µs | optimised functions thrown away for dead objects, per collection |');
  console.log('|---|---|---|---|---|');
  for (const variant of VARIANTS) {
    const r = run(variant);
    const perCollection = r.collections > 0 ? (r.weak / r.collections).toFixed(0) : `${r.weak} in all`;
    const name = variant === 'specimens' ? 'kept (the server)' : variant === 'none' ? 'none' : 'none, and no collections';
    console.log(`| ${name} | ${r.open.toFixed(0)} ms | ${r.mean.toFixed(0)} | ${r.p99.toFixed(0)} | ${perCollection} |`);
  }
}

const at = process.argv.indexOf('--child');
if (at >= 0) void child(process.argv[at + 1] as Variant);
else main();
