// Ours against the floor of our stack (bench/floorServer.ts), interleaved on the same edits: per-edit
// p50/p99 and ratios on the ~1,000-line and ~1 MB jobs and the cold open (on servers just started, then
// again after a few thousand warm-up edits); edits of kinds the random script leaves out (a variable's
// default, the job's datacenters, Enter above the groups); the 1 MB job opened and closed again and again
// (RSS after each close); and the stalls: how long a hover on a small document takes while a large or
// pathological one is being analysed, when that one's diagnostics arrive, and the server's peak RSS
// (VmHWM). Prints numbers only.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient, REPO_ROOT } from '../test/helpers/lspClient';
import { seededRandom } from '../test/helpers/random';
import { execJobOfBytes, execJobOfLines, execJobOfOneGroup, lineStarts, percentile, positionAt } from './generate';
import { editScript, type Edit } from './lsp';
import { PATHOLOGICAL } from './pathological';

const EDITS = Number(process.env.BENCH_FLOOR_EDITS ?? 400);
const FLOOR = [path.join(REPO_ROOT, 'out', 'bench', 'floorServer.js'), '--stdio'];
const SMALL = 'job "small" {\n  group "g" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n  }\n}\n';

/** A memory figure of a process from /proc, in MB: its peak (VmHWM) or its resident size now (VmRSS). */
function memoryMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const peakRss = (pid: number): number => memoryMb(pid, 'VmHWM');

const p = (values: number[], q: number): number => percentile([...values].sort((a, b) => a - b), q);
const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));

async function openTimed(client: LspClient, uri: string, text: string): Promise<number> {
  const t = performance.now();
  client.open(uri, text);
  await client.diagnostics(uri, 1);
  return performance.now() - t;
}

async function editTimed(client: LspClient, uri: string, starts: number[], edit: Edit): Promise<number> {
  const start = positionAt(starts, edit.offset);
  const end = positionAt(starts, edit.offset + edit.deleteCount);
  const t = performance.now();
  const version = client.change(uri, [{ range: { start, end }, text: edit.insert }]);
  await client.diagnostics(uri, version);
  client.published.length = 0;
  return performance.now() - t;
}

/**
 * Opens `text` in both servers and replays `edits` on each in turn, edit by edit: each one's time until its
 * diagnostics, ours then the floor's, the first `warm` left out. Closes the document after.
 */
async function replayed(ours: LspClient, floor: LspClient, uri: string, text: string, edits: readonly Edit[], warm = 0): Promise<[number[], number[]]> {
  await openTimed(ours, uri, text);
  await openTimed(floor, uri, text);
  const times: [number[], number[]] = [[], []];
  let current = text;
  let starts = lineStarts(current);
  for (const [i, edit] of edits.entries()) {
    for (const [k, client] of [ours, floor].entries()) {
      const t = await editTimed(client, uri, starts, edit);
      if (i >= warm) times[k].push(t);
    }
    current = current.slice(0, edit.offset) + edit.insert + current.slice(edit.offset + edit.deleteCount);
    starts = lineStarts(current);
  }
  ours.close(uri);
  floor.close(uri);
  return times;
}

/** Edits replayed on both servers, untimed, before the steady-state rows (BENCH_FLOOR_WARMUP). */
const WARMUP = Number(process.env.BENCH_FLOOR_WARMUP ?? 3000);

/**
 * The per-edit and cold-open rows on both generated jobs. Run twice: on servers just started (their first
 * few hundred edits), then after `warmUp`. A fresh server runs each edit's code mostly unoptimised: the JIT
 * compiles what an edit runs over its first few thousand edits (in process, the p50 of a 1,000-line edit
 * goes from ~600 µs in the first 500 edits to ~280 µs, and the same edits on a second document start at
 * ~280), while the floor's little code is compiled within a few edits.
 */
async function editRows(ours: LspClient, floor: LspClient, when: string): Promise<void> {
  console.log(`\nours / floor, ${when}, interleaved (${EDITS} single-character edits each, the same ones; cold open x3)`);
  console.log('| file | ours p50 | floor p50 | ratio p50 | ours p99 | floor p99 | ratio p99 | cold open ours | floor | ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [name, text] of [['1,000 lines', execJobOfLines(1000)], ['1 MB', execJobOfBytes(1024 * 1024)]] as const) {
    // Documents of each pass and file of their own: nothing of an earlier one is reused.
    const tag = `${when}-${name}`.replace(/\W/g, '');
    const cold: [number[], number[]] = [[], []];
    for (let i = 0; i < 3; i++) {
      for (const [k, client] of [ours, floor].entries()) {
        const uri = `file:///bench/floor-cold-${tag}-${i}.nomad.hcl`;
        cold[k].push(await openTimed(client, uri, text));
        client.close(uri);
      }
    }
    const warm = 50;
    const [o, f] = await replayed(ours, floor, `file:///bench/floor-${tag}.nomad.hcl`, text, editScript(text, EDITS + warm, seededRandom(11)), warm);
    console.log(`| ${name} | ${ms(p(o, 50))} | ${ms(p(f, 50))} | ${(p(o, 50) / p(f, 50)).toFixed(2)} | ${ms(p(o, 99))} | ${ms(p(f, 99))} | ${(p(o, 99) / p(f, 99)).toFixed(2)} | ${ms(p(cold[0], 50))} | ${ms(p(cold[1], 50))} | ${(p(cold[0], 50) / p(cold[1], 50)).toFixed(2)} |`);
  }
}

/** `WARMUP` random edits of the 1,000-line job on both servers (another seed, another document), untimed. */
async function warmUp(ours: LspClient, floor: LspClient): Promise<void> {
  const text = execJobOfLines(1000);
  await replayed(ours, floor, 'file:///bench/floor-warm-up.nomad.hcl', text, editScript(text, WARMUP, seededRandom(29)), WARMUP);
}

/** A 1 MB job with one more variable, read by one group only (the first): what typing in its default costs. */
function jobWithLoneVariable(): string {
  const text = execJobOfBytes(1024 * 1024);
  const job = text.replace(/(\n  group "[^"]+" \{\n)/, '$1    meta {\n      owner = var.owner\n    }\n');
  return `variable "owner" {\n  default = "ops"\n}\n\n${job}`;
}

/**
 * Edits the random script leaves out: typing in a variable's default (each group's result is kept unless it
 * reads that variable; read by one group, or by all) or in the job's datacenters (no group reads it), Enter above the groups (every
 * line after it moves: the groups are copied with their rows moved, model/shift.ts, and their results are
 * kept under the job token of before, checks/memo.ts jobTokenMove) and Enter in the first group (the later
 * groups move, and their findings and reference walks move with them). Each edit is a new text.
 */
async function kindRows(ours: LspClient, floor: LspClient): Promise<void> {
  console.log('\nedits of other kinds, ours / floor, interleaved (ms per edit until its diagnostics)');
  console.log('| edit | file | edits | ours p50 | floor p50 | ratio p50 | ours max | floor max |');
  console.log('|---|---|---|---|---|---|---|---|');
  // Where each kind types: inside the default's quotes, inside `"dc1"`, at the blank line before the job.
  const kind = (name: string, file: string, text: string, at: number, typed: string, inPlace = false) => ({ name, file, text, edits: typedThenDeleted(at, typed, inPlace) });
  const lone = jobWithLoneVariable();
  const big = execJobOfBytes(1024 * 1024);
  const small = execJobOfLines(1000);
  const oneGroup = execJobOfOneGroup(300);
  const oneGroupName = `one group, ${oneGroup.split('\n').length.toLocaleString('en')} lines`;
  const cases = [
    kind('typing in a variable default read by one group', '1 MB', lone, lone.indexOf('"ops"') + 4, 'abcdefghijkl'),
    // Every group reads `var.name` (its env): each keystroke checks all of them again, the deletions none.
    kind('typing in a variable default read by every group', '1 MB', big, big.indexOf('"bench"') + 6, 'abcdef'),
    kind("typing in the job's datacenters", '1 MB', big, big.indexOf('"dc1"') + 4, 'abcdefghijkl'),
    kind('Enter above the groups (every later line moves)', '1,000 lines', small, small.indexOf('\n\njob ') + 1, '\n\n\n\n', true),
    kind('Enter above the groups (every later line moves)', '1 MB', big, big.indexOf('\n\njob ') + 1, '\n\n\n\n', true),
    kind('Enter in the first group (every later group moves)', '1,000 lines', small, small.indexOf('\n    restart {') + 1, '\n\n\n\n', true),
    kind('Enter in the first group (every later group moves)', '1 MB', big, big.indexOf('\n    restart {') + 1, '\n\n\n\n', true),
    // Whitespace between tokens changes no group: the group's results are moved along the line (model/columnShift.ts).
    kind('spaces typed in an indent of one large group', oneGroupName, oneGroup, oneGroup.indexOf('\n      driver', oneGroup.length >> 1) + 1, '    ', true),
    // Any other edit checks the whole group again: its cost grows with the group.
    kind('a word typed in one large group', oneGroupName, oneGroup, oneGroup.indexOf('"/bin/sh"', oneGroup.length >> 1) + 4, 'bash'),
  ];
  for (const [n, c] of cases.entries()) {
    const [o, f] = await replayed(ours, floor, `file:///bench/kinds-${n}.nomad.hcl`, c.text, c.edits);
    console.log(`| ${c.name} | ${c.file} | ${o.length} | ${ms(p(o, 50))} | ${ms(p(f, 50))} | ${(p(o, 50) / p(f, 50)).toFixed(2)} | ${ms(Math.max(...o))} | ${ms(Math.max(...f))} |`);
  }
  // Line moves copy what moved (model/shift.ts): what the server holds after them, beside the floor's.
  console.log(`peak RSS after these edits (MB): ours ${peakRss(ours.process.pid!).toFixed(0)}, floor ${peakRss(floor.process.pid!).toFixed(0)}`);
}

/**
 * `typed` typed one character at a time at `at`, then deleted one at a time from the end; `inPlace`: each
 * character typed at `at` itself (line breaks pushing the text after them down), deleted there too.
 */
function typedThenDeleted(at: number, typed: string, inPlace = false): Edit[] {
  const chars = [...typed];
  const typing = chars.map((insert, i) => ({ offset: inPlace ? at : at + i, deleteCount: 0, insert }));
  const deleting = chars.map((_, i) => ({ offset: inPlace ? at : at + chars.length - 1 - i, deleteCount: 1, insert: '' }));
  return [...typing, ...deleting];
}

const hoverSmall = (client: LspClient, small: string) => client.request('textDocument/hover', { textDocument: { uri: small }, position: { line: 0, character: 1 } });

/**
 * A fresh server: open a small document and hover there while nothing else runs (the machine's own noise),
 * then open the big one and at once ask a request the server answers without work (its round trip is the
 * didOpen's own transfer and decoding, which any server pays before it reads the next message), then hover
 * on the small one, again and again, until the big one's diagnostics arrive.
 */
async function stall(serverArgs: string[] | undefined, name: string, text: string): Promise<string[]> {
  const client = await LspClient.start(serverArgs ? { serverArgs } : {});
  try {
    const small = 'file:///bench/stall-small.nomad.hcl';
    client.open(small, SMALL);
    await client.diagnostics(small, 1);
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const h = performance.now();
      await hoverSmall(client, small);
      idle.push(performance.now() - h);
    }
    const big = 'file:///bench/stall-big.nomad.hcl';
    const t = performance.now();
    const diagnostics = client.diagnostics(big, 1).then(() => performance.now() - t);
    client.open(big, text);
    let done = false;
    void diagnostics.then(() => (done = true));
    await client.request('nomadExec/benchPing', {}).catch(() => undefined);
    const transfer = performance.now() - t;
    const hovers: number[] = [];
    // Hovers one after the other until the big document's diagnostics arrive (at least one).
    do {
      const h = performance.now();
      await hoverSmall(client, small);
      hovers.push(performance.now() - h);
    } while (!done && hovers.length < 5000);
    const first = await diagnostics;
    return [name, ms(p(idle, 50)), ms(transfer), ms(hovers[0]), ms(p(hovers, 50)), ms(p(hovers, 99)), ms(Math.max(...hovers)), String(hovers.length), ms(first), peakRss(client.process.pid!).toFixed(0)];
  } finally {
    await client.stop();
  }
}

/**
 * The 1 MB job opened and closed again and again on a fresh server: what it holds after each close (nothing
 * is open) and at its peak, and how long the opens take. The server collects after a close only when it is
 * above its memory budget (memory.ts), and that collection costs the next open.
 */
async function reopenRows(): Promise<void> {
  const cycles = 10;
  console.log(`\nthe 1 MB job opened and closed ${cycles} times (fresh server each; RSS in MB after each close; open ms)`);
  console.log('| server | RSS after each close | peak RSS | open p50 (after the first) | open max (after the first) |');
  console.log('|---|---|---|---|---|');
  const text = execJobOfBytes(1024 * 1024);
  for (const [server, args] of [['ours', undefined], ['floor', FLOOR]] as const) {
    const client = await LspClient.start(args ? { serverArgs: args } : {});
    try {
      const after: number[] = [];
      const opens: number[] = [];
      for (let i = 0; i < cycles; i++) {
        const uri = `file:///bench/reopen-${i}.nomad.hcl`;
        opens.push(await openTimed(client, uri, text));
        client.close(uri);
        // A request answered after the close: the server has handled it (and started any collection).
        await client.request('nomadExec/benchPing', {}).catch(() => undefined);
        after.push(memoryMb(client.process.pid!, 'VmRSS'));
      }
      // The first open runs unoptimised code into a fresh heap: the opens after it are the ones compared.
      const later = opens.slice(1);
      console.log(`| ${server} | ${after.map((v) => v.toFixed(0)).join(' ')} | ${peakRss(client.process.pid!).toFixed(0)} | ${ms(p(later, 50))} | ${ms(Math.max(...later))} |`);
    } finally {
      await client.stop();
    }
  }
}

async function stallRows(): Promise<void> {
  console.log('\nstalls: a hover on a small document while another is analysed (fresh server each; ms; peak RSS MB)');
  console.log('idle hover: p50 of 20 hovers before the big document is opened (the machine\'s noise); didOpen transfer: round trip of a');
  console.log('no-work request sent right after the didOpen (reading and decoding the message, paid by any server); hovers after it.');
  console.log('| input | server | idle hover p50 | didOpen transfer | first hover | hover p50 | p99 | max | hovers | diagnostics after | peak RSS |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const inputs = [{ name: '1 MB job', text: () => execJobOfBytes(1024 * 1024) }, ...PATHOLOGICAL];
  const only = process.env.BENCH_STALLS_ONLY;
  for (const input of inputs) {
    if (only && !input.name.includes(only)) continue;
    const text = input.text();
    for (const [server, args] of [['ours', undefined], ['floor', FLOOR]] as const) {
      if (server === 'floor' && process.env.BENCH_FLOOR_STALLS !== '1' && input.name !== '1 MB job') continue;
      const row = await stall(args, input.name, text);
      console.log(`| ${row[0]} | ${server} | ${row.slice(1).join(' | ')} |`);
    }
  }
}

export async function floorBench(): Promise<void> {
  if (process.env.BENCH_STALLS_ONLY) return stallRows();
  if (process.env.BENCH_REOPEN_ONLY === '1') return reopenRows();
  const ours = await LspClient.start();
  const floor = await LspClient.start({ serverArgs: FLOOR });
  try {
    if (process.env.BENCH_KINDS_ONLY !== '1') {
      await editRows(ours, floor, 'servers just started');
      await warmUp(ours, floor);
      await editRows(ours, floor, `after ${WARMUP.toLocaleString('en')} warm-up edits`);
    }
    if (process.env.BENCH_NO_KINDS !== '1') await kindRows(ours, floor);
  } finally {
    await ours.stop();
    await floor.stop();
  }
  if (process.env.BENCH_NO_REOPEN !== '1') await reopenRows();
  if (process.env.BENCH_NO_STALLS !== '1') await stallRows();
}

if (require.main === module) {
  floorBench().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
