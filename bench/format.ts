// `npm run bench:format`: the figures behind formatting with our own hclwrite rules (features/format.ts)
// rather than HashiCorp's hclwrite compiled to wasm (`@cdktn/hcl-tools`, a devDependency used as the test
// oracle): start-up and resident memory of the wasm, time per format of a ~1,000-line and a ~1 MB job for
// both, and the cost of HCL's syntax verdict (parser/hclVerdict) that the formatter and every analysis run.
import { canonicalLayout } from '../server/src/features/format';
import { hclSyntaxIssues } from '../server/src/parser/hclVerdict';
import { lexHcl } from '../server/src/parser/hclLexer';
import { execJobOfBytes, execJobOfLines, percentile } from './generate';

function timeMs(run: () => unknown, times: number): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return percentile(samples.sort((a, b) => a - b), 50);
}

async function timeAsyncMs(run: () => Promise<unknown>, times: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return percentile(samples.sort((a, b) => a - b), 50);
}

async function main(): Promise<void> {
  const jobs: [string, string][] = [
    ['~1,000 lines', execJobOfLines(1000)],
    ['~1 MB', execJobOfBytes(1 << 20)],
  ];
  const rssBefore = process.memoryUsage().rss;
  const loadStart = performance.now();
  const { format: wasmFormat } = await import('@cdktn/hcl-tools');
  await wasmFormat('a = 1\n');
  const startup = performance.now() - loadStart;
  const rssAfter = process.memoryUsage().rss;
  console.log(`hclwrite wasm: start-up ${startup.toFixed(0)} ms, resident memory +${((rssAfter - rssBefore) / 1e6).toFixed(0)} MB`);
  console.log('job            | ours p50 ms | wasm p50 ms | ratio | identical | lex ms | verdict ms');
  for (const [name, text] of jobs) {
    const times = text.length > 100_000 ? 5 : 30;
    for (let i = 0; i < times; i++) {
      canonicalLayout(text);
      hclSyntaxIssues(text);
    }
    const ours = timeMs(() => canonicalLayout(text), times);
    const wasm = await timeAsyncMs(() => wasmFormat(text), times);
    const identical = canonicalLayout(text) === (await wasmFormat(text));
    const lex = timeMs(() => lexHcl(text), times);
    const verdict = timeMs(() => hclSyntaxIssues(text), times);
    console.log(`${name.padEnd(14)} | ${ours.toFixed(2).padStart(11)} | ${wasm.toFixed(2).padStart(11)} | ${(wasm / ours).toFixed(1).padStart(5)} | ${String(identical).padStart(9)} | ${lex.toFixed(2).padStart(6)} | ${verdict.toFixed(2).padStart(10)}`);
  }
  process.exit(0); // the Go runtime in the wasm keeps the event loop alive
}

void main();
