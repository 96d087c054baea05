// Editor-feature latency over the stdio server: hover and completion at random positions of an open
// document, p50/p99 of the request round trip. bench/lsp.ts calls measureFeatureLatency with its 1 MB
// job; run alone (`node out/bench/lspFeatures.js`) it uses the same generated 1 MB job (bench/generate.ts).
import { performance } from 'node:perf_hooks';
import type { Position } from 'vscode-languageserver-types';
import type { LspClient } from '../test/helpers/lspClient';
import { startClient } from '../test/helpers/featureClient';
import { int, seededRandom } from '../test/helpers/random';
import { execJobOfBytes } from './generate';

export interface LatencyRow {
  name: string;
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function randomPositions(text: string, count: number, seed: number): Position[] {
  const lines = text.split('\n');
  const next = seededRandom(seed);
  const positions: Position[] = [];
  for (let i = 0; i < count; i++) {
    const line = int(next, lines.length);
    positions.push({ line, character: int(next, lines[line].length + 1) });
  }
  return positions;
}

async function time(client: LspClient, method: string, uri: string, positions: Position[]): Promise<LatencyRow> {
  const samples: number[] = [];
  for (const position of positions) {
    const start = performance.now();
    await client.request(method, { textDocument: { uri }, position });
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { name: method, samples: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] };
}

/**
 * Hover and completion latency at `count` random positions of `text`, opened as `uri` (the caller may
 * have it open already: pass `alreadyOpen`). Waits for the document's diagnostics first so that the
 * numbers measure the features, not the first analysis.
 */
export async function measureFeatureLatency(client: LspClient, uri: string, text: string, options: { count?: number; seed?: number; alreadyOpen?: boolean; label?: string } = {}): Promise<LatencyRow[]> {
  const count = options.count ?? 300;
  if (!options.alreadyOpen) {
    const version = client.open(uri, text);
    await client.diagnostics(uri, version);
  }
  const label = options.label ? ` (${options.label})` : '';
  const seed = options.seed ?? 7;
  const positions = randomPositions(text, count, seed);
  // Warm up at other random positions first: the first request down each code path pays for V8 compiling
  // it (tens of ms once per process), and the document's line index is built on first use.
  const warmup = randomPositions(text, 100, seed + 1);
  await time(client, 'textDocument/hover', uri, warmup);
  await time(client, 'textDocument/completion', uri, warmup);
  const hover = await time(client, 'textDocument/hover', uri, positions);
  const completion = await time(client, 'textDocument/completion', uri, positions);
  return [
    { ...hover, name: `hover at random positions${label}` },
    { ...completion, name: `completion at random positions${label}` },
  ];
}

export function formatRows(rows: LatencyRow[]): string {
  const header = `${'measure'.padEnd(48)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`;
  const lines = rows.map((r) => `${r.name.padEnd(48)} ${String(r.samples).padStart(5)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${r.max.toFixed(2).padStart(8)}`);
  const worst = Math.max(...rows.map((r) => r.p99));
  const verdict = `Request round trip over stdio after a warm-up. Target p99 < 10 ms: ${worst < 10 ? 'met' : 'NOT met'} (worst p99 ${worst.toFixed(2)} ms).`;
  return [header, ...lines, verdict].join('\n');
}

async function main(): Promise<void> {
  const text = execJobOfBytes(1024 * 1024);
  const client = await startClient();
  try {
    const rows = await measureFeatureLatency(client, 'file:///tmp/nomad-exec-bench/features-1mb.nomad.hcl', text, { label: `${(text.length / 1e6).toFixed(2)} MB` });
    process.stdout.write(formatRows(rows) + '\n');
  } finally {
    await client.stop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  });
}
