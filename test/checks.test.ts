// One test per check through the real pipeline; each with a valid twin that must stay clean.
import test from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver-types';
import { diagnose, errors, execJob, problems, withCode } from './helpers/diagnose';

/** The bad text yields `code` (with the message matching `message`), and the twin has no errors at all. */
async function pair(code: string, bad: string, twin: string, message?: RegExp, severity: DiagnosticSeverity = DiagnosticSeverity.Error) {
  const found = withCode(await diagnose(bad), code);
  assert.ok(found.length > 0, `expected ${code} in:\n${bad}\ngot: ${JSON.stringify(await diagnose(bad), null, 1)}`);
  assert.equal(found[0].severity, severity);
  assert.equal(found[0].source, 'nomad-exec');
  if (message) assert.match(found[0].message, message);
  const clean = await diagnose(twin);
  assert.deepEqual(errors(clean), [], `twin should be clean:\n${twin}`);
  assert.deepEqual(withCode(clean, code), []);
  return found;
}

test('the base exec job is clean', async () => {
  assert.deepEqual(problems(await diagnose(execJob())), []);
});

// --- schema conformance -------------------------------------------------------------------------------

test('unknown-attribute with the nearest name as data', async () => {
  const [d] = await pair('unknown-attribute', execJob({ task: 'kill_timout = "10s"' }), execJob({ task: 'kill_timeout = "10s"' }), /kill_timeout/);
  assert.deepEqual(d.data, { replacement: 'kill_timeout' });
});

test('unknown-attribute: a task-level group attribute', async () => {
  await pair('unknown-attribute', execJob({ task: 'group = "12001"' }), execJob({ task: 'user = "nobody"' }), /no attribute named group/);
});

test('unknown-block in a group', async () => {
  await pair('unknown-block', execJob({ group: 'netwrk {\n mode = "host"\n}' }), execJob({ group: 'network {\n mode = "host"\n}' }), /network/);
});

test('missing-required: task driver, artifact source, lifecycle hook', async () => {
  const noDriver = 'job "j" {\n  group "g" {\n    task "t" {\n      config {}\n    }\n  }\n}\n';
  assert.match(withCode(await diagnose(noDriver), 'missing-required')[0].message, /driver/);
  await pair('missing-required', execJob({ task: 'artifact {\n destination = "local/"\n}' }), execJob({ task: 'artifact {\n source = "https://example.com/a.tgz"\n}' }), /source/);
  await pair('missing-required', execJob({ task: 'lifecycle {\n sidecar = true\n}' }), execJob({ task: 'lifecycle {\n hook = "prestart"\n}' }), /hook/);
});

test('type-mismatch: datacenters must be a list', async () => {
  const bad = execJob().replace('datacenters = ["dc1"]', 'datacenters = "pi"');
  await pair('type-mismatch', bad, execJob(), /list of strings.*\["pi"\]/);
});

test('type-mismatch: a list where a number is wanted; numeric strings convert', async () => {
  await pair('type-mismatch', execJob({ group: 'count = [2]' }), execJob({ group: 'count = "2"' }));
});

test('invalid-value: job type, restart mode, constraint operator, template change_mode', async () => {
  await pair('invalid-value', execJob({ job: 'type = "servic"' }), execJob({ job: 'type = "batch"' }), /Did you mean "service"/);
  await pair('invalid-value', execJob({ group: 'restart {\n mode = "retry"\n}' }), execJob({ group: 'restart {\n mode = "delay"\n}' }));
  await pair('invalid-value', execJob({ job: 'constraint {\n attribute = "${attr.kernel.name}"\n operator = "equals"\n value = "linux"\n}' }),
    execJob({ job: 'constraint {\n attribute = "${attr.kernel.name}"\n operator = "regexp"\n value = "linux"\n}' }));
  await pair('invalid-value', execJob({ task: 'template {\n data = "x"\n destination = "local/x"\n change_mode = "reload"\n}' }),
    execJob({ task: 'template {\n data = "x"\n destination = "local/x"\n change_mode = "signal"\n change_signal = "SIGHUP"\n}' }));
});

test('invalid-value: network mode accepts cni/<name>', async () => {
  await pair('invalid-value', execJob({ group: 'network {\n mode = "bridged"\n}' }), execJob({ group: 'network {\n mode = "cni/mynet"\n}' }), /cni/);
});

test('invalid-duration', async () => {
  await pair('invalid-duration', execJob({ task: 'kill_timeout = "10 seconds"' }), execJob({ task: 'kill_timeout = "1m30s"' }), /"10 seconds"/);
});

test('out-of-range: priority, memory minimum, cpu minimum', async () => {
  await pair('out-of-range', execJob({ job: 'priority = 101' }), execJob({ job: 'priority = 100' }), /between 1 and 100/);
  await pair('out-of-range', execJob({ task: 'resources {\n memory = 5\n}' }), execJob({ task: 'resources {\n memory = 10\n}' }), /at least 10/);
  await pair('out-of-range', execJob({ task: 'resources {\n cpu = 0\n}' }), execJob({ task: 'resources {\n cpu = 1\n}' }));
});

test('duplicate: a single block twice, an attribute twice', async () => {
  await pair('duplicate', execJob({ group: 'update {}\nupdate {}' }), execJob({ group: 'update {}' }), /Only one update/);
  await pair('duplicate', execJob({ task: 'user = "a"\nuser = "b"' }), execJob({ task: 'user = "a"' }), /set twice/);
});

test('deprecated: job vault_token is an error (removed), periodic cron a hint; both tagged Deprecated', async () => {
  await pair('deprecated', execJob({ job: 'vault_token = "x"' }), execJob(), /Removed/);
  const removed = withCode(await diagnose(execJob({ job: 'vault_token = "x"' })), 'deprecated');
  assert.deepEqual(removed[0].tags, [DiagnosticTag.Deprecated]);
  const cron = withCode(await diagnose(execJob({ job: 'type = "batch"\nperiodic {\n cron = "@daily"\n}' })), 'deprecated');
  assert.equal(cron[0].severity, DiagnosticSeverity.Hint);
  assert.deepEqual(cron[0].tags, [DiagnosticTag.Deprecated]);
});

test('deprecated: an attribute Nomad accepts and ignores is also tagged Unnecessary', async () => {
  const iops = withCode(await diagnose(execJob({ task: 'resources {\n iops = 10\n}' })), 'deprecated');
  assert.equal(iops.length, 1);
  assert.equal(iops[0].severity, DiagnosticSeverity.Hint);
  assert.deepEqual(iops[0].tags, [DiagnosticTag.Deprecated, DiagnosticTag.Unnecessary]);
});

test('deprecated: removed dynamic_ports in a resources network', async () => {
  await pair('deprecated', execJob({ task: 'resources {\n network {\n dynamic_ports = ["http"]\n }\n}' }),
    execJob({ group: 'network {\n port "http" {}\n}' }), /port "<label>"/);
});

test('a block written as an attribute and the reverse', async () => {
  await pair('unknown-attribute', execJob({ task: 'template {\n data = "x"\n destination = "local/x"\n wait = { min = "5s" }\n}' }),
    execJob({ task: 'template {\n data = "x"\n destination = "local/x"\n wait {\n min = "5s"\n }\n}' }), /wait \{ \.\.\. \}/);
  await pair('unknown-block', execJob({ job: 'datacenters2 {}' }), execJob(), /datacenters/);
  await pair('unknown-block', execJob({ task: 'user {\n}' }), execJob(), /attribute.*user =/);
});

test('env and meta as block or map attribute, but not both', async () => {
  const clean = await diagnose(execJob({ task: 'env = { A = "1", B = 2 }\nmeta {\n k = "v"\n}' }));
  assert.deepEqual(problems(clean), []);
  await pair('duplicate', execJob({ task: 'env = { A = "1" }\nenv {\n B = "2"\n}' }), execJob({ task: 'env {\n B = "2"\n}' }), /both/);
  await pair('type-mismatch', execJob({ task: 'env {\n A = ["1"]\n}' }), execJob({ task: 'env {\n A = "1"\n}' }));
});

test('dynamic blocks are checked as their generated type', async () => {
  const port = (name: string) => execJob({ group: `network {\n dynamic "${name}" {\n for_each = ["http", "admin"]\n labels = [${name}.value]\n content {\n to = 8080\n }\n }\n}` });
  assert.deepEqual(errors(await diagnose(port('port'))), []);
  assert.equal(withCode(await diagnose(port('porrt')), 'unknown-block').length, 1);
});

test('drivers without a schema here have a free-form config; so has a driver from a variable', async () => {
  assert.deepEqual(errors(await diagnose(execJob({ driver: 'docker', config: 'image = "redis"\nports = ["db"]\nmount {\n type = "tmpfs"\n}' }))), []);
  const fromVar = 'variable "driver" {}\n' + execJob({ config: 'anything = 1' }).replace('driver = "exec"', 'driver = var.driver');
  assert.deepEqual(errors(await diagnose(fromVar)), []);
});

test('unknown values are never reported', async () => {
  const text = 'variable "dcs" {}\nvariable "p" {}\n' + execJob({ job: 'priority = var.p' }).replace('["dc1"]', 'var.dcs');
  assert.deepEqual(errors(await diagnose(text)), []);
});

// --- exec config --------------------------------------------------------------------------------------

test('exec config: missing command', async () => {
  await pair('missing-required', execJob({ config: 'args = ["1"]' }), execJob(), /needs command/);
});

test('exec config: image and oom_score_adj belong to other drivers', async () => {
  await pair('unknown-attribute', execJob({ config: 'command = "/bin/true"\nimage = "redis"' }), execJob(), /docker or podman/);
  await pair('unknown-attribute', execJob({ config: 'command = "/bin/true"\noom_score_adj = 10' }), execJob(), /raw_exec/);
});

test('exec config: type-mismatch for args and command', async () => {
  await pair('type-mismatch', execJob({ config: 'command = "/bin/echo"\nargs = "hello"' }), execJob({ config: 'command = "/bin/echo"\nargs = ["hello"]' }), /args/);
  await pair('type-mismatch', execJob({ config: 'command = ["/bin/echo"]' }), execJob({ config: 'command = "/bin/echo"' }), /command .*must be a string/);
});

test('exec config: pid_mode and ipc_mode values; empty is allowed', async () => {
  await pair('invalid-value', execJob({ config: 'command = "/bin/true"\npid_mode = "shared"' }), execJob({ config: 'command = "/bin/true"\npid_mode = ""\nipc_mode = "private"' }), /"private", "host"/);
});

test('exec config: unknown-capability with the nearest name', async () => {
  const [d] = await pair('unknown-capability', execJob({ config: 'command = "/bin/true"\ncap_drop = ["CAP_NET_RW"]' }), execJob({ config: 'command = "/bin/true"\ncap_drop = ["CAP_NET_RAW", "all"]' }), /net_raw/);
  assert.deepEqual(d.data, { replacement: '"net_raw"' });
});

test('exec config: capability-not-allowed names entries and the resulting set', async () => {
  const [d] = await pair('capability-not-allowed', execJob({ config: 'command = "/bin/ping"\ncap_add = ["net_raw"]' }),
    execJob({ config: 'command = "/bin/ping"\ncap_add = ["chown"]\ncap_drop = ["all"]' }), /"net_raw".*audit_write, chown/);
  assert.equal(d.range.start.line, 9);
  const all = withCode(await diagnose(execJob({ config: 'command = "/bin/true"\ncap_add = ["ALL"]' })), 'capability-not-allowed');
  assert.match(all[0].message, /allow_caps = \["all"\]/);
  // The same job is fine on a client whose allow_caps permits it.
  assert.deepEqual(problems(await diagnose(execJob({ config: 'command = "/bin/ping"\ncap_add = ["net_raw"]' }), { allowCaps: ['chown', 'net_raw'] })), []);
});

test('exec config: relative-work-dir', async () => {
  const [d] = await pair('relative-work-dir', execJob({ config: 'command = "/bin/true"\nwork_dir = "local/app"' }), execJob({ config: 'command = "/bin/true"\nwork_dir = "/local/app"' }));
  assert.deepEqual(d.data, { replacement: '"/local/app"' });
});

test('exec config: host-namespace warning says what it exposes', async () => {
  await pair('host-namespace', execJob({ config: 'command = "/bin/true"\npid_mode = "host"' }), execJob({ config: 'command = "/bin/true"\npid_mode = "private"' }), /every process/, DiagnosticSeverity.Warning);
  const info = withCode(await diagnose(execJob(), { defaultIpcMode: 'host' }), 'host-namespace');
  assert.equal(info[0].severity, DiagnosticSeverity.Information);
});

// --- job rules ----------------------------------------------------------------------------------------

test('duplicate: two job blocks, two groups or tasks with one name', async () => {
  await pair('duplicate', execJob() + 'job "other" {\n}\n', execJob(), /exactly one job/);
  const twoTasks = execJob({ group: 'task "server" {\n driver = "exec"\n config {\n command = "/bin/true"\n }\n}' });
  await pair('duplicate', twoTasks, execJob(), /Two tasks are named "server"/);
  const twoGroups = execJob().replace(/\n}\n$/, '\n  group "app" {\n    task "x" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n  }\n}\n');
  await pair('duplicate', twoGroups, execJob(), /Two groups are named "app"/);
});

test('missing-required: a group without tasks (unless a Connect gateway adds one)', async () => {
  await pair('missing-required', 'job "j" {\n  group "g" {\n    count = 1\n  }\n}\n',
    'job "j" {\n  group "g" {\n    network {\n mode = "bridge"\n }\n    service {\n      name = "gw"\n      connect {\n        gateway {\n          ingress {}\n        }\n      }\n    }\n  }\n}\n', /no task/);
});

test('invalid-name: a task named alloc or holding a slash, backslash or NUL', async () => {
  await pair('invalid-name', execJob().replace('task "server"', 'task "alloc"'), execJob(), /alloc/);
  await pair('invalid-name', execJob().replace('task "server"', 'task "a/b"'), execJob(), /"\/"/);
  await pair('invalid-name', execJob().replace('task "server"', 'task "a\\\\b"'), execJob().replace('task "server"', 'task "a.b"'), /"\\"/);
  await pair('invalid-name', execJob().replace('task "server"', 'task "a\\u0000b"'), execJob(), /NUL/);
});

test('invalid-name: a job ID with a space, a NUL in a job or group name (a tab is accepted, as Nomad does)', async () => {
  const first = /job "[^"]*"/;
  await pair('invalid-name', execJob().replace(first, 'job "my job"'), execJob().replace(first, 'job "my\\tjob"'), /contains a space/);
  await pair('invalid-name', execJob().replace(first, 'job "a\\u0000b"'), execJob(), /NUL/);
  await pair('invalid-name', execJob().replace(/group "[^"]*"/, 'group "a\\u0000b"'), execJob(), /group name cannot contain a NUL/);
});

test('out-of-range: cpu with cores, memory_max below memory', async () => {
  await pair('out-of-range', execJob({ task: 'resources {\n cpu = 100\n cores = 2\n}' }), execJob({ task: 'resources {\n cores = 2\n}' }), /not both/);
  await pair('out-of-range', execJob({ task: 'resources {\n memory = 512\n memory_max = 256\n}' }), execJob({ task: 'resources {\n memory = 512\n memory_max = -1\n}' }), /memory_max/);
});

test('log-storage: logs must fit below the ephemeral disk', async () => {
  await pair('log-storage', execJob({ task: 'logs {\n max_files = 10\n max_file_size = 30\n}' }),
    execJob({ task: 'logs {\n max_files = 10\n max_file_size = 30\n}', group: 'ephemeral_disk {\n size = 500\n}' }), /300 MB/);
});

test('invalid-checksum: format, type and length', async () => {
  const art = (sum: string) => execJob({ task: `artifact {\n source = "https://example.com/app.tgz"\n options {\n checksum = "${sum}"\n }\n}` });
  await pair('invalid-checksum', art('sha256abc'), art(`sha256:${'a'.repeat(64)}`), /type:hex/);
  await pair('invalid-checksum', art('crc32:abcd'), art(`md5:${'0'.repeat(32)}`), /Unsupported/);
  await pair('invalid-checksum', art(`sha1:${'a'.repeat(39)}`), art(`sha1:${'a'.repeat(40)}`), /40/);
});

test('reschedule is refused in system and sysbatch jobs', async () => {
  await pair('invalid-value', execJob({ job: 'type = "system"', group: 'reschedule {\n attempts = 1\n}' }), execJob({ job: 'type = "system"' }), /system jobs/);
});

test('templates need data or source, and distinct destinations', async () => {
  await pair('missing-required', execJob({ task: 'template {\n destination = "local/a"\n}' }), execJob({ task: 'template {\n data = "a"\n destination = "local/a"\n}' }), /data/);
  const two = 'template {\n data = "a"\n destination = "local/a"\n}\ntemplate {\n data = "b"\n destination = "local/a"\n}';
  await pair('duplicate', execJob({ task: two }), execJob({ task: two.replace(/local\/a"\n}$/, 'local/b"\n}') }), /local\/a/);
});

// --- policy rules -------------------------------------------------------------------------------------

test('restart timing: attempts x delay must fit in the interval (with defaults merged)', async () => {
  await pair('out-of-range', execJob({ group: 'restart {\n attempts = 10\n delay = "30s"\n interval = "1m"\n}' }),
    execJob({ group: 'restart {\n attempts = 2\n delay = "30s"\n interval = "1m"\n}' }), /10 restarts/);
  // The task's restart merges over the group's: attempts from the task, interval from the group.
  await pair('out-of-range', execJob({ group: 'restart {\n interval = "1m"\n}', task: 'restart {\n attempts = 5\n}' }),
    execJob({ group: 'restart {\n interval = "10m"\n}', task: 'restart {\n attempts = 5\n}' }), /5 restarts/);
  await pair('invalid-value', execJob({ group: 'restart {\n attempts = 0\n mode = "delay"\n}' }), execJob({ group: 'restart {\n attempts = 0\n mode = "fail"\n}' }), /ambiguous/);
});

test('update and migrate deadlines, and the job types that allow them', async () => {
  await pair('out-of-range', execJob({ group: 'update {\n min_healthy_time = "10m"\n}' }), execJob({ group: 'update {\n min_healthy_time = "1m"\n}' }), /shorter than healthy_deadline/);
  await pair('out-of-range', execJob({ group: 'update {\n healthy_deadline = "15m"\n}' }), execJob({ group: 'update {\n healthy_deadline = "15m"\n progress_deadline = "20m"\n}' }), /progress_deadline/);
  await pair('invalid-value', execJob({ job: 'type = "batch"', group: 'update {\n max_parallel = 1\n}' }), execJob({ job: 'type = "batch"' }), /batch job cannot have an update block/);
  await pair('invalid-value', execJob({ job: 'type = "system"', group: 'migrate {}' }), execJob({ group: 'migrate {}' }), /migrate/);
});

test('periodic and parameterized only for batch and sysbatch jobs', async () => {
  await pair('invalid-value', execJob({ job: 'periodic {\n crons = ["@daily"]\n}' }), execJob({ job: 'type = "batch"\nperiodic {\n crons = ["@daily"]\n}' }), /batch/);
});

test('constraint and affinity operands', async () => {
  await pair('missing-required', execJob({ job: 'constraint {\n attribute = "${attr.kernel.name}"\n}' }),
    execJob({ job: 'constraint {\n attribute = "${attr.kernel.name}"\n value = "linux"\n}' }), /needs value/);
  await pair('invalid-value', execJob({ task: 'constraint {\n operator = "distinct_hosts"\n value = "true"\n}' }),
    execJob({ group: 'constraint {\n operator = "distinct_hosts"\n value = "true"\n}' }), /task constraint/);
  await pair('invalid-value', execJob({ job: 'constraint {\n attribute = "${meta.rack}"\n operator = "is_set"\n value = "x"\n}' }),
    execJob({ job: 'constraint {\n attribute = "${meta.rack}"\n operator = "is_set"\n}' }), /takes no value/);
  await pair('out-of-range', execJob({ job: 'affinity {\n attribute = "${node.class}"\n value = "big"\n weight = 0\n}' }),
    execJob({ job: 'affinity {\n attribute = "${node.class}"\n value = "big"\n weight = -50\n}' }), /weight/);
});

test('spread targets: unique values, at most 100% in total', async () => {
  const spread = (a: number, b: number, second = 'dc2') => execJob({ group: `spread {\n attribute = "\${node.datacenter}"\n target "dc1" {\n percent = ${a}\n }\n target "${second}" {\n percent = ${b}\n }\n}` });
  await pair('out-of-range', spread(70, 50), spread(70, 30), /120%/);
  await pair('duplicate', spread(50, 50, 'dc1'), spread(50, 50), /dc1/);
});

test('services: DNS-style names, http checks with a relative path, checks of at least 1s, unique names', async () => {
  const svc = (name: string, check: string) => execJob({ group: 'network {\n port "http" {}\n}', task: `service {\n name = "${name}"\n port = "http"\n check {\n${check}\n }\n}` });
  const good = 'type = "http"\n path = "/health"\n interval = "10s"\n timeout = "2s"';
  await pair('invalid-name', svc('my_service', good), svc('my-service', good), /letters, digits and dashes/);
  await pair('missing-required', svc('web', 'type = "http"\n interval = "10s"\n timeout = "2s"'), svc('web', good), /needs path/);
  await pair('invalid-value', svc('web', good.replace('"/health"', '"http://localhost/health"')), svc('web', good), /relative/);
  await pair('out-of-range', svc('web', good.replace('"10s"', '"500ms"')), svc('web', good), /at least 1s/);
});

test('one leader per group', async () => {
  const second = 'task "helper" {\n driver = "exec"\n leader = true\n config {\n command = "/bin/true"\n }\n}';
  await pair('duplicate', execJob({ task: 'leader = true', group: second }), execJob({ task: 'leader = true', group: second.replace('leader = true', 'leader = false') }), /leader/);
});

test('templates: env with signal, script without change_script, octal perms, destinations inside the allocation', async () => {
  const tpl = (extra: string) => execJob({ task: `template {\n data = "A=1"\n destination = "local/a.env"\n${extra}\n}` });
  await pair('invalid-value', tpl('env = true\n change_mode = "signal"'), tpl('env = true\n change_mode = "restart"'), /env = true/);
  await pair('missing-required', tpl('change_mode = "script"'), tpl('change_mode = "script"\n change_script {\n command = "/local/reload.sh"\n }'), /change_script/);
  await pair('invalid-value', tpl('perms = "rw-r--r--"'), tpl('perms = "0600"'), /octal/);
  await pair('invalid-value', execJob({ task: 'artifact {\n source = "https://example.com/a"\n destination = "../../../etc"\n}' }),
    execJob({ task: 'artifact {\n source = "https://example.com/a"\n destination = "../alloc/data"\n}' }), /out of the allocation/);
});

test('durations cannot be negative', async () => {
  await pair('out-of-range', execJob({ task: 'shutdown_delay = "-5s"' }), execJob({ task: 'shutdown_delay = "5s"' }), /negative/);
});

test('dynamic blocks need for_each and a content block, and take nothing else', async () => {
  const dyn = (header: string) => execJob({ group: `network {\n dynamic "port" {\n${header}\n content {\n to = 8080\n }\n }\n}` });
  await pair('missing-required', dyn('labels = ["http"]'), dyn('for_each = ["http"]\n labels = [port.value]'), /for_each/);
  const [d] = await pair('unknown-attribute', dyn('for_each = ["http"]\n iterater = "p"'), dyn('for_each = ["http"]\n iterator = "p"\n labels = [p.value]'), /iterator/);
  assert.deepEqual(d.data, { replacement: 'iterator' });
});

test('port labels and static ports are unique in a group network', async () => {
  await pair('duplicate', execJob({ group: 'network {\n port "http" {}\n port "http" {}\n}' }), execJob({ group: 'network {\n port "http" {}\n port "admin" {}\n}' }), /"http" is declared twice/);
  await pair('duplicate', execJob({ group: 'network {\n port "a" {\n static = 8080\n }\n port "b" {\n static = 8080\n }\n}' }),
    execJob({ group: 'network {\n port "a" {\n static = 8080\n }\n port "b" {\n static = 8081\n }\n}' }), /8080/);
});

test('an agent config file changes what the exec checks conclude, and its problems are reported', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-agent-'));
  const file = path.join(dir, 'client.hcl');
  fs.writeFileSync(file, 'plugin "exec" {\n  config {\n    allow_caps = ["chown", "net_raw"]\n  }\n}\n');
  const ping = execJob({ config: 'command = "/bin/ping"\ncap_add = ["net_raw"]' });
  assert.deepEqual(withCode(await diagnose(ping, { agentConfigFile: file }), 'capability-not-allowed'), []);
  const kill = withCode(await diagnose(execJob({ config: 'command = "/bin/kill"\ncap_add = ["kill"]' }), { agentConfigFile: file }), 'capability-not-allowed');
  assert.match(kill[0].message, new RegExp(`allow_caps \\(${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) permits only chown, net_raw`));
  const missing = withCode(await diagnose(execJob(), { agentConfigFile: path.join(dir, 'none.hcl') }), 'settings-problem');
  assert.equal(missing.length, 1);
  assert.equal(missing[0].severity, DiagnosticSeverity.Warning);
  fs.rmSync(dir, { recursive: true });
});

test('a bare number as a duration is nanoseconds: a warning', async () => {
  await pair('invalid-duration', execJob({ task: 'kill_timeout = 30' }), execJob({ task: 'kill_timeout = "30s"' }), /30 nanoseconds/, DiagnosticSeverity.Warning);
});

test('a Connect sidecar_task on the exec driver gets the exec config checks', async () => {
  const sidecar = (config: string) => execJob({ group: `network {\n mode = "bridge"\n}\nservice {\n name = "api"\n port = "9090"\n connect {\n sidecar_service {}\n sidecar_task {\n driver = "exec"\n config {\n${config}\n }\n }\n }\n}` });
  await pair('unknown-attribute', sidecar('command = "/opt/bin/envoy"\nimage = "envoyproxy/envoy"'), sidecar('command = "/opt/bin/envoy"\nargs = ["-c", "${NOMAD_SECRETS_DIR}/envoy_bootstrap.json"]'), /sidecar_task.*image/);
});

test('reschedule policies merged with the job type defaults', async () => {
  // Service jobs default to unlimited = true, so limiting attempts needs unlimited = false.
  await pair('invalid-value', execJob({ group: 'reschedule {\n attempts = 3\n interval = "1h"\n}' }),
    execJob({ group: 'reschedule {\n attempts = 3\n interval = "1h"\n unlimited = false\n}' }), /ambiguous.*defaults to true/);
  await pair('missing-required', execJob({ group: 'reschedule {\n attempts = 3\n unlimited = false\n}' }),
    execJob({ group: 'reschedule {\n attempts = 3\n interval = "1h"\n unlimited = false\n}' }), /interval/);
  await pair('out-of-range', execJob({ job: 'type = "batch"', group: 'reschedule {\n delay = "1s"\n}' }), execJob({ job: 'type = "batch"', group: 'reschedule {\n delay = "10s"\n}' }), /at least 5s/);
  // A job-level policy checked for two groups is reported once.
  const twoGroups = execJob({ job: 'reschedule {\n attempts = 2\n interval = "1h"\n}' }).replace(/\n}\n$/, '\n  group "b" {\n    task "t" {\n      driver = "exec"\n      config {\n        command = "/bin/true"\n      }\n    }\n  }\n}\n');
  assert.equal(withCode(await diagnose(twoGroups), 'invalid-value').length, 1);
});

test('update: auto_promote needs canaries; scaling max not below min; parameterized meta keys disjoint', async () => {
  await pair('invalid-value', execJob({ job: 'update {\n auto_promote = true\n}' }), execJob({ job: 'update {\n auto_promote = true\n canary = 1\n}' }), /canary/);
  await pair('out-of-range', execJob({ group: 'scaling {\n min = 5\n max = 2\n}' }), execJob({ group: 'scaling {\n min = 2\n max = 5\n}' }), /max/);
  await pair('duplicate', execJob({ job: 'type = "batch"\nparameterized {\n meta_required = ["a"]\n meta_optional = ["a", "b"]\n}' }),
    execJob({ job: 'type = "batch"\nparameterized {\n meta_required = ["a"]\n meta_optional = ["b"]\n}' }), /"a"/);
});

test('exec config: an unknown capability does not hide the names outside allow_caps (Nomad lists them all)', async () => {
  const both = await diagnose(execJob({ config: 'command = "/bin/ping"\ncap_add = ["net_rw", "sys_admin", "chown"]' }));
  assert.equal(withCode(both, 'unknown-capability').length, 1);
  const refused = withCode(both, 'capability-not-allowed');
  assert.equal(refused.length, 1);
  assert.match(refused[0].message, /"sys_admin"/);
  const twin = await diagnose(execJob({ config: 'command = "/bin/ping"\ncap_add = ["net_rw", "chown"]' }));
  assert.deepEqual(withCode(twin, 'capability-not-allowed'), []);
});

test('command-not-provided: a relative command with a directory part that chroot_env does not resolve here', async () => {
  const [d] = await pair(
    'command-not-provided',
    execJob({ config: 'command = "bin/nomad-exec-no-such-worker"' }),
    execJob({ config: 'command = "bin/sh"' }),
    /local\/bin\/nomad-exec-no-such-worker or bin\/nomad-exec-no-such-worker.*chroot_env/,
    DiagnosticSeverity.Warning,
  );
  assert.equal(d.code, 'command-not-provided');
  // A bare name not found is still the location hint.
  const bare = await diagnose(execJob({ config: 'command = "nomad-exec-no-such-worker"' }));
  assert.deepEqual(withCode(bare, 'command-not-provided'), []);
});
