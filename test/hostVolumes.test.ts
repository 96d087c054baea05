// Host volumes in local runs, for real: a `volume_mount` binds the host volume the machine offers (agent
// config `host_volume` or nomadExec.hostVolumes) at its destination, read-only when any side says so, and
// a command may live on it. A missing volume is refused before anything touches the disk.
// Runs as root and rootless (test-rootless.sh).
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { isPlanError, planRun, startRun, type RunRequest } from '../launcher/src/api';
import { JobFiles, skipWithoutLauncher } from './helpers/jobRun';

const jobs = new JobFiles('nomad-exec-volumes-');
const skip = skipWithoutLauncher();

/** Two host volumes: `scratch` (read-write, open to the task user) and `tools` (holds bin/tool). */
function hostVolumes(): { rw: string; ro: string; tool: string; toolText: string } {
  const base = fs.mkdtempSync(path.join(jobs.dir, 'host-'));
  const rw = path.join(base, 'scratch');
  const ro = path.join(base, 'tools');
  fs.mkdirSync(rw);
  fs.chmodSync(rw, 0o777);
  fs.mkdirSync(path.join(ro, 'bin'), { recursive: true });
  fs.chmodSync(ro, 0o777); // writable on the host: only the mount's read-only flag keeps the task out
  const tool = path.join(ro, 'bin', 'tool');
  const toolText = '#!/bin/sh\necho tool-from-volume\n';
  fs.writeFileSync(tool, toolText, { mode: 0o755 });
  return { rw, ro, tool, toolText };
}

const job = (mounts: string, config: string): string => `
job "vol" {
  group "g" {
    volume "scratch" {
      type   = "host"
      source = "scratch"
    }
    volume "tools" {
      type   = "host"
      source = "tools"
    }
    task "t" {
      driver = "exec"
${mounts}
      config {
${config}
      }
    }
  }
}`;
const mount = (volume: string, destination: string, extra = ''): string => `      volume_mount {\n        volume      = "${volume}"\n        destination = "${destination}"\n        ${extra}\n      }`;

async function runAll(text: string, request: Partial<RunRequest>): Promise<{ code: number; out: string }> {
  const plan = await jobs.plan(text, request);
  let out = '';
  const result = await startRun(plan, { output: (_t, _s, c) => (out += c.toString()), notice: (n) => (out += `notice: ${n.message}\n`) }).exited;
  return { code: result.exitCode, out };
}

test('agent config host volumes: read-write one written, read-only one refuses writes, a command on the volume runs', skip, async () => {
  const v = hostVolumes();
  const agent = path.join(jobs.dir, `agent-${path.basename(path.dirname(v.rw))}.hcl`);
  fs.writeFileSync(agent, `client {\n  host_volume "scratch" {\n    path = "${v.rw}"\n  }\n  host_volume "tools" {\n    path      = "${v.ro}"\n    read_only = true\n  }\n}\n`);
  const text = job(
    `${mount('scratch', '/data')}\n${mount('tools', '/opt/tools')}`,
    `        command = "/opt/tools/bin/tool"`,
  );
  const plan = await jobs.plan(text, { settings: { agentConfigFile: agent } });
  assert.equal(plan.tasks[0].lookup.state, 'found', 'the command is found on the volume at plan time');
  assert.deepEqual(plan.tasks[0].volumeMounts.map((m) => [m.taskPath, m.hostPath, m.readOnly]), [['/data', v.rw, false], ['/opt/tools', v.ro, true]]);
  const ran = await runAll(text, { settings: { agentConfigFile: agent } });
  assert.equal(ran.code, 0, ran.out);
  assert.match(ran.out, /tool-from-volume/);

  // The attack: the task tries to replace the tool on the read-only volume and to add a file beside it.
  const writer = job(
    `${mount('scratch', '/data')}\n${mount('tools', '/opt/tools')}`,
    `        command = "/bin/sh"\n        args = ["-c", "echo written > /data/out; echo evil > /opt/tools/bin/tool; echo more > /opt/tools/new; echo ro=$?"]`,
  );
  const attempt = await runAll(writer, { settings: { agentConfigFile: agent } });
  assert.match(attempt.out, /ro=[1-9]/, attempt.out);
  assert.match(attempt.out, /Read-only file system/);
  assert.equal(fs.readFileSync(v.tool, 'utf8'), v.toolText, 'the host file is untouched');
  assert.ok(!fs.existsSync(path.join(v.ro, 'new')));
  assert.equal(fs.readFileSync(path.join(v.rw, 'out'), 'utf8'), 'written\n', 'the read-write volume took the write');
});

test('nomadExec.hostVolumes, and read_only on the volume_mount alone makes the mount read-only', skip, async () => {
  const v = hostVolumes();
  const settings = { hostVolumes: { scratch: v.rw, tools: { path: v.ro } } };
  const text = job(mount('scratch', '/data', 'read_only = true'), `        command = "/bin/sh"\n        args = ["-c", "echo x > /data/f; echo rc=$?"]`);
  const r = await runAll(text, { settings });
  assert.match(r.out, /rc=[1-9]/, r.out);
  assert.ok(!fs.existsSync(path.join(v.rw, 'f')));
  // Twin: without read_only the write lands.
  const ok = await runAll(text.replace('read_only = true', ''), { settings });
  assert.match(ok.out, /rc=0/, ok.out);
  assert.equal(fs.readFileSync(path.join(v.rw, 'f'), 'utf8'), 'x\n');
});

test('a volume the machine does not offer is refused before anything touches the disk', async () => {
  const file = jobs.write(job(mount('scratch', '/data'), '        command = "/bin/true"'));
  const allocDir = path.join(jobs.dir, 'never-made');
  const refused = await planRun({ file, allocDir });
  assert.ok(isPlanError(refused));
  assert.match(refused.message, /volume "scratch" needs the host volume "scratch", which this machine does not offer: add client \{ host_volume "scratch"/);
  assert.match(refused.message, /nomadExec\.hostVolumes/);
  assert.ok(!fs.existsSync(allocDir));
  const notDir = await planRun({ file, allocDir, settings: { hostVolumes: { scratch: path.join(jobs.dir, 'missing-dir') } } });
  assert.ok(isPlanError(notDir));
  assert.match(notDir.message, /not a directory on this machine/);
  assert.ok(!fs.existsSync(allocDir));
});
