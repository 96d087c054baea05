// Editor-feature latency over the stdio server: hover, completion, navigation and signature help on the
// generated 1 MB job (bench/generate.ts), p50/p99 of the request round trip. `npm run bench:lsp` runs it in
// a process of its own after bench/lsp.ts: run in that one, after its edit runs, the collections of what
// those left behind (in the server and in the bench itself) were most of these p99s.
import { performance } from 'node:perf_hooks';
import type { Position } from 'vscode-languageserver-types';
import type { LspClient } from '../test/helpers/lspClient';
import * as path from 'node:path';
import { startClient } from '../test/helpers/featureClient';
import { LspClient as Client, REPO_ROOT } from '../test/helpers/lspClient';
import { int, seededRandom } from '../test/helpers/random';
import { execJobOfBytes, lineStarts, positionAt } from './generate';

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

/**
 * Positions on names (uses of `var.`/`local.`, `NOMAD_*` names, port strings, group and task labels), where
 * definition, references and rename have work to do: random positions mostly hit nothing.
 */
function namePositions(text: string, count: number, seed: number, pattern: RegExp): Position[] {
  const offsets: number[] = [];
  for (const match of text.matchAll(pattern)) offsets.push((match.index ?? 0) + Math.floor(match[0].length / 2) + 1);
  if (offsets.length === 0) return randomPositions(text, count, seed);
  const next = seededRandom(seed);
  const starts = lineStarts(text);
  return Array.from({ length: count }, () => positionAt(starts, offsets[int(next, offsets.length)]));
}

/** One request's round trip, and its parts: until the reply's first bytes arrive, reading it, decoding it. */
interface RoundTrip {
  total: number;
  parts: [number, number, number];
}

/** The round trip of `method` at each of `positions`, one request after the other. */
async function roundTrips(client: LspClient, method: string, uri: string, positions: Position[], extra: Record<string, unknown> = {}): Promise<RoundTrip[]> {
  const out = client.process.stdout!;
  let first = 0;
  let last = 0;
  const onData = (): void => {
    last = performance.now();
    if (first === 0) first = last;
  };
  out.on('data', onData);
  const samples: RoundTrip[] = [];
  try {
    for (const position of positions) {
      first = 0;
      const start = performance.now();
      // A refused rename is an error reply: still a round trip to time.
      await client.request(method, { textDocument: { uri }, position, ...extra }).catch(() => undefined);
      const end = performance.now();
      samples.push({ total: end - start, parts: [first - start, last - first, end - last] });
    }
  } finally {
    out.off('data', onData);
  }
  return samples;
}

async function time(client: LspClient, method: string, uri: string, positions: Position[], extra: Record<string, unknown> = {}): Promise<LatencyRow> {
  return row(method, (await roundTrips(client, method, uri, positions, extra)).map((s) => s.total));
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
  // Names used once or a few times (labels, NOMAD_* names, port strings), and `var.`/`local.` uses: in the
  // generated job one variable is used by every task, so those replies carry every use (~1,700 ranges).
  const names = namePositions(text, count, seed + 2, /NOMAD_\w+|port\s*=\s*"\w+"|(?:task|group|port|volume) "[^"\n]+"/g);
  const shared = namePositions(text, count, seed + 3, /var\.\w+|local\.\w+/g);
  const navigation = [
    ['textDocument/definition', 'definition on names', {}, names],
    ['textDocument/references', 'references on names', { context: { includeDeclaration: true } }, names],
    ['textDocument/documentHighlight', 'documentHighlight on names', {}, names],
    ['textDocument/prepareRename', 'prepareRename on names', {}, names],
    ['textDocument/rename', 'rename on names', { newName: 'renamed_name' }, names],
    ['textDocument/definition', 'definition on var. uses', {}, shared],
    ['textDocument/references', 'references on var. uses (all uses)', { context: { includeDeclaration: true } }, shared],
    ['textDocument/rename', 'rename on var. uses (all uses)', { newName: 'renamed_name' }, shared],
    ['textDocument/signatureHelp', 'signatureHelp at random positions', {}, positions],
  ] as const;
  const rows: LatencyRow[] = [
    { ...hover, name: `hover at random positions${label}` },
    { ...completion, name: `completion at random positions${label}` },
  ];
  for (const [method, name, extra, at] of navigation) {
    await time(client, method, uri, at.slice(0, 30), extra);
    if (at === shared && method !== 'textDocument/definition') rows.push(...(await phases(client, method, uri, at, extra, `${name}${label}`)));
    else rows.push({ ...(await time(client, method, uri, at, extra)), name: `${name}${label}` });
  }
  rows.push(...(await againstFloor(client, uri, text, count, seed + 4, label)));
  return rows;
}

/**
 * The round trips of large replies, and where each went: until its first bytes reach the client (sending the
 * request, the server's answer, the write begun), reading it (the pipe carries 64 KB at a time), and after
 * its last bytes (the client decoding ~200 KB of JSON); the last row splits the slowest 1% alone.
 */
async function phases(client: LspClient, method: string, uri: string, positions: Position[], extra: Record<string, unknown>, name: string): Promise<LatencyRow[]> {
  const samples = await roundTrips(client, method, uri, positions, extra);
  const what = name.replace(/ on var\. uses.*/, '');
  const part = (i: number, label: string): LatencyRow => row(`  of which ${label} (${what})`, samples.map((s) => s.parts[i]));
  const slowest = [...samples].sort((a, b) => b.total - a.total).slice(0, Math.max(1, Math.ceil(samples.length / 100)));
  const mean = (i: number): string => (slowest.reduce((sum, s) => sum + s.parts[i], 0) / slowest.length).toFixed(2);
  return [
    row(name, samples.map((s) => s.total)),
    part(0, 'until its first bytes arrive'),
    part(1, 'reading it'),
    part(2, 'the client decoding it'),
    { name: `  the slowest 1% (${what}), mean ms: ${mean(0)} + ${mean(1)} + ${mean(2)}`, samples: slowest.length, p50: NaN, p99: NaN, max: NaN },
  ];
}

function row(name: string, samples: number[]): LatencyRow {
  const sorted = [...samples].sort((a, b) => a - b);
  return { name, samples: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

/**
 * References and rename on the name with the most uses, ours and the floor's (bench/navigationFloor.ts: the
 * list found at open, so per request only JSON.stringify and the write), interleaved request by request so
 * that both see the same load. The same replies: the floor's places are ours (checked on the first answer).
 */
async function againstFloor(ours: LspClient, uri: string, text: string, count: number, seed: number, label: string): Promise<LatencyRow[]> {
  const floor = await Client.start({ serverArgs: [path.join(REPO_ROOT, 'out', 'bench', 'navigationFloor.js'), '--stdio'] });
  try {
    await floor.diagnostics(uri, floor.open(uri, text));
    const at = namePositions(text, count, seed, /(?<=var\.)\w+/g);
    const rows: LatencyRow[] = [];
    for (const [method, name, extra] of [
      ['textDocument/references', 'references on var. uses', { context: { includeDeclaration: true } }],
      ['textDocument/rename', 'rename on var. uses', { newName: 'renamed_name' }],
    ] as const) {
      const params = (position: Position) => ({ textDocument: { uri }, position, ...extra });
      const [mine, theirs] = await Promise.all([ours.request(method, params(at[0])), floor.request(method, params(at[0]))]);
      if (JSON.stringify(sizeOf(mine)) !== JSON.stringify(sizeOf(theirs))) throw new Error(`the floor's ${method} reply differs from ours: ${sizeOf(mine)} vs ${sizeOf(theirs)} places`);
      const times: [number[], number[]] = [[], []];
      for (const [i, position] of at.entries()) {
        for (const client of i % 2 ? [ours, floor] : [floor, ours]) {
          const start = performance.now();
          await client.request(method, params(position));
          times[client === ours ? 0 : 1].push(performance.now() - start);
        }
      }
      rows.push(row(`${name}, ours, interleaved${label}`, times[0]), row(`${name}, floor (stringify + write)${label}`, times[1]));
    }
    return rows;
  } finally {
    await floor.stop();
  }
}

/** How many places a references or rename reply lists. */
function sizeOf(reply: unknown): number {
  if (Array.isArray(reply)) return reply.length;
  const changes = (reply as { changes?: Record<string, unknown[]> } | null)?.changes;
  return changes ? Object.values(changes).reduce((n, edits) => n + edits.length, 0) : 0;
}

export function formatRows(rows: LatencyRow[]): string {
  const header = `${'measure'.padEnd(64)} ${'n'.padStart(5)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`;
  const lines = rows.map((r) => (Number.isNaN(r.p50) ? r.name : `${r.name.padEnd(64)} ${String(r.samples).padStart(5)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${r.max.toFixed(2).padStart(8)}`));
  const ours = rows.filter((r) => !r.name.includes('floor') && !r.name.startsWith('  '));
  const slowest = ours.reduce((a, b) => (b.p99 > a.p99 ? b : a));
  const worst = slowest.p99;
  const verdict = `Request round trip over stdio after a warm-up. Target p99 < 10 ms: ${worst < 10 ? 'met' : 'NOT met'} (worst p99 ${worst.toFixed(2)} ms: ${slowest.name.trim()}). Replies listing every use of a name used ~1,700 times are ~200 KB of JSON.`;
  const ratios = ['references', 'rename'].flatMap((what) => {
    const mine = rows.find((r) => r.name.startsWith(`${what} on var. uses, ours`));
    const floor = rows.find((r) => r.name.startsWith(`${what} on var. uses, floor`));
    return mine && floor ? [`${what} on the name with the most uses, ours / floor: p50 ${(mine.p50 / floor.p50).toFixed(2)}, p99 ${(mine.p99 / floor.p99).toFixed(2)}`] : [];
  });
  return [header, ...lines, verdict, ...ratios].join('\n');
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
