// Issue 11, the launcher's part: attacks a task (or its job file, through the runner) can try against the
// host, each run for real as root and rootless, each with a harmless twin that must keep working. Every test
// states the attack, runs it, and asserts the host is untouched (files, keys, processes, descriptors).
// The task side is the host's own tools plus test/helpers/probe.c, which prints "ok" or the errno name.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startRun, type RunRequest } from '../launcher/src/api';
import { LAUNCHER_EXIT, parseLauncherInfo } from '../launcher/src/launcherArgs';
import { collect, eventually, Fixture, infoSoFar, launcherModes, processesWithMarker, waitForOutput } from './helpers/launcherFixture';
import { JobFiles, skipWithoutLauncher } from './helpers/jobRun';

const PROBE = '/local/probe';

/** The host's first real disk ("major minor"), the device an attacker would want to read raw. */
function hostDisk(): [string, string] {
  for (const name of fs.readdirSync('/sys/block')) {
    if (/^(loop|ram|zram)/.test(name)) continue;
    const [maj, min] = fs.readFileSync(`/sys/block/${name}/dev`, 'utf8').trim().split(':');
    return [maj, min];
  }
  return ['8', '0'];
}

/** `pid` and every process below it (by parent pid), read from /proc. */
function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parents) if (pp === tree[i]) tree.push(p);
  return tree;
}

/** Regular files below `dir` (links not followed) whose content holds `text`. */
function filesHolding(dir: string, text: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesHolding(p, text));
    else if (entry.isFile() && fs.readFileSync(p, 'latin1').includes(text)) found.push(p);
  }
  return found;
}

function cmdlineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}

const hasCgroupDevices = fs.existsSync('/sys/fs/cgroup/devices/devices.allow');

for (const mode of launcherModes()) {
  describe(`launcher security as ${mode.name}`, { skip: mode.unavailable }, () => {
    let fx: Fixture;
    before(() => {
      fx = new Fixture(mode);
    });
    after(() => fx?.cleanup());

    const lines = async (script: string, overrides: Parameters<Fixture['spec']>[2] = {}) => {
      const r = await fx.run(fx.spec('/bin/sh', ['-c', script], overrides));
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim().split('\n');
    };

    test('attack: as root in the task, mknod the host disk, /dev/mem and /dev/kmsg in every writable place and open them; twin: the default devices work', async () => {
      const [maj, min] = hostDisk();
      // the kernel log is the one of the three every kernel has and host root can open here
      const nodes = [['disk', 'b', maj, min], ['mem', 'c', '1', '1'], ['kmsg', 'c', '1', '11']];
      const places = ['/tmp', '/dev', '/dev/shm', '/local', '/alloc/data', '/secrets'];
      const script = places
        .flatMap((d) => nodes.map(([n, t, a, b]) => `echo "${d}/${n} $(${PROBE} mknod ${d}/${n} ${t} ${a} ${b}) $(${PROBE} read ${d}/${n})"`))
        .join('; ');
      const out = await lines(script, { user: 'root' });
      assert.equal(out.length, places.length * nodes.length);
      for (const line of out) {
        const [node, made, opened] = line.split(' ');
        // rootless, the kernel refuses device nodes in a user namespace; as root they are made but unusable
        if (mode.name === 'rootless') assert.equal(made, 'EPERM', line);
        assert.notEqual(opened, 'ok', `${node} was opened`);
        if (made === 'ok') assert.equal(opened, 'EACCES', `nodev: ${line}`);
      }
      // the twin: what a task legitimately uses, as root and as nobody
      for (const user of ['root', 'nobody']) {
        const twin = await lines(`for d in null zero full urandom random; do ${PROBE} read /dev/$d; done; ${PROBE} write /dev/null; ${PROBE} read /dev/tty; ${PROBE} read /dev/ptmx`, { user });
        assert.deepEqual(twin.slice(0, 6), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'], user);
        assert.equal(twin[6], 'ENXIO', '/dev/tty exists and opens; there is just no controlling terminal');
        assert.equal(twin[7], 'ok');
      }
    });

    test('attack: as root in the task, remount the task root with devices allowed, then mknod and open /dev/kmsg', async (t) => {
      const [remount, made, read] = await lines(`${PROBE} remount /; ${PROBE} mknod /tmp/kmsg c 1 11; ${PROBE} read /tmp/kmsg`, { user: 'root' });
      assert.notEqual(read, 'ok', 'the kernel log was opened');
      if (mode.name === 'rootless') {
        assert.equal(remount, 'EPERM', 'the flags of a locked mount cannot be cleared');
        assert.equal(made, 'EPERM');
      } else if (!hasCgroupDevices) {
        // root in the host's namespaces may clear nodev; only device rules could stop it then
        t.skip('no cgroup v1 devices controller here (and no eBPF device filter in this launcher)');
      } else {
        assert.equal(remount, 'ok', 'root on the host may remount; the device rules are what hold');
        assert.equal(made, 'ok');
        assert.equal(read, 'EPERM', 'refused by the device cgroup');
      }
    });

    test('attack: the shared device cgroup nomad-exec.devices is given every device (root on the host widened it, or a stale copy), then the task remounts / with devices and opens /dev/kmsg; twin: an untouched one holds the task', async (t) => {
      if (mode.name === 'rootless' || !hasCgroupDevices) {
        t.skip('device rules are set as root on a cgroup v1 devices controller only');
        return;
      }
      const own = fs.readFileSync('/proc/self/cgroup', 'utf8').match(/^\d+:(?:[^:]*,)?devices(?:,[^:]*)?:(.*)$/m)?.[1] ?? '/';
      const shared = path.join('/sys/fs/cgroup/devices', own, 'nomad-exec.devices');
      const attack = `${PROBE} remount /; ${PROBE} mknod /tmp/kmsg c 1 11; ${PROBE} read /tmp/kmsg; grep devices /proc/self/cgroup`;
      // the twin first: the run makes the shared cgroup (or finds it) and its task is held there
      const twin = await lines(attack, { user: 'root' });
      assert.equal(twin[2], 'EPERM', 'refused by the device rules');
      assert.match(twin[3], /:\/?(?:.*\/)?nomad-exec\.devices$/, 'the task is in the shared devices cgroup');
      const rules = fs.readFileSync(path.join(shared, 'devices.list'), 'utf8');
      try {
        fs.writeFileSync(path.join(shared, 'devices.allow'), 'a');
        assert.equal(fs.readFileSync(path.join(shared, 'devices.list'), 'utf8'), 'a *:* rwm\n');
        const out = await lines(attack, { user: 'root' });
        assert.equal(out[2], 'EPERM', 'the kernel log was opened through the widened shared cgroup');
        assert.doesNotMatch(out[3], /nomad-exec\.devices$/, 'the widened cgroup was used');
      } finally {
        // the shared cgroup back as the launcher makes it (a widened one is only ever skipped)
        fs.writeFileSync(path.join(shared, 'devices.deny'), 'a');
        for (const rule of rules.trim().split('\n')) fs.writeFileSync(path.join(shared, 'devices.allow'), rule);
      }
      assert.equal(fs.readFileSync(path.join(shared, 'devices.list'), 'utf8'), rules);
    });

    test('attack: read a key from the invoker\'s session keyring; twin: the task has a keyring of its own', async () => {
      const secret = `key-secret-${process.pid}`;
      // the host side really holds the key: the same probe outside the launcher finds it
      assert.equal(fx.host(fx.probe, ['keyring-run', 'nomad-exec-test', secret, fx.probe, 'keyfind', 'nomad-exec-test']).trim(), `found ${secret}`);
      const spec = fx.spec('/bin/sh', ['-c', `${PROBE} keyfind nomad-exec-test; ${PROBE} keyadd own v1; ${PROBE} keyfind own`]);
      const r = await fx.run(spec, [], { wrap: [fx.probe, 'keyring-run', 'nomad-exec-test', secret] });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes(secret), r.stdout);
      assert.deepEqual(r.stdout.trim().split('\n'), ['ENOKEY', 'ok', 'found v1']);
    });

    test('attack: read a file through a descriptor the runner left open; twin: stdin, stdout, stderr are there', async () => {
      const secretFile = path.join(fx.base, `secret-${process.pid}`);
      fs.writeFileSync(secretFile, 'descriptor secret', { mode: 0o600 });
      const fd = fs.openSync(secretFile, 'r');
      try {
        // fd 6 of the launcher is the open secret file
        const r = await fx.run(fx.spec('/bin/sh', ['-c', `exec ${PROBE} fds; `]), [fd]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(r.stdout.trim().split('\n'), ['0', '1', '2']);
        const read = await fx.run(fx.spec('/bin/cat', ['/proc/self/fd/6']), [fd]);
        assert.notEqual(read.code, 0);
        assert.ok(!read.stdout.includes('descriptor secret'));
      } finally {
        fs.closeSync(fd);
      }
    });

    test('attack: another local user reads the task environment (a secret) from the launcher\'s argv; twin: the task sees it', async () => {
      const secret = `env-secret-${process.pid}-${Date.now()}`;
      const child = fx.start(fx.spec('/bin/sh', ['-c', 'echo "got $NOMAD_EXEC_SECRET"; echo ready; exec sleep 1000'], { env: { NOMAD_EXEC_SECRET: secret }, killTimeoutMs: 0 }));
      const done = collect(child);
      try {
        await waitForOutput(child, 'ready');
        const tree = processTree(child.pid!);
        assert.ok(tree.length >= 2, 'the launcher and its task');
        for (const pid of tree) assert.ok(!cmdlineOf(pid).includes(secret), `the secret is in the argv of ${pid}: ${cmdlineOf(pid)}`);
      } finally {
        (child.stdio[3] as NodeJS.WritableStream).write('x');
      }
      const r = await done;
      assert.match(r.stdout, new RegExp(`got ${secret}`));
    });

    test('attack: a setuid-root binary in the task (host bind and task dir) run by a non-root user; twin: it runs, and root still is root', { skip: mode.name === 'rootless' ? 'rootless, host root is not mapped in the user namespace: the kernel never honours its setuid bit there' : false }, async () => {
      const suidDir = fs.mkdtempSync(path.join(fx.base, 'suid-'));
      fs.chmodSync(suidDir, 0o755);
      const hostSuid = path.join(suidDir, 'probe');
      fs.copyFileSync(fx.probe, hostSuid);
      fs.chmodSync(hostSuid, 0o4755);
      const spec = fx.spec('/bin/sh', ['-c', `/suid/probe ids; /local/suid ids`], { binds: [{ hostPath: suidDir, taskPath: '/suid', readOnly: true }] });
      fs.copyFileSync(fx.probe, path.join(spec.taskDir, 'local', 'suid'));
      fs.chmodSync(path.join(spec.taskDir, 'local', 'suid'), 0o4755);
      const r = await fx.run(spec);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), ['uid=65534 euid=65534', 'uid=65534 euid=65534']);
      const root = await fx.run(fx.spec('/suid/probe', ['ids'], { user: 'root', binds: [{ hostPath: suidDir, taskPath: '/suid', readOnly: true }] }));
      assert.equal(root.stdout.trim(), 'uid=0 euid=0');
    });

    test('attack: unmount or remount writable the read-only binds (/alloc/logs, a logs bind, /etc) and write the host file behind; twin: /alloc/data is writable', async () => {
      // Rootless the task runs as root in its user namespace (CAP_SYS_ADMIN there); as root the task user
      // is nobody: root on the host holds CAP_SYS_ADMIN in the host's namespaces, which only the user
      // denylist (refusing root by default) keeps away.
      const user = mode.name === 'rootless' ? 'root' : 'nobody';
      const logsHost = fs.mkdtempSync(path.join(fx.base, 'logs-'));
      fs.writeFileSync(path.join(logsHost, 'main.stdout.0'), 'host log\n');
      fs.chmodSync(logsHost, 0o755);
      if (mode.runAs) fs.chownSync(logsHost, mode.runAs.uid, mode.runAs.gid);
      const etcBefore = fs.readdirSync('/etc').sort();
      const spec = fx.spec('/bin/sh', ['-c', [
        `${PROBE} umount /alloc/logs`, `${PROBE} remount /alloc/logs`, `${PROBE} write /alloc/logs/main.stdout.0`,
        `${PROBE} umount /etc`, `${PROBE} remount /etc`, `${PROBE} write /etc/nomad-exec-attack`,
        `${PROBE} remount /usr`, `${PROBE} write /alloc/data/x`, 'cat /alloc/logs/main.stdout.0',
      ].join('; ')], { user, binds: [{ hostPath: logsHost, taskPath: '/alloc/logs', readOnly: true }] });
      const r = await fx.run(spec);
      assert.equal(r.code, 0, r.stderr);
      const [umountLogs, remountLogs, writeLogs, umountEtc, remountEtc, writeEtc, remountUsr, writeData, cat] = r.stdout.trim().split('\n');
      for (const [what, answer] of Object.entries({ umountLogs, remountLogs, umountEtc, remountEtc, remountUsr })) {
        assert.notEqual(answer, 'ok', `${what} succeeded`);
      }
      assert.equal(writeLogs, 'EROFS');
      assert.equal(writeEtc, 'EROFS');
      assert.equal(fs.readFileSync(path.join(logsHost, 'main.stdout.0'), 'utf8'), 'host log\n', 'the host file is untouched');
      assert.deepEqual(fs.readdirSync('/etc').sort(), etcBefore);
      assert.equal(writeData, 'ok');
      assert.equal(cat, 'host log');
    });

    test('attack: links planted in local/ (absolute and climbing) under a bind destination send the launcher to create dirs and mount on the host; twin: links inside the root and plain binds work', async () => {
      const outside = fs.mkdtempSync(path.join(fx.base, 'outside-'));
      fs.chmodSync(outside, 0o777);
      const volume = fs.mkdtempSync(path.join(fx.base, 'volume-'));
      fs.writeFileSync(path.join(volume, 'data.txt'), 'volume data\n');
      fs.chmodSync(volume, 0o755);
      const plant = (spec: { taskDir: string }, name: string, target: string) => {
        // what a previous run or a prestart task could leave in its task dir
        fs.symlinkSync(target, path.join(spec.taskDir, 'local', name));
        if (mode.runAs) fs.lchownSync(path.join(spec.taskDir, 'local', name), mode.runAs.uid, mode.runAs.gid);
      };
      for (const [name, target] of [['abs', outside], ['up', `../../../../../../../..${outside}`]]) {
        const spec = fx.spec('/bin/true', [], { binds: [{ hostPath: volume, taskPath: `/local/${name}/sub`, readOnly: true }] });
        plant(spec, name, target);
        const r = await fx.run(spec);
        assert.deepEqual(fs.readdirSync(outside), [], `${name}: the launcher created something outside the task dir`);
        // inside the root the link dangles: refused, naming the place
        assert.equal(r.code, LAUNCHER_EXIT.mount, r.stderr);
        assert.match(r.stderr, new RegExp(`mount point inside the task root: /local/${name}`));
      }
      const twin = fx.spec('/bin/sh', ['-c', 'cat /local/intmp/sub/data.txt /tmp/sub/data.txt /local/plain/data.txt'], {
        binds: [
          { hostPath: volume, taskPath: '/local/intmp/sub', readOnly: true },
          { hostPath: volume, taskPath: '/local/plain', readOnly: false },
        ],
      });
      plant(twin, 'intmp', '/tmp');
      const r = await fx.run(twin);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'volume data\n'.repeat(3), 'a link is followed as the task would see it');
    });

    test('the task root may sit under a 0700 folder of the invoking user that the task user cannot enter', async () => {
      const privateDir = fs.mkdtempSync(path.join(fx.base, 'private-'));
      const { taskDir, allocDir } = fx.newTask();
      fs.renameSync(taskDir, path.join(privateDir, 'task'));
      fs.renameSync(allocDir, path.join(privateDir, 'alloc'));
      fs.chmodSync(privateDir, 0o700);
      if (mode.runAs) fs.chownSync(privateDir, mode.runAs.uid, mode.runAs.gid);
      const spec = fx.spec(PROBE, ['ids']);
      const r = await fx.run({ ...spec, taskDir: path.join(privateDir, 'task'), allocDir: path.join(privateDir, 'alloc') });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'uid=65534 euid=65534');
    });

    // A daemon that double-forks and calls setsid(), so it is neither a child nor in the task's session.
    const daemonScript = `(setsid sh -c 'sleep 1000 & exit' &); sleep 1000 & echo ready; wait`;

    for (const how of ['stop', 'runner death (stop fd end of file)', 'SIGKILL of the supervisor'] as const) {
      test(`attack: a host-pid task leaves a double-forked setsid daemon behind; ended by ${how}`, async () => {
        const marker = `NOMAD_EXEC_SECURITY_MARKER=${how.split(' ')[0]}-${mode.name}-${process.pid}`;
        const [k, v] = marker.split('=');
        const child = fx.start(fx.spec('/bin/sh', ['-c', daemonScript], { pidMode: 'host', killTimeoutMs: 100, env: { [k]: v } }));
        const done = collect(child);
        const info = infoSoFar(child);
        try {
          await waitForOutput(child, 'ready');
          await eventually(() => processesWithMarker(marker).length >= 3, 'the task, its sleep and the daemon');
          const stop = child.stdio[3] as NodeJS.WritableStream;
          if (how === 'stop') stop.write('x');
          else if (how.startsWith('runner')) stop.end();
          else {
            const task = Number(/"child-pid": (\d+)/.exec(await info)![1]);
            const supervisor = Number(fs.readFileSync(`/proc/${task}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
            assert.notEqual(supervisor, child.pid);
            process.kill(supervisor, 'SIGKILL');
          }
          await done;
        } finally {
          child.kill('SIGKILL');
        }
        assert.deepEqual(processesWithMarker(marker), [], 'a task process outlived the run');
      });
    }

    test('rootless host pid mode without a cgroup to hold the task is refused with a clear message; twin: private pid mode runs', { skip: mode.runAs ? false : 'needs a launcher started outside a delegated cgroup (root-started rootless mode)' }, async () => {
      const r = await fx.run(fx.spec('/bin/true', [], { pidMode: 'host' }), [], { delegated: false });
      assert.equal(r.code, LAUNCHER_EXIT.containment);
      assert.match(r.stderr, /host pid mode: no writable cgroup/);
      const ok = await fx.run(fx.spec('/bin/true', []), [], { delegated: false });
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(parseLauncherInfo(ok.info).at(-1), { 'exit-code': 0, 'oom-killed': false });
    });
  });
}

describe('runner security', skipWithoutLauncher(), () => {
  let jobs: JobFiles;
  before(() => {
    jobs = new JobFiles('nomad-exec-security-');
  });
  after(() => fs.rmSync(jobs.dir, { recursive: true, force: true }));

  /** A job whose one exec task "main" has `body` (env, templates, config). */
  const job = (body: string) => `job "j" {
  group "g" {
    task "main" {
      driver = "exec"
${body}
    }
  }
}
`;
  test('attack: read an env = true template secret in the argv of the launcher and its children; twin: the task sees it', async () => {
    const secret = `tpl-secret-${process.pid}-${Date.now()}`;
    const plan = await jobs.plan(job(`      template {
        destination = "secrets/app.env"
        env = true
        data = "APP_TOKEN=${secret}\\n"
      }
      config {
        command = "/bin/sh"
        args = ["-c", "echo token=$APP_TOKEN; echo ready; exec sleep 1000"]
      }`));
    let out = '';
    let leaking: string[] | undefined;
    let onDisk: string[] | undefined;
    const handle = startRun(plan, {
      output: (_task, _stream, chunk) => {
        out += chunk.toString();
        if (!leaking && out.includes('ready')) {
          // every process of every user, launcher and its children included
          leaking = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && cmdlineOf(Number(p)).includes(secret));
          // Nor in a file another process could open by name: the environment reaches the launcher as an
          // unnamed file (or a pipe); only the template's output and the log of what the task printed hold it.
          onDisk = filesHolding(plan.allocDir, secret).filter((f) => !/^(app\.env|main\.stdout\.0)$/.test(path.basename(f)));
          void handle.stop();
        }
      },
      notice: () => undefined,
    });
    await handle.exited;
    assert.deepEqual(leaking, [], `the secret is in a process argv (or the task never got ready: ${out})`);
    assert.deepEqual(onDisk, [], 'the secret is in a file of the alloc dir besides the template output');
    assert.match(out, new RegExp(`token=${secret}`));
  });

  test('attack: a host-pid task starts a setsid daemon, then SIGKILLs its own process group (launcher and supervisor included); twin: the run ends', async () => {
    // Rootless the task is the invoking user and may kill its launcher; root, the launcher is out of its
    // reach and the same attack only kills the task. Either way no task process may remain.
    const marker = `group-kill-${process.pid}-${Date.now()}`;
    try {
      const plan = await jobs.plan(job(`      env {
        SECURITY_MARKER = "${marker}"
      }
      config {
        command = "/bin/sh"
        pid_mode = "host"
        args = ["-c", "mkfifo $NOMAD_TASK_DIR/up; (setsid sh -c 'sleep 1000 & echo > $NOMAD_TASK_DIR/up' &); read x < $NOMAD_TASK_DIR/up; kill -9 0"]
      }`), { settings: { allowHostNamespaces: true } as RunRequest['settings'] });
      // the task kills its group only once the daemon, in a session of its own, says it runs (a fifo)
      const handle = startRun(plan, { output: () => undefined, notice: () => undefined });
      // a surviving daemon holds the task's stdout, so the run would not end at all: bound the wait
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([handle.exited, new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), 15_000)))]);
      clearTimeout(timer);
      assert.deepEqual(processesWithMarker(marker), [], 'a task process outlived its launcher');
      assert.notEqual(result, 'hung');
    } finally {
      for (const pid of processesWithMarker(marker)) process.kill(pid, 'SIGKILL');
    }
  });
});
