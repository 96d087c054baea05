// Issue 7: what the exec driver only finds at task start, reported while editing. Every rule has a clean
// twin. All cases go through the real pipeline (parser -> model -> checks) in analysis.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { NomadExecSettings } from '../server/src/settings';
import { ALWAYS_IN_ENV, envFileKeys, runtimeNameDoc, runtimeScopeFor } from '../server/src/schema/runtime';
import { analyseText } from './helpers/analyse';
import { diagnose, execJob, type ExecJobParts } from './helpers/diagnose';

const MY_CODES = new Set([
  'command-not-in-chroot',
  'command-not-provided',
  'command-location',
  'unknown-variable',
  'work-dir-not-in-chroot',
  'user-denied',
  'kill-timeout-capped',
  'unknown-volume',
]);

/** Diagnostics of one code (or of all issue-7 codes). */
async function findings(text: string, code?: string, settings?: NomadExecSettings): Promise<Diagnostic[]> {
  const all = await diagnose(text, settings);
  return all.filter((d) => (code ? d.code === code : MY_CODES.has(String(d.code))));
}

/** A small valid exec job (demo/web/app, running /bin/sh) with the given extra lines. */
function job(parts: Pick<ExecJobParts, 'task' | 'config' | 'group' | 'job' | 'top'>): string {
  return execJob({
    ...parts,
    top: parts.top ?? '',
    config: parts.config ?? '        command = "/bin/sh"',
    names: { job: 'demo', group: 'web', task: 'app' },
  });
}

const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

const at = (text: string, d: Diagnostic): string => {
  const lines = text.split('\n');
  return lines[d.range.start.line].slice(d.range.start.character, d.range.end.line === d.range.start.line ? d.range.end.character : undefined);
};

// --- command resolution ------------------------------------------------------------------------------

test('absolute command outside chroot_env and mounts is an error naming what was considered', async () => {
  const text = job({ config: '        command = "/opt/app/bin/server"' });
  const [d, ...rest] = await findings(text, 'command-not-in-chroot');
  assert.equal(rest.length, 0);
  assert.ok(d, 'expected command-not-in-chroot');
  assert.equal(d.severity, 1);
  assert.equal(at(text, d), '"/opt/app/bin/server"');
  assert.match(d.message, /\/usr/);
  assert.match(d.message, /\/bin/);
  assert.match(d.message, /no volume mounts/);
});

test('clean twins: the same command under a volume mount, an artifact, or a chroot_env setting', async () => {
  const mounted = job({
    config: '        command = "/opt/app/bin/server"',
    group: '    volume "app" {\n      type = "host"\n      source = "app"\n    }',
    task: '      volume_mount {\n        volume = "app"\n        destination = "/opt/app"\n      }',
  });
  assert.deepEqual(await findings(mounted), []);
  const fetched = job({
    config: '        command = "/opt/app/bin/server"',
    task: '      artifact {\n        source = "https://example.com/app.tgz"\n        destination = "opt/app"\n      }',
  });
  assert.deepEqual(await findings(fetched), []);
  const chrooted = job({ config: '        command = "/opt/app/bin/server"' });
  const withSetting = await findings(chrooted, 'command-not-in-chroot', { chrootEnv: { '/opt': '/opt', '/bin': '/bin' } });
  assert.deepEqual(withSetting, []);
});

test('chroot_env from an agent config file decides where commands and work_dir may be', async () => {
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-agent-'));
  const agent = path.join(dir, 'client.hcl');
  fs.writeFileSync(agent, 'client {\n  enabled = true\n  chroot_env {\n    "/opt/tools" = "/tools"\n    "/bin" = "/bin"\n  }\n}\n');
  const text = job({ config: '        command = "/tools/run"\n        work_dir = "/tools"' });
  const settings = { agentConfigFile: agent };
  assert.deepEqual(await findings(text, 'command-not-in-chroot', settings), []);
  assert.deepEqual(await findings(text, 'work-dir-not-in-chroot', settings), []);
  // The hint maps the task path back to the host path of the entry.
  const [hint] = await findings(text, 'command-location', settings);
  assert.deepEqual(hint.data, { hostPaths: ['/opt/tools/run'], exists: false });
  // /usr is no longer in the chroot: a command there now fails, and the message says where chroot_env came from.
  const [d] = await findings(job({ config: '        command = "/usr/bin/env"' }), 'command-not-in-chroot', settings);
  assert.ok(d);
  assert.ok(d.message.includes(agent), d.message);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a relative path with a directory part needs an artifact or template; a warning otherwise', async () => {
  const text = job({ config: '        command = "local/app"' });
  const [d] = await findings(text, 'command-not-provided');
  assert.ok(d);
  assert.equal(d.severity, 2);
  const provided = job({
    config: '        command = "local/app"',
    task: '      artifact {\n        source = "https://example.com/app.tar.gz"\n      }',
  });
  assert.deepEqual(await findings(provided), []);
  const templated = job({
    config: '        command = "local/run.sh"',
    task: '      template {\n        destination = "${NOMAD_TASK_DIR}/run.sh"\n        data = "#!/bin/sh\\necho hi\\n"\n      }',
  });
  assert.deepEqual(await findings(templated), []);
});

test('an absolute path in the shared alloc dir is a warning, not an error (another task may write it)', async () => {
  const text = job({ config: '        command = "/alloc/bin/tool"' });
  const all = await findings(text);
  assert.deepEqual(all.map((d) => d.code), ['command-not-provided']);
  assert.match(all[0].message, /alloc/);
});

test('a bare name is searched in usr/local/bin, usr/bin and bin of the chroot', async () => {
  // /bin/sh exists on every machine that runs these tests: a correct job, so nothing is said (hover tells where).
  const text = job({ config: '        command = "sh"' });
  assert.deepEqual(await findings(text), []);
  // With a chroot_env that provides none of the search directories, nothing can resolve the name.
  const bare = await findings(text, 'command-not-in-chroot', { chrootEnv: { '/etc': '/etc' } });
  assert.equal(bare.length, 1);
  assert.match(bare[0].message, /usr\/local\/bin/);
  // Placed by a template at the task root: found there first.
  const placed = job({
    config: '        command = "run.sh"',
    task: '      template {\n        destination = "run.sh"\n        data = "echo hi"\n      }',
  });
  assert.deepEqual(await findings(placed), []);
});

test('command-location: only a command missing on this machine is said, as information, never an error', async () => {
  const text = job({ config: '        command = "/usr/bin/no-such-program-nomad-exec-test"' });
  const all = await findings(text);
  assert.deepEqual(all.map((d) => [d.code, d.severity]), [['command-location', 3]]);
  assert.equal((all[0].data as { exists: boolean }).exists, false);
  assert.match(all[0].message, /is not on this machine/);
  // A command that is there: a correct job publishes nothing at all.
  assert.deepEqual(await findings(job({ config: '        command = "/bin/sh"' })), []);
});

test('a command built from runtime interpolations is left alone', async () => {
  const text = job({ config: '        command = "${NOMAD_TASK_DIR}/app"' });
  assert.deepEqual(await findings(text), []);
});

// --- interpolation names in the exec config ------------------------------------------------------------

test('unknown port variable in args: error with the nearest declared label as the replacement', async () => {
  const network = '    network {\n      port "http" {}\n    }';
  const text = job({ group: network, config: '        command = "/bin/sh"\n        args = ["-c", "serve ${NOMAD_PORT_htp}"]' });
  const [d, ...rest] = await findings(text, 'unknown-variable');
  assert.equal(rest.length, 0);
  assert.equal(d.severity, 1);
  assert.equal(at(text, d), 'NOMAD_PORT_htp');
  assert.match(d.message, /http/);
  assert.deepEqual(d.data, { replacement: 'NOMAD_PORT_http' });
  const clean = job({ group: network, config: '        command = "/bin/sh"\n        args = ["-c", "serve ${NOMAD_PORT_http} ${NOMAD_ADDR_http} ${NOMAD_HOST_PORT_http}"]' });
  assert.deepEqual(await findings(clean, 'unknown-variable'), []);
});

test('NOMAD_META_<key> only for declared meta keys of job, group or task', async () => {
  const bad = job({ job: '  meta {\n    release = "1"\n  }', config: '        command = "/bin/echo"\n        args = ["${NOMAD_META_relase}"]' });
  const [d] = await findings(bad, 'unknown-variable');
  assert.ok(d);
  assert.deepEqual(d.data, { replacement: 'NOMAD_META_release' });
  const good = job({ job: '  meta {\n    release = "1"\n  }', config: '        command = "/bin/echo"\n        args = ["${NOMAD_META_release}", "${NOMAD_META_RELEASE}"]' });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
});

test('names from the task env block and task-dir variables exist; a typo does not', async () => {
  const env = '      env {\n        GREETING = "hello"\n      }';
  const bad = job({ task: env, config: '        command = "/bin/echo"\n        args = ["${GREETNG}"]' });
  const [d] = await findings(bad, 'unknown-variable');
  assert.deepEqual(d.data, { replacement: 'GREETING' });
  const good = job({ task: env, config: '        command = "/bin/echo"\n        args = ["${GREETING}", "${NOMAD_TASK_DIR}", "${NOMAD_ALLOC_DIR}/x", "${PATH}", "${HOME}"]' });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
});

test('node, attr, meta and env names; a wrong node name is an error with the nearest one', async () => {
  const bad = job({ config: '        command = "/bin/echo"\n        args = ["${node.unique.nme}"]' });
  const [d] = await findings(bad, 'unknown-variable');
  assert.equal(at(bad, d), 'node.unique.nme');
  assert.deepEqual(d.data, { replacement: 'node.unique.name' });
  const good = job({
    config: '        command = "/bin/echo"\n        args = ["${node.unique.id}", "${node.datacenter}", "${attr.kernel.name}", "${meta.rack}", "${env["ANY"]}", "${node.pool}"]',
  });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
});

test('functions applied to runtime names must be ones the client knows', async () => {
  const bad = job({ config: '        command = "/bin/echo"\n        args = ["${format("%s", NOMAD_TASK_NAME)}"]' });
  const [d] = await findings(bad, 'unknown-variable');
  assert.ok(d);
  assert.equal(at(bad, d), 'format');
  const good = job({ config: '        command = "/bin/echo"\n        args = ["${upper(NOMAD_TASK_NAME)}", "${substr(NOMAD_ALLOC_ID, 0, 8)}", trimspace("  x  ")]' });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
});

test('variables that exist only in some cases: cores, memory_max, parent jobs', async () => {
  const args = '        command = "/bin/echo"\n        args = ["${NOMAD_CPU_CORES}", "${NOMAD_MEMORY_MAX_LIMIT}", "${NOMAD_JOB_PARENT_ID}"]';
  const bad = await findings(job({ config: args }), 'unknown-variable');
  assert.equal(bad.length, 3);
  const good = job({
    config: args,
    job: '  type = "batch"\n  periodic {\n    crons = ["@daily"]\n  }',
    task: '      resources {\n        cores = 2\n        memory = 256\n        memory_max = 512\n      }',
  });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
});

test('var.* and local.* must be declared', async () => {
  const bad = job({ top: 'variable "image_tag" {\n  default = "1"\n}', config: '        command = "/bin/echo"\n        args = [var.image_tga, local.nothing]' });
  const found = await findings(bad, 'unknown-variable');
  assert.equal(found.length, 2);
  assert.deepEqual(found[0].data, { replacement: 'var.image_tag' });
  const good = job({
    top: 'variable "image_tag" {\n  default = "1"\n}\nlocals {\n  tag = "v${var.image_tag}"\n}',
    config: '        command = "/bin/echo"\n        args = [var.image_tag, local.tag, "${var.image_tag}"]',
  });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
});

test('dynamic block iterators and for expressions are not runtime names', async () => {
  const text = job({
    top: 'variable "ports" {\n  default = ["http", "grpc"]\n}',
    group: '    network {\n      dynamic "port" {\n        for_each = var.ports\n        labels = [port.value]\n        content {}\n      }\n    }',
    config: '        command = "/bin/echo"\n        args = [for p in var.ports : "${p}"]',
  });
  assert.deepEqual(await findings(text, 'unknown-variable'), []);
});

test('outside the exec config an unknown NOMAD_* name is a warning; template data and escapes are left alone', async () => {
  const text = job({
    group: '    network {\n      port "http" {}\n    }',
    task: '      env {\n        URL = "http://localhost:${NOMAD_PORT_htp}"\n      }\n      template {\n        destination = "local/run.sh"\n        data = <<EOF\n#!/bin/sh\necho ${NOMAD_NOT_A_THING} $${ALSO_NOT}\nEOF\n      }',
    config: '        command = "/bin/sh"\n        args = ["-c", "echo $${NOMAD_ESCAPED_TEXT}"]',
  });
  const found = await findings(text, 'unknown-variable');
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 2);
  assert.equal(at(text, found[0]), 'NOMAD_PORT_htp');
  assert.deepEqual(found[0].data, { replacement: 'NOMAD_PORT_http' });
});

test('names from a template with env = true join the environment', async () => {
  const template = '      template {\n        destination = "secrets/app.env"\n        env = true\n        data = <<EOF\n{{ with nomadVar "nomad/jobs/demo" }}\nDB_PASSWORD={{ .password }}\n{{ end }}\nexport API_KEY=abc\nEOF\n      }';
  const good = job({ task: template, config: '        command = "/bin/echo"\n        args = ["${DB_PASSWORD}", "${API_KEY}"]' });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
  const bad = job({ task: template, config: '        command = "/bin/echo"\n        args = ["${DB_PASWORD}"]' });
  const [d] = await findings(bad, 'unknown-variable');
  assert.deepEqual(d.data, { replacement: 'DB_PASSWORD' });
});

// --- work_dir, user, stop settings, mounts -------------------------------------------------------------

test('work_dir outside the task dirs, chroot_env and mounts is a warning', async () => {
  const text = job({ config: '        command = "/bin/sh"\n        work_dir = "/opt/data"' });
  const [d] = await findings(text, 'work-dir-not-in-chroot');
  assert.ok(d);
  assert.equal(d.severity, 2);
  for (const dir of ['/local/sub', '/alloc/data', '/secrets', '/tmp', '/usr/share', '/']) {
    const clean = job({ config: `        command = "/bin/sh"\n        work_dir = "${dir}"` });
    assert.deepEqual(await findings(clean, 'work-dir-not-in-chroot'), [], dir);
  }
});

test('user = "root" on exec is refused by the default user.denylist', async () => {
  const [d] = await findings(job({ task: '      user = "root"' }), 'user-denied');
  assert.ok(d);
  assert.equal(d.severity, 1);
  assert.match(d.message, /user\.denylist/);
  assert.deepEqual(await findings(job({ task: '      user = "nobody"' }), 'user-denied'), []);
});

test('kill_signal must be a known signal; kill_timeout above 30s will be capped', async () => {
  const bad = job({ task: '      kill_signal = "SIGTREM"\n      kill_timeout = "45s"' });
  const signal = (await diagnose(bad)).filter((d) => d.code === 'invalid-value' && /SIGTREM/.test(d.message));
  assert.ok(signal.length >= 1);
  assert.ok(signal.some((d) => (d.data as { replacement?: string } | undefined)?.replacement === 'SIGTERM'));
  const [capped] = await findings(bad, 'kill-timeout-capped');
  assert.ok(capped);
  assert.equal(capped.severity, 2);
  const good = job({ task: '      kill_signal = "SIGTERM"\n      kill_timeout = "20s"' });
  assert.deepEqual((await diagnose(good)).filter((d) => d.code === 'invalid-value' || d.code === 'kill-timeout-capped'), []);
});

test('volume_mount naming no volume of the group is an error with the nearest name', async () => {
  const volume = '    volume "data" {\n      type = "host"\n      source = "data"\n    }';
  const bad = job({ group: volume, task: '      volume_mount {\n        volume = "dta"\n        destination = "/srv"\n      }' });
  const [d] = await findings(bad, 'unknown-volume');
  assert.ok(d);
  assert.deepEqual(d.data, { replacement: 'data' });
  const good = job({ group: volume, task: '      volume_mount {\n        volume = "data"\n        destination = "/srv"\n      }' });
  assert.deepEqual(await findings(good, 'unknown-volume'), []);
});

// --- the runtime scope API -------------------------------------------------------------------------------

test('runtimeScopeFor lists what a task has at start, with values where they are known', async () => {
  const text = job({
    job: '  meta {\n    team = "core"\n  }',
    group: '    network {\n      port "http" {\n        static = 8080\n      }\n      port "metrics" {\n        to = 9100\n      }\n    }',
    task: '      env {\n        MODE = "prod"\n      }',
  });
  const analysis = await analyseText(text);
  const task = analysis.file.jobs[0].groups[0].tasks[0];
  const scope = runtimeScopeFor(task, analysis.file, { evaluator: analysis.evaluator });
  assert.equal(scope.env.get('NOMAD_TASK_DIR')?.value, '/local');
  assert.equal(scope.env.get('NOMAD_TASK_NAME')?.value, 'app');
  assert.equal(scope.env.get('NOMAD_PORT_http')?.value, '8080');
  assert.equal(scope.env.get('NOMAD_PORT_metrics')?.value, '9100');
  assert.equal(scope.env.get('NOMAD_META_team')?.value, 'core');
  assert.ok(scope.env.has('NOMAD_META_TEAM'));
  assert.equal(scope.env.get('MODE')?.value, 'prod');
  assert.ok(!scope.env.has('NOMAD_CPU_CORES'));
  assert.deepEqual(scope.ports.map((p) => p.label), ['http', 'metrics']);
  assert.deepEqual(scope.metaKeys, ['team']);
  assert.equal(scope.open.env, false);
  assert.equal(scope.nearest('NOMAD_TASK_DRI'), 'NOMAD_TASK_DIR');
  assert.ok(scope.describe('attr.kernel.name'));
  assert.ok(scope.describe('node.unique.id'));
});

test('ALWAYS_IN_ENV: every task has each of these names, whatever its file sets or leaves open', async () => {
  // The checks settle these names without building a scope (checks/execInterpolation.ts, templateData.ts):
  // that is only right while every scope has them.
  const tasks = [
    job({ task: '' }),
    job({
      job: '  periodic {\n    crons = ["@daily"]\n  }\n  vault {\n    namespace = "ns"\n  }',
      group: '    consul {}\n    network {\n      port "PATH" {}\n    }',
      task: '      resources {\n        cores      = 2\n        memory_max = 512\n      }\n      identity {\n        env = true\n      }\n      env {\n        PATH = "/opt/bin"\n        HOME = "/home/app"\n      }\n      template {\n        destination = "local/env"\n        env         = true\n        data        = "NOMAD_TASK_DIR=/x\\n"\n      }',
    }),
    job({ task: '      env = var.anything' }),
  ];
  assert.ok(ALWAYS_IN_ENV.has('NOMAD_TASK_DIR') && ALWAYS_IN_ENV.has('PATH') && !ALWAYS_IN_ENV.has('NOMAD_CPU_CORES'));
  for (const text of tasks) {
    const analysis = await analyseText(text);
    const task = analysis.file.jobs[0].groups[0].tasks[0];
    const scope = runtimeScopeFor(task, analysis.file, { evaluator: analysis.evaluator });
    for (const name of ALWAYS_IN_ENV) assert.ok(scope.hasEnv(name), `${name} in the scope of ${text}`);
  }
});

test('runtimeScopeFor: one scope per task and analysis, none carried over to the next analysis', async () => {
  const text = job({ group: '    network {\n      port "http" {}\n    }' });
  const first = await analyseText(text);
  const task = first.file.jobs[0].groups[0].tasks[0];
  const scope = runtimeScopeFor(task, first.file, { evaluator: first.evaluator });
  assert.equal(runtimeScopeFor(task, first.file, { evaluator: first.evaluator }), scope);
  const second = await analyseText(text.replace('port "http"', 'port "admin"'));
  const next = runtimeScopeFor(second.file.jobs[0].groups[0].tasks[0], second.file, { evaluator: second.evaluator });
  assert.ok(next.hasEnv('NOMAD_PORT_admin') && !next.hasEnv('NOMAD_PORT_http'));
});

test('runtimeNameDoc documents names without a task: fixed variables, families, node names, functions', () => {
  assert.equal(runtimeNameDoc('NOMAD_TASK_DIR')?.execValue, '/local');
  assert.equal(runtimeNameDoc('NOMAD_PORT_http')?.pattern, 'NOMAD_PORT_<label>');
  assert.equal(runtimeNameDoc('NOMAD_HOST_PORT_http')?.pattern, 'NOMAD_HOST_PORT_<label>');
  assert.equal(runtimeNameDoc('NOMAD_META_team')?.pattern, 'NOMAD_META_<key>');
  assert.equal(runtimeNameDoc('NOMAD_UPSTREAM_ADDR_db')?.pattern, 'NOMAD_UPSTREAM_ADDR_<service>');
  assert.ok(runtimeNameDoc('node.unique.id'));
  assert.ok(runtimeNameDoc('attr.anything.at.all'));
  assert.match(runtimeNameDoc('substr')?.doc ?? '', /substr\(/);
  assert.equal(runtimeNameDoc('NOT_A_NOMAD_NAME'), undefined);
});

test('env-file keys of a template: listed when literal, unknown when an action computes them', () => {
  const template = (text: string) => envFileKeys({ kind: 'template', parts: [{ kind: 'literal', text, range: ZERO }], range: ZERO });
  assert.deepEqual(template('{{ with nomadVar "x" }}\nA={{ .a }}\n{{ end }}\nexport B=1\n# C=3\n'), ['A', 'B']);
  assert.equal(template('{{ range $k, $v := nomadVar "x" }}{{ $k }}={{ $v }}\n{{ end }}'), undefined);
  assert.equal(template('{{ key "app/env" }}'), undefined);
});

test('Connect upstreams give NOMAD_UPSTREAM_* names, as written and cleaned', async () => {
  const service = '    service {\n      name = "web"\n      connect {\n        sidecar_service {\n          proxy {\n            upstreams {\n              destination_name = "count-api"\n              local_bind_port = 8080\n            }\n          }\n        }\n      }\n    }';
  const good = job({ group: service, config: '        command = "/bin/echo"\n        args = ["${NOMAD_UPSTREAM_ADDR_count_api}", "${NOMAD_UPSTREAM_PORT_count-api}"]' });
  assert.deepEqual(await findings(good, 'unknown-variable'), []);
  const bad = job({ group: service, config: '        command = "/bin/echo"\n        args = ["${NOMAD_UPSTREAM_ADDR_count_apy}"]' });
  const [d] = await findings(bad, 'unknown-variable');
  assert.ok(d);
  assert.equal(d.severity, 1);
});

// --- the corpus ------------------------------------------------------------------------------------------

test('no issue-7 errors on the exec and other corpus', async () => {
  const root = path.resolve(__dirname, '../../../shared/corpus');
  const errors: string[] = [];
  for (const dir of ['exec', 'other']) {
    const folder = path.join(root, dir);
    assert.ok(fs.existsSync(folder), folder);
    for (const name of fs.readdirSync(folder)) {
      const text = fs.readFileSync(path.join(folder, name), 'utf8');
      for (const d of await findings(text)) {
        if (d.severity === 1) errors.push(`${dir}/${name}:${d.range.start.line + 1}: ${d.code}: ${d.message}`);
      }
    }
  }
  assert.deepEqual(errors, []);
});

// --- through the CLI and the language server -------------------------------------------------------------

test('nomad-exec check --format json reports issue-7 codes with quick-fix data', async () => {
  const { execFileSync } = await import('node:child_process');
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nomad-exec-exec7-'));
  const file = path.join(dir, 'bad.nomad.hcl');
  fs.writeFileSync(file, job({ group: '    network {\n      port "http" {}\n    }', config: '        command = "/opt/x"\n        args = ["${NOMAD_PORT_htp}"]' }));
  const bin = path.resolve(__dirname, '../../bin/nomad-exec');
  let output = '';
  let status = 0;
  try {
    output = execFileSync(process.execPath, [bin, 'check', '--format', 'json', file], { encoding: 'utf8' });
  } catch (error) {
    const failed = error as { status: number; stdout: string };
    status = failed.status;
    output = failed.stdout;
  }
  assert.equal(status, 1, 'errors give exit status 1');
  const [result] = JSON.parse(output) as Array<{ file: string; diagnostics: Diagnostic[] }>;
  const codes = result.diagnostics.map((d) => d.code).sort();
  // The misspelled NOMAD_PORT_htp leaves port "http" unused: a hint.
  assert.deepEqual(codes, ['command-not-in-chroot', 'unknown-variable', 'unused-declaration']);
  const variable = result.diagnostics.find((d) => d.code === 'unknown-variable')!;
  assert.equal(variable.source, 'nomad-exec');
  assert.deepEqual(variable.data, { replacement: 'NOMAD_PORT_http' });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('language server: a typo in args is published, fixed by an edit, and follows chroot_env settings', async () => {
  const { LspClient, testUri } = await import('./helpers/lspClient');
  const client = await LspClient.start();
  try {
    const uri = testUri('exec7.nomad.hcl');
    const text = job({ group: '    network {\n      port "http" {}\n    }', config: '        command = "/opt/x"\n        args = ["${NOMAD_PORT_htp}"]' });
    const version = client.open(uri, text);
    const first = await client.diagnostics(uri, version);
    const variable = first.diagnostics.find((d) => d.code === 'unknown-variable');
    assert.ok(variable);
    assert.deepEqual(variable.data, { replacement: 'NOMAD_PORT_http' });
    assert.ok(first.diagnostics.some((d) => d.code === 'command-not-in-chroot'));
    // Apply the quick fix's edit by hand: replace the range with the suggested name.
    const fixed = client.change(uri, [{ range: variable.range, text: 'NOMAD_PORT_http' }]);
    const second = await client.diagnostics(uri, fixed);
    assert.ok(!second.diagnostics.some((d) => d.code === 'unknown-variable'));
    // A client whose chroot_env brings /opt in: the command is then inside the chroot.
    client.configuration = { nomadExec: { chrootEnv: { '/opt': '/opt' } } };
    client.changeConfiguration();
    const third = await client.diagnostics(uri);
    assert.ok(!third.diagnostics.some((d) => d.code === 'command-not-in-chroot'), JSON.stringify(third.diagnostics));
  } finally {
    await client.stop();
  }
});

test('a command and work_dir under a volume_mount destination are inside the chroot; without the mount both are reported', async () => {
  const volume = '    volume "tools" {\n      type      = "host"\n      source    = "tools"\n      read_only = true\n    }';
  const config = '        command  = "/srv/tools/bin/run"\n        work_dir = "/srv/tools/data"';
  const mount = '      volume_mount {\n        volume      = "tools"\n        destination = "/srv/tools"\n      }';
  const mounted = job({ group: volume, config, task: mount });
  assert.deepEqual(await findings(mounted, 'command-not-in-chroot'), []);
  assert.deepEqual(await findings(mounted, 'work-dir-not-in-chroot'), []);
  assert.deepEqual(await findings(mounted), []);
  // Today's rule for unmounted paths: the same paths with the mount elsewhere are outside the chroot.
  const elsewhere = job({ group: volume, config, task: mount.replace('"/srv/tools"', '"/srv/other"') });
  assert.equal((await findings(elsewhere, 'command-not-in-chroot')).length, 1);
  assert.equal((await findings(elsewhere, 'work-dir-not-in-chroot')).length, 1);
});
