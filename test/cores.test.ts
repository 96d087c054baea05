// resources.cores in local runs, for real: the task is pinned to that many CPUs through a cpuset where a
// cgroup allows it and NOMAD_CPU_CORES names them (Nomad's list form); where none does (rootless without a
// delegated cpuset) it runs on every CPU and a warning says why; more cores than the machine has is refused
// at plan time, as Nomad would find no node for it. Runs as root and rootless (test-rootless.sh).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import { isPlanError, planRun, startRun } from '../launcher/src/api';
import { JobFiles, skipWithoutLauncher } from './helpers/jobRun';

const jobs = new JobFiles('nomad-exec-cores-');
const skip = skipWithoutLauncher();
const root = process.getuid?.() === 0;
/** As root on a cgroup v1 cpuset hierarchy the launcher can always pin. */
const v1Cpuset = root && fs.existsSync('/sys/fs/cgroup/cpuset/cpuset.cpus');

const coresJob = (cores: number): string => `
job "pinned" {
  group "g" {
    task "t" {
      driver = "exec"
      config {
        command = "/bin/sh"
        args    = ["-c", "grep Cpus_allowed_list /proc/self/status; echo cores=$NOMAD_CPU_CORES"]
      }
      resources {
        cores = ${cores}
      }
    }
  }
}`;

/** The CPUs in a cpuset list ("0-1,3" -> [0, 1, 3]). */
function cpus(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

const allowedHere = (): string => /Cpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1];

test('cores = 1 pins the task to one CPU and NOMAD_CPU_CORES names it; where no cpuset is writable it runs unpinned and says why', skip, async () => {
  const plan = await planRun({ file: jobs.write(coresJob(1)) });
  if (isPlanError(plan)) assert.fail(plan.message);
  let out = '';
  const warnings: string[] = [];
  const result = await startRun(plan, {
    output: (_t, _s, chunk) => (out += chunk.toString()),
    notice: (n) => {
      if (n.level === 'warning') warnings.push(n.message);
    },
  }).exited;
  assert.equal(result.exitCode, 0, out);
  const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(out)?.[1];
  const named = /cores=(\S*)/.exec(out)?.[1];
  assert.ok(allowed && named !== undefined, out);
  const unpinned = warnings.find((w) => /cores are not pinned/.test(w));
  if (v1Cpuset) assert.equal(unpinned, undefined, 'as root on a v1 cpuset hierarchy the task is pinned');
  if (unpinned) {
    // the reason is named, and the task really runs on every CPU the runner may use
    assert.match(unpinned, /cores are not pinned \(.+\)/);
    if (!root) assert.match(unpinned, /rootless|delegated|cpuset/);
    assert.deepEqual(cpus(allowed!), cpus(allowedHere()));
  } else {
    assert.equal(cpus(allowed!).length, 1, `pinned to one CPU: ${out}`);
    assert.equal(named, allowed, 'NOMAD_CPU_CORES names the CPU the task is pinned to');
    assert.ok(cpus(allowedHere()).includes(cpus(allowed!)[0]), 'a CPU the runner itself may use');
  }
});

test('more cores than this machine has is refused before anything runs, as Nomad would fail placement; as many as it has plan', async () => {
  const n = os.cpus().length;
  const refused = await planRun({ file: jobs.write(coresJob(n + 1)) });
  assert.ok(isPlanError(refused));
  assert.match(refused.message, new RegExp(`resources\\.cores = ${n + 1}, but this machine has ${n} CPUs?: Nomad would find no node`));
  const fits = await planRun({ file: jobs.write(coresJob(n)) });
  if (isPlanError(fits)) assert.fail(fits.message);
  assert.equal(fits.tasks[0].resources.cores, n);
});
