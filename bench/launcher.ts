// Launcher start-up cost: median wall time of running /bin/true bare, under our launcher with full
// isolation, under bubblewrap with the equivalent isolation, and under unshare(1). Each run is one
// spawnSync from this process, so node's own spawn cost is in every row and the "over bare" column
// is what the isolation adds. Installs bubblewrap with apt-get (as root) when it is missing.
// Usage: npm run bench:launcher [-- runs]

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launcherArgv, launcherBinary, launcherEnvRecords } from '../launcher/src/launcherArgs';
import { DEFAULT_CHROOT_ENV } from '../server/src/settings';
import { DEFAULT_ALLOW_CAPS } from '../server/src/schema/capabilities';
import { defaultSpec, makeTaskDirs } from '../test/helpers/launcherFixture';

const runs = Math.max(50, Number(process.argv[2] ?? 100));
const NOBODY = 65534;

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function ensureBwrap(): string | undefined {
  const found = which('bwrap');
  if (found) return found;
  if (process.getuid?.() !== 0) {
    console.error('bubblewrap is not installed and this is not root: its row is skipped');
    return undefined;
  }
  console.error('installing bubblewrap (apt-get)...');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'bubblewrap'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return which('bwrap');
}

/** bwrap arguments matching what our launcher builds: same read-only binds (symlinks recreated), a
 * task dir with local/ tmp/ secrets/ alloc/, fresh /proc, /dev, private pid and IPC, uid nobody,
 * the 13 default capabilities. */
function bwrapArgs(taskDir: string, allocDir: string): string[] {
  const args = ['--unshare-pid', '--unshare-ipc', '--die-with-parent'];
  if (process.getuid?.() === 0) args.push('--unshare-user', '--uid', String(NOBODY), '--gid', String(NOBODY));
  for (const [hostPath, taskPath] of Object.entries(DEFAULT_CHROOT_ENV)) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(hostPath);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(hostPath), taskPath);
    else args.push('--ro-bind', hostPath, taskPath);
  }
  args.push('--bind', path.join(taskDir, 'local'), '/local', '--tmpfs', '/tmp', '--tmpfs', '/secrets',
    '--bind', allocDir, '/alloc', '--proc', '/proc', '--dev', '/dev', '--ro-bind', '/sys', '/sys', '--cap-drop', 'ALL');
  for (const cap of DEFAULT_ALLOW_CAPS) args.push('--cap-add', `cap_${cap}`);
  return args;
}

function measure(file: string, args: string[], n = runs, input?: Buffer): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(file, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'pipe'], input });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${file} exited ${r.status ?? r.signal}: ${r.stderr?.toString()}`);
    times.push(ms);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function main(): void {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-bench-'));
  const { taskDir, allocDir } = makeTaskDirs(base, 'task', 'alloc');
  try {
    const launcher = launcherBinary();
    // the environment arrives on stdin (--env-fd 0), as the runner sends it on a pipe
    const env = { PATH: '/usr/bin:/bin' };
    const ours = launcherArgv(defaultSpec(taskDir, allocDir, '/bin/true', [], { env, envFd: 0 }));
    const bwrap = ensureBwrap();
    const rows: Array<{ name: string; file: string; args: string[]; input?: Buffer }> = [
      { name: 'bare spawn', file: '/bin/true', args: [] },
      { name: 'nomad-exec-launcher', file: launcher, args: ours, input: launcherEnvRecords(env) },
      ...(bwrap ? [{ name: 'bubblewrap', file: bwrap, args: [...bwrapArgs(taskDir, allocDir), '/bin/true'] }] : []),
      { name: 'unshare -m -p -i -f', file: 'unshare', args: ['-m', '-p', '-i', '-f', '/bin/true'] },
    ];
    // warm up caches (binaries, dentries) so the first row does not pay for everyone; then take the
    // rows in turn, run by run, so a change in machine load hits every row alike
    for (const row of rows) measure(row.file, row.args, 5, row.input);
    const results = rows.map((row) => ({ ...row, times: [] as number[] }));
    for (let i = 0; i < runs; i++) {
      for (const r of results) r.times.push(measure(r.file, r.args, 1, r.input)[0]);
    }
    const bare = median(results[0].times);
    console.log(`runs per row: ${runs}, kernel ${os.release()}, ${process.getuid?.() === 0 ? 'root' : 'rootless'}`);
    console.log('| command | median ms | p90 ms | over bare spawn ms |');
    console.log('|---|---:|---:|---:|');
    for (const r of results) {
      const m = median(r.times);
      console.log(`| ${r.name} | ${m.toFixed(2)} | ${percentile(r.times, 90).toFixed(2)} | ${(m - bare).toFixed(2)} |`);
    }
    const ourMedian = median(results[1].times);
    const bwrapRow = results.find((r) => r.name === 'bubblewrap');
    console.log(`launcher/bwrap median ratio: ${bwrapRow ? (ourMedian / median(bwrapRow.times)).toFixed(3) : 'n/a'}`);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main();
