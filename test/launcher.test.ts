// The native launcher, run for real: one test per isolation property of issue 4, in both modes
// (as root, and rootless through an unprivileged user). Tasks are the host's own tools, seen through
// the read-only chroot_env binds, plus a small probe program (test/helpers/probe.c) in /local.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CAPABILITIES, computeTaskCapabilities, LEGACY_ROOT_CAPS } from '../server/src/schema/capabilities';
import { LAUNCHER_EXIT, LauncherSpec, parseLauncherInfo } from '../launcher/src/launcherArgs';
import { DEFAULT_CHROOT_ENV } from '../server/src/settings';
import {
  capabilityLines,
  collect,
  eventually,
  Fixture,
  infoSoFar,
  launcherModes,
  processesWithMarker,
  waitForOutput,
} from './helpers/launcherFixture';

const PROBE = '/local/probe';
const repoRoot = path.resolve(__dirname, '..', '..');

function mask(names: readonly string[]): bigint {
  let m = 0n;
  for (const name of names) {
    const bit = CAPABILITIES.findIndex((c) => c.name === name);
    assert.ok(bit >= 0, `unknown capability ${name}`);
    m |= 1n << BigInt(bit);
  }
  return m;
}

/** The bounding set of this test process: a root launcher cannot hand out more than it holds. */
function hostBounding(): bigint {
  return capabilityLines(fs.readFileSync('/proc/self/status', 'utf8')).CapBnd;
}

function capsFor(capAdd: string[], capDrop: string[], user?: string): string[] {
  const r = computeTaskCapabilities({ capAdd, capDrop, user });
  assert.ok(r.ok);
  return r.capabilities;
}

for (const mode of launcherModes()) {
  describe(`launcher as ${mode.name}`, { skip: mode.unavailable }, () => {
    let fx: Fixture;
    before(() => {
      fx = new Fixture(mode);
    });
    after(() => fx?.cleanup());

    /** What a capability set looks like from inside: in a user namespace nothing is held back. */
    const reachable = (m: bigint) => (mode.name === 'root' ? m & hostBounding() : m);

    /** Runs the probe in a fresh task and returns its one-line answer. */
    async function probe(args: string[], overrides: Partial<LauncherSpec> = {}) {
      const r = await fx.run(fx.spec(PROBE, args, overrides));
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    }

    test('the task is PID 1 and sees no host process', async () => {
      const r = await fx.run(fx.spec('/bin/sh', ['-c', `echo $$; exec ${PROBE} ls /proc`]));
      assert.equal(r.code, 0, r.stderr);
      const [pid, ...entries] = r.stdout.trim().split('\n');
      assert.equal(pid, '1');
      assert.deepEqual(entries.filter((e) => /^\d+$/.test(e)), ['1']);
    });

    test('a SysV message queue made on the host is invisible inside', async () => {
      const id = /(\d+)/.exec(execFileSync('ipcmk', ['-Q']).toString())![1];
      try {
        assert.equal(await probe(['msgstat', id]), 'EINVAL');
        // the same probe does see it when the IPC namespace is shared: the check above means something
        assert.equal(await probe(['msgstat', id], { ipcMode: 'host' }), 'ok');
      } finally {
        execFileSync('ipcrm', ['-q', id]);
      }
    });

    test('only chroot_env and the task dirs are visible', async () => {
      const marker = path.join(os.tmpdir(), `nomad-exec-host-marker-${process.pid}`);
      fs.writeFileSync(marker, '');
      try {
        const root = (await probe(['ls', '/'])).split('\n');
        // the task dirs, the kernel file systems, and the top directories of the chroot_env paths
        const chrootTops = Object.values(DEFAULT_CHROOT_ENV).map((p) => p.split('/')[1]);
        const allowed = new Set(['alloc', 'local', 'tmp', 'secrets', 'private', 'dev', 'proc', 'sys', ...chrootTops]);
        assert.deepEqual(root.filter((e) => !allowed.has(e)), []);
        assert.equal(await probe(['ls', '/root']), '/root: ENOENT');
        assert.equal(await probe(['ls', '/home']), '/home: ENOENT');
        assert.equal(await probe(['ls', repoRoot]), `${repoRoot}: ENOENT`);
        assert.equal(await probe(['ls', '/tmp']), '', 'the task /tmp is its own, not the host /tmp');
      } finally {
        fs.rmSync(marker, { force: true });
      }
    });

    test('writing under /usr fails with EROFS', async () => {
      assert.equal(await probe(['write', '/usr/nomad-exec-probe-file']), 'EROFS');
      assert.equal(await probe(['write', '/etc/nomad-exec-probe-file']), 'EROFS');
    });

    test('capabilities for the defaults: exactly the 13 exec-driver defaults', async () => {
      const caps = capsFor([], []);
      assert.equal(caps.length, 13);
      const want = reachable(mask(caps));
      const status = capabilityLines((await fx.run(fx.spec('/bin/cat', ['/proc/self/status'], { capabilities: caps }))).stdout);
      assert.equal(status.CapEff, want);
      assert.equal(status.CapBnd, want);
      assert.equal(status.CapAmb, want);
      assert.equal(status.CapPrm, want);
    });

    test('capabilities for cap_drop = ["all"], cap_add = ["chown"]: exactly chown', async () => {
      const caps = capsFor(['chown'], ['all']);
      assert.deepEqual(caps, ['chown']);
      const status = capabilityLines((await fx.run(fx.spec('/bin/cat', ['/proc/self/status'], { capabilities: caps }))).stdout);
      assert.equal(status.CapEff, 1n);
      assert.equal(status.CapBnd, 1n);
      assert.equal(status.CapAmb, 1n);
    });

    test('capabilities for user root: the legacy list', async () => {
      const caps = capsFor([], [], 'root');
      assert.equal(LEGACY_ROOT_CAPS.length, 38);
      const want = reachable(mask(LEGACY_ROOT_CAPS));
      const r = await fx.run(fx.spec('/bin/cat', ['/proc/self/status'], { capabilities: caps, user: 'root' }));
      assert.equal(r.code, 0, r.stderr);
      const status = capabilityLines(r.stdout);
      assert.match(r.stdout, /^Uid:\s+0\s+0\s+0\s+0$/m);
      assert.equal(status.CapEff, want);
      assert.equal(status.CapBnd, want);
      assert.equal(status.CapAmb, 0n);
    });

    test('an ungranted capability really fails: chown, dac_override and a raw socket', async () => {
      const none = { capabilities: capsFor([], ['all']) };
      const chownOnly = { capabilities: capsFor(['chown'], ['all']) };
      if (mode.name === 'root') {
        assert.equal(await probe(['chown', '/local/probe', '0'], none), 'EPERM');
        assert.equal(await probe(['chown', '/local/probe', '0'], chownOnly), 'ok', 'granted, the same call works');
      } else {
        // only the task's own uid is mapped in the user namespace: giving a file away cannot work at all
        assert.equal(await probe(['chown', '/local/probe', '0'], chownOnly), 'EINVAL');
      }
      // reading one's own mode-000 file needs dac_override: meaningful in both modes
      assert.equal(await probe(['dac'], none), 'EACCES');
      assert.equal(await probe(['dac']), 'ok', 'dac_override is a default');
      assert.equal(await probe(['rawsock']), 'EPERM', 'net_raw is not in the defaults');
      if (mode.name === 'root') {
        // control (allow_caps would refuse net_raw; the launcher takes any set): granted, it works
        assert.equal(await probe(['rawsock'], { capabilities: ['net_raw'] }), 'ok');
      }
    });

    test('mount fails', async () => {
      assert.equal(await probe(['mount', '/tmp']), 'EPERM');
    });

    test('host processes cannot be killed or traced', async () => {
      const victim = spawn('sleep', ['1000'], { stdio: 'ignore' });
      try {
        const pid = String(victim.pid);
        assert.equal(await probe(['kill', pid]), 'ESRCH');
        assert.equal(await probe(['ptrace', pid]), 'ESRCH');
        assert.equal(victim.exitCode, null);
        assert.equal(victim.signalCode, null);
        process.kill(victim.pid!, 0); // still there
      } finally {
        victim.kill('SIGKILL');
      }
    });

    for (const noPivotRoot of [false, true]) {
      test(`.. and /proc/1/root do not lead out (${noPivotRoot ? 'chroot' : 'pivot_root'})`, async () => {
        const opts = { noPivotRoot };
        const hostOnly = ['home', 'root', 'work', 'opt', 'var', 'srv', 'mnt', 'media', 'boot'];
        const escaped = (await probe(['escape'], opts)).split('\n');
        assert.ok(escaped.includes('local'), `still the task root: ${escaped.join(' ')}`);
        assert.deepEqual(escaped.filter((e) => hostOnly.includes(e)), []);
        const viaProc = (await probe(['ls', '/proc/1/root/../..'], opts)).split('\n');
        assert.ok(viaProc.includes('local'));
        assert.deepEqual(viaProc.filter((e) => hostOnly.includes(e)), []);
      });
    }

    for (const pidMode of ['private', 'host'] as const) {
      // background, orphaned-and-detached, and foreground processes; all ignore SIGINT (an ignored
      // disposition survives exec), so a stop always has to escalate to SIGKILL
      const script = `trap "" INT; sleep 1000 & (setsid sleep 1000 &); echo ready; exec sleep 1000`;

      test(`after a stop no task process remains (pid ${pidMode})`, async () => {
        const marker = `NOMAD_EXEC_TEST_MARKER=stop-${pidMode}-${mode.name}-${process.pid}`;
        const spec = fx.spec('/bin/sh', ['-c', script], { pidMode, killTimeoutMs: 200, env: { [marker.split('=')[0]]: marker.split('=')[1] } });
        const child = fx.start(spec);
        const done = collect(child);
        let r;
        try {
          await waitForOutput(child, 'ready');
          // the detached sleep may still be on its way when "ready" arrives
          await eventually(() => processesWithMarker(marker).length >= 3, 'the task processes to start');
          (child.stdio[3] as NodeJS.WritableStream).write('x');
          r = await done;
        } finally {
          child.kill('SIGKILL'); // only matters when an assertion above failed
        }
        assert.equal(r.code, 137, r.stderr);
        assert.deepEqual(processesWithMarker(marker), [], 'no task process after the launcher returned');
        const last = parseLauncherInfo(r.info).at(-1);
        assert.deepEqual(last, { 'exit-code': 137, signal: 9, 'oom-killed': false });
      });

      test(`after SIGKILL of the launcher no task process remains (pid ${pidMode})`, async () => {
        const marker = `NOMAD_EXEC_TEST_MARKER=sigkill-${pidMode}-${mode.name}-${process.pid}`;
        const spec = fx.spec('/bin/sh', ['-c', script], { pidMode, env: { [marker.split('=')[0]]: marker.split('=')[1] } });
        const child = fx.start(spec);
        const done = collect(child);
        try {
          await waitForOutput(child, 'ready');
          await eventually(() => processesWithMarker(marker).length >= 3, 'the task processes to start');
        } finally {
          child.kill('SIGKILL');
        }
        await done;
        await eventually(() => processesWithMarker(marker).length === 0, 'the task processes to end');
      });
    }

    test('the memory limit kills a task that exceeds it', { skip: mode.name === 'rootless' ? 'root only: an unprivileged user has no writable cgroup here (see the next test)' : false }, async () => {
      const r = await fx.run(fx.spec(PROBE, ['alloc', '256'], { memoryMb: 32 }));
      assert.equal(r.code, 137, r.stderr);
      assert.match(r.stderr, /out of memory \(limit 32 MiB\)/);
      assert.equal(parseLauncherInfo(r.info).at(-1)?.['oom-killed' as never], true);
      const ok = await fx.run(fx.spec(PROBE, ['alloc', '8'], { memoryMb: 64, cpuMhz: 500 }));
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stderr, '');
    });

    test('memory_max is the hard limit, memory the soft limit, cpu the weight', { skip: mode.name === 'rootless' ? 'root only: an unprivileged user has no writable cgroup here' : false }, async () => {
      const child = fx.start(fx.spec('/bin/sh', ['-c', 'echo ready; exec sleep 1000'], { memoryMb: 32, memoryMaxMb: 64, cpuMhz: 500, killTimeoutMs: 0 }));
      const done = collect(child);
      const info = infoSoFar(child);
      try {
        await waitForOutput(child, 'ready');
        const pid = /"child-pid": (\d+)/.exec(await info)![1];
        const cgroups = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8');
        const v2 = /^0::(\/.*nomad-exec-\d+)$/m.exec(cgroups);
        const v1mem = /^\d+:[\w,]*\bmemory\b[\w,]*:(.*)$/m.exec(cgroups);
        const v1cpu = /^\d+:(?:[\w,]*,)?cpu(?:,[\w,]*)?:(.*)$/m.exec(cgroups);
        const MiB = 1024 * 1024;
        if (v1mem && v1mem[1].includes('nomad-exec-')) {
          const dir = `/sys/fs/cgroup/memory${v1mem[1]}`;
          assert.equal(Number(fs.readFileSync(`${dir}/memory.limit_in_bytes`, 'utf8')), 64 * MiB);
          assert.equal(Number(fs.readFileSync(`${dir}/memory.soft_limit_in_bytes`, 'utf8')), 32 * MiB);
          const cpuDir = fs.readdirSync('/sys/fs/cgroup').filter((d) => /(^|,)cpu(,|$)/.test(d))[0];
          assert.equal(fs.readFileSync(`/sys/fs/cgroup/${cpuDir}${v1cpu![1]}/cpu.shares`, 'utf8').trim(), '500');
        } else {
          assert.ok(v2, `task not in a nomad-exec cgroup: ${cgroups}`);
          const base = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
          const dir = `${base}${v2[1]}`;
          assert.equal(Number(fs.readFileSync(`${dir}/memory.max`, 'utf8')), 64 * MiB);
          assert.equal(Number(fs.readFileSync(`${dir}/memory.low`, 'utf8')), 32 * MiB);
          assert.equal(fs.readFileSync(`${dir}/cpu.weight`, 'utf8').trim(), String(1 + Math.floor(((500 - 2) * 9999) / 262142)));
        }
      } catch (e) {
        child.kill('SIGKILL');
        throw e;
      }
      (child.stdio[3] as NodeJS.WritableStream).write('x');
      assert.equal((await done).code, 137, 'kill timeout 0: straight to SIGKILL');
    });

    test('without a writable cgroup the task runs and stderr says limits are not enforced', { skip: mode.name === 'root' ? 'rootless only: root has writable cgroups' : false }, async () => {
      const r = await fx.run(fx.spec(PROBE, ['alloc', '8'], { memoryMb: 64 }));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /resource limits are not enforced/);
    });

    test('exit codes: the task\'s own, 128+signal, and the launcher\'s documented failures', async () => {
      assert.equal((await fx.run(fx.spec('/bin/sh', ['-c', 'exit 3']))).code, 3);
      assert.equal((await fx.run(fx.spec('/bin/sh', ['-c', 'kill -TERM $$'], { pidMode: 'host' }))).code, 143);
      const noDir = await fx.run(fx.spec('/bin/true', [], { workDir: '/no/such/dir' }));
      assert.equal(noDir.code, LAUNCHER_EXIT.workDir);
      assert.match(noDir.stderr, /work_dir: \/no\/such\/dir does not exist/);
      assert.deepEqual(parseLauncherInfo(noDir.info).at(-1), { 'setup-failed': LAUNCHER_EXIT.workDir });
      const noCmd = await fx.run(fx.spec('/no/such/command', []));
      assert.equal(noCmd.code, LAUNCHER_EXIT.notFound);
      assert.match(noCmd.stderr, /command \/no\/such\/command not found/);
      const noUser = await fx.run(fx.spec('/bin/true', [], { user: 'no-such-user-here' }));
      assert.equal(noUser.code, LAUNCHER_EXIT.user);
    });

    test('signals reaching the launcher are forwarded to the task', async () => {
      const child = fx.start(fx.spec('/bin/sh', ['-c', 'trap "echo got-usr1; exit 0" USR1; echo ready; sleep 1000 & wait']));
      const done = collect(child);
      try {
        await waitForOutput(child, 'ready');
      } catch (e) {
        child.kill('SIGKILL');
        throw e;
      }
      child.kill('SIGUSR1');
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /got-usr1/);
    });

    test('task dir layout and masks: sticky tmp, noexec secrets, rw alloc, ro alloc/logs, masked kcore and firmware, user nobody', async () => {
      const r = await fx.run(fx.spec('/bin/sh', ['-c', [
        'id -un',
        'stat -c "%a %n" /tmp /local',
        'grep -E " /(secrets|private|alloc|alloc/logs|dev/pts|dev/shm|proc/sys|sys) " /proc/self/mountinfo | awk \'{print $5, $6}\'',
        `${PROBE} write /alloc/data/x`,
        `${PROBE} write /alloc/logs/x`,
        `${PROBE} write /local/x`,
        'stat -c "kcore %t:%T" /proc/kcore 2>/dev/null || echo kcore absent',
        'echo firmware $(ls -A /sys/firmware | wc -l)',
      ].join('; ')]));
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.equal(lines[0], 'nobody');
      assert.ok(lines.includes('1777 /tmp'));
      assert.ok(lines.includes('777 /local'));
      const mountOpts = (p: string) => lines.find((l) => l.startsWith(`${p} `))?.split(' ')[1] ?? '';
      assert.match(mountOpts('/secrets'), /noexec/);
      assert.match(mountOpts('/alloc'), /^rw/);
      assert.match(mountOpts('/alloc/logs'), /^ro/);
      assert.match(mountOpts('/proc/sys'), /^ro/);
      assert.match(mountOpts('/sys'), /^ro/);
      // kcore, where the kernel has one, is /dev/null (char 1:3); firmware is an empty directory
      const kcore = fs.existsSync('/proc/kcore') ? 'kcore 1:3' : 'kcore absent';
      assert.deepEqual(lines.slice(-5), ['ok', 'EROFS', 'ok', kcore, 'firmware 0']);
    });
  });
}
