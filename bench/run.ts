// `npm run bench:run`: time from starting `nomad-exec run` on a hello-world exec job to the task's first
// output line, over many runs; also the same measured inside one process through the API (no node
// start-up, parser already loaded), and the bare launcher, to show where the time goes.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isPlanError, planRun, startRun } from '../launcher/src/api';
import { launcherBinary } from '../launcher/src/launcherArgs';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const WARMUP = 3;
const repo = path.resolve(__dirname, '..', '..');
const cli = path.join(repo, 'bin', 'nomad-exec');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-bench-'));
const jobFile = path.join(work, 'hello.nomad.hcl');
fs.writeFileSync(
  jobFile,
  `job "hello" {
  group "g" {
    task "hello" {
      driver = "exec"
      config {
        command = "/bin/echo"
        args    = ["hello from \${NOMAD_TASK_NAME}"]
      }
    }
  }
}
`,
);

function firstLineViaCli(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, 'run', jobFile], { stdio: ['ignore', 'pipe', 'inherit'], cwd: work });
    let seen = false;
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!seen && text.includes('\n')) {
        seen = true;
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      }
    });
    child.on('close', (code) => {
      if (!seen) reject(new Error(`nomad-exec run exited ${code} without output`));
    });
  });
}

async function firstLineViaApi(): Promise<number> {
  const started = process.hrtime.bigint();
  const plan = await planRun({ file: jobFile });
  if (isPlanError(plan)) throw new Error(plan.message);
  return new Promise((resolve) => {
    let seen = false;
    const handle = startRun(plan, {
      output: (_t, _s, chunk) => {
        if (!seen && chunk.includes(10)) {
          seen = true;
          resolve(Number(process.hrtime.bigint() - started) / 1e6);
        }
      },
    });
    void handle.exited;
  });
}

/** The floor: a node process that prints one line and exits. */
function bareNode(): Promise<number> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-e', 'console.log("x")'], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.once('data', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
}

function bareLauncher(): number {
  const root = fs.mkdtempSync(path.join(work, 'bare-'));
  const started = process.hrtime.bigint();
  spawnSync(launcherBinary(), ['--root', root, '--ro-bind', '/bin', '/bin', '--ro-bind', '/usr', '/usr', '--ro-bind', '/lib', '/lib', '--ro-bind', '/lib64', '/lib64', '--', '/bin/echo', 'x']);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function stats(samples: number[]): { median: number; min: number; p90: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, min: sorted[0], p90: at(0.9) };
}

async function measure(name: string, fn: () => number | Promise<number>): Promise<{ name: string; median: number; min: number; p90: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await fn());
  return { name, ...stats(samples) };
}

async function main(): Promise<void> {
  const rows = [
    await measure('nomad-exec run (new process) -> first line', firstLineViaCli),
    await measure('API planRun+startRun (warm process) -> first line', firstLineViaApi),
    await measure('bare launcher, /bin/echo (no cgroup limits)', bareLauncher),
    await measure('bare node process printing a line (the floor)', bareNode),
  ];
  console.log(`runs: ${RUNS} (after ${WARMUP} warm-up), cpus: ${os.cpus().length}, load: ${os.loadavg()[0].toFixed(2)}, uid: ${process.getuid?.()}`);
  console.log(`${'measure'.padEnd(54)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'p90'.padStart(9)}`);
  for (const r of rows) console.log(`${r.name.padEnd(54)} ${r.median.toFixed(1).padStart(7)}ms ${r.min.toFixed(1).padStart(7)}ms ${r.p90.toFixed(1).padStart(7)}ms`);
  console.log(`nomad-exec run first-line median: ${rows[0].median.toFixed(1)} ms (target < 150 ms)`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: Error) => {
  console.error(error.stack ?? error);
  process.exitCode = 1;
});
